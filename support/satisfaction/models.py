"""Satisfaction: the asker's 1-5 score for a solution or a case."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Thread
from support.cases.models import Case


class Satisfaction(models.Model):
    """'Did this solve your problem?': the asker's 1-5 score for a solution or a case."""

    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="satisfaction"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="satisfaction"
    )
    # Who the score is about: the solution's author, or the case's agent.
    rated = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="satisfaction_score_1_to_5"
            ),
            models.UniqueConstraint(
                fields=["respondent", "thread"],
                condition=models.Q(case__isnull=True),
                name="satisfaction_once_per_thread",
            ),
            models.UniqueConstraint(
                fields=["respondent", "case"],
                condition=models.Q(case__isnull=False),
                name="satisfaction_once_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score}/5 by {self.respondent_id}"


class SatisfactionRequest(models.Model):
    """A solution's asker is to be asked about it at `due_at` (support.satisfaction_ask_due
    sends what is due, once: `sent_at`). Accepting another solution before she answered
    asks again later."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "thread"], name="satisfaction_request_once_per_thread"
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(sent_at__isnull=True),
                name="satisfaction_request_due",
            )
        ]

    def __str__(self) -> str:
        return f"ask {self.member_id} about {self.thread_id} at {self.due_at:%Y-%m-%d %H:%M}"


class NpsResponse(models.Model):
    """ "How likely are you to recommend <brand> to a friend?": a member's 0-10 answer.

    A member answers at most once every 90 days (support.satisfaction.services.nps_record,
    under the member's row lock). Which segments the member was in when answering is kept
    on the row, so a later solution or case does not move an old answer between segments.
    """

    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    # The member's segments when answering: had an answer accepted as a solution, had asked
    # a question, had a case opened for them.
    was_helper = models.BooleanField(default=False)
    was_asker = models.BooleanField(default=False)
    had_case = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=10), name="nps_score_0_to_10"
            ),
        ]
        indexes = [
            models.Index(fields=["respondent", "-created_at"], name="nps_respondent_recent"),
            models.Index(fields=["created_at"], name="nps_created"),
        ]

    def __str__(self) -> str:
        return f"NPS {self.score}/10 by {self.respondent_id}"


class NpsPostponement(models.Model):
    """The member dismissed the NPS card: not asked again before `until`."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    until = models.DateTimeField()

    def __str__(self) -> str:
        return f"NPS postponed for {self.member_id} until {self.until:%Y-%m-%d}"
