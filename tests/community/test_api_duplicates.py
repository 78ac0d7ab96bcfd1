"""API v1: POST and DELETE /threads/{id}/duplicate/ (docs/api.md, "Community"), and the
thread's `duplicate_of`."""

from __future__ import annotations

import pytest

from community import services
from community.models import Member, Thread
from tests.builders import AN_HOUR, api_client, ask, board_make, member_make
from tests.support.moderation_factories import EXPERT, rank

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(asker: Member, helper: Member) -> tuple[Thread, Thread]:
    board = board_make()
    original = ask(helper, board, title="Data stops working abroad", ago=AN_HOUR)
    duplicate = ask(asker, board, title="No mobile data while travelling", ago=AN_HOUR)
    return duplicate, original


def url(thread: Thread) -> str:
    return f"/api/v1/threads/{thread.pk}/duplicate/"


def test_a_thread_says_duplicate_of_null_until_closed(
    pair: tuple[Thread, Thread], moderator: Member
) -> None:
    duplicate, original = pair
    client = api_client()
    assert client.get(f"/api/v1/threads/{duplicate.pk}/").json()["duplicate_of"] is None

    response = api_client(moderator).post(url(duplicate), {"of": original.pk}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["duplicate_of"], body["status"]) == (
        duplicate.pk,
        original.pk,
        "locked",
    )
    assert client.get(f"/api/v1/threads/{duplicate.pk}/").json()["duplicate_of"] == original.pk
    listed = client.get("/api/v1/threads/").json()["results"]
    assert {t["id"]: t["duplicate_of"] for t in listed}[duplicate.pk] == original.pk


def test_an_expert_may_close_and_the_viewer_block_says_so(pair: tuple[Thread, Thread]) -> None:
    duplicate, original = pair
    expert = rank(member_make("expert"), EXPERT)
    client = api_client(expert)

    assert client.get(f"/api/v1/threads/{duplicate.pk}/").json()["viewer"]["can_close_duplicate"]
    assert client.post(url(duplicate), {"of": original.pk}, format="json").status_code == 200


def test_a_duplicate_takes_no_answers_409(
    pair: tuple[Thread, Thread], moderator: Member, helper: Member
) -> None:
    duplicate, original = pair
    services.thread_close_duplicate(thread=duplicate, original=original, actor=moderator)

    response = api_client(helper).post(
        f"/api/v1/threads/{duplicate.pk}/posts/",
        {"body": "Turn data roaming on in the settings, then restart."},
        format="json",
    )

    assert response.status_code == 409
    assert "duplicate" in response.json()["detail"]


def test_itself_is_a_400_on_of(pair: tuple[Thread, Thread], moderator: Member) -> None:
    duplicate, _original = pair

    response = api_client(moderator).post(url(duplicate), {"of": duplicate.pk}, format="json")

    assert response.status_code == 400
    assert "itself" in response.json()["of"][0]


@pytest.mark.parametrize("body", [{}, {"of": "first"}, {"of": 0}, {"of": 999999}])
def test_a_missing_bad_or_unknown_original_is_a_400_on_of(
    pair: tuple[Thread, Thread], moderator: Member, body: dict[str, object]
) -> None:
    duplicate, _original = pair

    response = api_client(moderator).post(url(duplicate), body, format="json")

    assert response.status_code == 400
    assert response.json()["of"]
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of_id is None


def test_a_hidden_original_is_a_400_with_a_message_for_everyone(
    pair: tuple[Thread, Thread], moderator: Member
) -> None:
    duplicate, original = pair
    services.content_hide(thread=original, reason="moderator", actor_id=moderator.pk)
    expert = rank(member_make("expert"), EXPERT)

    # The moderator sees the hidden question: told it is hidden. The expert cannot see it:
    # for them it does not exist.
    as_moderator = api_client(moderator).post(url(duplicate), {"of": original.pk}, format="json")
    as_expert = api_client(expert).post(url(duplicate), {"of": original.pk}, format="json")

    assert (as_moderator.status_code, as_expert.status_code) == (400, 400)
    assert "hidden" in as_moderator.json()["of"][0]
    assert "no question" in as_expert.json()["of"][0]


def test_a_loop_is_a_400(pair: tuple[Thread, Thread], moderator: Member) -> None:
    duplicate, original = pair
    services.thread_close_duplicate(thread=original, original=duplicate, actor=moderator)

    response = api_client(moderator).post(url(duplicate), {"of": original.pk}, format="json")

    assert response.status_code == 400
    assert "circles" in response.json()["of"][0]


def test_members_without_the_rank_get_403_before_their_input_is_read(
    pair: tuple[Thread, Thread], asker: Member, agent: Member
) -> None:
    duplicate, original = pair

    for member in (asker, agent):
        client = api_client(member)
        assert client.post(url(duplicate), {"of": original.pk}, format="json").status_code == 403
        assert client.post(url(duplicate), {}, format="json").status_code == 403
    assert api_client().post(url(duplicate), {"of": original.pk}, format="json").status_code == 401
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of_id is None


def test_an_unknown_thread_is_404(moderator: Member) -> None:
    response = api_client(moderator).post("/api/v1/threads/999999/duplicate/", {"of": 1})

    assert response.status_code == 404


def test_a_moderator_reopens_with_204_others_get_403_and_twice_is_409(
    pair: tuple[Thread, Thread], moderator: Member
) -> None:
    duplicate, original = pair
    expert = rank(member_make("expert"), EXPERT)
    services.thread_close_duplicate(thread=duplicate, original=original, actor=expert)

    assert api_client(expert).delete(url(duplicate)).status_code == 403
    assert api_client(moderator).delete(url(duplicate)).status_code == 204
    assert api_client(moderator).delete(url(duplicate)).status_code == 409
    body = api_client().get(f"/api/v1/threads/{duplicate.pk}/").json()
    assert (body["duplicate_of"], body["status"]) == (None, "open")
