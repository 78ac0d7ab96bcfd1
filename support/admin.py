"""Admin for cases: SLA policies and their agent teams, agents' availability, and cases.

Cases are read-mostly here: the agents' workspace (/support/) is where they are worked. An
agent may still change a case's status, priority or assignee from the admin; the change
goes through support.cases.services.case_update, so it joins the timeline like any other.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from community.models import AGENTS_GROUP, Member
from support.cases.models import AgentStatus, Case, CaseEvent, CaseMessage, SLAPolicy
from support.cases.selectors import viewer_is_agent
from support.cases.services import case_update
from support.moderation.models import Flag, ModerationAction, Sanction


def _agents() -> QuerySet[Member]:
    return (
        Member.objects.filter(is_active=True)
        .filter(Q(groups__name=AGENTS_GROUP) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin[SLAPolicy]):
    list_display = ["board", "unanswered_minutes", "unsolved_hours", "team_size"]
    filter_horizontal = ["agents"]
    list_select_related = ["board"]

    @admin.display(description=_("team"))
    def team_size(self, policy: SLAPolicy) -> str:
        count = policy.agents.count()
        return str(count) if count else str(_("every agent"))

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "agents":
            kwargs["queryset"] = _agents()
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(AgentStatus)
class AgentStatusAdmin(admin.ModelAdmin[AgentStatus]):
    list_display = ["agent", "available", "updated_at"]
    list_filter = ["available"]
    list_select_related = ["agent"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "agent":
            kwargs["queryset"] = _agents()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CaseMessageInline(admin.TabularInline[CaseMessage, Case]):
    model = CaseMessage
    fields = ["created_at", "author", "internal", "body"]
    readonly_fields = ["created_at", "author", "internal", "body"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseEventInline(admin.TabularInline[CaseEvent, Case]):
    model = CaseEvent
    fields = ["created_at", "kind", "actor", "internal", "data"]
    readonly_fields = ["created_at", "kind", "actor", "internal", "data"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin[Case]):
    list_display = ["__str__", "status", "priority", "customer", "assignee", "sla_due_at"]
    list_filter = ["status", "reason", "priority"]
    search_fields = ["customer__username", "assignee__username", "thread__title"]
    list_select_related = ["customer", "assignee"]
    date_hierarchy = "created_at"
    FIELDS = [
        "thread",
        "customer",
        "reason",
        "status",
        "priority",
        "assignee",
        "sla_due_at",
        "first_response_at",
        "resolved_at",
        "created_at",
    ]
    fields = tuple(FIELDS)
    inlines = [CaseMessageInline, CaseEventInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Case | None = None) -> list[str]:
        editable = {"status", "priority", "assignee"} if viewer_is_agent(request.user) else set()
        return [name for name in self.FIELDS if name not in editable]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Cases open by escalation (a member, a moderator or the SLA scan), never by hand.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "assignee":
            kwargs["queryset"] = _agents()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: Case, form: ModelForm[Case], change: bool
    ) -> None:
        if not viewer_is_agent(request.user):
            raise PermissionDenied
        case_update(
            case=obj,
            actor=request.user,  # type: ignore[arg-type]
            status=form.cleaned_data.get("status"),
            priority=form.cleaned_data.get("priority"),
            assignee=form.cleaned_data.get("assignee"),
            unassign=form.cleaned_data.get("assignee") is None,
        )


# --------------------------------------------------------------------------- moderation
# Read-only: flags are reviewed, and sanctions applied and lifted, on the moderation pages
# (/moderation/), where every decision joins the audit log and the member is told. The log
# itself is never edited.


class _ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Flag)
class FlagAdmin(_ReadOnlyAdmin):
    list_display = ["__str__", "kind", "status", "flagger", "thread", "post_id", "weight"]
    list_filter = ["status", "kind"]
    search_fields = ["flagger__username", "thread__title", "note"]
    list_select_related = ["flagger", "thread"]
    date_hierarchy = "created_at"


@admin.register(ModerationAction)
class ModerationActionAdmin(_ReadOnlyAdmin):
    list_display = ["created_at", "kind", "actor", "member", "thread", "post_id", "reason"]
    list_filter = ["kind"]
    search_fields = ["actor__username", "member__username", "thread__title", "reason"]
    list_select_related = ["actor", "member", "thread"]
    date_hierarchy = "created_at"


@admin.register(Sanction)
class SanctionAdmin(_ReadOnlyAdmin):
    list_display = ["member", "kind", "until", "lifted_at", "by", "reason"]
    list_filter = ["kind"]
    search_fields = ["member__username", "reason"]
    list_select_related = ["member", "by"]
    date_hierarchy = "created_at"
