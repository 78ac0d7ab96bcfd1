"""Support's JSON shapes for API v1 (docs/api.md, "Support": cases).

Output serializers read only what support.cases.selectors loaded (the people's groups are
prefetched), so a page of fifty cases costs what a page of five does. Input serializers
check types and sizes; the rules (who may do what, which changes are allowed) live in
support.cases.services, whose errors the API returns.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from community.serializers import NAME_MAX, MemberSummarySerializer, StrictCharField
from support.cases.models import Case, CaseMessage, CasePriority, CaseReason, CaseStatus
from support.cases.selectors import CASE_ORDERINGS
from support.cases.services import MESSAGE_MAX


class CaseSerializer(serializers.ModelSerializer[Case]):
    thread = serializers.IntegerField(
        source="thread_id",
        allow_null=True,
        read_only=True,
        help_text="The id of the question the case is about, or null.",
    )
    post = serializers.IntegerField(
        source="post_id",
        allow_null=True,
        read_only=True,
        help_text="The id of the customer's answer the case is about (a held answer), or null.",
    )
    thread_title = serializers.SerializerMethodField(
        help_text="The title of the question the case (or its answer) is about, or null."
    )
    board = serializers.SerializerMethodField(
        help_text="The name of that question's board, or null."
    )
    customer = MemberSummarySerializer(read_only=True)
    reason = serializers.ChoiceField(choices=CaseReason.choices, read_only=True)
    status = serializers.ChoiceField(choices=CaseStatus.choices, read_only=True)
    priority = serializers.ChoiceField(choices=CasePriority.choices, read_only=True)
    assignee = MemberSummarySerializer(read_only=True, allow_null=True)
    sla_due_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When an agent's first answer is due."
    )
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    category: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The slug of the case's category (from the list staff maintain), or null.",
    )
    root_cause: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The slug of the case's root cause, or null.",
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "thread",
            "post",
            "thread_title",
            "board",
            "customer",
            "reason",
            "status",
            "priority",
            "assignee",
            "category",
            "root_cause",
            "sla_due_at",
            "first_response_at",
            "resolved_at",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = fields

    def get_thread_title(self, case: Case) -> str | None:
        about = case.about_thread
        return about.title if about else None

    def get_board(self, case: Case) -> str | None:
        about = case.about_thread
        return about.board.name if about else None


class CaseFilterSerializer(serializers.Serializer[dict[str, Any]]):
    """The query string of GET /cases/. An empty value means "no filter"."""

    status = serializers.ChoiceField(
        choices=[*CaseStatus.values, "active"],
        required=False,
        allow_blank=True,
        help_text="A case status, or `active` (new, open or waiting).",
    )
    assignee = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=NAME_MAX,
        help_text="A username, or `me` for the cases assigned to you.",
    )
    reason = serializers.ChoiceField(
        choices=CaseReason.values, required=False, allow_blank=True, help_text="Why it opened."
    )
    board = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=NAME_MAX,
        help_text="The slug of the board of the case's question.",
    )
    ordering = serializers.ChoiceField(
        choices=list(CASE_ORDERINGS),
        required=False,
        allow_blank=True,
        help_text=(
            "`sla_due_at`: the queue's order (cases waiting for a first answer first, "
            "soonest due first), the default for agents; `-created_at`: newest first, the "
            "default for customers; `-updated_at`: latest change first."
        ),
    )


class CaseUpdateSerializer(serializers.Serializer[dict[str, Any]]):
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    assignee = StrictCharField(
        required=False,
        allow_null=True,
        max_length=NAME_MAX,
        help_text="The username of the agent to assign, or null to unassign.",
    )
    priority = serializers.ChoiceField(choices=CasePriority.choices, required=False)
    category = serializers.SlugField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=60,
        help_text="The slug of an active category, or null to clear it.",
    )
    root_cause = serializers.SlugField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=60,
        help_text="The slug of an active root cause, or null to clear it.",
    )


class EscalateSerializer(serializers.Serializer[dict[str, str]]):
    message = StrictCharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=MESSAGE_MAX,
        help_text="What the agent should know; it opens the case's private conversation.",
    )


class CaseMessageSerializer(serializers.ModelSerializer[CaseMessage]):
    case = serializers.IntegerField(source="case_id", read_only=True)
    author = MemberSummarySerializer(read_only=True)
    internal = serializers.BooleanField(
        read_only=True, help_text="An internal note: agents only, never shown to the customer."
    )
    url = serializers.SerializerMethodField(help_text="The message on the case's page.")

    class Meta:
        model = CaseMessage
        fields = ["id", "case", "author", "body", "internal", "created_at", "url"]
        read_only_fields = fields

    def get_url(self, message: CaseMessage) -> str:
        # From the id: no query for the case per message.
        return f"{reverse('case-detail', kwargs={'pk': message.case_id})}#message-{message.pk}"


class CaseMessageWriteSerializer(serializers.Serializer[dict[str, Any]]):
    body = StrictCharField(allow_blank=True, trim_whitespace=False, help_text="Plain text.")
    internal = serializers.BooleanField(
        required=False, default=False, help_text="An internal note (agents only)."
    )
