"""Ask the experts: an unanswered question offered to its board's and tags' proven helpers
before it escalates to staff (support.experts.services)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Thread


class HelperSettings(models.Model):
    """A member's choice to be asked about unanswered questions, and whether they are away.

    No row: not opted in. The row is also what the routing locks to count a helper's
    requests of the day, so the daily cap holds when two routings pick the same helper.
    """

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="helper_settings",
    )
    expert_requests = models.BooleanField(_("ask me about unanswered questions"), default=False)
    away = models.BooleanField(_("I'm away: don't ask me for now"), default=False)

    def __str__(self) -> str:
        return f"helper settings of {self.member_id}"


class ExpertRequest(models.Model):
    """`thread` was offered to `helper`; `day` (local) counts against their daily cap."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="expert_requests")
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_requests"
    )
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Nobody is asked twice about the same question.
            models.UniqueConstraint(fields=["thread", "helper"], name="expert_request_once")
        ]
        indexes = [models.Index(fields=["helper", "day"], name="expert_request_helper_day")]

    def __str__(self) -> str:
        return f"{self.thread_id} offered to {self.helper_id}"


class ThreadRouting(models.Model):
    """The question was offered to helpers (`asked` of them, maybe none) at `routed_at`.

    One per question, ever: the routing runs once, and the SLA scan escalates an unanswered
    question only after it (support.cases.sla)."""

    thread = models.OneToOneField(
        Thread, primary_key=True, on_delete=models.CASCADE, related_name="expert_routing"
    )
    routed_at = models.DateTimeField(default=timezone.now)
    asked = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.thread_id} routed to {self.asked}"
