"""An announcement and a member's dismissal of it (part of the `community` app's models).

The foreign keys name their models as strings: community.models imports this module to
register it, so importing community.models back would be a cycle.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.links import url_for


class Announcement(models.Model):
    """A notice pinned site-wide (no board) or to one board until `pinned_until` passes."""

    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("body"), max_length=5000)
    body_html = models.TextField(editable=False)
    board = models.ForeignKey(
        "community.Board",
        verbose_name=_("board"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="announcements",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Empty: pinned until staff unpin it. Unpinning sets it to the moment of unpinning.
    pinned_until = models.DateTimeField(_("pinned until"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["board", "pinned_until"], name="announcement_pinned")]
        permissions = [("manage_announcements", _("Can post, edit and unpin announcements"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return url_for("announcement-detail", "pk", self.pk)

    def is_pinned(self, *, now: datetime | None = None) -> bool:
        """Shown at the top of its pages at `now` (the project's clock by default)."""
        return self.pinned_until is None or self.pinned_until > (now or timezone.now())


class AnnouncementDismissal(models.Model):
    """A member closed an announcement: it no longer shows at the top of their pages."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="announcement_dismissals"
    )
    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="dismissals"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "announcement"], name="announcement_dismissed_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} dismissed {self.announcement_id}"
