"""Known issues' JSON shapes for API v1 (docs/api.md, "Known issues").

Output serializers read what support.known_issues.selectors loaded (boards, tags and updates
prefetched, the linked questions counted), so a page of fifty costs what a page of five
does. Input serializers check types and sizes; the rules live in the services.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.serializers import ID_MAX, NAME_MAX, StrictCharField
from support.known_issues.models import KnownIssue, KnownIssueStatus, KnownIssueUpdate
from support.known_issues.services import BODY_MAX, TITLE_MAX


class KnownIssueUpdateSerializer(serializers.ModelSerializer[KnownIssueUpdate]):
    body_html = serializers.CharField(read_only=True, help_text="The update, sanitized HTML.")

    class Meta:
        model = KnownIssueUpdate
        fields = ["id", "body", "body_html", "status", "created_at"]
        read_only_fields = fields


class KnownIssueSerializer(serializers.ModelSerializer[KnownIssue]):
    description_html = serializers.CharField(
        read_only=True, help_text="The public description, sanitized HTML."
    )
    status = serializers.ChoiceField(choices=KnownIssueStatus.choices, read_only=True)
    boards = serializers.SerializerMethodField(help_text="The affected boards' slugs.")
    tags = serializers.SerializerMethodField(help_text="The affected tags' slugs.")
    me_too_count = serializers.IntegerField(
        read_only=True, help_text="Members who said “I have this too”."
    )
    linked_thread_count = serializers.SerializerMethodField(
        help_text="Questions linked to the issue (the questions it absorbed)."
    )
    updates = KnownIssueUpdateSerializer(many=True, read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = KnownIssue
        fields = [
            "id",
            "title",
            "description",
            "description_html",
            "status",
            "boards",
            "tags",
            "me_too_count",
            "linked_thread_count",
            "updates",
            "created_at",
            "updated_at",
            "resolved_at",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_boards(self, issue: KnownIssue) -> list[str]:
        return [board.slug for board in issue.boards.all()]

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_tags(self, issue: KnownIssue) -> list[str]:
        return [tag.slug for tag in issue.tags.all()]

    @extend_schema_field(serializers.IntegerField())
    def get_linked_thread_count(self, issue: KnownIssue) -> int:
        counted = getattr(issue, "linked_thread_count", None)
        return counted if counted is not None else issue.thread_links.count()


class KnownIssueFilterSerializer(serializers.Serializer[dict[str, Any]]):
    status = serializers.ChoiceField(
        choices=["open", "resolved"],
        required=False,
        allow_blank=True,
        help_text="open: investigating, identified or monitoring; resolved.",
    )


def _slugs(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=StrictCharField(max_length=NAME_MAX), max_length=50, help_text=help_text
    )


class KnownIssueCreateSerializer(serializers.Serializer[dict[str, Any]]):
    title = StrictCharField(max_length=TITLE_MAX)
    description = StrictCharField(max_length=BODY_MAX, required=False, allow_blank=True)
    boards = _slugs("Slugs of the affected boards.")
    tags = _slugs("Slugs of the affected tags.")
    from_alert = serializers.IntegerField(
        min_value=1,
        max_value=ID_MAX,
        required=False,
        help_text="The trending alert it comes from: its board or tag joins the issue's.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["boards"].required = False
        self.fields["tags"].required = False


class KnownIssueEditSerializer(serializers.Serializer[dict[str, Any]]):
    title = StrictCharField(max_length=TITLE_MAX, required=False)
    description = StrictCharField(max_length=BODY_MAX, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=KnownIssueStatus.choices, required=False)
    boards = _slugs("Slugs of the affected boards (replaces them).")
    tags = _slugs("Slugs of the affected tags (replaces them).")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["boards"].required = False
        self.fields["tags"].required = False


class KnownIssueUpdateWriteSerializer(serializers.Serializer[dict[str, Any]]):
    body = StrictCharField(max_length=BODY_MAX)


class KnownIssueLinkSerializer(serializers.Serializer[dict[str, Any]]):
    thread = serializers.IntegerField(min_value=1, max_value=ID_MAX)


class MeTooSerializer(serializers.Serializer[dict[str, Any]]):
    me_too_count = serializers.IntegerField()
    me_too = serializers.BooleanField(help_text="Whether you have said “I have this too”.")


class KnownIssueMatchingQuerySerializer(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(max_length=150, allow_blank=True)


class KnownIssueMatchSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="known_issue.pk")
    title = serializers.CharField(source="known_issue.title")
    status = serializers.ChoiceField(source="known_issue.status", choices=KnownIssueStatus.choices)
    me_too_count = serializers.IntegerField(source="known_issue.me_too_count")
    url = serializers.CharField(source="known_issue.get_absolute_url")
    score = serializers.FloatField(help_text="Share of the issue's title words the title has.")
