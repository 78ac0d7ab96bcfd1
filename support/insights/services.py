"""The trending-problems alert: a board or tag suddenly asked about far more than usual.

The task `support.trending_alert` (insights/tasks.py) calls it every five minutes (the beat
entry "trending-alert" in config/settings.py). It announces
support.events.trending_problem_detected once per board or tag and clock hour (UTC), so a
spike that lasts the hour alerts staff once, and again the next hour if it goes on.

Idempotency lives in the cache, not the database (no model for it): `cache.add` of a key
per (board or tag, hour) is atomic on Redis and the local-memory cache, so two workers
running the task at once announce a spike once. The keys expire after two hours. If the
cache is cleared within the hour, a spike may be announced a second time: an alert, not a
payment, so that is acceptable. A receiver that fails releases the key, so the next run
retries it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from support import events
from support.insights.trending import TrendingProblem, trending_problems
from support.known_issues.services import trending_alert_record

ALERT_KEY_TIMEOUT = 2 * 60 * 60


def alert_key(problem: TrendingProblem, now: datetime) -> str:
    hour = now.astimezone(UTC).strftime("%Y%m%d%H")
    return f"support:trending-alert:{problem.kind}:{problem.pk}:{hour}"


def trending_alert_send(*, now: datetime | None = None) -> list[TrendingProblem]:
    """Announce each trending problem not yet announced this hour; the ones announced."""
    now = now or timezone.now()
    announced = []
    for problem in trending_problems(now):
        key = alert_key(problem, now)
        if not cache.add(key, 1, timeout=ALERT_KEY_TIMEOUT):
            continue
        try:
            # Receivers (notifications) write rows: in a transaction, pushed after commit.
            with transaction.atomic():
                # Kept, so staff can open a known issue from it in one click.
                alert = trending_alert_record(
                    board_id=problem.board_id,
                    tag_id=problem.tag_id,
                    last_hour=problem.last_hour,
                    ratio=problem.ratio,
                )
                events.trending_problem_detected.send(
                    sender=TrendingProblem,
                    board_id=problem.board_id,
                    tag_id=problem.tag_id,
                    ratio=problem.ratio,
                    alert_id=alert.pk,
                )
        except BaseException:
            cache.delete(key)
            raise
        announced.append(problem)
    return announced
