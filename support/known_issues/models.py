"""Known issues: a problem staff acknowledge in public (an outage, a faulty update).

While one is open it is the case: members who have it say "I have this too" (and follow
it), matching questions are linked to it, and the SLA scan does not escalate them one by
one. Staff post dated public updates; resolving it tells everyone who had it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from community.models import Board, Tag, Thread


class KnownIssueStatus(models.TextChoices):
    INVESTIGATING = "investigating", _("Investigating")
    IDENTIFIED = "identified", _("Identified")
    MONITORING = "monitoring", _("Monitoring a fix")
    RESOLVED = "resolved", _("Resolved")


# The page's address ends in a slug of the title; these would be the routes beside it.
RESERVED_SLUGS = frozenset({"me-too", "edit", "updates", "threads", "banner"})

OPEN_STATUSES = (
    KnownIssueStatus.INVESTIGATING,
    KnownIssueStatus.IDENTIFIED,
    KnownIssueStatus.MONITORING,
)


class TrendingAlert(models.Model):
    """A trending problem announced to staff (support.insights.services.trending_alert_send):
    what a known issue opened "from the alert" starts from."""

    board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    last_hour = models.PositiveIntegerField(default=0)
    ratio = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("trending alert")
        verbose_name_plural = _("trending alerts")

    def __str__(self) -> str:
        place = self.board or self.tag
        return f"{place} ({self.created_at:%Y-%m-%d %H:%M})"


class KnownIssue(models.Model):
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), max_length=20000, blank=True)
    description_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=KnownIssueStatus.choices,
        default=KnownIssueStatus.INVESTIGATING,
    )
    boards = models.ManyToManyField(
        Board, blank=True, related_name="known_issues", verbose_name=_("boards")
    )
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="known_issues", verbose_name=_("tags")
    )
    # Kept in step by the services (me-too rows are the truth): lists read it for free.
    me_too_count = models.PositiveIntegerField(default=0, editable=False)
    from_alert = models.ForeignKey(
        TrendingAlert, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("known issue")
        verbose_name_plural = _("known issues")
        indexes = [models.Index(fields=["status", "-created_at"], name="known_issue_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        slug = slugify(self.title)[:80].strip("-") or "issue"
        if slug in RESERVED_SLUGS:
            slug = f"{slug}-issue"
        return reverse("known-issue-detail", kwargs={"pk": self.pk, "slug": slug})

    @property
    def is_open(self) -> bool:
        return self.status != KnownIssueStatus.RESOLVED


class KnownIssueUpdate(models.Model):
    """A dated public update: what staff know now."""

    known_issue = models.ForeignKey(KnownIssue, on_delete=models.CASCADE, related_name="updates")
    body = models.TextField(_("update"), max_length=20000)
    body_html = models.TextField(editable=False)
    # The issue's status when the update was posted, shown beside it.
    status = models.CharField(max_length=20, choices=KnownIssueStatus.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("known issue update")
        verbose_name_plural = _("known issue updates")

    def __str__(self) -> str:
        return f"{self.known_issue_id} at {self.created_at:%Y-%m-%d %H:%M}"


class KnownIssueMeToo(models.Model):
    """ "I have this too": the member is affected and follows the issue until it is resolved.

    Unique per member and issue, so concurrent clicks count once."""

    known_issue = models.ForeignKey(KnownIssue, on_delete=models.CASCADE, related_name="me_toos")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="known_issue_me_toos"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("“I have this too”")
        verbose_name_plural = _("“I have this too”")
        constraints = [
            models.UniqueConstraint(fields=["known_issue", "member"], name="me_too_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} on {self.known_issue_id}"


class KnownIssueThread(models.Model):
    """A question about the known issue: at most one issue per question."""

    thread = models.OneToOneField(
        Thread, primary_key=True, on_delete=models.CASCADE, related_name="known_issue_link"
    )
    known_issue = models.ForeignKey(
        KnownIssue, on_delete=models.CASCADE, related_name="thread_links"
    )
    # Null: linked automatically when the question was asked.
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("linked question")
        verbose_name_plural = _("linked questions")
        indexes = [models.Index(fields=["known_issue", "-created_at"], name="known_issue_threads")]

    def __str__(self) -> str:
        return f"{self.thread_id} -> {self.known_issue_id}"


class KnownIssueSavedEscalation(models.Model):
    """A question the SLA scan would have escalated to staff one by one, held back because
    an open known issue covered it: the escalations the known issue saved."""

    known_issue = models.ForeignKey(
        KnownIssue, on_delete=models.CASCADE, related_name="saved_escalations"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=30)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "reason"], name="escalation_saved_once")
        ]

    def __str__(self) -> str:
        return f"{self.thread_id} ({self.reason}) held by {self.known_issue_id}"
