"""Deflection: a member about to ask found the answer in a solved question instead."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Thread


class Deflection(models.Model):
    """ "This solved it": the member's question was answered by `thread`'s accepted solution,
    shown on the ask form while they typed `query`. No question was asked.

    One per member, thread and local day (`day`): clicking again, or typing the title again
    the same day, is the same deflection; the problem coming back another day counts again.
    """

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="deflections")
    query = models.CharField(_("question being typed"), max_length=150)
    day = models.DateField()
    # "Was this answer enough?": None until the member says.
    helpful = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "thread", "day"], name="deflection_once_per_thread_a_day"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="deflection_created")]

    def __str__(self) -> str:
        return f"{self.member_id} found {self.thread_id} on {self.day}"
