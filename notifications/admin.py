"""Staff's view of the inbox: notifications are records, read here and never edited (a
member's own inbox is the place to mark them read); preferences and email switches are the
members' settings, which staff may correct on request (an unsubscribe by phone, say)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from notifications.messages import message_for
from notifications.models import EmailSettings, Notification, Preference

FIELDS = (
    "recipient",
    "kind",
    "actor",
    "message",
    "url",
    "group_key",
    "count",
    "data",
    "created_at",
    "read_at",
    "emailed_at",
)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = [
        "id",
        "recipient",
        "kind",
        "message",
        "actor",
        "created_at",
        "read_at",
        "emailed_at",
    ]
    list_filter = [
        "kind",
        ("read_at", admin.EmptyFieldListFilter),
        ("emailed_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["recipient", "actor"]
    search_fields = ["recipient__username", "recipient__email"]
    date_hierarchy = "created_at"
    readonly_fields = FIELDS
    fields = FIELDS

    @admin.display(description=_("message"))
    def message(self, notification: Notification) -> str:
        return message_for(notification)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin[Preference]):
    list_display = ["member", "kind", "channel"]
    list_filter = ["kind", "channel"]
    list_select_related = ["member"]
    search_fields = ["member__username", "member__email"]
    raw_id_fields = ["member"]


@admin.register(EmailSettings)
class EmailSettingsAdmin(admin.ModelAdmin[EmailSettings]):
    list_display = ["member", "digest", "unsubscribed_at", "last_digest_at"]
    list_filter = ["digest", ("unsubscribed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["member"]
    search_fields = ["member__username", "member__email"]
    raw_id_fields = ["member"]
    readonly_fields = ["last_digest_at"]
