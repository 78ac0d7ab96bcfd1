"""The inbox: one stored notification per recipient, and each member's delivery preferences.

The database is the source of truth; live pushes and emails are courtesies sent after commit.
A notification stores what happened (kind, actor, ids, a few names), and its message is
written when it is read, in the reader's language.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ANSWER = "answer", _("An answer to your question")
    REPLY = "reply", _("A reply in a thread you follow")
    MENTION = "mention", _("A mention")
    KUDOS = "kudos", _("Kudos received")
    SOLUTION = "solution", _("Your answer was accepted")
    BADGE = "badge", _("A badge earned")
    RANK = "rank", _("A new rank")
    POINTS_REVERSED = "points_reversed", _("Points reversed")
    STATEMENT = "statement", _("Payback statement ready")
    CASE_OPENED = "case_opened", _("Case opened")
    CASE_ASSIGNED = "case_assigned", _("Case assigned to you")
    CASE_REPLY = "case_reply", _("A reply on a case")
    CASE_RESOLVED = "case_resolved", _("Case resolved")
    CASE_SLA = "case_sla", _("A case missed its SLA")
    MODERATION = "moderation", _("A moderation action on your content")
    SATISFACTION = "satisfaction", _("Did this solve your problem?")
    TRENDING = "trending", _("A trending problem")
    KNOWN_ISSUE_UPDATE = "known_issue_update", _("An update on a known issue you have")
    KNOWN_ISSUE_RESOLVED = "known_issue_resolved", _("A known issue you have is resolved")
    WEBHOOK_DISABLED = "webhook_disabled", _("A webhook was switched off")
    NEW_THREAD = "new_thread", _("A new question from a board, tag or member you follow")
    EXPERT_REQUEST = "expert_request", _("A question for you as a proven helper")
    DUPLICATE = "duplicate", _("Your question was closed as a duplicate")


class Channel(models.TextChoices):
    SITE = "site", _("On the site")
    EMAIL = "email", _("By email")
    BOTH = "both", _("On the site and by email")
    NONE = "none", _("Not at all")


# What members get unless they choose otherwise: the things that need them now come by
# email too; the rest stays on the site (and in the daily digest when they opt in).
DEFAULT_CHANNELS = {
    Kind.ANSWER: Channel.BOTH,
    Kind.MENTION: Channel.BOTH,
    Kind.CASE_OPENED: Channel.BOTH,
    Kind.CASE_ASSIGNED: Channel.BOTH,
    Kind.CASE_REPLY: Channel.BOTH,
    Kind.CASE_RESOLVED: Channel.BOTH,
    Kind.CASE_SLA: Channel.BOTH,
    Kind.WEBHOOK_DISABLED: Channel.BOTH,
    Kind.KNOWN_ISSUE_RESOLVED: Channel.BOTH,
}
# Emailed at once; the other kinds go out in the daily digest.
IMMEDIATE_EMAIL_KINDS = {
    Kind.ANSWER,
    Kind.MENTION,
    Kind.CASE_OPENED,
    Kind.CASE_ASSIGNED,
    Kind.CASE_REPLY,
    Kind.CASE_RESOLVED,
    Kind.CASE_SLA,
    Kind.WEBHOOK_DISABLED,
    Kind.KNOWN_ISSUE_RESOLVED,
}


def default_channel(kind: str) -> str:
    return str(DEFAULT_CHANNELS.get(kind, Channel.SITE))  # type: ignore[call-overload]


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Grouping: kudos on one item collect into one unread notification ("Anna and 3 others").
    group_key = models.CharField(max_length=80, blank=True)
    count = models.PositiveIntegerField(default=1)
    url = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="inbox"),
            models.Index(
                fields=["recipient", "group_key"],
                condition=models.Q(read_at__isnull=True),
                name="inbox_unread_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    """A member's channel for one kind of notification (no row: the default)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "kind"], name="preference_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind}: {self.channel}"


class EmailSettings(models.Model):
    """A member's email switches: the daily digest, and a global unsubscribe."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="email_settings",
    )
    digest = models.BooleanField(_("daily digest of everything else"), default=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"email settings of {self.member_id}"


class EmailOutbox(models.Model):
    """An immediate notification email waiting to go out: the outbox.

    Written in the transaction that stores the notification, so an email can't be lost
    between the commit and the task queue: if the broker is down when the task would be
    queued, the row stays and the periodic sweep (notifications.outbox_sweep) sends it when
    a worker runs again. Delivery claims the row with a row lock (SKIP LOCKED: two workers
    never wait on one email, nor both send it) and sets `delivered_at` in the transaction
    that sends.
    """

    notification = models.OneToOneField(
        Notification, on_delete=models.CASCADE, related_name="outbox"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When the outbox was done with it; `sent` says whether an email went out (the member
    # may have switched email off, unsubscribed or lost a confirmed address meanwhile).
    delivered_at = models.DateTimeField(null=True, blank=True)
    sent = models.BooleanField(default=False)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(delivered_at__isnull=True),
                name="outbox_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"email for notification {self.notification_id}"


# The webhooks' tables belong to this app (notifications/webhooks/models.py).
from notifications.webhooks.models import (  # noqa: E402, F401
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
