"""Payback review by staff: approving (one and in bulk), marking paid, clawing back.

Each change is a service under a row lock that records who and when; a change the status
does not allow is a Conflict (409), bad input a ValidationError (400). A clawback is a
ledger row of its own, never an edit, and `gamification_rebuild --check` still agrees.
"""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from community.errors import Conflict
from community.models import AGENTS_GROUP, MODERATORS_GROUP, Member
from gamification import selectors
from gamification.models import (
    LedgerEntry,
    PayoutMethod,
    Reason,
    RewardPeriod,
    Statement,
    StatementStatus,
)
from gamification.services.payback import (
    reward_period_close,
    reward_period_for,
    statement_approve,
    statement_choose_method,
    statement_clawback,
    statement_mark_paid,
    statements_approve,
)
from notifications.models import Kind, Notification
from tests.builders import member_make
from tests.gamification.helpers import ledger_sum, score
from tests.gamification.test_payback import CLOSING_DAY, WINTER, earn, local, reviewer_make

pytestmark = pytest.mark.django_db

NOON = datetime(2025, 6, 3, 11, 0, tzinfo=UTC)


@pytest.fixture
def statements(period: RewardPeriod) -> dict[str, Statement]:
    """A closed period: two awaiting review, one flagged, one below the minimum."""
    members = {name: member_make(username=name) for name in ("ann", "ben", "cat", "dan")}
    earn(members["ann"], 600, local(2025, 1, 2))
    earn(members["ben"], 800, local(2025, 1, 3))
    earn(members["cat"], 700, local(2025, 1, 4))
    earn(members["cat"], -10, local(2025, 1, 5), reason=Reason.VOTING_CORRECTED)
    earn(members["dan"], 100, local(2025, 1, 6))
    reward_period_close(period=period, today=CLOSING_DAY)
    return {s.member.username: s for s in Statement.objects.select_related("member")}


@pytest.fixture
def period(db: None) -> RewardPeriod:
    return reward_period_for(WINTER)


def _status(statement: Statement) -> str:
    statement.refresh_from_db()
    return statement.status


def _approved_with_method(statement: Statement, reviewer: Member) -> Statement:
    statement_choose_method(
        statement=statement, member=statement.member, method=PayoutMethod.CASH, today=CLOSING_DAY
    )
    return statement_approve(statement=statement, reviewer=reviewer)


# --- who --------------------------------------------------------------------------------------


def test_moderators_review_payback_and_agents_do_not(moderator: Member, agent: Member) -> None:
    assert (
        Group.objects.get(name=MODERATORS_GROUP)
        .permissions.filter(codename="review_statement")
        .exists()
    )
    assert selectors.can_review_payback(Member.objects.get(pk=moderator.pk))
    assert not selectors.can_review_payback(Member.objects.get(pk=agent.pk))
    assert (
        not Group.objects.get(name=AGENTS_GROUP)
        .permissions.filter(codename="review_statement")
        .exists()
    )


def test_nobody_without_the_permission_changes_a_statement(
    statements: dict[str, Statement], agent: Member
) -> None:
    ann = statements["ann"]
    for someone in (ann.member, agent, member_make(is_staff=True)):
        with pytest.raises(PermissionDenied):
            statement_approve(statement=ann, reviewer=someone)
        with pytest.raises(PermissionDenied):
            statements_approve(statement_ids=[ann.pk], reviewer=someone)
        with pytest.raises(PermissionDenied):
            statement_mark_paid(statement=ann, actor=someone, reference="T-1")
    assert _status(ann) == StatementStatus.PENDING


# --- approve ----------------------------------------------------------------------------------


def test_approving_records_who_and_when(statements: dict[str, Statement]) -> None:
    reviewer = reviewer_make()
    with time_machine.travel(NOON, tick=False):
        approved = statement_approve(statement=statements["ann"], reviewer=reviewer)
    assert (approved.status, approved.reviewed_by_id, approved.approved_at) == (
        StatementStatus.APPROVED,
        reviewer.pk,
        NOON,
    )


def test_below_the_minimum_cannot_be_approved(statements: dict[str, Statement]) -> None:
    with pytest.raises(Conflict, match="below the minimum"):
        statement_approve(statement=statements["dan"], reviewer=reviewer_make())
    assert _status(statements["dan"]) == StatementStatus.BELOW_MINIMUM


def test_approving_in_bulk_approves_what_it_can_and_says_why_not_for_the_rest(
    statements: dict[str, Statement],
) -> None:
    reviewer = reviewer_make()
    statement_approve(statement=statements["ben"], reviewer=reviewer)
    ids = [s.pk for s in statements.values()] + [987654321]

    approved, refused = statements_approve(statement_ids=ids, reviewer=reviewer)

    assert sorted(s.member.username for s in approved) == ["ann", "cat"]  # cat was flagged
    assert sorted((s.member.username, why) for s, why in refused) == [
        ("ben", "This statement is already approved."),
        ("dan", "This statement is below the minimum payout."),
    ]
    assert _status(statements["cat"]) == StatementStatus.APPROVED


# --- mark paid --------------------------------------------------------------------------------


