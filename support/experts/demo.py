"""Ask the experts in the demo community: the helpers opted in, and the questions left
unanswered offered to them when they were due, as the routing task would have then.
Idempotent: a question is routed once, ever."""

from __future__ import annotations

from django.utils import timezone

from community.models import Member, Thread
from support.experts.services import expert_route_thread, helper_settings_update, routing_delay

DEMO_HELPERS = ("luca", "sofia", "hannah")


def demo_experts_ensure() -> None:
    for member in Member.objects.filter(username__in=DEMO_HELPERS):
        helper_settings_update(member=member, expert_requests=True)
    now = timezone.now()
    due = Thread.objects.filter(
        first_answer_at__isnull=True,
        solution__isnull=True,
        is_locked=False,
        hidden_reason="",
        expert_routing__isnull=True,
        cases__isnull=True,
        created_at__lte=now - routing_delay(),
    ).order_by("created_at")
    for thread in due:
        expert_route_thread(thread_id=thread.pk, now=thread.created_at + routing_delay())
