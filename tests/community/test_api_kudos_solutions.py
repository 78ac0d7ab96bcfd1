"""API v1, Community: kudos on questions and answers, and accepting solutions (docs/api.md)."""

from __future__ import annotations

from typing import Any

import pytest

from community import events, services
from community.models import Kudos, Member, Post, Thread
from tests.builders import AN_HOUR, answer, api_client, ask

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(asker: Member) -> Thread:
    return ask(author=asker, ago=AN_HOUR)


@pytest.fixture
def post(thread: Thread, helper: Member) -> Post:
    return answer(thread=thread, author=helper, ago=AN_HOUR)


@pytest.fixture
def other_post(thread: Thread, outsider: Member) -> Post:
    return answer(thread=thread, author=outsider, ago=AN_HOUR)


def target_url(kind: str, thread: Thread, post: Post) -> str:
    return (
        f"/api/v1/threads/{thread.pk}/kudos/"
        if kind == "thread"
        else f"/api/v1/posts/{post.pk}/kudos/"
    )


def giver_for(kind: str, asker: Member, helper: Member) -> Member:
    """Someone who is not the author: the answerer thanks the asker and the other way round."""
    return helper if kind == "thread" else asker


KINDS = ["thread", "post"]


# ---------------------------------------------------------------------------- kudos


@pytest.mark.parametrize("kind", KINDS)
def test_a_member_gives_kudos_with_201_and_again_with_200(
    kind: str, thread: Thread, post: Post, asker: Member, helper: Member
) -> None:
    client = api_client(giver_for(kind, asker, helper))
    url = target_url(kind, thread, post)

    first = client.post(url)
    again = client.post(url)

    assert first.status_code == 201
    assert first.json() == {"given": True, "kudos_count": 1}
    assert again.status_code == 200
    assert again.json() == {"given": True, "kudos_count": 1}
    assert Kudos.objects.count() == 1


def test_given_kudos_show_in_the_viewer_blocks(
    thread: Thread, post: Post, asker: Member, helper: Member, outsider: Member
) -> None:
    client = api_client(outsider)
    client.post(f"/api/v1/threads/{thread.pk}/kudos/")
    client.post(f"/api/v1/posts/{post.pk}/kudos/")

    assert client.get(f"/api/v1/threads/{thread.pk}/").json()["viewer"]["kudos_given"] is True
    [item] = client.get(f"/api/v1/threads/{thread.pk}/posts/").json()["results"]
    assert item["viewer"]["kudos_given"] is True
    assert item["kudos_count"] == 1
    assert api_client(helper).get(f"/api/v1/posts/{post.pk}/").json()["viewer"] == {
        "kudos_given": False,
        "can_edit": True,
        "can_delete": True,
    }


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("thread", "You cannot give kudos to your own question."),
        ("post", "You cannot give kudos to your own post."),
    ],
)
def test_kudos_to_ones_own_content_is_a_403_saying_why(
    kind: str, message: str, thread: Thread, post: Post, asker: Member, helper: Member
) -> None:
    author = asker if kind == "thread" else helper

    response = api_client(author).post(target_url(kind, thread, post))

    assert response.status_code == 403
    assert response.json() == {"detail": message}
    assert not Kudos.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_staff_give_kudos_like_anyone(
    kind: str, thread: Thread, post: Post, agent: Member, moderator: Member
) -> None:
    assert api_client(agent).post(target_url(kind, thread, post)).status_code == 201
    assert api_client(moderator).post(target_url(kind, thread, post)).json()["kudos_count"] == 2


@pytest.mark.parametrize("kind", KINDS)
def test_an_anonymous_visitor_cannot_give_or_withdraw_kudos(
    kind: str, thread: Thread, post: Post
) -> None:
    url = target_url(kind, thread, post)

    assert api_client().post(url).status_code == 401
    assert api_client().delete(url).status_code == 401


@pytest.mark.parametrize("kind", KINDS)
def test_the_giver_withdraws_kudos_with_204_and_the_withdrawal_is_announced(
    kind: str, thread: Thread, post: Post, asker: Member, helper: Member
) -> None:
    giver = giver_for(kind, asker, helper)
    client = api_client(giver)
    url = target_url(kind, thread, post)
    client.post(url)
    heard: list[dict[str, Any]] = []

    def receiver(sender: object, **kwargs: Any) -> None:
        heard.append(kwargs)

    events.kudos_withdrawn.connect(receiver)
    try:
        response = client.delete(url)
    finally:
        events.kudos_withdrawn.disconnect(receiver)

    assert response.status_code == 204
    assert not Kudos.objects.exists()
    target: Thread | Post = thread if kind == "thread" else post
    target.refresh_from_db()
    assert target.kudos_count == 0
    # The announcement is what gamification reverses the points on.
    assert [h["actor_id"] for h in heard] == [giver.pk]


@pytest.mark.parametrize("kind", KINDS)
def test_withdrawing_kudos_never_given_is_a_404(
    kind: str, thread: Thread, post: Post, asker: Member, helper: Member, outsider: Member
) -> None:
    api_client(giver_for(kind, asker, helper)).post(target_url(kind, thread, post))

    response = api_client(outsider).delete(target_url(kind, thread, post))

    assert response.status_code == 404
    assert response.json() == {"detail": "You have not given kudos to this."}
    assert Kudos.objects.count() == 1


@pytest.mark.parametrize("url", ["/api/v1/threads/424242/kudos/", "/api/v1/posts/424242/kudos/"])
def test_kudos_to_nothing_is_a_404(helper: Member, url: str) -> None:
    assert api_client(helper).post(url).status_code == 404
    assert api_client(helper).delete(url).status_code == 404


# ---------------------------------------------------------------------------- solutions


