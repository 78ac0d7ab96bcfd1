"""Payback review under a crowd (PostgreSQL only): staff acting on one statement at once.

Two reviewers approving together: one approves, the other is told (409), and the statement
records the one who did. Approving while another reviewer claws back: the clawback never
lands on a statement that is not approved. Clawbacks together never take more than the
statement paid, and the ledger and totals still agree.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import partial

from community.errors import Conflict
from community.models import Member
from gamification.models import (
    LedgerEntry,
    Reason,
    RewardPeriod,
    Statement,
    StatementStatus,
)
from gamification.services.payback import (
    reward_period_close,
    statement_approve,
    statement_clawback,
    statement_mark_paid,
    statements_approve,
)
from gamification.services.rebuild import gamification_rebuild
from tests.builders import member_make
from tests.concurrency import requires_postgresql, run_at_once, transactional
from tests.gamification.helpers import ledger_sum
from tests.gamification.test_payback import earn, local, reviewer_make


def _statement(points: int = 600) -> Statement:
    """A fresh member's statement, in a short period of its own, closed from their ledger."""
    start = date(2020, 1, 1) + timedelta(days=10 * RewardPeriod.objects.count())
    period = RewardPeriod.objects.create(start=start, end=start + timedelta(days=5))
    member = member_make()
    earn(member, points, local(start.year, start.month, start.day))
    [statement] = reward_period_close(period=period, today=start + timedelta(days=6))
    return statement


def _outcome(act: Callable[[], object]) -> Callable[[], str]:
    def run() -> str:
        try:
            act()
        except Conflict:
            return "conflict"
        return "done"

    return run


@requires_postgresql
@transactional
def test_two_reviewers_approving_at_once_approve_once() -> None:
    statement = _statement()
    reviewers = [reviewer_make() for _ in range(2)]

    results, errors = run_at_once(
        [_outcome(partial(statement_approve, statement=statement, reviewer=r)) for r in reviewers]
    )

    assert errors == []
    assert sorted(results) == ["conflict", "done"]
    statement.refresh_from_db()
    assert statement.status == StatementStatus.APPROVED
    assert statement.reviewed_by_id in {r.pk for r in reviewers}


@requires_postgresql
@transactional
def test_bulk_and_single_approvals_at_once_approve_each_statement_once() -> None:
    first, second = _statement(), _statement(700)
    reviewers = [reviewer_make() for _ in range(3)]

    def bulk(reviewer: Member) -> Callable[[], str]:
        def run() -> str:
            approved, _refused = statements_approve(
                statement_ids=[first.pk, second.pk], reviewer=reviewer
            )
            return f"bulk:{len(approved)}"

        return run

    results, errors = run_at_once(
        [
            bulk(reviewers[0]),
            bulk(reviewers[1]),
            _outcome(lambda: statement_approve(statement=second, reviewer=reviewers[2])),
        ]
    )

    assert errors == []
    approvals = sum(int(r.split(":")[1]) for r in results if r.startswith("bulk:")) + (
        1 if "done" in results else 0
    )
    assert approvals == 2  # each statement exactly once, whoever got there first
    assert set(Statement.objects.values_list("status", flat=True)) == {StatementStatus.APPROVED}


@requires_postgresql
@transactional
def test_a_clawback_racing_an_approval_never_lands_on_an_unapproved_statement() -> None:
    for _ in range(3):
        statement = _statement()
        approver, clawer = reviewer_make(), reviewer_make()

        def approve(s: Statement = statement, r: Member = approver) -> object:
            return statement_approve(statement=s, reviewer=r)

        def claw_back(s: Statement = statement, r: Member = clawer) -> object:
            return statement_clawback(statement=s, points=100, actor=r, reason="Fraud.")

        results, errors = run_at_once([_outcome(approve), _outcome(claw_back)])

        assert errors == []
        statement.refresh_from_db()
        assert statement.status == StatementStatus.APPROVED
        taken = LedgerEntry.objects.filter(
            reason=Reason.CLAWBACK, source__startswith=f"statement:{statement.pk}#"
        )
        # Either the approval went first and the clawback followed, or the clawback was
        # refused: never a clawback row and a pending statement.
        assert results.count("done") == 1 + taken.count()
        assert taken.count() in (0, 1)


@requires_postgresql
@transactional
def test_clawbacks_at_once_never_take_more_than_the_statement() -> None:
    statement = _statement(600)
    reviewer = reviewer_make()
    statement_approve(statement=statement, reviewer=reviewer)
    clawers = [reviewer_make() for _ in range(4)]

    results, errors = run_at_once(
        [
            _outcome(
                partial(
                    statement_clawback,
                    statement=statement,
                    points=250,
                    actor=c,
                    reason="Sock puppets.",
                )
            )
            for c in clawers
        ]
    )

    assert errors == []  # no IntegrityError on the clawback's source, no deadlock
    assert sorted(results) == ["conflict", "conflict", "done", "done"]
    assert ledger_sum(statement.member_id, reason=Reason.CLAWBACK) == -500
    sources = LedgerEntry.objects.filter(reason=Reason.CLAWBACK).values_list("source", flat=True)
    assert sorted(sources) == [f"statement:{statement.pk}#1", f"statement:{statement.pk}#2"]
    assert gamification_rebuild(fix=False).total == 0


@requires_postgresql
@transactional
def test_two_staff_marking_paid_at_once_record_one_payment() -> None:
    statement = _statement()
    reviewer = reviewer_make()
    Statement.objects.filter(pk=statement.pk).update(payout_method="cash")
    statement_approve(statement=statement, reviewer=reviewer)

    results, errors = run_at_once(
        [
            _outcome(
                partial(statement_mark_paid, statement=statement, actor=reviewer, reference=ref)
            )
            for ref in ("TX-A", "TX-B")
        ]
    )

    assert errors == []
    assert sorted(results) == ["conflict", "done"]
    statement.refresh_from_db()
    assert statement.status == StatementStatus.PAID
    assert statement.payout_reference in {"TX-A", "TX-B"}
