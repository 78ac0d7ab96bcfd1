"""Canned replies: an agent's ready-made answers for the case conversation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 120
BODY_MAX = 5000


class CannedReply(models.Model):
    """A reply an agent inserts into a case's conversation with one click.

    Personal replies are their author's alone; shared ones every agent may use. The body may
    name the placeholders of support.canned.placeholders, filled in for the case at hand.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="canned_replies"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("text"), max_length=BODY_MAX)
    shared = models.BooleanField(_("shared with every agent"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        indexes = [
            models.Index(
                fields=["title"], condition=models.Q(shared=True), name="canned_reply_shared"
            )
        ]

    def __str__(self) -> str:
        return self.title
