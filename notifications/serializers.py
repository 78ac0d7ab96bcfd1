"""The inbox's JSON shapes for API v1 (docs/api.md, "Notifications").

Help texts document the schema for developers and stay in English; the `message` members
read is written when it is read, in the request's language (notifications.messages).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from community.serializers import ID_MAX, MemberSummarySerializer
from notifications.messages import message_for
from notifications.models import Notification

# One request marks at most this many by id; `all: true` has no limit.
READ_IDS_MAX = 500


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    message = serializers.SerializerMethodField(
        help_text="What happened, in the request's language."
    )
    url = serializers.CharField(
        read_only=True,
        help_text="Absolute path of the page it is about; empty if it is about no page.",
    )
    actor = MemberSummarySerializer(
        read_only=True, allow_null=True, help_text="Who did it; null for the system."
    )
    read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "url", "actor", "created_at", "read"]
        read_only_fields = fields

    def get_message(self, notification: Notification) -> str:
        return message_for(notification)


class UnreadQuerySerializer(serializers.Serializer[dict[str, Any]]):
    unread = serializers.BooleanField(
        required=False,
        default=False,
        help_text="1 (or true) for unread notifications only.",
    )

    def to_internal_value(self, data: Any) -> Any:
        # An empty value means no filter, as in every list of the API.
        if hasattr(data, "get") and data.get("unread") == "":
            data = {}
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """Only JSON integers: `"5"`, `5.0` and `true` are 400s, not 5 or 1."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class MarkReadSerializer(serializers.Serializer[dict[str, Any]]):
    ids = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=ID_MAX),
        required=False,
        max_length=READ_IDS_MAX,
        help_text="Ids of your notifications to mark read; other ids are ignored.",
    )
    all = serializers.BooleanField(
        required=False, default=False, help_text="true: mark every notification read."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "ids" in attrs and attrs["all"]:
            raise serializers.ValidationError(_("Give either “ids” or “all”, not both."))
        if "ids" not in attrs and not attrs["all"]:
            raise serializers.ValidationError(
                _("Give “ids”, a list of notification ids, or “all”: true.")
            )
        return attrs


class UnreadCountSerializer(serializers.Serializer[dict[str, Any]]):
    unread_count = serializers.IntegerField(help_text="How many unread notifications remain.")
