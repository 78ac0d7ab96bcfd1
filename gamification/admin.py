"""Staff's controls for points, ranks, badges and payback.

The ledger and badge awards are records, not settings: staff read them here and never
edit them (a correction is a new ledger row, written by a service). Money moves only
through the payback services: closing a period and approving statements are actions
that call them, so the same rules hold here as in the commands and tasks.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from community.errors import Conflict
from community.models import Member
from gamification.badges import REGISTRY
from gamification.models import (
    BadgeAward,
    GamificationSettings,
    LedgerEntry,
    PointsRule,
    Rank,
    RewardPeriod,
    RewardPeriodStatus,
    Statement,
    StatementStatus,
)
from gamification.privileges import PRIVILEGES
from gamification.services import payback


@admin.register(PointsRule)
class PointsRuleAdmin(admin.ModelAdmin[PointsRule]):
    list_display = ["key", "points", "enabled"]
    list_editable = ["points", "enabled"]
    list_display_links = ["key"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The rules are a fixed set (RuleKey); a rule is switched off, not deleted.
        return False


class RankForm(forms.ModelForm[Rank]):
    privileges = forms.MultipleChoiceField(
        label=_("privileges"),
        choices=[(key, label) for key, (label, _perm) in PRIVILEGES.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("What members of this rank may do. Higher ranks usually keep these."),
    )

    class Meta:
        model = Rank
        fields = ["name", "level", "min_points", "privileges"]

    def clean_privileges(self) -> list[str]:
        chosen = set(self.cleaned_data.get("privileges") or [])
        return [key for key in PRIVILEGES if key in chosen]  # in PRIVILEGES' order


@admin.register(Rank)
class RankAdmin(admin.ModelAdmin[Rank]):
    form = RankForm
    list_display = ["name", "level", "min_points", "privilege_labels"]
    ordering = ["min_points"]

    @admin.display(description=_("privileges"))
    def privilege_labels(self, rank: Rank) -> str:
        return ", ".join(str(PRIVILEGES[k][0]) for k in rank.privileges or [] if k in PRIVILEGES)


@admin.register(GamificationSettings)
class GamificationSettingsAdmin(admin.ModelAdmin[GamificationSettings]):
    list_display = ["__str__", "point_value", "minimum_payout", "kudos_daily_cap"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One row; the code reads pk=1 (GamificationSettings.current()).
        return super().has_add_permission(request) and not GamificationSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Records staff may read but never write."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "member", "points", "reason", "source", "note"]
    list_filter = ["reason"]
    search_fields = ["member__username"]
    list_select_related = ["member"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    show_full_result_count = False  # a COUNT over the whole ledger on every page is slow


class BadgeFilter(admin.SimpleListFilter):
    title = _("badge")
    parameter_name = "badge"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(slug, badge.name) for slug, badge in REGISTRY.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(badge=self.value()) if self.value() else queryset


@admin.register(BadgeAward)
class BadgeAwardAdmin(ReadOnlyAdmin):
    list_display = ["awarded_at", "member", "badge_name"]
    list_filter = [BadgeFilter]
    search_fields = ["member__username"]
    list_select_related = ["member"]
    ordering = ["-awarded_at", "-pk"]

    @admin.display(description=_("badge"))
    def badge_name(self, award: BadgeAward) -> str:
        badge = REGISTRY.get(award.badge)
        return str(badge.name) if badge else award.badge


@admin.register(RewardPeriod)
class RewardPeriodAdmin(admin.ModelAdmin[RewardPeriod]):
    list_display = ["__str__", "status", "point_value", "currency", "method_deadline", "closed_at"]
    list_filter = ["status"]
    actions = ["close_periods"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # What closing copies from the settings is frozen with the statements it priced.
        frozen = ["status", "point_value", "currency", "minimum_payout", "closed_at"]
        if obj is not None and obj.status == RewardPeriodStatus.CLOSED:
            frozen = ["start", "end", *frozen]
        return frozen

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or obj.status == RewardPeriodStatus.OPEN

    @admin.action(description=_("Close period"), permissions=["change"])
    def close_periods(self, request: HttpRequest, queryset: QuerySet[RewardPeriod]) -> None:
        for period in queryset.order_by("start"):
            try:
                statements = payback.reward_period_close(period=period)
            except Conflict as conflict:
                self.message_user(request, f"{period}: {conflict.message}", messages.ERROR)
                continue
            self.message_user(
                request,
                ngettext(
                    "%(period)s is closed: %(count)d statement.",
                    "%(period)s is closed: %(count)d statements.",
                    len(statements),
                )
                % {"period": period, "count": len(statements)},
                messages.SUCCESS,
            )


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin[Statement]):
    list_display = [
        "member",
        "period",
        "points",
        "amount",
        "currency",
        "status",
        "payout_method",
        "flag_reason",
    ]
    list_filter = ["status", "payout_method", "period"]
    search_fields = ["member__username"]
    list_select_related = ["member", "period"]
    actions = ["approve_statements"]
    # Made by closing a period from the ledger: the money is never typed in.
    computed = [
        "member",
        "period",
        "points",
        "amount",
        "currency",
        "status",
        "reviewed_by",
        "approved_at",
        "paid_by",
        "paid_at",
        "payout_reference",
        "created_at",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and obj.status in (StatementStatus.APPROVED, StatementStatus.PAID):
            return [*self.computed, "flag_reason", "payout_method"]
        return list(self.computed)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Approve"), permissions=["change"])
    def approve_statements(self, request: HttpRequest, queryset: QuerySet[Statement]) -> None:
        reviewer: Member = request.user  # type: ignore[assignment]
        approved = skipped = 0
        for statement in queryset.select_related("member", "period"):
            if statement.status == StatementStatus.APPROVED:
                skipped += 1
                continue
            try:
                payback.statement_approve(statement=statement, reviewer=reviewer)
            except (Conflict, PermissionDenied) as refused:
                text = refused.message if isinstance(refused, Conflict) else str(refused)
                self.message_user(request, f"{statement.member}: {text}", messages.WARNING)
                continue
            approved += 1
        if approved:
            self.message_user(
                request,
                ngettext(
                    "%(count)d statement approved.", "%(count)d statements approved.", approved
                )
                % {"count": approved},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d statement was already approved and is unchanged.",
                    "%(count)d statements were already approved and are unchanged.",
                    skipped,
                )
                % {"count": skipped},
                messages.INFO,
            )
