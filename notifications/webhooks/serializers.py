"""Webhook API shapes (docs/api.md, "Webhooks")."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from notifications.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent


class WebhookCreateSerializer(serializers.Serializer[Any]):
    url = serializers.CharField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), max_length=20
    )
    secret = serializers.CharField(
        required=False, allow_blank=True, max_length=200, trim_whitespace=True
    )


class WebhookSerializer(serializers.ModelSerializer[WebhookEndpoint]):
    """An endpoint; `secret` only in the answer to its creation."""

    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "events",
            "active",
            "consecutive_failures",
            "disabled_at",
            "created_at",
        ]
        read_only_fields = fields


class WebhookCreatedSerializer(WebhookSerializer):
    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookAttemptSerializer(serializers.Serializer[Any]):
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()
    duration_ms = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class WebhookDeliverySerializer(serializers.ModelSerializer[WebhookDelivery]):
    id = serializers.IntegerField()
    event_id = serializers.UUIDField()
    attempt_log = WebhookAttemptSerializer(many=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event",
            "status",
            "status_code",
            "attempts",
            "last_error",
            "next_attempt_at",
            "delivered_at",
            "created_at",
            "attempt_log",
        ]
        read_only_fields = fields
