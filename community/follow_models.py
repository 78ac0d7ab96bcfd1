"""What a member keeps an eye on: the threads they follow, bookmarked questions, and the
boards, tags and members they follow.

Imported at the end of community.models, so `community.models.Bookmark` works as for every
other model; the relations are named by string, so this module never imports that one back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Subscription(models.Model):
    """A member following a thread."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    thread = models.ForeignKey(
        "community.Thread", on_delete=models.CASCADE, related_name="subscriptions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "thread"], name="subscription_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} follows {self.thread_id}"


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


class Follow(models.Model):
    """A member following a board, a tag or another member: each new question there (or by
    them) notifies the follower as their preferences for "new questions" say.

    Exactly one of `board`, `tag` and `author` is set; a member follows each one once.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    board = models.ForeignKey(
        "community.Board", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    tag = models.ForeignKey(
        "community.Tag", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followers",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(board__isnull=False, tag__isnull=True, author__isnull=True)
                    | models.Q(board__isnull=True, tag__isnull=False, author__isnull=True)
                    | models.Q(board__isnull=True, tag__isnull=True, author__isnull=False)
                ),
                name="follow_one_place",
            ),
            models.CheckConstraint(
                condition=~models.Q(member=models.F("author")), name="follow_not_oneself"
            ),
            models.UniqueConstraint(
                fields=["member", "board"],
                condition=models.Q(board__isnull=False),
                name="follow_board_once",
            ),
            models.UniqueConstraint(
                fields=["member", "tag"],
                condition=models.Q(tag__isnull=False),
                name="follow_tag_once",
            ),
            models.UniqueConstraint(
                fields=["member", "author"],
                condition=models.Q(author__isnull=False),
                name="follow_author_once",
            ),
        ]

    def __str__(self) -> str:
        place = self.board_id or self.tag_id or self.author_id
        return f"{self.member_id} follows {place}"
