"""API v1, Community: boards, threads, following, locking and similar questions (docs/api.md)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache

from community import services
from community.models import Board, Member, Revision, Subscription, Thread
from tests import builders
from tests.builders import AN_HOUR, answer, api_client, board_make
from tests.community.content_factories import tag_create
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

THREAD_FIELDS = {
    "id",
    "board",
    "title",
    "body",
    "body_html",
    "author",
    "tags",
    "status",
    "answer_count",
    "kudos_count",
    "view_count",
    "solution",
    "escalated",
    "pending_review",
    "duplicate_of",
    "known_issue",
    "created_at",
    "last_activity_at",
    "edited_at",
    "url",
}
MEMBER_FIELDS = {"username", "display_name", "avatar_url", "rank", "is_staff", "url", "is_deleted"}
GOOD_BODY = "The card top-up fails with error 51 every time I try it."


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    # Views are counted once an hour per viewer in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def board(db: None) -> Board:
    return board_make(slug="billing", name="Billing & Top-ups")


@pytest.fixture
def thread(asker: Member, board: Board) -> Thread:
    tag_create(slug="cards")
    return builders.ask(
        author=asker, board=board, title="My card top-up keeps failing", tags=["cards"], ago=AN_HOUR
    )


def ask(client: Any, **overrides: Any) -> Any:
    payload = {"board": "billing", "title": "Top-up fails with error 51", "body": GOOD_BODY}
    payload.update(overrides)
    return client.post("/api/v1/threads/", payload, format="json")


# ---------------------------------------------------------------------------- boards


def test_anyone_lists_the_boards_with_their_counts_and_pages(board: Board, asker: Member) -> None:
    builders.ask(author=asker, board=board, ago=AN_HOUR)

    response = api_client().get("/api/v1/boards/")

    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None and body["previous"] is None
    assert body["results"] == [
        {
            "id": board.pk,
            "slug": "billing",
            "name": "Billing & Top-ups",
            "description": board.description,
            "thread_count": 1,
            "url": "/boards/billing/",
        }
    ]


def test_the_boards_cannot_be_written_through_the_api(asker: Member, board: Board) -> None:
    assert api_client().post("/api/v1/boards/", {"slug": "x"}).status_code == 401
    assert api_client(asker).post("/api/v1/boards/", {"slug": "x"}).status_code == 405


# ---------------------------------------------------------------------------- thread list


def test_anyone_lists_threads_with_every_field_of_the_contract(thread: Thread) -> None:
    response = api_client().get("/api/v1/threads/")

    assert response.status_code == 200
    [item] = response.json()["results"]
    assert set(item) == THREAD_FIELDS
    assert item["id"] == thread.pk
    assert item["board"] == "billing"
    assert item["tags"] == ["cards"]
    assert item["status"] == "open"
    assert item["solution"] is None
    assert item["escalated"] is False
    assert item["pending_review"] is False
    assert item["url"] == thread.get_absolute_url()
    assert item["created_at"].endswith("Z") or "+" in item["created_at"]
    assert set(item["author"]) == MEMBER_FIELDS
    assert item["author"] == {
        "username": "asker",
        "display_name": "Anna Asker",
        "avatar_url": None,
        # Asking earned a point, and with it the first rank.
        "rank": {"name": "Newcomer", "label": "Newcomer", "level": 1},
        "is_staff": False,
        "url": "/members/asker/",
        "is_deleted": False,
    }


def test_staff_authors_are_marked_as_staff(agent: Member, moderator: Member, board: Board) -> None:
    builders.ask(author=agent, board=board, ago=AN_HOUR)
    builders.ask(author=moderator, board=board, ago=AN_HOUR)

    results = api_client().get("/api/v1/threads/").json()["results"]

    assert {item["author"]["username"]: item["author"]["is_staff"] for item in results} == {
        "agent": True,
        "moderator": True,
    }


def test_a_member_without_a_display_name_shows_the_username(board: Board) -> None:
    plain = MemberFactory.create(username="plain", display_name="")
    builders.ask(author=plain, board=board, ago=AN_HOUR)

    [item] = api_client().get("/api/v1/threads/").json()["results"]

    assert item["author"]["display_name"] == "plain"


@pytest.fixture
def assorted(asker: Member, helper: Member, moderator: Member, board: Board) -> dict[str, Thread]:
    """Four threads, one of each status, in another board or with another tag each."""
    other_board = board_make(slug="roaming")
    tag_create(slug="esim")
    tag_create(slug="cards")
    unanswered = builders.ask(author=asker, board=board, tags=["esim"], ago=timedelta(hours=4))
    answered = builders.ask(author=helper, board=board, ago=timedelta(hours=3))
    answer(thread=answered, author=asker, ago=timedelta(hours=3))
    solved = builders.ask(author=asker, board=other_board, tags=["cards"], ago=timedelta(hours=2))
    services.solution_accept(
        thread=solved, post=answer(thread=solved, author=helper, ago=AN_HOUR), actor=asker
    )
    services.kudos_give(giver=helper, thread=solved)
    locked = builders.ask(author=helper, board=other_board, ago=timedelta(hours=1))
    services.thread_lock(thread=locked, actor=moderator, locked=True)
    return {"unanswered": unanswered, "answered": answered, "solved": solved, "locked": locked}


def listed(query: str) -> list[int]:
    response = api_client().get(f"/api/v1/threads/?{query}")
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["results"]]


def test_threads_filter_by_status(assorted: dict[str, Thread]) -> None:
    ids = {name: thread.pk for name, thread in assorted.items()}

    assert set(listed("status=open")) == {ids["unanswered"], ids["answered"]}
    assert listed("status=solved") == [ids["solved"]]
    assert listed("status=unanswered") == [ids["unanswered"]]
    assert listed("status=locked") == [ids["locked"]]


def test_threads_filter_by_board_tag_and_author(assorted: dict[str, Thread]) -> None:
    ids = {name: thread.pk for name, thread in assorted.items()}

    assert set(listed("board=roaming")) == {ids["solved"], ids["locked"]}
    assert listed("tag=esim") == [ids["unanswered"]]
    assert set(listed("author=helper")) == {ids["answered"], ids["locked"]}
    assert set(listed("author=HELPER")) == {ids["answered"], ids["locked"]}
    assert listed("board=billing&author=asker") == [ids["unanswered"]]


def test_threads_are_ordered_by_activity_creation_or_kudos(assorted: dict[str, Thread]) -> None:
    ids = {name: thread.pk for name, thread in assorted.items()}

    by_activity = listed("")
    assert by_activity == listed("ordering=-last_activity_at")
    assert by_activity[0] == ids["solved"]  # its answer is the newest activity
    assert listed("ordering=-created_at") == [
        ids["locked"],
        ids["solved"],
        ids["answered"],
        ids["unanswered"],
    ]
    assert listed("ordering=-kudos_count")[0] == ids["solved"]


def test_an_empty_filter_value_means_no_filter(assorted: dict[str, Thread]) -> None:
    assert len(listed("board=&status=&tag=&author=&ordering=")) == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=closed", "status"),
        ("status=OPEN", "status"),
        ("ordering=title", "ordering"),
        ("ordering=last_activity_at", "ordering"),
        ("board=no-such-board", "board"),
        ("tag=no-such-tag", "tag"),
        ("author=nobody-at-all", "author"),
        ("board=" + "b" * 5000, "board"),
        ("author=ann%00a", "author"),
        ("tag=%00", "tag"),
    ],
)
def test_an_invalid_filter_is_a_400_naming_the_filter(
    assorted: dict[str, Thread], query: str, field: str
) -> None:
    response = api_client().get(f"/api/v1/threads/?{query}")

    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field]
    assert body[field] and all(isinstance(message, str) for message in body[field])


def test_an_unknown_board_says_which_board_is_unknown(board: Board) -> None:
    response = api_client().get("/api/v1/threads/?board=nowhere")

    assert response.json() == {"board": ["There is no board called “nowhere”."]}


def test_a_page_holds_at_most_fifty_threads(asker: Member, board: Board) -> None:
    for _ in range(52):
        builders.ask(author=asker, board=board, ago=AN_HOUR)

    response = api_client().get("/api/v1/threads/?page_size=500")

    body = response.json()
    assert len(body["results"]) == 50
    assert body["next"].endswith("page=2&page_size=500")
    second = api_client().get(body["next"]).json()
    assert len(second["results"]) == 2
    assert second["next"] is None
    assert second["previous"] is not None


def test_a_page_past_the_end_is_a_404(thread: Thread) -> None:
    assert api_client().get("/api/v1/threads/?page=9").status_code == 404
    assert api_client().get("/api/v1/threads/?page=abc").status_code == 404


# ---------------------------------------------------------------------------- asking


def test_a_member_asks_a_question_and_gets_201_with_the_thread(
    helper: Member, board: Board
) -> None:
    tag_create(slug="cards")

    response = ask(api_client(helper), tags=["cards"])

    assert response.status_code == 201
    body = response.json()
    thread = Thread.objects.get()
    assert response["Location"] == f"/api/v1/threads/{thread.pk}/"
    assert set(body) == THREAD_FIELDS | {"viewer"}
    assert body["id"] == thread.pk
    assert body["author"]["username"] == "helper"
    assert body["title"] == "Top-up fails with error 51"
    assert body["body"] == GOOD_BODY
    assert body["body_html"] == f"<p>{GOOD_BODY}</p>"
    assert body["tags"] == ["cards"]
    assert body["status"] == "open"
    assert body["viewer"]["following"] is True  # the asker follows their question
    assert body["viewer"]["can_edit"] is True
    board.refresh_from_db()
    assert board.thread_count == 1


def test_an_anonymous_visitor_cannot_ask(board: Board) -> None:
    response = ask(api_client())

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert not Thread.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"board": "nowhere"}, "board"),
        ({"board": None}, "board"),
        ({"board": 7}, "board"),
        ({"title": "Too short"}, "title"),
        ({"title": "x" * 151}, "title"),
        ({"title": ["a", "list"]}, "title"),
        ({"body": "Too short"}, "body"),
        ({"body": 12345678901234567890123}, "body"),
        ({"body": "b" * 1_000_000}, "body"),
        ({"body": GOOD_BODY + "\x00"}, "body"),
        ({"tags": "cards"}, "tags"),
        ({"tags": {"slug": "cards"}}, "tags"),
        ({"tags": [1, 2]}, "tags"),
        ({"tags": ["no-such-tag"]}, "tags"),
        ({"tags": ["t1", "t2", "t3", "t4", "t5", "t6"]}, "tags"),
    ],
)
def test_bad_questions_are_400_on_the_field_at_fault(
    helper: Member, board: Board, overrides: dict[str, Any], field: str
) -> None:
    for n in range(1, 7):
        tag_create(slug=f"t{n}")

    response = ask(api_client(helper), **overrides)

    assert response.status_code == 400
    body = response.json()
    assert field in body
    assert all(isinstance(message, str) for message in body[field])
    assert not Thread.objects.exists()


def test_a_question_without_any_field_lists_every_missing_field(helper: Member) -> None:
    response = api_client(helper).post("/api/v1/threads/", {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"board", "title", "body"}


def test_malformed_json_is_a_400_with_a_detail(helper: Member, board: Board) -> None:
    response = api_client(helper).post(
        "/api/v1/threads/", '{"board": "billing",', content_type="application/json"
    )

    assert response.status_code == 400
    assert "detail" in response.json()


def test_a_json_list_instead_of_an_object_is_a_400_with_a_detail(
    helper: Member, board: Board
) -> None:
    response = api_client(helper).post("/api/v1/threads/", ["billing"], format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"detail"}


def test_asking_twice_within_the_posting_gap_is_429_with_retry_after(
    helper: Member, board: Board
) -> None:
    client = api_client(helper)
    assert ask(client).status_code == 201

    response = ask(client, title="A second question, right away", body=GOOD_BODY + " Again.")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 30
    assert "too quickly" in response.json()["detail"]
    assert Thread.objects.count() == 1


# ---------------------------------------------------------------------------- one thread


def test_anyone_reads_a_thread_and_the_viewer_may_do_nothing(thread: Thread) -> None:
    response = api_client().get(f"/api/v1/threads/{thread.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == THREAD_FIELDS | {"viewer"}
    assert body["viewer"] == {
        "kudos_given": False,
        "following": False,
        "can_edit": False,
        "can_retag": False,
        "can_delete": False,
        "can_accept_solution": False,
        "can_lock": False,
        "can_close_duplicate": False,
    }


def test_the_viewer_block_tells_a_moderator_what_they_may_do(
    thread: Thread, moderator: Member
) -> None:
    viewer = api_client(moderator).get(f"/api/v1/threads/{thread.pk}/").json()["viewer"]

    assert viewer == {
        "kudos_given": False,
        "following": False,
        "can_edit": True,
        "can_retag": True,
        "can_delete": True,
        "can_accept_solution": True,
        "can_lock": True,
        "can_close_duplicate": True,
    }


def test_reading_a_thread_counts_one_view_per_viewer_an_hour(
    thread: Thread, helper: Member
) -> None:
    client = api_client(helper)

    assert client.get(f"/api/v1/threads/{thread.pk}/").json()["view_count"] == 1
    assert client.get(f"/api/v1/threads/{thread.pk}/").json()["view_count"] == 1
    assert api_client().get(f"/api/v1/threads/{thread.pk}/").json()["view_count"] == 2


@pytest.mark.parametrize("path", ["/api/v1/threads/999999/", "/api/v1/threads/" + "9" * 40 + "/"])
def test_a_thread_that_does_not_exist_is_a_404(db: None, path: str) -> None:
    response = api_client().get(path)

    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


# ---------------------------------------------------------------------------- editing


def test_the_author_edits_the_question_and_a_revision_is_kept(
    thread: Thread, asker: Member
) -> None:
    tag_create(slug="esim")

    response = api_client(asker).patch(
        f"/api/v1/threads/{thread.pk}/",
        {"title": "My card top-up fails with error 51", "tags": ["esim", "cards"]},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "My card top-up fails with error 51"
    assert sorted(body["tags"]) == ["cards", "esim"]
    assert body["body"] == thread.body  # untouched
    assert body["edited_at"] is not None
    revision = Revision.objects.get(thread=thread)
    assert revision.editor == asker
    assert revision.title_before == "My card top-up keeps failing"


def test_an_edit_that_changes_nothing_keeps_no_revision(thread: Thread, asker: Member) -> None:
    response = api_client(asker).patch(f"/api/v1/threads/{thread.pk}/", {}, format="json")

    assert response.status_code == 200
    assert not Revision.objects.exists()


def test_a_moderator_edits_anyones_question(thread: Thread, moderator: Member) -> None:
    response = api_client(moderator).patch(
        f"/api/v1/threads/{thread.pk}/", {"body": GOOD_BODY}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["body"] == GOOD_BODY
    assert Revision.objects.get(thread=thread).editor == moderator


@pytest.mark.parametrize("persona", ["helper", "agent", "outsider"])
def test_other_members_may_not_edit_a_question(
    thread: Thread, persona: str, request: pytest.FixtureRequest
) -> None:
    member = request.getfixturevalue(persona)

    response = api_client(member).patch(
        f"/api/v1/threads/{thread.pk}/", {"title": "Hijacked title here"}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "You can't edit this question."}
    thread.refresh_from_db()
    assert thread.title == "My card top-up keeps failing"


def test_an_anonymous_visitor_cannot_edit_a_question(thread: Thread) -> None:
    response = api_client().patch(
        f"/api/v1/threads/{thread.pk}/", {"title": "Hijacked title here"}, format="json"
    )

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "short"}, "title"),
        ({"title": None}, "title"),
        ({"body": 42}, "body"),
        ({"body": ""}, "body"),
        ({"tags": "cards"}, "tags"),
        ({"tags": ["unknown"]}, "tags"),
    ],
)
def test_bad_edits_are_400_on_the_field_at_fault(
    thread: Thread, asker: Member, payload: dict[str, Any], field: str
) -> None:
    response = api_client(asker).patch(f"/api/v1/threads/{thread.pk}/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Revision.objects.exists()


def test_editing_a_thread_that_does_not_exist_is_a_404(asker: Member) -> None:
    response = api_client(asker).patch("/api/v1/threads/424242/", {}, format="json")

    assert response.status_code == 404


def test_a_thread_cannot_be_replaced_with_put(thread: Thread, asker: Member) -> None:
    response = api_client(asker).put(f"/api/v1/threads/{thread.pk}/", {}, format="json")

    assert response.status_code == 405


# ---------------------------------------------------------------------------- deleting


def test_the_author_deletes_a_question_without_answers(thread: Thread, asker: Member) -> None:
    response = api_client(asker).delete(f"/api/v1/threads/{thread.pk}/")

    assert response.status_code == 204
    assert not Thread.objects.exists()
    assert Board.objects.get().thread_count == 0


def test_the_author_cannot_delete_a_question_with_answers(
    thread: Thread, asker: Member, helper: Member
) -> None:
    answer(thread=thread, author=helper, ago=AN_HOUR)

    response = api_client(asker).delete(f"/api/v1/threads/{thread.pk}/")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "This question has answers, so it can't be deleted. Edit it instead."
    }
    assert Thread.objects.exists()


def test_a_moderator_deletes_a_question_with_answers(
    thread: Thread, helper: Member, moderator: Member
) -> None:
    answer(thread=thread, author=helper, ago=AN_HOUR)

    response = api_client(moderator).delete(f"/api/v1/threads/{thread.pk}/")

    assert response.status_code == 204
    assert not Thread.objects.exists()


@pytest.mark.parametrize("persona", ["helper", "agent", "outsider"])
def test_other_members_may_not_delete_a_question(
    thread: Thread, persona: str, request: pytest.FixtureRequest
) -> None:
    response = api_client(request.getfixturevalue(persona)).delete(f"/api/v1/threads/{thread.pk}/")

    assert response.status_code == 403
    assert response.json() == {"detail": "You can't delete this question."}
    assert Thread.objects.exists()


def test_an_anonymous_visitor_cannot_delete_a_question(thread: Thread) -> None:
    assert api_client().delete(f"/api/v1/threads/{thread.pk}/").status_code == 401
    assert Thread.objects.exists()


def test_deleting_a_thread_that_does_not_exist_is_a_404(moderator: Member) -> None:
    assert api_client(moderator).delete("/api/v1/threads/424242/").status_code == 404


# ---------------------------------------------------------------------------- following


def test_a_member_follows_a_thread_with_201_then_200(thread: Thread, helper: Member) -> None:
    client = api_client(helper)
    url = f"/api/v1/threads/{thread.pk}/subscription/"

    first = client.post(url)
    again = client.post(url)

    assert first.status_code == 201
    assert first.json() == {"following": True}
    assert again.status_code == 200
    assert again.json() == {"following": True}
    assert Subscription.objects.filter(member=helper, thread=thread).count() == 1
    assert client.get(f"/api/v1/threads/{thread.pk}/").json()["viewer"]["following"] is True


def test_the_asker_already_follows_their_question(thread: Thread, asker: Member) -> None:
    response = api_client(asker).post(f"/api/v1/threads/{thread.pk}/subscription/")

    assert response.status_code == 200


def test_unfollowing_is_204_whether_or_not_the_member_followed(
    thread: Thread, asker: Member
) -> None:
    client = api_client(asker)
    url = f"/api/v1/threads/{thread.pk}/subscription/"

    assert client.delete(url).status_code == 204
    assert not Subscription.objects.filter(member=asker).exists()
    assert client.delete(url).status_code == 204


def test_an_anonymous_visitor_cannot_follow_or_unfollow(thread: Thread) -> None:
    url = f"/api/v1/threads/{thread.pk}/subscription/"

    assert api_client().post(url).status_code == 401
    assert api_client().delete(url).status_code == 401


def test_following_a_thread_that_does_not_exist_is_a_404(helper: Member) -> None:
    assert api_client(helper).post("/api/v1/threads/424242/subscription/").status_code == 404


# ---------------------------------------------------------------------------- locking


def test_a_moderator_locks_and_unlocks_a_thread(thread: Thread, moderator: Member) -> None:
    client = api_client(moderator)
    url = f"/api/v1/threads/{thread.pk}/lock/"

    locked = client.post(url)
    assert locked.status_code == 200
    assert locked.json()["status"] == "locked"

    unlocked = client.delete(url)
    assert unlocked.status_code == 200
    assert unlocked.json()["status"] == "open"


@pytest.mark.parametrize("persona", ["asker", "helper", "agent"])
def test_only_moderators_lock_threads(
    thread: Thread, persona: str, request: pytest.FixtureRequest
) -> None:
    response = api_client(request.getfixturevalue(persona)).post(
        f"/api/v1/threads/{thread.pk}/lock/"
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "Only moderators can lock or unlock threads."}
    thread.refresh_from_db()
    assert not thread.is_locked


def test_an_anonymous_visitor_cannot_lock_a_thread(thread: Thread) -> None:
    assert api_client().post(f"/api/v1/threads/{thread.pk}/lock/").status_code == 401


# ---------------------------------------------------------------------------- similar


def test_anyone_gets_similar_questions_as_a_plain_list(thread: Thread, asker: Member) -> None:
    builders.ask(author=asker, title="Where do I change my password?", ago=AN_HOUR)

    response = api_client().get("/api/v1/threads/similar/", {"title": "card top-up failing"})

    assert response.status_code == 200
    [item] = response.json()
    assert item["id"] == thread.pk
    assert set(item) == {"id", "title", "status", "url", "score", "solution"}
    assert item["solution"] is None
    assert item["status"] == "open"
    assert item["url"] == thread.get_absolute_url()
    assert item["score"] > 0


def test_similar_questions_of_a_blank_title_are_none(thread: Thread) -> None:
    response = api_client().get("/api/v1/threads/similar/", {"title": "  "})

    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize("query", ["", "?title=" + "x" * 151])
def test_similar_questions_need_a_title_of_at_most_150_characters(db: None, query: str) -> None:
    response = api_client().get(f"/api/v1/threads/similar/{query}")

    assert response.status_code == 400
    assert "title" in response.json()
