"""Deflection in the demo community: members who found their answer on the ask form.

Over the last two weeks, the demo's regular members read the solutions of solved
questions while typing their own and clicked "This solved it"; the staff dashboard's
deflection rate and most-deflected questions come from these. Recorded with the service
(once per member, question and day), dated back; written once (idempotent).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from community.models import Member, Thread, publicly_solved
from support.deflection.models import Deflection
from support.deflection.services import deflection_record

# How the questions were put while typing: what the demo members would have written.
DEMO_QUERIES = (
    "{title}",
    "same problem: {title}",
    "{title} - any fix?",
)
DEMO_THREADS = 6


def demo_deflections_ensure() -> None:
    if Deflection.objects.exists():
        return
    now = timezone.now()
    members = [
        m
        for m in Member.objects.filter(is_active=True, is_staff=False, is_superuser=False)
        .prefetch_related("groups")
        .order_by("username")
        if not (m.is_agent or m.is_moderator)
    ]
    threads = Thread.objects.filter(publicly_solved(), hidden_reason="").order_by("pk")
    for n, thread in enumerate(threads[:DEMO_THREADS]):
        # The first questions answered the most members: a visible "most deflected" order.
        readers = [m for m in members if m.pk != thread.author_id][: max(1, 4 - n // 2)]
        for k, member in enumerate(readers):
            moment = now - timedelta(days=1 + (n + 3 * k) % 13, hours=k)
            title = thread.title.rstrip("?").lower()
            deflection, _created = deflection_record(
                member=member,
                thread=thread,
                query=DEMO_QUERIES[k % len(DEMO_QUERIES)].format(title=title)[:150],
                now=moment,
            )
            if k % 3 != 2:
                Deflection.objects.filter(pk=deflection.pk).update(helpful=k % 3 == 0)
