"""The "Your data" section of the settings page: the download, the deletion with its
password, and how a deleted member then appears on the pages."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from community.models import Member
from tests.builders import agent_make, answer, ask, logged_in, member_make
from tests.community.privacy_world import INTERNAL_NOTE, privacy_world
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_settings_page_offers_the_download_and_the_deletion() -> None:
    page = logged_in(member_make()).get("/settings/profile/").content.decode()

    assert "Your data" in page
    assert 'href="/settings/data/"' in page
    assert 'href="/settings/delete/"' in page


def test_the_download_is_a_json_file_of_everything_without_internal_notes() -> None:
    world = privacy_world()

    response = logged_in(world.member).get("/settings/data/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["display_name"] == "Olive Owner"
    assert data["cases"][0]["messages"]
    assert INTERNAL_NOTE not in response.content.decode()


def test_the_pages_send_a_visitor_to_sign_in() -> None:
    for path in ("/settings/data/", "/settings/delete/"):
        response = Client().get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_wrong_password_shows_the_form_again_with_the_error() -> None:
    member = member_make("olive")

    response = logged_in(member).post("/settings/delete/", {"password": "nope"})

    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    assert Member.objects.get(pk=member.pk).deleted_at is None


def test_a_staff_member_is_told_to_lose_the_roles_first() -> None:
    agent = agent_make("agnes")

    response = logged_in(agent).post("/settings/delete/", {"password": PASSWORD})

    assert response.status_code == 409
    assert "remove the staff roles" in response.content.decode()


def test_deleting_signs_out_and_the_content_stays_as_a_deleted_member() -> None:
    member = member_make("olive", display_name="Olive Owner")
    thread = ask(member, title="My top-up did not arrive")
    answer(member_make(), thread)
    others = ask(member_make(), title="Which plan for a tablet?")
    answer(member, others, body="The data-only plan works well for me.")
    client = logged_in(member)
    assert "Delete my account" in client.get("/settings/delete/").content.decode()

    response = client.post("/settings/delete/", {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert "Your account has been deleted." in response.content.decode()
    assert not response.context["user"].is_authenticated
    page = Client().get(thread.get_absolute_url()).content.decode()
    assert "Deleted member" in page
    assert "Olive Owner" not in page
    assert "/members/olive/" not in page
    assert 'href=""' not in page  # no link to a profile that is gone
    answered = Client().get(others.get_absolute_url()).content.decode()
    assert "The data-only plan works well for me." in answered
    assert "Deleted member" in answered and 'href=""' not in answered
    assert Client().get("/members/olive/").status_code == 404
    assert Client().get(f"/members/deleted-{member.pk}/").status_code == 404


def test_removing_content_is_offered_and_honoured() -> None:
    member = member_make("olive")
    unanswered = ask(member)
    client = logged_in(member)
    assert (
        "Also remove my questions and answers" in client.get("/settings/delete/").content.decode()
    )

    client.post("/settings/delete/", {"password": PASSWORD, "remove_content": "on"})

    assert Client().get(f"/threads/{unanswered.pk}/").status_code == 404


def test_the_delete_page_reads_in_italian() -> None:
    client = logged_in(member_make())
    client.cookies["django_language"] = "it"

    page = client.get("/settings/delete/").content.decode()

    assert "Elimina il mio account" in page
    assert "La tua password" in page


def test_guessing_the_password_on_the_page_is_locked_out_after_five_tries() -> None:
    cache.clear()
    member = member_make("olive")
    client = logged_in(member)
    for _ in range(5):
        assert client.post("/settings/delete/", {"password": "guess"}).status_code == 400

    response = client.post("/settings/delete/", {"password": PASSWORD})

    assert response.status_code == 429
    assert "Too many failed login attempts" in response.content.decode()
    assert Member.objects.get(pk=member.pk).deleted_at is None
    cache.clear()
