"""Points, ranks, badges, leaderboards and payback.

The ledger is the truth (docs/architecture.md, "The ledger is the truth"): one row per
award or reversal, never edited. A reversal is its own row pointing at the award it cancels,
and each award can be reversed once. Totals and leaderboard rows are derived from it and
`manage.py gamification_rebuild` recomputes them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from community import pagecache
from config.formatting import money


class RuleKey(models.TextChoices):
    """What earns points. Staff set how many in the admin (PointsRule)."""

    KUDOS_ON_ANSWER = "kudos_on_answer", _("Kudos received on an answer")
    KUDOS_ON_QUESTION = "kudos_on_question", _("Kudos received on a question")
    SOLUTION_ANSWERER = "solution_answerer", _("Answer accepted as the solution")
    SOLUTION_ASKER = "solution_asker", _("Accepted a solution to your question")
    ANSWER_POSTED = "answer_posted", _("Answered a question")
    QUESTION_ASKED = "question_asked", _("Asked a question")
    FAST_ANSWER = "fast_answer", _("First answer within 15 minutes")


RULE_DEFAULTS = {
    RuleKey.KUDOS_ON_ANSWER: 10,
    RuleKey.KUDOS_ON_QUESTION: 5,
    RuleKey.SOLUTION_ANSWERER: 15,
    RuleKey.SOLUTION_ASKER: 2,
    RuleKey.ANSWER_POSTED: 2,
    RuleKey.QUESTION_ASKED: 1,
    RuleKey.FAST_ANSWER: 5,
}
KUDOS_RULES = {RuleKey.KUDOS_ON_ANSWER, RuleKey.KUDOS_ON_QUESTION}


class PointsRule(models.Model):
    key = models.CharField(_("rule"), max_length=40, choices=RuleKey.choices, unique=True)
    points = models.IntegerField(_("points"), validators=[MinValueValidator(0)])
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.get_key_display()}: {self.points}"


class Reason(models.TextChoices):
    """Why a ledger row exists: an award under a rule, or one kind of reversal."""

    KUDOS_ON_ANSWER = RuleKey.KUDOS_ON_ANSWER.value, RuleKey.KUDOS_ON_ANSWER.label
    KUDOS_ON_QUESTION = RuleKey.KUDOS_ON_QUESTION.value, RuleKey.KUDOS_ON_QUESTION.label
    SOLUTION_ANSWERER = RuleKey.SOLUTION_ANSWERER.value, RuleKey.SOLUTION_ANSWERER.label
    SOLUTION_ASKER = RuleKey.SOLUTION_ASKER.value, RuleKey.SOLUTION_ASKER.label
    ANSWER_POSTED = RuleKey.ANSWER_POSTED.value, RuleKey.ANSWER_POSTED.label
    QUESTION_ASKED = RuleKey.QUESTION_ASKED.value, RuleKey.QUESTION_ASKED.label
    FAST_ANSWER = RuleKey.FAST_ANSWER.value, RuleKey.FAST_ANSWER.label
    KUDOS_WITHDRAWN = "kudos_withdrawn", _("Kudos withdrawn")
    SOLUTION_WITHDRAWN = "solution_withdrawn", _("Solution withdrawn")
    CONTENT_REMOVED = "content_removed", _("Content removed")
    VOTING_CORRECTED = "voting_corrected", _("Voting corrected")
    CLAWBACK = "clawback", _("Payback clawback")


REVERSAL_REASONS = {
    Reason.KUDOS_WITHDRAWN,
    Reason.SOLUTION_WITHDRAWN,
    Reason.CONTENT_REMOVED,
    Reason.VOTING_CORRECTED,
}


class LedgerEntry(models.Model):
    """One award or reversal of points. Append-only."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ledger"
    )
    points = models.IntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=40, choices=Reason.choices)
    # What earned it, e.g. "kudos:12" or "solution:45#2"; with member and reason it makes a
    # repeated event a no-op (the unique constraint below).
    source = models.CharField(_("source"), max_length=80)
    source_url = models.CharField(_("link"), max_length=300, blank=True)
    # Per-board leaderboards count the row on this board.
    board_id = models.BigIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "reason", "source"], name="ledger_once_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["member", "-created_at"], name="ledger_member_history"),
            models.Index(fields=["source"], name="ledger_source"),
        ]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.reason} {self.source}"


