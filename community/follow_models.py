"""What a member keeps an eye on: bookmarked questions, and the boards, tags and members
they follow (a thread's own followers are community.models.Subscription).

Imported at the end of community.models, so `community.models.Bookmark` works as for every
other model; the relations are named by string, so this module never imports that one back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Bookmark(models.Model):
    """A question a member saved to come back to. Private: nobody else is told or sees it."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    thread = models.ForeignKey("community.Thread", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        constraints = [models.UniqueConstraint(fields=["member", "thread"], name="bookmark_unique")]
        # The member's list, newest first.
        indexes = [models.Index(fields=["member", "-created_at", "-id"], name="bookmark_list")]

    def __str__(self) -> str:
        return f"{self.member_id} bookmarked {self.thread_id}"
