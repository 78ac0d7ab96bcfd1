"""A member's draft of a form (part of the `community` app's models; see drafts/__init__)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Draft(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    key = models.CharField(max_length=64)
    title = models.CharField(max_length=150, blank=True)
    body = models.TextField(max_length=20000, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "key"], name="draft_once_per_form")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}'s draft of {self.key}"