# The page-cache scope every change of a rank replaces: the processes that keep the ranks
# (gamification/ladder.py) read them again.
RANKS = "ranks"


def ranks_changed() -> None:
    """Every process reads the ranks again once the current transaction commits; until then
    this transaction reads its own change and keeps nothing (gamification/ladder.py)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        connection.ranks_changed_in = connection.atomic_blocks[0]
    pagecache.bump_on_commit(RANKS)


def ranks_changing() -> bool:
    """Whether the transaction running on this thread changed a rank and has not ended."""
    connection = transaction.get_connection()
    return connection.in_atomic_block and (
        getattr(connection, "ranks_changed_in", None) is connection.atomic_blocks[0]
    )


class RankQuerySet(models.QuerySet["Rank"]):
    """A queryset's writes that send no signal replace the ranks' version too (an instance's
    save and delete, and a queryset's delete, do through gamification.receivers)."""

    def update(self, **kwargs: Any) -> int:
        changed = super().update(**kwargs)
        ranks_changed()
        return changed

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[Rank]:
        created = super().bulk_create(*args, **kwargs)
        ranks_changed()
        return created

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        changed = super().bulk_update(*args, **kwargs)
        ranks_changed()
        return changed


class Rank(models.Model):
    """A title earned at a points threshold, with the privileges it unlocks."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), unique=True)
    min_points = models.PositiveIntegerField(_("minimum points"), unique=True)
    privileges = models.JSONField(_("privileges"), default=list, blank=True)

    objects = RankQuerySet.as_manager()

    class Meta:
        verbose_name = _("rank")
        verbose_name_plural = _("ranks")
        ordering = ["min_points"]

    def __str__(self) -> str:
        return self.name


class MemberScore(models.Model):
    """A member's running total and rank, derived from the ledger."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="score"
    )
    points = models.IntegerField(default=0)
    rank = models.ForeignKey(Rank, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        indexes = [models.Index(fields=["-points"], name="score_points")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.points}"


class Period(models.TextChoices):
    WEEK = "week", _("This week")
    MONTH = "month", _("This month")
    ALL = "all", _("All time")
    PAYBACK = "payback", _("This payback period")


ALL_TIME_START = date(2000, 1, 1)


class LeaderboardScore(models.Model):
    """Points a member earned in one period (overall, or on one board), derived from the ledger."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=10, choices=Period.choices)
    start = models.DateField()
    board_id = models.BigIntegerField(null=True, blank=True)
    points = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "period", "start"],
                condition=models.Q(board_id__isnull=True),
                name="leaderboard_overall_unique",
            ),
            models.UniqueConstraint(
                fields=["member", "period", "start", "board_id"],
                condition=models.Q(board_id__isnull=False),
                name="leaderboard_board_unique",
            ),
        ]
        indexes = [
            # The leaderboard's order (points, then member) after the columns it is asked by:
            # the top 100 are an index's first 100 entries, not a sort of every member with
            # points. Two, as PostgreSQL keeps an index's order after `board_id = x` but not
            # after `board_id IS NULL` (the overall boards).
            models.Index(
                fields=["period", "start", "-points", "member"],
                condition=models.Q(board_id__isnull=True),
                name="leaderboard_overall_order",
            ),
            models.Index(
                fields=["period", "start", "board_id", "-points", "member"],
                condition=models.Q(board_id__isnull=False),
                name="leaderboard_board_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.period} {self.start}: {self.points}"


class BadgeTier(models.TextChoices):
    BRONZE = "bronze", _("Bronze")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")


class BadgeAward(models.Model):
    """A badge a member holds. The badges themselves are rules in gamification/badges.py."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges"
    )
    badge = models.CharField(max_length=40)
    awarded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "badge"], name="badge_once_per_member")
        ]
        indexes = [models.Index(fields=["badge"], name="badge_holders")]

    def __str__(self) -> str:
        return f"{self.badge} for {self.member_id}"


