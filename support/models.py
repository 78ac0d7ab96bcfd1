"""Cases (escalation to staff), SLA policies, routing, moderation and satisfaction."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Board, Post, Thread


class SLAPolicy(models.Model):
    """How long a board's questions may wait before staff step in, and who those staff are."""

    board = models.OneToOneField(Board, on_delete=models.CASCADE, related_name="sla_policy")
    unanswered_minutes = models.PositiveIntegerField(
        _("escalate when unanswered for (minutes)"), default=60
    )
    unsolved_hours = models.PositiveIntegerField(
        _("escalate when unsolved for (hours)"), default=48
    )
    agents = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="sla_boards",
        help_text=_("The board's team. Empty: every agent."),
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return str(self.board)


DEFAULT_UNANSWERED_MINUTES = 60
DEFAULT_UNSOLVED_HOURS = 48


class AgentStatus(models.Model):
    """Whether an agent takes new cases now."""

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    available = models.BooleanField(_("available"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.agent_id}: {'available' if self.available else 'away'}"


class CaseReason(models.TextChoices):
    REQUESTED = "requested", _("Asked for an agent")
    SLA_UNANSWERED = "sla_unanswered", _("No answer in time")
    SLA_UNSOLVED = "sla_unsolved", _("Not solved in time")
    FLAGGED = "flagged", _("Flagged content")
    SENSITIVE = "sensitive", _("Personal data posted")
    MODERATOR = "moderator", _("Opened by a moderator")


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting on customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


ACTIVE_CASE_STATUSES = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING)


class CasePriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Case(models.Model):
    """What the community couldn't (or mustn't) handle, in an agent's hands."""

    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=CaseReason.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=CasePriority.choices, default=CasePriority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    sla_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            # At most one active case per thread: two escalations racing (two schedulers,
            # a double click) meet here and the second finds the first.
            models.UniqueConstraint(
                fields=["thread"],
                condition=models.Q(status__in=["new", "open", "waiting"], thread__isnull=False),
                name="one_active_case_per_thread",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "sla_due_at"], name="case_queue"),
            models.Index(fields=["assignee", "status"], name="case_assignee"),
            models.Index(fields=["customer", "-created_at"], name="case_customer"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_reason_display()}"

    def get_absolute_url(self) -> str:
        return reverse("case-detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_CASE_STATUSES


class CaseMessage(models.Model):
    """The private conversation: the customer and agents; internal notes are agents-only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"), max_length=10000)
    internal = models.BooleanField(_("internal note"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"message {self.pk} on case {self.case_id}"


class CaseEvent(models.Model):
    """The case's timeline: every change, who made it and when."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        ASSIGNED = "assigned", _("Assigned")
        STATUS = "status", _("Status changed")
        PRIORITY = "priority", _("Priority changed")
        MESSAGE = "message", _("Message")
        NOTE = "note", _("Internal note")
        SLA_BREACHED = "sla_breached", _("SLA breached")
        STAFF_ANSWER = "staff_answer", _("Staff answer posted")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on case {self.case_id}"


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
