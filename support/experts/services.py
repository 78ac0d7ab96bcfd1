"""Ask the experts: an unanswered question goes to its proven helpers before staff.

Rules (docs/api.md, "Ask the experts"; the numbers are settings, config/settings.py):
- A question still without an answer EXPERT_ROUTING_DELAY_MINUTES (10) after it was asked,
  not locked, hidden or already with a case, is offered once to up to
  EXPERT_HELPERS_PER_QUESTION (5) proven helpers (support.experts.selectors), each notified.
  The routing runs once per question, ever (ThreadRouting, under the thread's row lock),
  even when it finds nobody: that is what tells the SLA scan it may escalate.
- Nobody is asked twice about a question (a unique constraint), and a helper gets at most
  EXPERT_REQUESTS_PER_DAY (3) requests a local day, counted under the lock of the helpers'
  settings rows (taken in member order, so two routings never wait on each other in a
  circle): two questions routed at once cannot both take a helper's last place.
- A helper may decline (idempotent); the request stays, declined.
- The SLA scan (support.cases.sla) escalates an unanswered question only once it was
  routed, and, when helpers were asked, only EXPERT_ANSWER_MINUTES after they were.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Member, Thread
from support import events
from support.experts.models import ExpertRequest, HelperSettings, ThreadRouting
from support.experts.selectors import expert_candidates

ROUTING_BATCH = 200


def routing_delay() -> timedelta:
    return timedelta(minutes=settings.EXPERT_ROUTING_DELAY_MINUTES)


def answer_grace() -> timedelta:
    return timedelta(minutes=settings.EXPERT_ANSWER_MINUTES)


def _due(now: datetime) -> list[int]:
    return list(
        Thread.objects.filter(
            first_answer_at__isnull=True,
            solution__isnull=True,
            is_locked=False,
            hidden_reason="",
            created_at__lte=now - routing_delay(),
            expert_routing__isnull=True,
            cases__isnull=True,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:ROUTING_BATCH]
    )


def expert_routing_run(*, now: datetime | None = None) -> int:
    """Route every question that is due; the number of requests made. Safe to run twice,
    and with another run at the same time."""
    now = now or timezone.now()
    return sum(len(expert_route_thread(thread_id=pk, now=now)) for pk in _due(now))


def expert_route_thread(*, thread_id: int, now: datetime | None = None) -> list[ExpertRequest]:
    """Offer one question to its proven helpers, once. The requests made (maybe none).

    The question is offered if it was unanswered at `now` (the demo routes its past
    questions as they were when they fell due)."""
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    cap = settings.EXPERT_REQUESTS_PER_DAY
    made: list[ExpertRequest] = []
    with transaction.atomic():
        thread = Thread.objects.select_for_update().filter(pk=thread_id).first()
        if thread is None or ThreadRouting.objects.filter(thread_id=thread_id).exists():
            return []
        unanswered = thread.first_answer_at is None or thread.first_answer_at > now
        if unanswered and not thread.is_locked and not thread.hidden_reason:
            candidates = expert_candidates(thread=thread, now=now)
            available = {
                row.member_id
                for row in HelperSettings.objects.select_for_update()
                .filter(member_id__in=candidates, expert_requests=True, away=False)
                .order_by("member_id")
            }
            for helper_id in candidates:
                if len(made) >= settings.EXPERT_HELPERS_PER_QUESTION:
                    break
                if helper_id not in available:
                    continue
                if ExpertRequest.objects.filter(helper_id=helper_id, day=day).count() >= cap:
                    continue
                made.append(
                    ExpertRequest.objects.create(
                        thread=thread, helper_id=helper_id, day=day, created_at=now
                    )
                )
        ThreadRouting.objects.create(thread=thread, routed_at=now, asked=len(made))
        for request in made:
            events.expert_requested.send(
                sender=ExpertRequest,
                request_id=request.pk,
                thread_id=thread.pk,
                helper_id=request.helper_id,
            )
    return made


def expert_request_decline(
    *, request: ExpertRequest, helper: Member, now: datetime | None = None
) -> ExpertRequest:
    """The helper passes on the question. Only theirs (callers fetch it with
    expert_request_get_for_helper, a 404 for anyone else); declining twice keeps the first."""
    if request.helper_id != helper.pk:
        raise ValueError("Only the helper it was offered to declines a request.")
    now = now or timezone.now()
    ExpertRequest.objects.filter(pk=request.pk, declined_at__isnull=True).update(declined_at=now)
    request.refresh_from_db(fields=["declined_at"])
    return request


def helper_settings_update(
    *, member: Member, expert_requests: object = None, away: object = None
) -> HelperSettings:
    """Opt in to (or out of) expert requests, and say you are away (or back). None leaves a
    switch as it is."""
    for field, value in (("expert_requests", expert_requests), ("away", away)):
        if value is not None and not isinstance(value, bool):
            raise ValidationError({field: [_("Must be true or false.")]})
    with transaction.atomic():
        row, _created = HelperSettings.objects.select_for_update().get_or_create(member=member)
        if isinstance(expert_requests, bool):
            row.expert_requests = expert_requests
        if isinstance(away, bool):
            row.away = away
        row.save(update_fields=["expert_requests", "away"])
    return row
