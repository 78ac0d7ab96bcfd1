"""Reads that the gamification pages and API share (docs/architecture.md, selectors); the
leaderboards have a module of their own (gamification/leaderboards.py).

Each function's query count is fixed whatever the amount of data, and tests/gamification
pin it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from community.models import Member
from community.permissions import Viewer
from gamification import ladder
from gamification.badges import REGISTRY, Badge
from gamification.leaderboards import leaderboard_scores
from gamification.models import (
    BadgeAward,
    BadgeTier,
    GamificationSettings,
    LedgerEntry,
    Period,
    PointsRule,
    Rank,
    Reason,
    RewardPeriod,
    RewardPeriodStatus,
    Statement,
    StatementStatus,
)
from gamification.periods import days_window, payback_period_bounds
from gamification.privileges import PRIVILEGES

TIER_ORDER = [BadgeTier.GOLD, BadgeTier.SILVER, BadgeTier.BRONZE]

# ---------------------------------------------------------------------------- a member


@dataclass(frozen=True)
class HeldBadge:
    badge: Badge
    awarded_at: datetime


@dataclass(frozen=True)
class Standing:
    points: int
    rank: Rank | None
    next_rank: Rank | None
    points_to_next_rank: int
    progress: int  # percent of the way from this rank to the next
    badges: list[HeldBadge] = field(default_factory=list)


def member_standing(*, member: Member) -> Standing:
    """Points, rank, the next rank and the badges held: the badges' query, and the score's for
    a member whose read did not bring it along (gamification/ladder.py)."""
    points, rank_id = ladder.standing(member)
    ranks = ladder.ranks()
    rank = next((r for r in ranks if r.pk == rank_id), None)
    if rank is None:  # no total yet, or a rank staff deleted: what the points earn
        rank = next((r for r in reversed(ranks) if r.min_points <= max(points, 0)), None)
    next_rank = next((r for r in ranks if r.min_points > points), None)
    progress = 100
    if next_rank is not None:
        floor = rank.min_points if rank else 0
        progress = int(100 * (points - floor) / max(1, next_rank.min_points - floor))
    awards = BadgeAward.objects.filter(member_id=member.pk).order_by("-awarded_at", "-pk")
    return Standing(
        points=points,
        rank=rank,
        next_rank=next_rank,
        points_to_next_rank=max(0, next_rank.min_points - points) if next_rank else 0,
        progress=max(0, min(100, progress)),
        badges=[HeldBadge(REGISTRY[a.badge], a.awarded_at) for a in awards if a.badge in REGISTRY],
    )


def member_get_for_history(*, username: str, viewer: Viewer) -> Member:
    """The member whose points history `viewer` asks for: themselves, or anyone for staff.

    Anyone else gets a 404, not a 403: the page says nothing about who exists (the API,
    whose callers already see the public profile, answers 403 instead).
    """
    member = (
        Member.objects.filter(username__iexact=username, is_active=True)
        .prefetch_related("groups")
        .first()
    )
    if member is None or not can_see_history(viewer=viewer, member=member):
        raise Http404(_("No such member."))
    return member


def can_see_history(*, viewer: Viewer, member: Member) -> bool:
    return bool(viewer.is_authenticated and (viewer.pk == member.pk or viewer.is_staff))


def points_history(*, member: Member) -> QuerySet[LedgerEntry]:
    """The member's ledger, newest first (the index ledger_member_history)."""
    return LedgerEntry.objects.filter(member_id=member.pk).order_by("-created_at", "-pk")


# ---------------------------------------------------------------------------- badges


@dataclass(frozen=True)
class BadgeSummary:
    badge: Badge
    awarded_count: int

    @property
    def tier_label(self) -> StrOrPromise:
        return BadgeTier(self.badge.tier).label


def badge_list() -> list[BadgeSummary]:
    """Every badge in the registry, gold first, with how many members hold it: one query."""
    counts = dict(
        BadgeAward.objects.order_by()
        .values("badge")
        .annotate(n=Count("pk"))
        .values_list("badge", "n")
    )
    order = {tier: i for i, tier in enumerate(TIER_ORDER)}
    return sorted(
        (BadgeSummary(badge, counts.get(slug, 0)) for slug, badge in REGISTRY.items()),
        key=lambda s: order.get(BadgeTier(s.badge.tier), len(order)),
    )


def badges_by_tier() -> list[tuple[str, StrOrPromise, list[BadgeSummary]]]:
    """The gallery: (tier, tier label, badges), gold first, empty tiers left out."""
    summaries = badge_list()
    groups: list[tuple[str, StrOrPromise, list[BadgeSummary]]] = []
    for tier in TIER_ORDER:
        members = [s for s in summaries if s.badge.tier == tier]
        if members:
            groups.append((tier.value, tier.label, members))
    return groups


def badge_get(*, slug: str) -> Badge:
    badge = REGISTRY.get(slug)
    if badge is None:
        raise Http404(_("No such badge."))
    return badge


def badge_holders(*, slug: str, limit: int = 24) -> tuple[int, list[BadgeAward]]:
    """How many members hold the badge, and the latest to earn it: two queries."""
    awards = BadgeAward.objects.filter(badge=slug, member__deleted_at__isnull=True)
    recent = list(
        awards.select_related("member")
        .prefetch_related("member__groups")
        .order_by("-awarded_at", "-pk")[:limit]
    )
    return awards.count(), recent


# ---------------------------------------------------------------------------- ranks and rules


@dataclass(frozen=True)
class RankInfo:
    rank: Rank
    privileges: list[tuple[str, StrOrPromise, bool]]  # key, label, new at this rank


