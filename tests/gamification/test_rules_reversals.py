"""Taking points back: each reversal is a new row pointing at the award it cancels."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from community import services
from community.models import Board, Member
from gamification.models import LedgerEntry, Reason
from gamification.services import rules
from gamification.services.ledger import points_award, points_reverse
from tests.builders import answer, ask, board_make, member_make
from tests.gamification.helpers import entries, ledger_sum, score


@pytest.fixture
def board(db: None) -> Board:
    return board_make()


@pytest.fixture
def asker(db: None) -> Member:
    return member_make(username="asker")


@pytest.fixture
def helper(db: None) -> Member:
    return member_make(username="helper")


@pytest.fixture
def giver(db: None) -> Member:
    return member_make(username="giver")


def assert_reverses(reversal: LedgerEntry, award: LedgerEntry, reason: str) -> None:
    assert reversal.pk != award.pk
    assert reversal.reverses_id == award.pk
    assert reversal.reason == reason
    assert reversal.points == -award.points
    assert (reversal.member_id, reversal.source, reversal.board_id) == (
        award.member_id,
        award.source,
        award.board_id,
    )


def assert_totals_match_ledger(*members: Member) -> None:
    for member in members:
        assert score(member) == ledger_sum(member)


def test_withdrawn_kudos_are_reversed_by_a_new_row_and_the_total_drops_back(
    asker: Member, helper: Member, giver: Member, board: Board
) -> None:
    post = answer(helper, ask(asker, board))
    before = score(helper)
    services.kudos_give(giver=giver, post=post)
    [award] = entries(helper, reason=Reason.KUDOS_ON_ANSWER)

    services.kudos_withdraw(giver=giver, post=post)

    [reversal] = entries(helper, reason=Reason.KUDOS_WITHDRAWN)
    assert_reverses(reversal, award, Reason.KUDOS_WITHDRAWN)
    assert reversal.actor_id == giver.pk
    award.refresh_from_db()
    assert award.points == 10  # the award itself is never edited
    assert score(helper) == before
    assert_totals_match_ledger(helper)


def test_kudos_given_again_after_withdrawing_pay_again(
    asker: Member, helper: Member, giver: Member, board: Board
) -> None:
    post = answer(helper, ask(asker, board))
    before = score(helper)
    services.kudos_give(giver=giver, post=post)
    services.kudos_withdraw(giver=giver, post=post)

    services.kudos_give(giver=giver, post=post)

    assert score(helper) == before + 10
    assert len(entries(helper, reason=Reason.KUDOS_ON_ANSWER)) == 2


def test_a_withdrawn_solution_reverses_both_the_answerer_and_the_asker(
    asker: Member, helper: Member, board: Board
) -> None:
    thread = ask(asker, board)
    post = answer(helper, thread)
    before = (score(asker), score(helper))
    services.solution_accept(thread=thread, post=post, actor=asker)
    [paid_helper] = entries(helper, reason=Reason.SOLUTION_ANSWERER)
    [paid_asker] = entries(asker, reason=Reason.SOLUTION_ASKER)

    services.solution_withdraw(thread=thread, actor=asker)

    [back_helper] = entries(helper, reason=Reason.SOLUTION_WITHDRAWN)
    [back_asker] = entries(asker, reason=Reason.SOLUTION_WITHDRAWN)
    assert_reverses(back_helper, paid_helper, Reason.SOLUTION_WITHDRAWN)
    assert_reverses(back_asker, paid_asker, Reason.SOLUTION_WITHDRAWN)
    assert (score(asker), score(helper)) == before
    assert_totals_match_ledger(asker, helper)


def test_changing_the_solution_reverses_the_old_answer_and_pays_the_new_one(
    asker: Member, helper: Member, giver: Member, board: Board
) -> None:
    thread = ask(asker, board)
    first = answer(helper, thread)
    second = answer(giver, thread)
    services.solution_accept(thread=thread, post=first, actor=asker)
    helper_before, giver_before, asker_before = score(helper), score(giver), score(asker)

    services.solution_accept(thread=thread, post=second, actor=asker)

    assert score(helper) == helper_before - 15
    assert score(giver) == giver_before + 15
    assert score(asker) == asker_before  # -2 for the old answer, +2 for the new
    [reversed_old] = entries(helper, reason=Reason.SOLUTION_WITHDRAWN)
    assert reversed_old.reverses is not None
    assert reversed_old.reverses.source == f"solution:{first.pk}#1"
    assert [e.source for e in entries(giver, reason=Reason.SOLUTION_ANSWERER)] == [
        f"solution:{second.pk}#1"
    ]
    asker_rows = [(e.reason, e.points, e.source) for e in entries(asker)][1:]
    assert asker_rows == [
        (Reason.SOLUTION_ASKER, 2, f"solution:{first.pk}#1"),
        (Reason.SOLUTION_WITHDRAWN, -2, f"solution:{first.pk}#1"),
        (Reason.SOLUTION_ASKER, 2, f"solution:{second.pk}#1"),
    ]
    assert_totals_match_ledger(asker, helper, giver)


def test_a_solution_accepted_again_after_withdrawal_pays_again_exactly_once(
    asker: Member, helper: Member, board: Board
) -> None:
    thread = ask(asker, board)
    post = answer(helper, thread)
    services.solution_accept(thread=thread, post=post, actor=asker)
    services.solution_withdraw(thread=thread, actor=asker)
    before = score(helper)

    services.solution_accept(thread=thread, post=post, actor=asker)
    # The same acceptance announced again is a no-op.
    rules.on_solution_accepted(thread_id=thread.pk, post_id=post.pk, actor_id=asker.pk)

    assert score(helper) == before + 15
    assert [e.source for e in entries(helper, reason=Reason.SOLUTION_ANSWERER)] == [
        f"solution:{post.pk}#1",
        f"solution:{post.pk}#2",
    ]
    # And a second round trip works the same way.
    services.solution_withdraw(thread=thread, actor=asker)
    services.solution_accept(thread=thread, post=post, actor=asker)
    assert score(helper) == before + 15
    assert ledger_sum(helper, reason=Reason.SOLUTION_ANSWERER) == 45
    assert ledger_sum(helper, reason=Reason.SOLUTION_WITHDRAWN) == -30
    assert_totals_match_ledger(asker, helper)


def test_withdrawing_a_solution_twice_reverses_once(
    asker: Member, helper: Member, board: Board
) -> None:
    thread = ask(asker, board)
    post = answer(helper, thread)
    services.solution_accept(thread=thread, post=post, actor=asker)
    services.solution_withdraw(thread=thread, actor=asker)
    rows = LedgerEntry.objects.count()

    rules.on_solution_withdrawn(post_id=post.pk, actor_id=asker.pk)

    assert LedgerEntry.objects.count() == rows
    assert_totals_match_ledger(asker, helper)


@pytest.mark.parametrize("deleted_by", ["author", "moderator"])
def test_a_deleted_answer_takes_back_everything_it_earned(
    deleted_by: str, asker: Member, helper: Member, giver: Member, moderator: Member, board: Board
) -> None:
    thread = ask(asker, board)
    post = answer(helper, thread)  # 2 + 5 (fast)
    services.kudos_give(giver=giver, post=post)  # +10 to helper
    services.solution_accept(thread=thread, post=post, actor=asker)  # +15 helper, +2 asker
    other = answer(giver, thread)  # the giver's own answer stays
    assert score(helper) == 32
    giver_before = score(giver)

    actor = helper if deleted_by == "author" else moderator
    services.post_delete(post=post, actor=actor)

    assert score(helper) == 0
    assert score(asker) == 1  # the question still stands
    assert score(giver) == giver_before
    assert ledger_sum(giver, source=f"post:{other.pk}") == 2
    # One reversal per award, each pointing at it; the solution went as "withdrawn".
    for award in LedgerEntry.objects.filter(reverses__isnull=True).exclude(
        source__in=[f"thread:{thread.pk}", f"post:{other.pk}"]
    ):
        assert award.reversed_by.points == -award.points
    assert ledger_sum(helper, reason=Reason.CONTENT_REMOVED) == -17
    assert ledger_sum(helper, reason=Reason.SOLUTION_WITHDRAWN) == -15
    assert ledger_sum(asker, reason=Reason.SOLUTION_WITHDRAWN) == -2
    assert_totals_match_ledger(asker, helper, giver)


def test_a_question_deleted_by_a_moderator_takes_back_what_it_and_its_answers_paid_to_everyone(
    asker: Member, helper: Member, giver: Member, moderator: Member, board: Board
) -> None:
    bystander = member_make()
    elsewhere = answer(helper, ask(bystander, board))  # helper's points elsewhere stay
    services.kudos_give(giver=giver, post=elsewhere)
    kept = {m.pk: score(m) for m in (asker, helper, giver, bystander)}

    thread = ask(asker, board)
    first = answer(helper, thread)
    second = answer(giver, thread)
    services.kudos_give(giver=giver, thread=thread)
    services.kudos_give(giver=giver, post=first)
    services.kudos_give(giver=helper, post=second)
    services.kudos_give(giver=bystander, post=first)
    services.solution_accept(thread=thread, post=first, actor=asker)
    assert score(asker) > kept[asker.pk]

    services.thread_delete(thread=thread, actor=moderator)

    assert {m.pk: score(m) for m in (asker, helper, giver, bystander)} == kept
    unreversed = LedgerEntry.objects.filter(
        reverses__isnull=True, reversed_by__isnull=True
    ).exclude(points=0)
    # Only what the other question earned is left standing.
    assert set(unreversed.values_list("source", flat=True)) == {
        f"thread:{elsewhere.thread_id}",
        f"post:{elsewhere.pk}",
        f"fast:{elsewhere.pk}",
        *(f"kudos:{pk}" for pk in elsewhere.kudos.values_list("pk", flat=True)),
    }
    removed = LedgerEntry.objects.filter(reason=Reason.CONTENT_REMOVED)
    assert set(removed.values_list("actor_id", flat=True)) == {moderator.pk}
    assert all(r.reverses is not None and r.points == -r.reverses.points for r in removed)
    assert_totals_match_ledger(asker, helper, giver, bystander)


def test_an_asker_deleting_an_unanswered_question_loses_its_point_and_its_kudos(
    asker: Member, giver: Member, board: Board
) -> None:
    thread = ask(asker, board)
    services.kudos_give(giver=giver, thread=thread)
    assert score(asker) == 6

    services.thread_delete(thread=thread, actor=asker)

    assert score(asker) == 0
    assert ledger_sum(asker, reason=Reason.CONTENT_REMOVED) == -6


def test_an_award_cannot_be_reversed_twice(asker: Member) -> None:
    award = points_award(
        member_id=asker.pk, reason=Reason.KUDOS_ON_ANSWER, source="kudos:999", points=10
    )
    assert award is not None

    first = points_reverse(award=award, reason=Reason.KUDOS_WITHDRAWN)
    again = points_reverse(award=award, reason=Reason.KUDOS_WITHDRAWN)
    other_reason = points_reverse(award=award, reason=Reason.VOTING_CORRECTED)

    assert first is not None
    assert again is None
    assert other_reason is None
    assert score(asker) == 0
    assert LedgerEntry.objects.filter(member=asker).aggregate(t=Sum("points"))["t"] == 0
    assert LedgerEntry.objects.filter(reverses=award).count() == 1


def test_withdrawing_kudos_twice_through_the_rule_reverses_once(
    asker: Member, helper: Member, giver: Member, board: Board
) -> None:
    post = answer(helper, ask(asker, board))
    kudos, _ = services.kudos_give(giver=giver, post=post)
    services.kudos_withdraw(giver=giver, post=post)
    before = score(helper)

    rules.on_kudos_withdrawn(kudos_id=kudos.pk, receiver_id=helper.pk, actor_id=giver.pk)

    assert score(helper) == before
    assert len(entries(helper, reason=Reason.KUDOS_WITHDRAWN)) == 1


def test_deleting_content_after_its_kudos_were_withdrawn_does_not_reverse_them_again(
    asker: Member, helper: Member, giver: Member, moderator: Member, board: Board
) -> None:
    post = answer(helper, ask(asker, board))
    services.kudos_give(giver=giver, post=post)
    services.kudos_withdraw(giver=giver, post=post)

    services.post_delete(post=post, actor=moderator)

    assert score(helper) == 0
    assert ledger_sum(helper, reason=Reason.KUDOS_WITHDRAWN) == -10
    assert ledger_sum(helper, reason=Reason.CONTENT_REMOVED) == -7  # answer + fast answer
