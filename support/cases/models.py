"""Cases: escalation to staff, SLA policies, agents' availability, the timeline."""

from __future__ import annotations

from django.conf import settings
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


class CaseLabel(models.Model):
    """An entry of a list staff maintain to classify cases (the voice of the customer): what
    the case was about (category) and why it happened (root cause). Retired entries stay on
    the cases that have them but are no longer offered."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("offered to agents"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class CaseCategory(CaseLabel):
    class Meta(CaseLabel.Meta):
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")


class CaseRootCause(CaseLabel):
    class Meta(CaseLabel.Meta):
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")


class Case(models.Model):
    """What the community couldn't (or mustn't) handle, in an agent's hands."""

    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    # The answer a case is about, when it is the author's held answer in someone else's
    # thread: the case does not take the question (`thread` stays empty, the question is not
    # escalated), but says which thread and board the answer is in.
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
    # Chosen by the agent from the lists staff maintain (support.cases.taxonomy).
    category = models.ForeignKey(
        CaseCategory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("category"),
    )
    root_cause = models.ForeignKey(
        CaseRootCause,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("root cause"),
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

    @property
    def about_thread(self) -> Thread | None:
        """The thread the case is about: its own, or the one its held answer is in."""
        if self.thread_id is not None:
            return self.thread
        return self.post.thread if self.post_id is not None and self.post else None


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