def test_marking_paid_records_the_reference_who_and_when(statements: dict[str, Statement]) -> None:
    reviewer = reviewer_make()
    ann = _approved_with_method(statements["ann"], reviewer)
    with time_machine.travel(NOON, tick=False):
        paid = statement_mark_paid(statement=ann, actor=reviewer, reference="  BACS-2025-0042 ")
    paid.refresh_from_db()
    assert (paid.status, paid.payout_reference, paid.paid_by_id, paid.paid_at) == (
        StatementStatus.PAID,
        "BACS-2025-0042",
        reviewer.pk,
        NOON,
    )
    # Paid is final: not twice, and the member's choice of method is frozen with it.
    with pytest.raises(Conflict, match="already paid"):
        statement_mark_paid(statement=ann, actor=reviewer, reference="again")
    with pytest.raises(Conflict, match="already paid"):
        statement_choose_method(
            statement=ann, member=ann.member, method=PayoutMethod.CHARITY, today=CLOSING_DAY
        )
    with pytest.raises(Conflict, match="already approved"):
        statement_approve(statement=ann, reviewer=reviewer)


def test_only_an_approved_statement_with_a_method_can_be_paid(
    statements: dict[str, Statement],
) -> None:
    reviewer = reviewer_make()
    with pytest.raises(Conflict, match="Only an approved"):
        statement_mark_paid(statement=statements["ann"], actor=reviewer, reference="T-1")
    ben = statement_approve(statement=statements["ben"], reviewer=reviewer)
    with pytest.raises(Conflict, match="payout method"):
        statement_mark_paid(statement=ben, actor=reviewer, reference="T-1")
    assert _status(statements["ann"]) == StatementStatus.PENDING
    assert _status(statements["ben"]) == StatementStatus.APPROVED


@pytest.mark.parametrize("reference", ["", "   ", "x" * 101])
def test_a_payment_needs_a_reference(statements: dict[str, Statement], reference: str) -> None:
    reviewer = reviewer_make()
    ann = _approved_with_method(statements["ann"], reviewer)
    with pytest.raises(ValidationError) as refused:
        statement_mark_paid(statement=ann, actor=reviewer, reference=reference)
    assert "reference" in refused.value.message_dict
    assert _status(ann) == StatementStatus.APPROVED


# --- claw back --------------------------------------------------------------------------------


def _rebuild_check() -> str:
    out = StringIO()
    call_command("gamification_rebuild", "--check", stdout=out)
    return out.getvalue()


def test_a_clawback_is_a_ledger_row_with_who_and_why_and_the_member_is_told(
    statements: dict[str, Statement],
) -> None:
    reviewer = reviewer_make()
    ann = _approved_with_method(statements["ann"], reviewer)
    statement_mark_paid(statement=ann, actor=reviewer, reference="T-1")
    before = score(ann.member)

    entry = statement_clawback(
        statement=ann, points=150, actor=reviewer, reason="  Kudos from sock puppets. "
    )

    assert (entry.points, entry.reason, entry.actor_id, entry.note) == (
        -150,
        Reason.CLAWBACK,
        reviewer.pk,
        "Kudos from sock puppets.",
    )
    assert score(ann.member) == before - 150 == ledger_sum(ann.member)
    ann.refresh_from_db()
    assert (ann.points, ann.status) == (600, StatementStatus.PAID)  # never edited
    note = Notification.objects.get(recipient=ann.member, kind=Kind.POINTS_REVERSED)
    assert note.data == {"points": 150, "reason_code": Reason.CLAWBACK}
    assert _rebuild_check().strip() == "0 differences from the ledger."


def test_clawbacks_never_take_more_than_the_statement_paid(
    statements: dict[str, Statement],
) -> None:
    reviewer = reviewer_make()
    ann = statement_approve(statement=statements["ann"], reviewer=reviewer)
    statement_clawback(statement=ann, points=500, actor=reviewer, reason="Fraud.")

    with pytest.raises(Conflict, match="At most 100 more points"):
        statement_clawback(statement=ann, points=101, actor=reviewer, reason="More fraud.")
    last = statement_clawback(statement=ann, points=100, actor=reviewer, reason="The rest.")

    assert last.source == f"statement:{ann.pk}#2"
    assert ledger_sum(ann.member, reason=Reason.CLAWBACK) == -600
    assert _rebuild_check().strip() == "0 differences from the ledger."


def test_a_statement_not_yet_approved_cannot_be_clawed_back(
    statements: dict[str, Statement],
) -> None:
    for name in ("ann", "cat", "dan"):
        with pytest.raises(Conflict, match="approved or paid"):
            statement_clawback(
                statement=statements[name], points=10, actor=reviewer_make(), reason="Fraud."
            )
    assert not LedgerEntry.objects.filter(reason=Reason.CLAWBACK).exists()


@pytest.mark.parametrize(("points", "reason", "field"), [(10, "  ", "reason"), (0, "x", "points")])
def test_a_clawback_needs_points_and_a_reason(
    statements: dict[str, Statement], points: int, reason: str, field: str
) -> None:
    reviewer = reviewer_make()
    ann = statement_approve(statement=statements["ann"], reviewer=reviewer)
    with pytest.raises(ValidationError) as refused:
        statement_clawback(statement=ann, points=points, actor=reviewer, reason=reason)
    assert field in refused.value.message_dict
    assert not LedgerEntry.objects.filter(reason=Reason.CLAWBACK).exists()
