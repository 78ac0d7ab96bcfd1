"""community.selectors for lists and pages: thread_list, thread_answers, viewer_kudos, stats."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404

from community import selectors, services
from community.models import Board, Member, Tag, Thread
from tests.builders import answer, ask, board_make
from tests.community.svc_factories import age, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def board() -> Board:
    return board_make()


def ids(threads: Any) -> list[int]:
    return [t.pk for t in threads]


# --- thread_list ----------------------------------------------------------------------------


@pytest.fixture
def by_status(asker: Member, helper: Member, moderator: Member, board: Board) -> dict[str, Thread]:
    unanswered = ask(asker, board, title="Unanswered open question")
    answered = ask(asker, board, title="Answered open question")
    answer(helper, answered)
    solved = ask(asker, board, title="Solved question here")
    services.solution_accept(thread=solved, post=answer(helper, solved), actor=asker)
    locked = ask(asker, board, title="Locked question here")
    services.thread_lock(thread=locked, actor=moderator, locked=True)
    return {"unanswered": unanswered, "answered": answered, "solved": solved, "locked": locked}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("open", {"unanswered", "answered"}),
        ("solved", {"solved"}),
        ("unanswered", {"unanswered"}),
        ("locked", {"locked"}),
        (None, {"unanswered", "answered", "solved", "locked"}),
    ],
)
def test_thread_list_filters_by_status(
    by_status: dict[str, Thread], status: str | None, expected: set[str]
) -> None:
    found = set(ids(selectors.thread_list(status=status)))
    assert found == {by_status[name].pk for name in expected}


def test_the_open_list_leaves_out_locked_and_solved_threads(by_status: dict[str, Thread]) -> None:
    statuses = {t.status for t in selectors.thread_list(status="open")}
    assert statuses == {"open"}


def test_thread_list_filters_by_board_tag_and_author(
    asker: Member, helper: Member, board: Board
) -> None:
    other_board = board_make(name="Roaming")
    make_tag("sim")
    make_tag("billing")
    mine_sim = ask(asker, board, tags=["sim"])
    mine_billing = ask(asker, other_board, tags=["billing"])
    theirs_sim = ask(helper, other_board, tags=["sim", "billing"])

    assert set(ids(selectors.thread_list(board=board))) == {mine_sim.pk}
    assert set(ids(selectors.thread_list(board=other_board))) == {mine_billing.pk, theirs_sim.pk}
    sim = Tag.objects.get(slug="sim")
    assert set(ids(selectors.thread_list(tag=sim))) == {mine_sim.pk, theirs_sim.pk}
    assert set(ids(selectors.thread_list(author=asker))) == {mine_sim.pk, mine_billing.pk}
    assert ids(selectors.thread_list(author=helper, tag=sim, board=other_board)) == [theirs_sim.pk]
    assert ids(selectors.thread_list(author=helper, board=board)) == []


def test_thread_list_orders_by_activity_by_default(
    asker: Member, helper: Member, board: Board
) -> None:
    first = ask(asker, board)
    second = ask(asker, board)
    third = ask(asker, board)
    answer(helper, first)  # an answer bumps the oldest question to the top
    assert ids(selectors.thread_list()) == [first.pk, third.pk, second.pk]
    assert ids(selectors.thread_list(ordering="-last_activity_at")) == [
        first.pk,
        third.pk,
        second.pk,
    ]
    # An ordering we don't offer falls back to activity rather than failing.
    assert ids(selectors.thread_list(ordering="title")) == [first.pk, third.pk, second.pk]


def test_thread_list_orders_by_newest_and_by_kudos(
    asker: Member, helper: Member, outsider: Member, board: Board
) -> None:
    first = ask(asker, board)
    second = ask(asker, board)
    third = ask(asker, board)
    answer(helper, first)
    assert ids(selectors.thread_list(ordering="-created_at")) == [third.pk, second.pk, first.pk]

    services.kudos_give(giver=helper, thread=second)
    services.kudos_give(giver=outsider, thread=second)
    services.kudos_give(giver=helper, thread=third)
    services.kudos_give(giver=helper, thread=first)
    # Most kudos first; between equals, the more recently active (first has an answer).
    assert ids(selectors.thread_list(ordering="-kudos_count")) == [second.pk, first.pk, third.pk]


@pytest.mark.parametrize("size", [2, 6])
def test_thread_list_takes_a_fixed_number_of_queries_whatever_the_page_size(
    django_assert_num_queries: Callable[..., Any],
    asker: Member,
    moderator: Member,
    board: Board,
    size: int,
) -> None:
    make_tag("sim")
    for n in range(size):
        author = moderator if n % 2 else asker
        ask(author, board, tags=["sim"])
    # threads (with board and author), tags, the authors' groups
    with django_assert_num_queries(3):
        rows = [
            (t.board.name, t.author.role_label, [tag.slug for tag in t.tags.all()])
            for t in selectors.thread_list(board=board)
        ]
    assert len(rows) == size


# --- single fetches --------------------------------------------------------------------------


def test_fetching_a_thread_or_answer_that_does_not_exist_is_a_404(
    asker: Member, helper: Member, board: Board
) -> None:
    thread = ask(asker, board)
    post = answer(helper, thread)
    assert selectors.thread_get_for_viewer(thread_id=thread.pk, viewer=AnonymousUser()) == thread
    assert selectors.post_get_for_viewer(post_id=post.pk, viewer=AnonymousUser()) == post
    with pytest.raises(Http404):
        selectors.thread_get_for_viewer(thread_id=thread.pk + 1000, viewer=asker)
    with pytest.raises(Http404):
        selectors.post_get_for_viewer(post_id=post.pk + 1000, viewer=asker)


def test_an_unknown_board_in_a_form_is_a_validation_error(board: Board) -> None:
    assert selectors.board_get_for_input(slug=board.slug) == board
    with pytest.raises(ValidationError) as caught:
        selectors.board_get_for_input(slug="no-such-board")
    assert "board" in caught.value.message_dict


# --- thread_answers -------------------------------------------------------------------------


def test_answers_come_oldest_first(asker: Member, helper: Member, board: Board) -> None:
    thread = ask(asker, board)
    first = answer(helper, thread)
    second = answer(helper, thread)
    third = answer(helper, thread)
    age(first, seconds=300)
    age(third, seconds=200)  # written last, but dated before the second
    age(second, seconds=100)
    assert ids(selectors.thread_answers(thread=thread)) == [first.pk, third.pk, second.pk]


def test_the_solution_comes_first_then_the_others_oldest_first(
    asker: Member, helper: Member, outsider: Member, board: Board
) -> None:
    thread = ask(asker, board)
    first = answer(helper, thread)
    second = answer(outsider, thread)
    third = answer(helper, thread)
    accepted = services.solution_accept(thread=thread, post=third, actor=asker)
    assert ids(selectors.thread_answers(thread=accepted)) == [third.pk, first.pk, second.pk]

    services.solution_accept(thread=thread, post=second, actor=asker)
    thread.refresh_from_db()
    assert ids(selectors.thread_answers(thread=thread)) == [second.pk, first.pk, third.pk]


def test_thread_answers_only_lists_the_threads_own_answers(
    asker: Member, helper: Member, board: Board
) -> None:
    thread = ask(asker, board)
    mine = answer(helper, thread)
    answer(helper, ask(asker, board))
    assert ids(selectors.thread_answers(thread=thread)) == [mine.pk]


# --- viewer_kudos ---------------------------------------------------------------------------


def test_viewer_kudos_lists_what_the_viewer_gave_on_the_page(
    asker: Member, helper: Member, outsider: Member, board: Board
) -> None:
    thread = ask(asker, board)
    liked = answer(helper, thread)
    not_liked = answer(helper, thread)
    elsewhere_thread = ask(asker, board)
    elsewhere = answer(helper, elsewhere_thread)
    services.kudos_give(giver=outsider, thread=thread)
    services.kudos_give(giver=outsider, post=liked)
    services.kudos_give(giver=outsider, post=elsewhere)
    services.kudos_give(giver=outsider, thread=elsewhere_thread)
    services.kudos_give(giver=asker, post=not_liked)  # someone else's kudos

    given = selectors.viewer_kudos(viewer=outsider, thread=thread, posts=[liked, not_liked])
    assert given == {"threads": {thread.pk}, "posts": {liked.pk}}
    assert selectors.viewer_kudos(viewer=helper, thread=thread, posts=[liked, not_liked]) == {
        "threads": set(),
        "posts": set(),
    }


def test_an_anonymous_viewer_has_given_no_kudos(
    asker: Member, helper: Member, board: Board, django_assert_num_queries: Callable[..., Any]
) -> None:
    thread = ask(asker, board)
    post = answer(helper, thread)
    with django_assert_num_queries(0):
        given = selectors.viewer_kudos(viewer=AnonymousUser(), thread=thread, posts=[post])
    assert given == {"threads": set(), "posts": set()}


def test_viewer_follows(asker: Member, outsider: Member, board: Board) -> None:
    thread = ask(asker, board)
    assert selectors.viewer_follows(viewer=asker, thread=thread)
    assert not selectors.viewer_follows(viewer=outsider, thread=thread)
    assert not selectors.viewer_follows(viewer=AnonymousUser(), thread=thread)


# --- member_stats and revisions -------------------------------------------------------------


def test_member_stats_count_questions_answers_solutions_and_kudos(
    asker: Member, helper: Member, outsider: Member, board: Board
) -> None:
    first = ask(asker, board)
    second = ask(asker, board)
    solution = answer(helper, first)
    answer(helper, second)
    answer(outsider, second)
    services.solution_accept(thread=first, post=solution, actor=asker)
    services.kudos_give(giver=asker, post=solution)
    services.kudos_give(giver=outsider, post=solution)
    services.kudos_give(giver=helper, thread=first)

    assert selectors.member_stats(member=helper) == {
        "questions": 0,
        "answers": 2,
        "solutions": 1,
        "kudos_received": 2,
    }
    assert selectors.member_stats(member=asker) == {
        "questions": 2,
        "answers": 0,
        "solutions": 0,
        "kudos_received": 1,
    }


def test_thread_revisions_lists_the_questions_and_its_answers_edits_newest_first(
    asker: Member, helper: Member, board: Board
) -> None:
    thread = ask(asker, board)
    post = answer(helper, thread)
    other = ask(asker, board)
    services.thread_update(thread=thread, editor=asker, title="A clearer title for it")
    services.post_update(post=post, editor=helper, body="A clearer answer to it.")
    services.thread_update(thread=other, editor=asker, title="Not this thread's edit")
    revisions = list(selectors.thread_revisions(thread=thread))
    assert [(r.thread_id, r.post_id) for r in revisions] == [(None, post.pk), (thread.pk, None)]
