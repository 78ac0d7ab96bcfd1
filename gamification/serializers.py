"""Gamification's JSON shapes for API v1 (docs/api.md, "Gamification").

The choice fields name their enums in the schema themselves (`component_name`): a plain
ChoiceField called `status` or `reason` would collide with the community's and support's
fields of the same name and make drf-spectacular warn.

Help texts document the schema for developers and stay in English.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.serializers import NAME_MAX, MemberSummarySerializer
from config.formatting import rank_label
from gamification.models import (
    BadgeTier,
    LedgerEntry,
    PayoutMethod,
    Period,
    Reason,
    Statement,
    StatementStatus,
)
from gamification.privileges import member_privileges
from gamification.selectors import BadgeSummary, HeldBadge, RankInfo


@extend_schema_field(
    serializers.ChoiceField(choices=Period.choices), component_name="LeaderboardPeriodEnum"
)
class PeriodField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Period.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=BadgeTier.choices), component_name="BadgeTierEnum"
)
class TierField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=BadgeTier.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=Reason.choices), component_name="LedgerReasonEnum"
)
class ReasonField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Reason.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=StatementStatus.choices),
    component_name="StatementStatusEnum",
)
class StatementStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=StatementStatus.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=PayoutMethod.choices), component_name="PayoutMethodEnum"
)
class PayoutMethodField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=PayoutMethod.choices, **kwargs)

    def to_representation(self, value: Any) -> Any:
        # The model keeps "" until the member chooses; the API says null.
        return super().to_representation(value) if value else None


# ---------------------------------------------------------------------------- members


class NextRankSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    # DRF takes declared fields out of the class, so this never shadows Field.label.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="The rank's name in the language of the request (Accept-Language)."
    )
    min_points = serializers.IntegerField()


class MemberBadgeSerializer(serializers.Serializer[HeldBadge]):
    slug = serializers.SlugField(source="badge.slug")
    name = serializers.CharField(source="badge.name")
    tier = TierField(source="badge.tier")
    awarded_at = serializers.DateTimeField()
    icon_url = serializers.SerializerMethodField()

    def get_icon_url(self, held: HeldBadge) -> str:
        return reverse("badge-icon", kwargs={"slug": held.badge.slug})


class MemberStatsSerializer(serializers.Serializer[dict[str, int]]):
    questions = serializers.IntegerField()
    answers = serializers.IntegerField()
    solutions = serializers.IntegerField()
    kudos_received = serializers.IntegerField()


class PrivilegeSerializer(serializers.Serializer[dict[str, Any]]):
    key = serializers.CharField(help_text="post_links, post_images, flag, retag, ...")
    name = serializers.CharField(help_text="What it lets the member do, in words.")
    granted = serializers.BooleanField(help_text="Whether the member may, by rank or role.")
    unlocked_at = serializers.CharField(
        allow_null=True, help_text="The rank that unlocks it; null when granted or no rank does."
    )
    points_needed = serializers.IntegerField(
        help_text="Points still needed for that rank; 0 when granted."
    )


class MemberProfileSerializer(MemberSummarySerializer):
    """The member summary, their standing and their activity. The view puts `standing`
    (gamification.selectors.Standing) and `stats` in the context."""

    points = serializers.SerializerMethodField(help_text="All-time points, net of reversals.")
    next_rank = serializers.SerializerMethodField(
        help_text="The next rank to reach; null at the highest rank."
    )
    points_to_next_rank = serializers.SerializerMethodField(
        help_text="Points still needed for the next rank; 0 at the highest rank."
    )
    badges = serializers.SerializerMethodField(help_text="Badges held, latest first.")
    stats = serializers.SerializerMethodField()
    privileges = serializers.SerializerMethodField(
        help_text="What the member's rank lets them do, and what it does not yet."
    )

    class Meta(MemberSummarySerializer.Meta):
        fields = [
            *MemberSummarySerializer.Meta.fields,
            "points",
            "next_rank",
            "points_to_next_rank",
            "badges",
            "stats",
            "privileges",
        ]
        read_only_fields = fields

    def get_points(self, member: Any) -> int:
        return int(self.context["standing"].points)

    @extend_schema_field(NextRankSerializer(allow_null=True))
    def get_next_rank(self, member: Any) -> dict[str, Any] | None:
        rank = self.context["standing"].next_rank
        if rank is None:
            return None
        return {"name": rank.name, "label": rank_label(rank.name), "min_points": rank.min_points}

    def get_points_to_next_rank(self, member: Any) -> int:
        return int(self.context["standing"].points_to_next_rank)

    @extend_schema_field(MemberBadgeSerializer(many=True))
    def get_badges(self, member: Any) -> list[dict[str, Any]]:
        return list(MemberBadgeSerializer(self.context["standing"].badges, many=True).data)

    @extend_schema_field(MemberStatsSerializer())
    def get_stats(self, member: Any) -> dict[str, int]:
        return dict(MemberStatsSerializer(self.context["stats"]).data)

    @extend_schema_field(PrivilegeSerializer(many=True))
    def get_privileges(self, member: Any) -> list[dict[str, Any]]:
        return list(PrivilegeSerializer(member_privileges(member), many=True).data)  # type: ignore[arg-type]


class LedgerEntrySerializer(serializers.ModelSerializer[LedgerEntry]):
    reason = ReasonField(read_only=True)
    reason_label = serializers.CharField(
        source="get_reason_display", read_only=True, help_text="The reason, in words."
    )

    class Meta:
        model = LedgerEntry
        fields = ["id", "points", "reason", "reason_label", "note", "source_url", "created_at"]
        read_only_fields = fields
        extra_kwargs = {
            "points": {"help_text": "Signed: a reversal or clawback is negative."},
            "source_url": {"help_text": "Absolute path of what earned it; may be empty."},
        }


# ---------------------------------------------------------------------------- leaderboard


class LeaderboardQuerySerializer(serializers.Serializer[dict[str, Any]]):
    period = PeriodField(required=False, help_text="week (the default), month, all, or payback.")
    board = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=NAME_MAX,
        help_text="A board's slug: points earned on that board only.",
    )


class LeaderboardRowSerializer(serializers.Serializer[Any]):
    rank = serializers.IntegerField(help_text="Dense rank: ties share it, the next follows on.")
    member = MemberSummarySerializer()
    points = serializers.IntegerField()


class ViewerStandingSerializer(serializers.Serializer[Any]):
    rank = serializers.IntegerField(
        allow_null=True, help_text="Null while the viewer has no points in the period."
    )
    points = serializers.IntegerField()


class LeaderboardSerializer(serializers.Serializer[Any]):
    period = PeriodField()
    start = serializers.DateField(help_text="First day of the period.")
    board = serializers.CharField(allow_null=True, help_text="The board's slug, or null.")
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = LeaderboardRowSerializer(many=True, help_text="The top 100, fifty a page.")
    me = ViewerStandingSerializer(
        allow_null=True,
        help_text="The viewer's place, even outside the top 100; null when not signed in.",
    )


# ---------------------------------------------------------------------------- badges, ranks


class BadgeSerializer(serializers.Serializer[BadgeSummary]):
    slug = serializers.SlugField(source="badge.slug")
    name = serializers.CharField(source="badge.name")
    description = serializers.CharField(source="badge.description")
    tier = TierField(source="badge.tier")
    awarded_count = serializers.IntegerField(help_text="How many members hold it.")
    icon_url = serializers.SerializerMethodField(help_text="Absolute path of the SVG icon.")
    url = serializers.SerializerMethodField()

    def get_icon_url(self, summary: BadgeSummary) -> str:
        return reverse("badge-icon", kwargs={"slug": summary.badge.slug})

    def get_url(self, summary: BadgeSummary) -> str:
        return reverse("badge-detail", kwargs={"slug": summary.badge.slug})


class RankInfoSerializer(serializers.Serializer[RankInfo]):
    name = serializers.CharField(source="rank.name")
    # DRF takes declared fields out of the class, so this never shadows Field.label.
    label = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text="The rank's name in the language of the request (Accept-Language)."
    )
    level = serializers.IntegerField(source="rank.level")
    min_points = serializers.IntegerField(source="rank.min_points")
    privileges = serializers.SerializerMethodField(
        help_text="What the rank lets members do, by key (post_links, retag, ...)."
    )
    privilege_labels = serializers.SerializerMethodField(help_text="The same privileges, in words.")
    url = serializers.SerializerMethodField()

    def get_label(self, info: RankInfo) -> str:
        return rank_label(info.rank.name)

    def get_privileges(self, info: RankInfo) -> list[str]:
        return [key for key, _label, _new in info.privileges]

    def get_privilege_labels(self, info: RankInfo) -> list[str]:
        return [str(label) for _key, label, _new in info.privileges]

    def get_url(self, info: RankInfo) -> str:
        return f"{reverse('rank-list')}#rank-{info.rank.level}"


# ---------------------------------------------------------------------------- payback


class PeriodBoundsSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()


class StatementSerializer(serializers.ModelSerializer[Statement]):
    period = PeriodBoundsSerializer(read_only=True)
    status = StatementStatusField(read_only=True)
    payout_method = PayoutMethodField(
        read_only=True, allow_null=True, help_text="Null until the member chooses."
    )
    method_deadline = serializers.DateField(
        source="period.method_deadline",
        read_only=True,
        allow_null=True,
        help_text="The last day to choose a payout method.",
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Statement
        fields = [
            "id",
            "period",
            "points",
            "amount",
            "currency",
            "status",
            "payout_method",
            "method_deadline",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, statement: Statement) -> str:
        return f"{reverse('rewards')}#statement-{statement.pk}"


class StatementUpdateSerializer(serializers.Serializer[dict[str, str]]):
    payout_method = PayoutMethodField(help_text="account_credit, cash or charity.")


# ---------------------------------------------------------------------------- payback review


class PaybackMemberSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    display_name = serializers.CharField(source="name")


class PaybackPeriodSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()


class StaffStatementSerializer(serializers.ModelSerializer[Statement]):
    member = PaybackMemberSerializer(read_only=True)
    period = PaybackPeriodSerializer(read_only=True)
    status = StatementStatusField(read_only=True)
    payout_method = PayoutMethodField(
        read_only=True, allow_null=True, help_text="Null until the member chooses."
    )
    reviewed_by = serializers.CharField(
        source="reviewed_by.username",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Who approved it.",
    )
    paid_by = serializers.CharField(
        source="paid_by.username",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Who marked it as paid.",
    )

    class Meta:
        model = Statement
        fields = [
            "id",
            "member",
            "period",
            "points",
            "amount",
            "currency",
            "status",
            "flag_reason",
            "payout_method",
            "reviewed_by",
            "approved_at",
            "paid_by",
            "paid_at",
            "payout_reference",
        ]
        read_only_fields = fields


class ClawbackSerializer(serializers.ModelSerializer[LedgerEntry]):
    points = serializers.SerializerMethodField(help_text="Points taken back (positive).")
    reason = serializers.CharField(source="note", read_only=True)
    actor = serializers.CharField(
        source="actor.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = LedgerEntry
        fields = ["id", "points", "reason", "actor", "created_at"]
        read_only_fields = fields

    def get_points(self, entry: LedgerEntry) -> int:
        return -entry.points


class StaffStatementDetailSerializer(StaffStatementSerializer):
    ledger = LedgerEntrySerializer(
        many=True, read_only=True, help_text="The ledger rows of the period it was derived from."
    )
    clawbacks = ClawbackSerializer(many=True, read_only=True)

    class Meta(StaffStatementSerializer.Meta):
        fields = [*StaffStatementSerializer.Meta.fields, "ledger", "clawbacks"]
        read_only_fields = fields


class PaybackTotalsSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    points = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class PaybackListQuerySerializer(serializers.Serializer[dict[str, Any]]):
    period = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="A period's id."
    )
    status = StatementStatusField(required=False)


class PaybackBulkApproveSerializer(serializers.Serializer[dict[str, Any]]):
    statements = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=500,
        help_text="The ids of the statements to approve.",
    )


class PaybackRefusalSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    detail = serializers.CharField()


class PaybackBulkResultSerializer(serializers.Serializer[Any]):
    approved = serializers.ListField(child=serializers.IntegerField())
    refused = PaybackRefusalSerializer(many=True)


class PaybackPaidSerializer(serializers.Serializer[dict[str, Any]]):
    reference = serializers.CharField(
        max_length=100, help_text="Finance's reference for the payment."
    )


class PaybackClawbackSerializer(serializers.Serializer[dict[str, Any]]):
    points = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    reason = serializers.CharField(max_length=200, help_text="Why: shown to the member.")


class PayoutSerializer(serializers.Serializer[Any]):
    """One line of a period's payouts, for finance (JSON and CSV share it)."""

    statement = serializers.IntegerField(source="pk")
    username = serializers.CharField(source="member.username")
    name = serializers.CharField(source="member.name")
    email = serializers.EmailField(source="member.email")
    period_start = serializers.DateField(source="period.start")
    period_end = serializers.DateField(source="period.end")
    points = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    payout_method = serializers.CharField()
    status = serializers.CharField()
    approved_by = serializers.CharField(
        source="reviewed_by.username", allow_null=True, default=None
    )
    approved_at = serializers.DateTimeField(allow_null=True)
    paid_at = serializers.DateTimeField(allow_null=True)
    payout_reference = serializers.CharField()
