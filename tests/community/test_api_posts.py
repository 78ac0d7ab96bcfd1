"""API v1, Community: the answers of a thread, answering, editing and deleting (docs/api.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from community import services
from community.models import Member, Post, Revision, Thread
from tests import builders
from tests.builders import AN_HOUR, api_client, ask

pytestmark = pytest.mark.django_db

POST_FIELDS = {
    "id",
    "thread",
    "author",
    "body",
    "body_html",
    "kudos_count",
    "is_solution",
    "created_at",
    "edited_at",
    "pending_review",
    "url",
    "viewer",
}
ANSWER = "Open the app, choose Top up and then pay by card."


@pytest.fixture
def thread(asker: Member) -> Thread:
    return ask(author=asker, title="My card top-up keeps failing", ago=AN_HOUR)


@pytest.fixture
def post(thread: Thread, helper: Member) -> Post:
    return builders.answer(thread=thread, author=helper, body=ANSWER, ago=AN_HOUR)


def answer(client: Any, thread: Thread, body: Any = ANSWER) -> Any:
    return client.post(f"/api/v1/threads/{thread.pk}/posts/", {"body": body}, format="json")


# ---------------------------------------------------------------------------- reading


def test_anyone_reads_the_answers_with_the_solution_first(
    thread: Thread, asker: Member, helper: Member, outsider: Member
) -> None:
    first = builders.answer(thread=thread, author=helper, ago=timedelta(hours=3))
    second = builders.answer(thread=thread, author=outsider, ago=timedelta(hours=2))
    third = builders.answer(thread=thread, author=helper, ago=timedelta(hours=1))
    services.solution_accept(thread=thread, post=second, actor=asker)

    response = api_client().get(f"/api/v1/threads/{thread.pk}/posts/")

    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None and body["previous"] is None
    assert [item["id"] for item in body["results"]] == [second.pk, first.pk, third.pk]
    assert [item["is_solution"] for item in body["results"]] == [True, False, False]


def test_an_answer_carries_every_field_of_the_contract(post: Post) -> None:
    [item] = api_client().get(f"/api/v1/threads/{post.thread_id}/posts/").json()["results"]

    assert set(item) == POST_FIELDS
    assert item["id"] == post.pk
    assert item["thread"] == post.thread_id
    assert item["author"]["username"] == "helper"
    assert item["body"] == ANSWER
    assert item["body_html"] == f"<p>{ANSWER}</p>"
    assert item["kudos_count"] == 0
    assert item["edited_at"] is None
    assert item["url"] == f"/posts/{post.pk}/"
    assert item["viewer"] == {"kudos_given": False, "can_edit": False, "can_delete": False}


def test_the_viewer_block_tells_the_author_and_a_moderator_what_they_may_do(
    post: Post, helper: Member, moderator: Member, asker: Member
) -> None:
    url = f"/api/v1/posts/{post.pk}/"

    assert api_client(helper).get(url).json()["viewer"] == {
        "kudos_given": False,
        "can_edit": True,
        "can_delete": True,
    }
    assert api_client(moderator).get(url).json()["viewer"]["can_delete"] is True
    assert api_client(asker).get(url).json()["viewer"]["can_edit"] is False


def test_anyone_reads_one_answer(post: Post) -> None:
    response = api_client().get(f"/api/v1/posts/{post.pk}/")

    assert response.status_code == 200
    assert response.json()["id"] == post.pk


@pytest.mark.parametrize(
    "path",
    ["/api/v1/threads/424242/posts/", "/api/v1/posts/424242/", "/api/v1/posts/9" + "9" * 30 + "/"],
)
def test_answers_of_nothing_are_a_404(db: None, path: str) -> None:
    assert api_client().get(path).status_code == 404


# ---------------------------------------------------------------------------- answering


def test_a_member_answers_and_gets_201_with_the_answer(thread: Thread, helper: Member) -> None:
    response = answer(api_client(helper), thread)

    assert response.status_code == 201
    body = response.json()
    post = Post.objects.get()
    assert set(body) == POST_FIELDS
    assert body["id"] == post.pk
    assert body["thread"] == thread.pk
    assert body["author"]["username"] == "helper"
    assert body["is_solution"] is False
    assert body["viewer"]["can_edit"] is True
    thread.refresh_from_db()
    assert thread.answer_count == 1


def test_an_anonymous_visitor_cannot_answer(thread: Thread) -> None:
    response = answer(api_client(), thread)

    assert response.status_code == 401
    assert not Post.objects.exists()


def test_answering_a_locked_thread_is_a_409(
    thread: Thread, helper: Member, moderator: Member
) -> None:
    services.thread_lock(thread=thread, actor=moderator, locked=True)

    response = answer(api_client(helper), thread)

    assert response.status_code == 409
    assert response.json() == {"detail": "This thread is locked: it takes no new answers."}
    assert not Post.objects.exists()


def test_answering_a_thread_that_does_not_exist_is_a_404(helper: Member) -> None:
    response = api_client(helper).post(
        "/api/v1/threads/424242/posts/", {"body": ANSWER}, format="json"
    )

    assert response.status_code == 404


@pytest.mark.parametrize(
    "body", ["short", "", None, 1234567890123, ["a list of words"], {"text": ANSWER}, "x" * 20_001]
)
def test_bad_answers_are_a_400_on_the_body(thread: Thread, helper: Member, body: Any) -> None:
    response = answer(api_client(helper), thread, body)

    assert response.status_code == 400
    assert list(response.json()) == ["body"]
    assert not Post.objects.exists()


def test_an_answer_without_a_body_is_a_400(thread: Thread, helper: Member) -> None:
    response = api_client(helper).post(f"/api/v1/threads/{thread.pk}/posts/", {}, format="json")

    assert response.status_code == 400
    assert response.json() == {"body": ["This field is required."]}


def test_a_member_posting_twice_within_five_seconds_gets_429_with_retry_after(
    thread: Thread, helper: Member
) -> None:
    # A member of some standing: the gap is 5 seconds (30 in a member's first day).
    Member.objects.filter(pk=helper.pk).update(date_joined=timezone.now() - timedelta(days=30))
    client = api_client(helper)
    assert answer(client, thread).status_code == 201

    response = answer(client, thread, ANSWER + " Or try another card.")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 5
    assert response.json()["detail"].startswith("You're posting too quickly.")
    assert Post.objects.count() == 1


def test_a_new_member_waits_thirty_seconds_between_posts(thread: Thread, helper: Member) -> None:
    client = api_client(helper)
    assert answer(client, thread).status_code == 201

    response = answer(client, thread, ANSWER + " Or try another card.")

    assert response.status_code == 429
    assert 5 < int(response["Retry-After"]) <= 30


def test_staff_are_not_rate_limited(thread: Thread, agent: Member) -> None:
    client = api_client(agent)

    assert answer(client, thread).status_code == 201
    assert answer(client, thread, ANSWER + " Or try another card.").status_code == 201


# ---------------------------------------------------------------------------- editing


def test_the_author_edits_an_answer_and_a_revision_is_kept(post: Post, helper: Member) -> None:
    new_body = ANSWER + " It takes a minute."

    response = api_client(helper).patch(
        f"/api/v1/posts/{post.pk}/", {"body": new_body}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["body"] == new_body
    assert response.json()["edited_at"] is not None
    revision = Revision.objects.get(post=post)
    assert (revision.body_before, revision.body_after) == (ANSWER, new_body)


def test_a_moderator_edits_anyones_answer(post: Post, moderator: Member) -> None:
    response = api_client(moderator).patch(
        f"/api/v1/posts/{post.pk}/", {"body": ANSWER + " (edited)"}, format="json"
    )

    assert response.status_code == 200
    assert Revision.objects.get(post=post).editor == moderator


@pytest.mark.parametrize("persona", ["asker", "agent", "outsider"])
def test_other_members_may_not_edit_an_answer(
    post: Post, persona: str, request: pytest.FixtureRequest
) -> None:
    response = api_client(request.getfixturevalue(persona)).patch(
        f"/api/v1/posts/{post.pk}/", {"body": "Something else entirely."}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "You can't edit this answer."}
    post.refresh_from_db()
    assert post.body == ANSWER


def test_an_anonymous_visitor_cannot_edit_an_answer(post: Post) -> None:
    response = api_client().patch(
        f"/api/v1/posts/{post.pk}/", {"body": "Something else entirely."}, format="json"
    )

    assert response.status_code == 401


@pytest.mark.parametrize("payload", [{}, {"body": "tiny"}, {"body": 5}, {"body": None}])
def test_bad_edits_of_an_answer_are_a_400_on_the_body(
    post: Post, helper: Member, payload: dict[str, Any]
) -> None:
    response = api_client(helper).patch(f"/api/v1/posts/{post.pk}/", payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["body"]


def test_editing_an_answer_that_does_not_exist_is_a_404(helper: Member) -> None:
    response = api_client(helper).patch("/api/v1/posts/424242/", {"body": ANSWER}, format="json")

    assert response.status_code == 404


# ---------------------------------------------------------------------------- deleting


def test_the_author_deletes_an_answer(post: Post, helper: Member, thread: Thread) -> None:
    response = api_client(helper).delete(f"/api/v1/posts/{post.pk}/")

    assert response.status_code == 204
    assert not Post.objects.exists()
    thread.refresh_from_db()
    assert thread.answer_count == 0


def test_a_moderator_deletes_the_solution_and_the_thread_is_open_again(
    post: Post, moderator: Member, asker: Member, thread: Thread
) -> None:
    services.solution_accept(thread=thread, post=post, actor=asker)

    response = api_client(moderator).delete(f"/api/v1/posts/{post.pk}/")

    assert response.status_code == 204
    assert api_client().get(f"/api/v1/threads/{thread.pk}/").json()["status"] == "open"


@pytest.mark.parametrize("persona", ["asker", "agent", "outsider"])
def test_other_members_may_not_delete_an_answer(
    post: Post, persona: str, request: pytest.FixtureRequest
) -> None:
    response = api_client(request.getfixturevalue(persona)).delete(f"/api/v1/posts/{post.pk}/")

    assert response.status_code == 403
    assert response.json() == {"detail": "You can't delete this answer."}
    assert Post.objects.exists()


def test_an_anonymous_visitor_cannot_delete_an_answer(post: Post) -> None:
    assert api_client().delete(f"/api/v1/posts/{post.pk}/").status_code == 401
    assert Post.objects.exists()


def test_deleting_an_answer_that_does_not_exist_is_a_404(moderator: Member) -> None:
    assert api_client(moderator).delete("/api/v1/posts/424242/").status_code == 404
