"""community.services for answers: post, edit and delete."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community import services
from community.errors import Conflict
from community.models import Board, Member, Mention, Post, Revision, Subscription, Thread
from tests.builders import ANSWER_BODY, ask, board_make
from tests.community.svc_factories import capture_events

pytestmark = pytest.mark.django_db


@pytest.fixture
def board() -> Board:
    return board_make()


@pytest.fixture
def thread(asker: Member, board: Board) -> Thread:
    return ask(asker, board)


def reply(author: Member, thread: Thread, body: str = ANSWER_BODY) -> Post:
    return services.post_create(author=author, thread=thread, body=body, check_limits=False)


# --- post_create ----------------------------------------------------------------------------


def test_an_answer_is_saved_with_its_body_stripped_and_rendered(
    helper: Member, thread: Thread
) -> None:
    post = reply(helper, thread, body=f"\n  **{ANSWER_BODY}**  \n")
    post.refresh_from_db()
    assert (post.thread, post.author) == (thread, helper)
    assert post.body == f"**{ANSWER_BODY}**"
    assert "<strong>" in post.body_html
    assert post.body_text == ANSWER_BODY


@pytest.mark.parametrize(("body", "message"), [("x" * 9, "at least 10"), ("x" * 20001, "20000")])
def test_an_answer_outside_10_to_20000_characters_is_refused(
    helper: Member, thread: Thread, body: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        reply(helper, thread, body=body)
    assert message in " ".join(caught.value.message_dict["body"])
    assert not Post.objects.exists()


def test_a_locked_thread_takes_no_answer_and_nothing_is_written(
    helper: Member, moderator: Member, board: Board, thread: Thread
) -> None:
    services.thread_lock(thread=thread, actor=moderator, locked=True)
    activity = Thread.objects.get(pk=thread.pk).last_activity_at
    with capture_events() as sent, pytest.raises(Conflict):
        reply(helper, thread, body=f"@{moderator.username} {ANSWER_BODY}")
    assert sent.calls == []
    assert not Post.objects.exists()
    assert not Subscription.objects.filter(member=helper).exists()
    assert not Mention.objects.exists()
    thread.refresh_from_db()
    board.refresh_from_db()
    assert (thread.answer_count, thread.last_activity_at, thread.first_answer_at) == (
        0,
        activity,
        None,
    )
    assert board.answer_count == 0


def test_a_thread_locked_after_it_was_loaded_still_takes_no_answer(
    helper: Member, moderator: Member, thread: Thread
) -> None:
    loaded = Thread.objects.get(pk=thread.pk)
    services.thread_lock(thread=thread, actor=moderator, locked=True)
    with pytest.raises(Conflict):
        reply(helper, loaded)
    assert not Post.objects.exists()


def test_answering_counts_the_answer_on_the_thread_and_the_board(
    asker: Member, helper: Member, outsider: Member, board: Board, thread: Thread
) -> None:
    first = reply(helper, thread)
    second = reply(outsider, thread, body=f"{ANSWER_BODY} Also check the charger.")

    thread.refresh_from_db()
    board.refresh_from_db()
    assert thread.answer_count == 2
    assert thread.last_activity_at == second.created_at
    assert thread.first_answer_at == first.created_at
    assert board.answer_count == 2
    assert board.last_activity_at == second.created_at


def test_the_first_answer_time_ignores_the_askers_own_follow_ups(
    asker: Member, helper: Member, outsider: Member, thread: Thread
) -> None:
    reply(asker, thread, body="Update: it also happens with the old charger.")
    thread.refresh_from_db()
    assert thread.first_answer_at is None
    assert thread.answer_count == 1

    community_answer = reply(helper, thread)
    reply(outsider, thread, body=f"{ANSWER_BODY} Or reset the settings.")
    thread.refresh_from_db()
    assert thread.first_answer_at == community_answer.created_at
    assert thread.answer_count == 3


def test_posting_refreshes_the_callers_thread_counters(helper: Member, thread: Thread) -> None:
    post = reply(helper, thread)
    assert thread.answer_count == 1
    assert thread.first_answer_at == post.created_at == thread.last_activity_at


def test_the_answerer_follows_the_thread_once(
    asker: Member, helper: Member, thread: Thread
) -> None:
    reply(helper, thread)
    reply(helper, thread, body=f"{ANSWER_BODY} One more idea.")
    reply(asker, thread, body="Thanks, trying that now.")
    assert sorted(Subscription.objects.filter(thread=thread).values_list("member", flat=True)) == (
        sorted([asker.pk, helper.pk])
    )


def test_answering_announces_post_created_and_each_new_mention(
    asker: Member, helper: Member, thread: Thread
) -> None:
    body = f"@{asker.username} @{asker.username} and @{helper.username}: {ANSWER_BODY}"
    with capture_events() as sent:
        post = reply(helper, thread, body=body)

    mention = Mention.objects.get()
    assert (mention.member, mention.thread, mention.post) == (asker, thread, post)
    assert sent.calls == [
        (
            "member_mentioned",
            {
                "mention_id": mention.pk,
                "member_id": asker.pk,
                "thread_id": thread.pk,
                "post_id": post.pk,
                "actor_id": helper.pk,
            },
        ),
        ("post_created", {"post_id": post.pk, "thread_id": thread.pk, "actor_id": helper.pk}),
    ]


# --- post_update ----------------------------------------------------------------------------


def test_editing_an_answer_keeps_a_revision_and_sets_edited_at(
    helper: Member, thread: Thread
) -> None:
    post = reply(helper, thread)
    new_body = "Edited: try a different USB-C cable first."
    with capture_events() as sent:
        services.post_update(post=post, editor=helper, body=f"  {new_body} ")

    revision = Revision.objects.get()
    assert (revision.post, revision.thread, revision.editor) == (post, None, helper)
    assert (revision.body_before, revision.body_after) == (ANSWER_BODY, new_body)
    post.refresh_from_db()
    assert post.body == post.body_text == new_body
    assert post.edited_at == revision.created_at
    assert sent.calls == [
        (
            "post_updated",
            {
                "post_id": post.pk,
                "thread_id": thread.pk,
                "actor_id": helper.pk,
                "revision_id": revision.pk,
            },
        )
    ]


def test_saving_an_answer_unchanged_keeps_no_revision(helper: Member, thread: Thread) -> None:
    post = reply(helper, thread)
    with capture_events() as sent:
        services.post_update(post=post, editor=helper, body=f"{ANSWER_BODY}\n\n")
    assert sent.calls == []
    assert not Revision.objects.exists()
    post.refresh_from_db()
    assert post.edited_at is None


def test_another_member_may_not_edit_an_answer_but_a_moderator_may(
    asker: Member, helper: Member, moderator: Member, thread: Thread
) -> None:
    post = reply(helper, thread)
    with pytest.raises(PermissionDenied):
        services.post_update(post=post, editor=asker, body="The asker rewrites the answer.")
    assert not Revision.objects.exists()

    services.post_update(post=post, editor=moderator, body="Moderated: removed a phone number.")
    post.refresh_from_db()
    assert post.body == "Moderated: removed a phone number."
    assert Revision.objects.get().editor == moderator


# --- post_delete ----------------------------------------------------------------------------


def test_the_author_may_delete_their_answer_and_the_counters_follow(
    asker: Member, helper: Member, board: Board, thread: Thread
) -> None:
    post = reply(helper, thread)
    post_id = post.pk  # delete() clears the instance's pk
    reply(asker, thread, body="Thanks, that worked for me.")
    with capture_events() as sent:
        services.post_delete(post=post, actor=helper)

    assert list(Post.objects.values_list("author", flat=True)) == [asker.pk]
    thread.refresh_from_db()
    board.refresh_from_db()
    assert (thread.answer_count, board.answer_count) == (1, 1)
    assert sent.calls == [
        (
            "post_deleted",
            {
                "post_id": post_id,
                "thread_id": thread.pk,
                "author_id": helper.pk,
                "actor_id": helper.pk,
            },
        )
    ]


def test_another_member_may_not_delete_an_answer_but_a_moderator_may(
    asker: Member, helper: Member, moderator: Member, thread: Thread
) -> None:
    post = reply(helper, thread)
    with pytest.raises(PermissionDenied):
        services.post_delete(post=post, actor=asker)
    assert Post.objects.filter(pk=post.pk).exists()
    services.post_delete(post=post, actor=moderator)
    assert not Post.objects.filter(pk=post.pk).exists()


def test_deleting_the_accepted_answer_unsolves_the_thread(
    asker: Member, helper: Member, outsider: Member, board: Board, thread: Thread
) -> None:
    solution = reply(helper, thread)
    other = reply(outsider, thread, body=f"{ANSWER_BODY} Or a new battery.")
    services.solution_accept(thread=thread, post=solution, actor=asker)
    board.refresh_from_db()
    assert board.solved_count == 1
    solution_id = solution.pk  # delete() clears the instance's pk

    with capture_events() as sent:
        services.post_delete(post=solution, actor=helper)

    thread.refresh_from_db()
    board.refresh_from_db()
    assert thread.solution is None and thread.solved_at is None
    assert thread.status == "open"
    assert (thread.answer_count, board.answer_count, board.solved_count) == (1, 1, 0)
    assert list(Post.objects.all()) == [other]
    assert sent.calls == [
        (
            "solution_withdrawn",
            {"thread_id": thread.pk, "post_id": solution_id, "actor_id": helper.pk},
        ),
        (
            "post_deleted",
            {
                "post_id": solution_id,
                "thread_id": thread.pk,
                "author_id": helper.pk,
                "actor_id": helper.pk,
            },
        ),
    ]


def test_deleting_another_answer_keeps_the_thread_solved(
    asker: Member, helper: Member, outsider: Member, board: Board, thread: Thread
) -> None:
    solution = reply(helper, thread)
    other = reply(outsider, thread, body=f"{ANSWER_BODY} Or a new battery.")
    services.solution_accept(thread=thread, post=solution, actor=asker)
    with capture_events() as sent:
        services.post_delete(post=other, actor=outsider)
    thread.refresh_from_db()
    board.refresh_from_db()
    assert thread.solution == solution
    assert board.solved_count == 1
    assert sent.names == ["post_deleted"]


def test_deleting_the_same_answer_twice_counts_it_once(
    asker: Member, helper: Member, outsider: Member, board: Board, thread: Thread
) -> None:
    # Two clicks on "delete" load the answer twice before either deletes it.
    post = reply(helper, thread)
    reply(outsider, thread, body=f"{ANSWER_BODY} Or a new battery.")
    first_click, second_click = Post.objects.get(pk=post.pk), Post.objects.get(pk=post.pk)

    services.post_delete(post=first_click, actor=helper)
    with capture_events() as sent:
        services.post_delete(post=second_click, actor=helper)

    assert sent.calls == []
    thread.refresh_from_db()
    board.refresh_from_db()
    assert (thread.answer_count, board.answer_count) == (1, 1)
    assert Post.objects.filter(thread=thread).count() == 1
