"""Moderation: members' flags, moderators' actions (the audit log), sanctions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Post, Thread


class FlagKind(models.TextChoices):
    SPAM = "spam", _("Spam")
    OFFENSIVE = "offensive", _("Offensive")
    OFF_TOPIC = "off_topic", _("Off topic")
    SENSITIVE = "sensitive", _("Personal data")
    OTHER = "other", _("Something else")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Waiting for review")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")


class Flag(models.Model):
    """A member telling moderators that a question or answer needs a look."""

    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="flags")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FlagKind.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # How much the flagger's word counts (rank and past accuracy), fixed when flagging.
    weight = models.FloatField(default=1.0)
    status = models.CharField(max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["flagger", "thread"],
                condition=models.Q(post__isnull=True),
                name="flag_once_per_question",
            ),
            models.UniqueConstraint(
                fields=["flagger", "post"],
                condition=models.Q(post__isnull=False),
                name="flag_once_per_answer",
            ),
        ]
        indexes = [models.Index(fields=["status", "thread", "post"], name="flag_queue")]

    def __str__(self) -> str:
        return f"{self.kind} flag {self.pk}"


class ModerationAction(models.Model):
    """The audit log: every moderator action, who, what, when and why."""

    class Kind(models.TextChoices):
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        LOCK = "lock", _("Locked")
        UNLOCK = "unlock", _("Unlocked")
        MOVE = "move", _("Moved")
        MERGE = "merge", _("Merged")
        EDIT = "edit", _("Edited")
        SUSPEND = "suspend", _("Suspended")
        SILENCE = "silence", _("Silenced")
        LIFT = "lift", _("Sanction lifted")
        FLAG_UPHELD = "flag_upheld", _("Flag upheld")
        FLAG_REJECTED = "flag_rejected", _("Flag rejected")
        HOLD = "hold", _("Held for personal data")
        REVIEW_APPROVE = "review_approve", _("Approved after review")
        REVIEW_REJECT = "review_reject", _("Not approved after review")
        DATA_EXPORT = "data_export", _("Personal data exported")
        ACCOUNT_DELETE = "account_delete", _("Account deleted")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_actions",
        help_text=_("The member affected."),
    )
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(_("why"), max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} by {self.actor_id}"


class Sanction(models.Model):
    """A member suspended (no sign-in) or silenced (may read, may not post) until a time."""

    class Kind(models.TextChoices):
        SUSPEND = "suspend", _("Suspended")
        SILENCE = "silence", _("Silenced")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sanctions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    until = models.DateTimeField()
    reason = models.CharField(max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind} {self.member_id} until {self.until:%Y-%m-%d}"
