"""Ask the experts in the demo community: the helpers opted in, and the questions of the
last month that were still unanswered when they were due offered to their helpers then, as
the routing task would have done. Those a helper answered later give the dashboard its time
to first answer "offered to helpers"; those still waiting are the helpers' open requests.
Idempotent: a question is routed once, ever."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from community.models import Member, Thread
from support.experts.services import expert_route_thread, helper_settings_update, routing_delay

DEMO_HELPERS = ("luca", "sofia", "hannah")
DEMO_ROUTING_DAYS = 30  # the dashboard's period


def demo_experts_ensure() -> None:
    for member in Member.objects.filter(username__in=DEMO_HELPERS):
        helper_settings_update(member=member, expert_requests=True)
    now = timezone.now()
    delay = routing_delay()
    due = Thread.objects.filter(
        Q(first_answer_at__isnull=True) | Q(first_answer_at__gt=F("created_at") + delay),
        is_locked=False,
        hidden_reason="",
        expert_routing__isnull=True,
        cases__isnull=True,
        created_at__gte=now - timedelta(days=DEMO_ROUTING_DAYS),
        created_at__lte=now - delay,
    ).order_by("created_at")
    for thread in due:
        expert_route_thread(thread_id=thread.pk, now=thread.created_at + delay)