class GamificationSettings(models.Model):
    """Site-wide knobs for points and payback, edited by staff. One row (pk=1)."""

    kudos_daily_cap = models.PositiveIntegerField(_("daily cap on points from kudos"), default=200)
    fast_answer_minutes = models.PositiveIntegerField(_("fast answer window (minutes)"), default=15)
    new_account_hours = models.PositiveIntegerField(
        _("kudos from accounts younger than this pay nothing (hours)"), default=24
    )
    point_value = models.DecimalField(
        _("value of one point"), max_digits=8, decimal_places=4, default=Decimal("0.01")
    )
    # The currency is the brand's (settings.BRAND_CURRENCY); periods and statements keep the
    # one they closed in.
    minimum_payout = models.DecimalField(
        _("minimum payout"), max_digits=8, decimal_places=2, default=Decimal("5.00")
    )

    class Meta:
        verbose_name = _("gamification settings")
        verbose_name_plural = _("gamification settings")

    def __str__(self) -> str:
        return str(_("Gamification settings"))

    @classmethod
    def current(cls) -> GamificationSettings:
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row


class RewardPeriodStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class RewardPeriod(models.Model):
    """A payback period (default: 1 Dec-31 May and 1 Jun-30 Nov). Closing makes statements."""

    start = models.DateField(_("first day"), unique=True)
    end = models.DateField(_("last day"))
    status = models.CharField(
        max_length=10, choices=RewardPeriodStatus.choices, default=RewardPeriodStatus.OPEN
    )
    # Copied from the settings when the period closes, so later changes don't rewrite it.
    point_value = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    minimum_payout = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    method_deadline = models.DateField(_("choose a payout method by"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("payback period")
        verbose_name_plural = _("payback periods")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="period_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        # In the reader's language: "1 Dec 2026 – 31 May 2027", "1 Dicembre 2026 – ...".
        return f"{date_format(self.start)} – {date_format(self.end)}"


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    FLAGGED = "flagged", _("Flagged for review")
    APPROVED = "approved", _("Approved")
    BELOW_MINIMUM = "below_minimum", _("Below the minimum payout")
    PAID = "paid", _("Paid")


class PayoutMethod(models.TextChoices):
    ACCOUNT_CREDIT = "account_credit", _("Account credit")
    CASH = "cash", _("Cash (bank transfer)")
    CHARITY = "charity", _("Donate to charity")


# Where a statement may go from each status (gamification/services/payback.py).
APPROVABLE = {StatementStatus.PENDING, StatementStatus.FLAGGED}
CLAWBACK_ALLOWED = {StatementStatus.APPROVED, StatementStatus.PAID}


class Statement(models.Model):
    """What a member earned in a closed period.

    Awaiting review (or flagged) -> approved -> paid; below the minimum it stays as it is.
    Points and amount never change after approval (a later fraud finding is a clawback row
    in the ledger); the payout method stays the member's choice until the period's deadline
    or until the statement is paid.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="statements"
    )
    period = models.ForeignKey(RewardPeriod, on_delete=models.PROTECT, related_name="statements")
    points = models.IntegerField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=20, choices=StatementStatus.choices, default=StatementStatus.PENDING
    )
    flag_reason = models.CharField(max_length=300, blank=True)
    payout_method = models.CharField(max_length=20, choices=PayoutMethod.choices, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    # Finance's reference for the transfer, credit or donation that paid it.
    payout_reference = models.CharField(_("payout reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("payback statement")
        verbose_name_plural = _("payback statements")
        permissions = [
            ("review_statement", "Can review, approve, pay and claw back payback statements"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["member", "period"], name="statement_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.period_id}: {money(self.amount, self.currency)}"