def accept(client: Any, thread: Thread, post_id: Any) -> Any:
    return client.post(f"/api/v1/threads/{thread.pk}/solution/", {"post": post_id}, format="json")


@pytest.mark.parametrize("persona", ["asker", "moderator", "agent"])
def test_the_asker_a_moderator_or_an_agent_accepts_a_solution(
    persona: str, thread: Thread, post: Post, request: pytest.FixtureRequest
) -> None:
    response = accept(api_client(request.getfixturevalue(persona)), thread, post.pk)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == thread.pk
    assert body["status"] == "solved"
    assert body["solution"] == post.pk
    thread.refresh_from_db()
    assert thread.solution_id == post.pk


def test_accepting_another_answer_replaces_the_solution(
    thread: Thread, post: Post, other_post: Post, asker: Member
) -> None:
    client = api_client(asker)
    accept(client, thread, post.pk)

    response = accept(client, thread, other_post.pk)

    assert response.status_code == 200
    assert response.json()["solution"] == other_post.pk
    answers = client.get(f"/api/v1/threads/{thread.pk}/posts/").json()["results"]
    assert [(a["id"], a["is_solution"]) for a in answers] == [
        (other_post.pk, True),
        (post.pk, False),
    ]


def test_accepting_the_same_solution_again_changes_nothing(
    thread: Thread, post: Post, asker: Member
) -> None:
    client = api_client(asker)
    accept(client, thread, post.pk)

    response = accept(client, thread, post.pk)

    assert response.status_code == 200
    assert response.json()["solution"] == post.pk


@pytest.mark.parametrize("persona", ["helper", "outsider"])
def test_other_members_may_not_choose_the_solution(
    persona: str, thread: Thread, post: Post, request: pytest.FixtureRequest
) -> None:
    response = accept(api_client(request.getfixturevalue(persona)), thread, post.pk)

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the person who asked, a moderator or an agent can choose the solution."
    }
    thread.refresh_from_db()
    assert thread.solution_id is None


def test_an_anonymous_visitor_cannot_choose_or_withdraw_the_solution(
    thread: Thread, post: Post
) -> None:
    assert accept(api_client(), thread, post.pk).status_code == 401
    assert api_client().delete(f"/api/v1/threads/{thread.pk}/solution/").status_code == 401


def test_an_answer_from_another_question_is_a_400_on_post(
    thread: Thread, asker: Member, helper: Member
) -> None:
    elsewhere = answer(thread=ask(author=helper, ago=AN_HOUR), author=asker, ago=AN_HOUR)

    response = accept(api_client(asker), thread, elsewhere.pk)

    assert response.status_code == 400
    assert response.json() == {"post": ["That answer belongs to another question."]}


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"post": 424242}, "There is no answer with that id."),
        ({"post": "abc"}, "A valid integer is required."),
        ({"post": True}, "A valid integer is required."),
        ({"post": [1]}, "A valid integer is required."),
        ({"post": 0}, "Ensure this value is greater than or equal to 1."),
        ({"post": 10**30}, "Ensure this value is less than or equal to 9223372036854775807."),
        ({"post": None}, "This field may not be null."),
        ({}, "This field is required."),
    ],
)
def test_a_bad_post_id_is_a_400_on_post(
    thread: Thread, asker: Member, payload: dict[str, Any], message: str
) -> None:
    response = api_client(asker).post(
        f"/api/v1/threads/{thread.pk}/solution/", payload, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"post": [message]}


def test_the_solution_of_a_locked_thread_cannot_change(
    thread: Thread, post: Post, asker: Member, moderator: Member
) -> None:
    services.thread_lock(thread=thread, actor=moderator, locked=True)

    response = accept(api_client(asker), thread, post.pk)

    assert response.status_code == 409
    assert response.json() == {"detail": "This thread is locked: its solution can't change."}


def test_a_solution_for_a_thread_that_does_not_exist_is_a_404(asker: Member, post: Post) -> None:
    response = api_client(asker).post(
        "/api/v1/threads/424242/solution/", {"post": post.pk}, format="json"
    )

    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["asker", "moderator", "agent"])
def test_withdrawing_the_solution_reopens_the_thread(
    persona: str, thread: Thread, post: Post, asker: Member, request: pytest.FixtureRequest
) -> None:
    services.solution_accept(thread=thread, post=post, actor=asker)
    heard: list[dict[str, Any]] = []

    def receiver(sender: object, **kwargs: Any) -> None:
        heard.append(kwargs)

    events.solution_withdrawn.connect(receiver)
    try:
        response = api_client(request.getfixturevalue(persona)).delete(
            f"/api/v1/threads/{thread.pk}/solution/"
        )
    finally:
        events.solution_withdrawn.disconnect(receiver)

    assert response.status_code == 200
    assert response.json()["status"] == "open"
    assert response.json()["solution"] is None
    # The announcement is what gamification reverses the points on.
    assert [h["post_id"] for h in heard] == [post.pk]


def test_withdrawing_a_solution_that_is_not_there_is_a_409(thread: Thread, asker: Member) -> None:
    response = api_client(asker).delete(f"/api/v1/threads/{thread.pk}/solution/")

    assert response.status_code == 409
    assert response.json() == {"detail": "This question has no accepted solution."}


@pytest.mark.parametrize("persona", ["helper", "outsider"])
def test_other_members_may_not_withdraw_the_solution(
    persona: str, thread: Thread, post: Post, asker: Member, request: pytest.FixtureRequest
) -> None:
    services.solution_accept(thread=thread, post=post, actor=asker)

    response = api_client(request.getfixturevalue(persona)).delete(
        f"/api/v1/threads/{thread.pk}/solution/"
    )

    assert response.status_code == 403
    thread.refresh_from_db()
    assert thread.solution_id == post.pk
