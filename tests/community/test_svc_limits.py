"""community.services.limits: the posting limits, seen through thread_create and post_create.

freezegun is not installed: time passes by moving the created_at of rows already written.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from community import services
from community.errors import RateLimited
from community.models import Board, Member, Post, Thread
from community.services.limits import is_new_member
from tests.builders import answer, ask, board_make, member_make
from tests.community.svc_factories import age

pytestmark = pytest.mark.django_db

DAY = 24 * 60 * 60


@pytest.fixture
def board() -> Board:
    return board_make()


@pytest.fixture
def veteran() -> Member:
    return member_make(username="veteran")


def ask_now(
    member: Member, board: Board, body: str = "A brand new question about my bill."
) -> Thread:
    return services.thread_create(
        author=member, board=board, title="Why is my bill higher?", body=body
    )


def answer_now(member: Member, thread: Thread, body: str = "A brand new answer to it.") -> Post:
    return services.post_create(author=member, thread=thread, body=body)


def test_who_counts_as_a_new_member(asker: Member, veteran: Member) -> None:
    assert is_new_member(asker)
    assert not is_new_member(veteran)
    assert is_new_member(veteran, now=veteran.date_joined + timedelta(hours=23))


# --- the gap between posts -------------------------------------------------------------------


def test_an_established_member_waits_5_seconds_between_posts(veteran: Member, board: Board) -> None:
    earlier = ask(veteran, board)
    with pytest.raises(RateLimited) as caught:
        ask_now(veteran, board)
    assert 4 <= caught.value.retry_after <= 5
    assert "wait" in caught.value.message
    assert Thread.objects.count() == 1

    age(earlier, seconds=3)
    with pytest.raises(RateLimited) as caught:
        ask_now(veteran, board)
    assert 1 <= caught.value.retry_after <= 2

    age(earlier, seconds=6)
    ask_now(veteran, board)
    assert Thread.objects.count() == 2


def test_a_member_in_their_first_day_waits_30_seconds_between_posts(
    asker: Member, board: Board
) -> None:
    earlier = ask(asker, board)
    age(earlier, seconds=10)
    with pytest.raises(RateLimited) as caught:
        ask_now(asker, board)
    assert 19 <= caught.value.retry_after <= 20
    assert f"{caught.value.retry_after} seconds" in caught.value.message

    age(earlier, seconds=29)
    with pytest.raises(RateLimited) as caught:
        ask_now(asker, board)
    assert caught.value.retry_after in (1, 2)

    age(earlier, seconds=31)
    ask_now(asker, board)


def test_the_gap_counts_answers_and_questions_alike(
    veteran: Member, asker: Member, board: Board
) -> None:
    thread = ask(asker, board)
    age(thread, seconds=60)
    answer(veteran, thread)
    with pytest.raises(RateLimited):
        ask_now(veteran, board)
    with pytest.raises(RateLimited):
        answer_now(veteran, thread)
    assert Post.objects.filter(author=veteran).count() == 1


def test_a_refused_answer_writes_nothing(veteran: Member, asker: Member, board: Board) -> None:
    thread = ask(asker, board)
    answer(veteran, thread)
    with pytest.raises(RateLimited):
        answer_now(veteran, thread)
    thread.refresh_from_db()
    assert thread.answer_count == 1
    assert Post.objects.count() == 1


# --- the same text twice -----------------------------------------------------------------------


def test_the_same_question_body_within_5_minutes_is_refused(veteran: Member, board: Board) -> None:
    body = "My eSIM disappeared after the update, twice now."
    earlier = ask(veteran, board, body=body)
    age(earlier, seconds=60)
    with pytest.raises(ValidationError) as caught:
        ask_now(veteran, board, body=f"  {body}\n")
    assert "same text" in " ".join(caught.value.message_dict["body"])
    assert Thread.objects.count() == 1

    age(earlier, seconds=6 * 60)
    ask_now(veteran, board, body=body)
    assert Thread.objects.count() == 2


def test_the_same_text_as_a_question_and_then_an_answer_is_refused(
    veteran: Member, asker: Member, board: Board
) -> None:
    body = "Restart in safe mode and reinstall the carrier profile."
    own = ask(veteran, board, body=f"{body} Did that help anyone?")
    someone_elses = ask(asker, board)
    age(someone_elses, seconds=60)
    first = answer(veteran, someone_elses, body=body)
    age(first, seconds=60)
    age(own, seconds=60)

    other_thread = ask(asker, board)
    age(other_thread, seconds=60)
    with pytest.raises(ValidationError) as caught:
        answer_now(veteran, other_thread, body=body)
    assert "body" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        answer_now(veteran, other_thread, body=f"{body} Did that help anyone?")
    assert "body" in caught.value.message_dict
    # And an answer's text cannot come back as a question either.
    with pytest.raises(ValidationError) as caught:
        ask_now(veteran, board, body=body)
    assert "body" in caught.value.message_dict
    assert Post.objects.filter(author=veteran).count() == 1
    assert Thread.objects.filter(author=veteran).count() == 1


def test_the_same_text_by_someone_else_is_fine(
    veteran: Member, helper: Member, asker: Member, board: Board
) -> None:
    thread = ask(asker, board)
    age(thread, seconds=60)
    body = "Try turning flight mode on and off."
    first = answer(helper, thread, body=body)
    age(first, seconds=60)

    second = answer_now(veteran, thread, body=body)

    assert (second.author, second.body) == (veteran, body)
    same_text = Post.objects.filter(thread=thread, body=body).order_by("pk")
    assert [post.author for post in same_text] == [helper, veteran]


# --- first-day caps -------------------------------------------------------------------------


def test_a_new_member_may_ask_3_questions_a_day(asker: Member, board: Board) -> None:
    for hours_ago in (3, 2, 1):
        age(ask(asker, board), seconds=hours_ago * 3600)
    with pytest.raises(RateLimited) as caught:
        ask_now(asker, board)
    assert "3 questions a day" in caught.value.message
    # The oldest of the three leaves the window in 21 hours.
    assert 21 * 3600 - 10 <= caught.value.retry_after <= 21 * 3600
    assert Thread.objects.count() == 3


def test_questions_older_than_a_day_leave_the_new_members_cap(asker: Member, board: Board) -> None:
    oldest = ask(asker, board)
    for hours_ago in (2, 1):
        age(ask(asker, board), seconds=hours_ago * 3600)
    age(oldest, seconds=DAY + 60)
    ask_now(asker, board)
    assert Thread.objects.count() == 4


def test_a_new_member_may_post_10_answers_a_day(
    asker: Member, helper: Member, board: Board
) -> None:
    thread = ask(asker, board)
    for minutes_ago in range(20, 10, -1):
        age(answer(helper, thread), seconds=minutes_ago * 60)
    # Answers do not use up the questions' cap, nor questions the answers'.
    age(ask(helper, board), seconds=5 * 60)
    with pytest.raises(RateLimited) as caught:
        answer_now(helper, thread)
    assert "10 answers a day" in caught.value.message
    assert DAY - 20 * 60 - 10 <= caught.value.retry_after <= DAY - 20 * 60
    assert Post.objects.filter(author=helper).count() == 10


def test_an_established_member_has_no_daily_cap(veteran: Member, board: Board) -> None:
    for hours_ago in (4, 3, 2, 1):
        age(ask(veteran, board), seconds=hours_ago * 3600)
    ask_now(veteran, board)
    assert Thread.objects.filter(author=veteran).count() == 5


# --- staff ------------------------------------------------------------------------------------


@pytest.mark.parametrize("staff", ["moderator", "agent"])
def test_staff_are_exempt_from_every_limit(
    request: pytest.FixtureRequest, staff: str, asker: Member, board: Board
) -> None:
    member: Member = request.getfixturevalue(staff)
    assert is_new_member(member)
    body = "Official: the outage is fixed, restart your phone."
    for _ in range(4):
        ask_now(member, board, body=body)
    thread = ask(asker, board)
    for _ in range(11):
        answer_now(member, thread, body=body)
    assert Thread.objects.filter(author=member).count() == 4
    assert Post.objects.filter(author=member).count() == 11


def test_retry_after_is_never_below_one_second() -> None:
    assert RateLimited("wait", retry_after=0).retry_after == 1
    assert RateLimited("wait", retry_after=-5).retry_after == 1


def test_limits_can_be_skipped_only_when_asked(asker: Member, board: Board) -> None:
    ask(asker, board)
    ask(asker, board)  # a loader skips them
    now = timezone.now()
    assert (
        Thread.objects.filter(author=asker, created_at__gte=now - timedelta(seconds=5)).count() == 2
    )
    with pytest.raises(RateLimited):
        ask_now(asker, board)