def rank_list() -> list[RankInfo]:
    """Every rank, lowest first, with the privileges it grants (in PRIVILEGES' order) and
    which of them it is the first to grant (the ranks: gamification/ladder.py)."""
    infos = []
    before: set[str] = set()
    for rank in ladder.ranks():
        held = set(rank.privileges or [])
        privileges = [
            (key, label, key not in before)
            for key, (label, _perm) in PRIVILEGES.items()
            if key in held
        ]
        infos.append(RankInfo(rank=rank, privileges=privileges))
        before |= held
    return infos


def points_rules() -> list[PointsRule]:
    """The rules that pay now, most points first."""
    return list(PointsRule.objects.filter(enabled=True).order_by("-points", "key"))


# ---------------------------------------------------------------------------- payback


@dataclass(frozen=True)
class RunningPeriod:
    start: date
    end: date
    points: int
    estimated_amount: Decimal
    currency: str
    minimum_payout: Decimal


def running_period(*, member: Member, today: date | None = None) -> RunningPeriod:
    """The payback period under way: the member's points so far (from their leaderboard
    row, not the ledger) and what they would be worth at today's point value."""
    today = today or timezone.localdate()
    start, end = payback_period_bounds(today)
    config = GamificationSettings.current()
    points = (
        leaderboard_scores(Period.PAYBACK, start, None)
        .filter(member_id=member.pk)
        .values_list("points", flat=True)
        .first()
    ) or 0
    amount = (Decimal(max(points, 0)) * config.point_value).quantize(Decimal("0.01"))
    return RunningPeriod(
        start=start,
        end=end,
        points=points,
        estimated_amount=amount,
        currency=settings.BRAND_CURRENCY,
        minimum_payout=config.minimum_payout,
    )


def statement_list(*, member: Member) -> QuerySet[Statement]:
    """The member's payback statements, latest period first."""
    return (
        Statement.objects.filter(member_id=member.pk)
        .select_related("period")
        .order_by("-period__start", "-pk")
    )


def statement_get_for_member(*, statement_id: int, member: Member) -> Statement:
    """The member's own statement; anyone else's is a 404, as if it did not exist."""
    statement = statement_list(member=member).filter(pk=statement_id).first()
    if statement is None:
        raise Http404(_("No such statement."))
    return statement


# ---------------------------------------------------------------------------- payback review

REVIEW_PERMISSION = "gamification.review_statement"


def can_review_payback(viewer: Viewer) -> bool:
    """Staff who review, approve, pay and claw back statements (moderators by default)."""
    return isinstance(viewer, Member) and viewer.is_active and viewer.has_perm(REVIEW_PERMISSION)


@dataclass(frozen=True)
class PaybackTotals:
    count: int
    points: int
    amount: Decimal


def payback_periods_closed() -> list[RewardPeriod]:
    """The periods that have statements to review, latest first."""
    return list(RewardPeriod.objects.filter(status=RewardPeriodStatus.CLOSED).order_by("-start"))


def payback_statements(
    *, period_id: int | None = None, status: str | None = None
) -> QuerySet[Statement]:
    """Statements for staff, latest period first, then the largest amounts."""
    statements = Statement.objects.select_related("member", "period")
    if period_id is not None:
        statements = statements.filter(period_id=period_id)
    if status:
        statements = statements.filter(status=status)
    return statements.order_by("-period__start", "-amount", "pk")


def payback_totals(statements: QuerySet[Statement]) -> PaybackTotals:
    """How many statements, points and money a (filtered) list holds: one query."""
    sums = statements.order_by().aggregate(
        count=Count("pk"),
        points=Coalesce(Sum("points"), 0),
        amount=Coalesce(Sum("amount"), Decimal("0.00"), output_field=DecimalField()),
    )
    return PaybackTotals(
        count=sums["count"], points=sums["points"], amount=Decimal(sums["amount"] or 0)
    )


def payback_statement_get(*, statement_id: int) -> Statement:
    statement = (
        Statement.objects.select_related("member", "period", "reviewed_by", "paid_by")
        .filter(pk=statement_id)
        .first()
    )
    if statement is None:
        raise Http404(_("No such statement."))
    return statement


def payback_statement_ledger(*, statement: Statement) -> QuerySet[LedgerEntry]:
    """The ledger rows the statement was derived from: the member's rows in its period."""
    start, end = days_window(statement.period.start, statement.period.end)
    return (
        LedgerEntry.objects.filter(
            member_id=statement.member_id, created_at__gte=start, created_at__lt=end
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )


def payback_clawbacks(*, statement: Statement) -> QuerySet[LedgerEntry]:
    """The clawbacks taken from the statement, oldest first, with who took them."""
    return (
        LedgerEntry.objects.filter(
            member_id=statement.member_id,
            reason=Reason.CLAWBACK,
            source__startswith=f"statement:{statement.pk}#",
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )


PAYOUT_STATUSES = (StatementStatus.APPROVED, StatementStatus.PAID)


def payback_payouts(*, period: RewardPeriod) -> QuerySet[Statement]:
    """What finance pays for a period: its approved and paid statements, by username."""
    return (
        Statement.objects.filter(period=period, status__in=PAYOUT_STATUSES)
        .select_related("member", "period", "reviewed_by", "paid_by")
        .order_by("member__username", "pk")
    )


def payback_period_get(*, period_id: int) -> RewardPeriod:
    period = RewardPeriod.objects.filter(pk=period_id).first()
    if period is None:
        raise Http404(_("No such period."))
    return period
