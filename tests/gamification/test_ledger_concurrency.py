"""The ledger under concurrent kudos (PostgreSQL only): totals and leaderboard rows stay
exactly the ledger's sums, and the daily cap holds when kudos arrive at once."""

from __future__ import annotations

from collections.abc import Callable

from community import services
from community.models import Kudos, Member, Post
from gamification.models import (
    KUDOS_RULES,
    GamificationSettings,
    LeaderboardScore,
    LedgerEntry,
    MemberScore,
    Reason,
)
from gamification.services.rebuild import gamification_rebuild
from tests.builders import answer, ask, board_make, member_make
from tests.concurrency import requires_postgresql, run_at_once, transactional
from tests.gamification.helpers import ledger_sum


def give(giver: Member, post: Post) -> Callable[[], bool]:
    return lambda: services.kudos_give(giver=giver, post=post)[1]


def withdraw(giver: Member, post: Post) -> Callable[[], bool]:
    return lambda: services.kudos_withdraw(giver=giver, post=post)


def assert_derived_rows_are_the_ledger_sums(member: Member) -> None:
    stored = MemberScore.objects.get(member=member)
    assert stored.points == ledger_sum(member)
    report = gamification_rebuild(fix=False)
    assert report.score_differences == []
    assert report.leaderboard_differences == []
    assert LeaderboardScore.objects.filter(member=member).exists()


@requires_postgresql
@transactional
def test_thirty_kudos_and_fifteen_withdrawals_at_once_leave_totals_equal_to_the_ledger() -> None:
    helper = member_make()
    board, other_board = board_make(), board_make()
    post = answer(helper, ask(member_make(), board))
    second = answer(helper, ask(member_make(), other_board))
    givers = [member_make() for _ in range(30)]

    results, errors = run_at_once([give(giver, post) for giver in givers])

    assert errors == []
    assert results == [True] * 30
    assert_derived_rows_are_the_ledger_sums(helper)
    # 30 kudos of 10 points, capped at 200 a day: exactly 200 paid, not a point more.
    assert ledger_sum(helper, reason__in=KUDOS_RULES) == 200

    # Half take their kudos back while the other half thank the same member on another
    # board: both touch the member's total and overall leaderboard rows at once.
    leaving, staying = givers[:15], givers[15:]
    results, errors = run_at_once(
        [withdraw(giver, post) for giver in leaving] + [give(giver, second) for giver in staying]
    )

    assert errors == []
    assert results == [True] * 30
    assert Kudos.objects.filter(post=post).count() == 15
    assert Kudos.objects.filter(post=second).count() == 15
    assert_derived_rows_are_the_ledger_sums(helper)


@requires_postgresql
@transactional
def test_the_daily_kudos_cap_holds_when_kudos_on_different_answers_arrive_at_once() -> None:
    config = GamificationSettings.current()
    config.kudos_daily_cap = 100
    config.save()
    helper = member_make()
    board = board_make()
    # Different answers, so the answers' row locks don't queue the kudos one behind another.
    posts = [answer(helper, ask(member_make(), board)) for _ in range(6)]
    givers = [member_make() for _ in range(24)]

    results, errors = run_at_once(
        [give(giver, posts[i % len(posts)]) for i, giver in enumerate(givers)]
    )

    assert errors == []
    assert results == [True] * 24
    assert ledger_sum(helper, reason__in=KUDOS_RULES) == 100
    assert_derived_rows_are_the_ledger_sums(helper)


@requires_postgresql
@transactional
def test_ten_answers_posted_at_once_pay_exactly_one_fast_answer_bonus() -> None:
    thread = ask(member_make(), board_make())
    answerers = [member_make() for _ in range(10)]

    def post_by(member: Member) -> Callable[[], Post]:
        return lambda: answer(member, thread)

    results, errors = run_at_once([post_by(member) for member in answerers])

    assert errors == []
    assert len(results) == 10
    fast = LedgerEntry.objects.filter(reason=Reason.FAST_ANSWER)
    assert fast.count() == 1
    first = Post.objects.filter(thread=thread).order_by("pk").first()
    assert first is not None
    assert fast.get().member_id == first.author_id
