"""The shapes of announcements in API v1 (docs/api.md, "Announcements")."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from community.announcements.models import Announcement
from community.serializers import NAME_MAX, StrictCharField


class AnnouncementSerializer(serializers.ModelSerializer[Announcement]):
    board = serializers.CharField(
        source="board.slug",
        read_only=True,
        allow_null=True,
        help_text="The board's slug; null: site-wide.",
    )
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Announcement
        fields = [
            "id",
            "title",
            "body",
            "body_html",
            "board",
            "pinned_until",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = fields


class AnnouncementFilterSerializer(serializers.Serializer[dict[str, Any]]):
    board = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=NAME_MAX,
        help_text="A board's slug: its announcements and the site-wide ones, as its page shows.",
    )


class AnnouncementCreateSerializer(serializers.Serializer[dict[str, Any]]):
    title = StrictCharField(allow_blank=True, trim_whitespace=False)
    body = StrictCharField(allow_blank=True, trim_whitespace=False, help_text="Markdown source.")
    board = StrictCharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=NAME_MAX,
        help_text="A board's slug; null or absent: site-wide.",
    )
    pinned_until = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="Shown until then; null or absent: until unpinned.",
    )


class AnnouncementUpdateSerializer(serializers.Serializer[dict[str, Any]]):
    title = StrictCharField(required=False, allow_blank=True, trim_whitespace=False)
    body = StrictCharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text="Markdown source."
    )
    board = StrictCharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=NAME_MAX,
        help_text="A board's slug; null: site-wide.",
    )
    pinned_until = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="Shown until then (a moment passed unpins it); null: until unpinned.",
    )
