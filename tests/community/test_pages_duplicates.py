"""The "Close as duplicate" page and what a duplicate's page shows: a notice pointing readers
to the original, no answer form, and for moderators a way to reopen it."""

from __future__ import annotations

import html as html_lib

import pytest
from django.test import Client

from community import services
from community.models import Member, Thread
from tests.builders import answer, ask, board_make, logged_in, member_make
from tests.support.moderation_factories import EXPERT, rank

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(asker: Member, helper: Member) -> tuple[Thread, Thread]:
    board = board_make()
    original = ask(helper, board, title="Roaming data not working in France")
    duplicate = ask(asker, board, title="No roaming data in France since Monday")
    return duplicate, original


@pytest.fixture
def expert() -> Member:
    return rank(member_make("expert"), EXPERT)


def page(response: object) -> str:
    return html_lib.unescape(response.content.decode())  # type: ignore[attr-defined]


def close_url(thread: Thread) -> str:
    return f"/threads/{thread.pk}/duplicate/"


def test_the_page_offers_similar_questions_and_closing_points_readers_there(
    pair: tuple[Thread, Thread], expert: Member
) -> None:
    duplicate, original = pair
    client = logged_in(expert)
    thread_page = page(client.get(duplicate.get_absolute_url()))
    assert f'href="{close_url(duplicate)}"' in thread_page

    chooser = page(client.get(close_url(duplicate)))
    assert f'value="{original.pk}"' in chooser and original.title in chooser
    assert f'name="of" value="{duplicate.pk}"' not in chooser  # never itself

    response = client.post(close_url(duplicate), {"of": original.pk})

    assert response.status_code == 302 and response["Location"] == duplicate.get_absolute_url()
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of_id == original.pk
    shown = page(Client().get(duplicate.get_absolute_url()))
    assert "This question is a duplicate of" in shown
    assert f'<a href="{original.get_absolute_url()}">{original.title}</a>' in shown
    assert "Post your answer" not in shown
    assert "answers go to the original" in shown
    assert "Duplicate" in shown


@pytest.mark.parametrize(
    "reference", ["{pk}", "#{pk}", "http://testserver/threads/{pk}/roaming-data/", "/threads/{pk}/"]
)
def test_the_original_can_be_given_by_number_or_link(
    pair: tuple[Thread, Thread], moderator: Member, asker: Member, reference: str
) -> None:
    duplicate, _original = pair
    elsewhere = ask(asker, board_make(), title="Completely unrelated wording")

    response = logged_in(moderator).post(
        close_url(duplicate), {"of_other": reference.format(pk=elsewhere.pk)}
    )

    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of_id == elsewhere.pk


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "Choose the original question."),
        ({"of_other": "the one about roaming"}, "Give the question's number"),
        ({"of_other": "999999"}, "There is no question with that id."),
        ({"of_other": "{self}"}, "can't be a duplicate of itself"),
    ],
)
def test_bad_choices_come_back_with_a_message_and_a_400(
    pair: tuple[Thread, Thread], moderator: Member, form: dict[str, str], message: str
) -> None:
    duplicate, _original = pair
    form = {key: value.format(self=duplicate.pk) for key, value in form.items()}

    response = logged_in(moderator).post(close_url(duplicate), form)

    assert response.status_code == 400
    assert message in page(response)
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of_id is None


def test_members_without_the_rank_see_no_control_and_get_403(
    pair: tuple[Thread, Thread], asker: Member
) -> None:
    duplicate, original = pair
    client = logged_in(asker)

    assert close_url(duplicate) not in page(client.get(duplicate.get_absolute_url()))
    assert client.get(close_url(duplicate)).status_code == 403
    assert client.post(close_url(duplicate), {"of": original.pk}).status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of_id is None


def test_a_moderator_reopens_from_the_notice_and_an_expert_cannot(
    pair: tuple[Thread, Thread], moderator: Member, expert: Member, helper: Member
) -> None:
    duplicate, original = pair
    services.thread_close_duplicate(thread=duplicate, original=original, actor=expert)

    assert "Reopen the question" not in page(logged_in(expert).get(duplicate.get_absolute_url()))
    assert logged_in(expert).post(close_url(duplicate), {"action": "reopen"}).status_code == 403
    client = logged_in(moderator)
    assert "Reopen the question" in page(client.get(duplicate.get_absolute_url()))

    response = client.post(close_url(duplicate), {"action": "reopen"})

    assert response.status_code == 302
    reopened = page(client.get(duplicate.get_absolute_url()))
    assert "The question is open again." in reopened
    assert "This question is a duplicate of" not in reopened
    duplicate.refresh_from_db()
    answer(helper, duplicate)


def test_anonymous_visitors_are_sent_to_sign_in(pair: tuple[Thread, Thread]) -> None:
    duplicate, _original = pair

    response = Client().get(close_url(duplicate))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
