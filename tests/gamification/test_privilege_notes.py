"""Rank-gated features are explained where members write: the image control disabled with the
rank that unlocks it and the points still needed, links said to show as plain text, and no
Flag for members who may not flag. Never a silent strip."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from community.extensions import PrivilegeLock, privilege_lock_for
from community.models import Member, Thread
from community.privileges import writing_notes
from gamification.models import MemberScore, Rank, Reason
from gamification.services import ledger
from tests.builders import answer, ask, board_make, member_make, moderator_make

pytestmark = pytest.mark.django_db

IMAGES_NOTE = "Images unlock at the Member rank: 35 more points."
LINKS_NOTE = "Links show as plain text until the Member rank: 35 more points."


def with_points(points: int, **kwargs: Any) -> Member:
    member = member_make(**kwargs)
    if points:
        ledger.points_award(
            member_id=member.pk, reason=Reason.KUDOS_ON_ANSWER, source="setup", points=points
        )
    return Member.objects.get(pk=member.pk)


def page(member: Member, url: str) -> str:
    client = Client()
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def thread() -> Thread:
    return ask(member_make("asker"), board_make(), title="My phone will not charge at all")


def test_the_lock_names_the_lowest_rank_that_grants_it_and_the_points_to_go() -> None:
    newcomer = with_points(15)

    assert privilege_lock_for(newcomer, "community.post_images") == PrivilegeLock("Member", 35)
    assert privilege_lock_for(newcomer, "community.retag_thread") == PrivilegeLock("Helper", 185)
    assert privilege_lock_for(with_points(60), "community.post_images") is None


def test_the_lock_follows_the_ranks_staff_set() -> None:
    Rank.objects.filter(name="Member").update(privileges=["flag"])
    newcomer = with_points(15)

    assert privilege_lock_for(newcomer, "community.post_images") == PrivilegeLock("Helper", 185)
    assert privilege_lock_for(newcomer, "community.flag_content") == PrivilegeLock("Member", 35)


def test_when_no_rank_grants_it_the_note_says_so() -> None:
    for rank in Rank.objects.all():
        rank.privileges = [p for p in rank.privileges if p != "post_images"]
        rank.save()

    notes = writing_notes(with_points(15))

    assert notes["images"] == "Your rank does not let you post images."
    assert notes["links"] == LINKS_NOTE


def test_staff_and_members_who_may_see_no_notes() -> None:
    assert writing_notes(with_points(50)) == {"images": "", "links": ""}
    assert writing_notes(moderator_make()) == {"images": "", "links": ""}


@pytest.mark.parametrize("where", ["ask", "answer", "edit"])
def test_a_newcomer_sees_the_image_control_disabled_with_the_reason(
    where: str, thread: Thread
) -> None:
    newcomer = with_points(15, username="newbie")
    if where == "ask":
        url = reverse("thread-ask")
    elif where == "answer":
        url = thread.get_absolute_url()
    else:
        url = reverse("post-edit", args=[answer(newcomer, thread).pk])

    html = page(newcomer, url)

    to_go = 50 - MemberScore.objects.get(member=newcomer).points  # answering may have paid
    assert f"Images unlock at the Member rank: {to_go} more points." in html
    assert f"Links show as plain text until the Member rank: {to_go} more points." in html
    assert "data-upload-to" not in html  # no file input to pick an image with
    assert "disabled aria-describedby=" in html
    assert "Images show as their description for now." in html  # in the preview box


def test_a_member_gets_the_upload_and_no_notes(thread: Thread) -> None:
    html = page(with_points(50), thread.get_absolute_url())

    assert "data-upload-to" in html
    assert "unlock" not in html
    assert "plain text" not in html


def test_the_htmx_answer_box_keeps_the_notes_after_a_form_error(thread: Thread) -> None:
    client = Client()
    client.force_login(with_points(15))

    response = client.post(
        reverse("post-create", args=[thread.pk]), {"body": "short"}, HTTP_HX_REQUEST="true"
    )

    assert IMAGES_NOTE in response.content.decode()


def test_a_newcomers_upload_is_refused_with_the_reason() -> None:
    client = Client()
    client.force_login(with_points(15))

    response = client.post(reverse("attachment-upload"), {})

    assert response.status_code == 403
    assert response.json()["detail"] == IMAGES_NOTE


def test_the_flag_link_is_shown_only_to_members_who_may_flag(thread: Thread) -> None:
    post = answer(member_make("helper"), thread)
    flag_url = reverse("flag-post", args=[post.pk])

    assert flag_url not in page(with_points(15), thread.get_absolute_url())
    assert flag_url in page(with_points(50), thread.get_absolute_url())


def test_the_notes_speak_italian() -> None:
    client = Client()
    client.force_login(with_points(0))

    html = client.get(reverse("thread-ask"), HTTP_ACCEPT_LANGUAGE="it").content.decode()

    assert "Le immagini si sbloccano al grado Member: ti mancano 50 punti." in html
    assert "I link appaiono come testo semplice fino al grado Member" in html
