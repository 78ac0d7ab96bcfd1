"""Reads for asking the experts: who are a question's proven helpers, and a helper's requests.

Proven helpers of a question: members who are not staff, with the most accepted solutions
(solved in the last EXPERT_LOOKBACK_DAYS) on the question's board or on questions sharing
one of its tags, who opted in and are not away; never the asker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Member, Thread, publicly_solved
from support.experts.models import ExpertRequest, HelperSettings
from support.insights.selectors import staff_member_ids

# An open request nobody answered is over after this long: the moment has passed.
REQUEST_EXPIRES_AFTER = timedelta(hours=24)
CANDIDATES = 20  # more than asked, so helpers at their daily cap leave room for others


def expert_candidates(*, thread: Thread, now: datetime) -> list[int]:
    """The question's proven helpers, most solutions first (ties: longest-standing member).
    One query."""
    since = now - timedelta(days=settings.EXPERT_LOOKBACK_DAYS)
    tag_ids = list(thread.tags.values_list("pk", flat=True))
    scope = Q(board_id=thread.board_id)
    if tag_ids:
        scope |= Q(tags__in=tag_ids)
    rows = (
        Thread.objects.filter(publicly_solved(), scope, solved_at__gte=since, hidden_reason="")
        .exclude(solution__author_id=thread.author_id)
        .exclude(solution__author_id__in=staff_member_ids())
        .filter(
            solution__author__is_active=True,
            solution__author__helper_settings__expert_requests=True,
            solution__author__helper_settings__away=False,
        )
        .values("solution__author_id")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "solution__author_id")[:CANDIDATES]
    )
    return [row["solution__author_id"] for row in rows]


def helper_settings_for(*, member_id: int) -> HelperSettings:
    """The member's settings (unsaved defaults, opted out, when they never chose)."""
    found = HelperSettings.objects.filter(member_id=member_id).first()
    return found or HelperSettings(member_id=member_id)


def expert_request_status(request: ExpertRequest, *, now: datetime | None = None) -> str:
    """open, answered (the question got an answer, from anyone), declined, or expired (no
    answer after REQUEST_EXPIRES_AFTER, or the question was closed or removed)."""
    now = now or timezone.now()
    thread = request.thread
    if request.declined_at is not None:
        return "declined"
    if thread.first_answer_at is not None:
        return "answered"
    if (
        thread.is_locked
        or thread.hidden_reason
        or thread.solution_id is not None
        or request.created_at <= now - REQUEST_EXPIRES_AFTER
    ):
        return "expired"
    return "open"


@dataclass(frozen=True)
class OfferedQuestion:
    request: ExpertRequest
    status: str

    @property
    def thread(self) -> Thread:
        return self.request.thread


def expert_requests_for(*, helper: Member) -> QuerySet[ExpertRequest]:
    """The questions offered to the helper, newest first, with their threads."""
    return ExpertRequest.objects.filter(helper_id=helper.pk).select_related("thread")


def offered_questions(requests: list[ExpertRequest]) -> list[OfferedQuestion]:
    now = timezone.now()
    return [OfferedQuestion(request=r, status=expert_request_status(r, now=now)) for r in requests]


def expert_request_get_for_helper(*, request_id: int, helper: Member) -> ExpertRequest:
    """The request if it was offered to `helper`, else 404: others' requests do not exist."""
    found = (
        ExpertRequest.objects.filter(pk=request_id, helper_id=helper.pk)
        .select_related("thread")
        .first()
    )
    if found is None:
        raise Http404(_("No such request."))
    return found
