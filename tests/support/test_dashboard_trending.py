"""Trending problems: a spike against a board's or tag's usual hourly rate, and its alert.

The rule: flagged when the last hour has >= max(3, 3 x usual hourly rate) questions, the
usual rate being the average over the 7 days (168 hours) before the last hour.

Busy baselines need hundreds of questions: one question is written through the services,
then copied with bulk_create at the wanted times, which keeps the suite fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from community.models import Board, HiddenReason, Member, Tag, Thread
from support import events
from support.insights.services import trending_alert_send
from support.insights.tasks import trending_alert
from support.insights.trending import is_trending, trending_problems
from support.known_issues.models import TrendingAlert
from tests.builders import AN_HOUR, ask, board_make
from tests.community.content_factories import tag_create

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def questions_at(
    author: Member, board: Board, times: list[datetime], *, tags: tuple[Tag, ...] = ()
) -> None:
    """Questions on `board` asked at `times` (one through the services, the rest copies)."""
    model = ask(author=author, board=board, tags=[t.slug for t in tags], ago=AN_HOUR)
    Thread.objects.filter(pk=model.pk).update(created_at=times[0])
    copies = []
    for at in times[1:]:
        copy = Thread.objects.get(pk=model.pk)
        copy.pk = None
        copy.created_at = at
        copies.append(copy)
    created = Thread.objects.bulk_create(copies)
    Through = Thread.tags.through
    Through.objects.bulk_create(
        [Through(thread_id=t.pk, tag_id=tag.pk) for t in created for tag in tags]
    )


def spread(now: datetime, *, per_hour: int, hours: int = 168) -> list[datetime]:
    """`per_hour` questions in each of the `hours` before the last hour."""
    return [
        now - HOUR - timedelta(hours=h, minutes=5 + 50 * n / per_hour)
        for h in range(hours)
        for n in range(per_hour)
    ]


def last_hour(now: datetime, count: int) -> list[datetime]:
    return [now - timedelta(minutes=5 + n) for n in range(count)]


def test_the_rule_needs_three_questions_and_three_times_the_usual_rate() -> None:
    assert is_trending(3, 0) and is_trending(3, 1.0) and is_trending(9, 3.0)
    assert not is_trending(2, 0) and not is_trending(8, 3.0) and not is_trending(5, 2.0)


def test_a_spike_on_a_quiet_board_is_flagged_with_its_ratio(asker: Member) -> None:
    now = timezone.now()
    board = board_make(slug="billing", name="Billing")
    # Two questions a day for a week (14 in 168 hours), then five in the last hour.
    usual = [now - HOUR - timedelta(hours=12 * n + 1) for n in range(14)]
    questions_at(asker, board, usual + last_hour(now, 5))
    [problem] = trending_problems(now)
    assert (problem.kind, problem.pk, problem.name, problem.last_hour) == (
        "board",
        board.pk,
        "Billing",
        5,
    )
    assert problem.baseline == pytest.approx(14 / 168)
    assert problem.ratio == pytest.approx(5 / (14 / 168))
    assert problem.url == board.get_absolute_url()


def test_steady_busy_traffic_is_no_false_alarm(asker: Member) -> None:
    now = timezone.now()
    board = board_make(slug="network")
    # Three questions every hour for a week, then eight in the last hour: under 3 x 3.
    questions_at(asker, board, spread(now, per_hour=3) + last_hour(now, 8))
    assert trending_problems(now) == []


def test_a_busy_board_is_flagged_when_it_triples(asker: Member) -> None:
    now = timezone.now()
    board = board_make(slug="network")
    questions_at(asker, board, spread(now, per_hour=3) + last_hour(now, 9))
    [problem] = trending_problems(now)
    assert problem.baseline == pytest.approx(3.0) and problem.ratio == pytest.approx(3.0)


def test_a_new_topic_with_no_history_is_flagged_from_three_questions(asker: Member) -> None:
    now = timezone.now()
    quiet, new = board_make(slug="quiet"), board_make(slug="new")
    questions_at(asker, quiet, last_hour(now, 2))
    questions_at(asker, new, last_hour(now, 3))
    [problem] = trending_problems(now)
    assert (problem.pk, problem.ratio, problem.baseline) == (new.pk, None, 0)


def test_a_tag_spiking_across_boards_is_flagged(asker: Member) -> None:
    now = timezone.now()
    outage = tag_create(slug="outage")
    boards = [board_make() for _ in range(3)]
    for board in boards:  # one question on each board: no board spikes, the tag does
        questions_at(asker, board, last_hour(now, 1), tags=(outage,))
    problems = trending_problems(now)
    assert [(p.kind, p.slug, p.last_hour) for p in problems] == [("tag", "outage", 3)]
    assert problems[0].url == outage.get_absolute_url()


def test_old_and_spam_questions_do_not_count(asker: Member) -> None:
    now = timezone.now()
    board = board_make()
    questions_at(asker, board, last_hour(now, 3))
    spam = Thread.objects.filter(board=board).values_list("pk", flat=True)[:1]
    Thread.objects.filter(pk__in=list(spam)).update(hidden_reason=HiddenReason.FLAGGED)
    assert trending_problems(now) == []
    # An hour later the spike is history: it belongs to the baseline now.
    assert trending_problems(now + 2 * HOUR) == []


@pytest.fixture
def alerts() -> Iterator[list[dict[str, Any]]]:
    sent: list[dict[str, Any]] = []

    def receiver(signal: Any, sender: Any, **kwargs: Any) -> None:
        sent.append(kwargs)

    events.trending_problem_detected.connect(receiver, dispatch_uid="test-trending-alerts")
    yield sent
    events.trending_problem_detected.disconnect(dispatch_uid="test-trending-alerts")


def test_the_alert_is_sent_once_per_problem_and_hour(
    asker: Member, alerts: list[dict[str, Any]]
) -> None:
    now = timezone.now().replace(minute=30)
    board = board_make()
    tag = tag_create(slug="login")
    questions_at(asker, board, last_hour(now, 4), tags=(tag,))
    announced = trending_alert_send(now=now)
    assert {(p.kind, p.pk) for p in announced} == {("board", board.pk), ("tag", tag.pk)}
    kept = {(a.board_id, a.tag_id): a.pk for a in TrendingAlert.objects.all()}
    assert sorted(alerts, key=lambda a: a["board_id"] or 0) == [
        {"board_id": None, "tag_id": tag.pk, "ratio": None, "alert_id": kept[None, tag.pk]},
        {"board_id": board.pk, "tag_id": None, "ratio": None, "alert_id": kept[board.pk, None]},
    ]
    # Five minutes later, same hour: nothing new. The next hour, still spiking: again.
    assert trending_alert_send(now=now + timedelta(minutes=5)) == []
    assert len(alerts) == 2
    assert len(trending_alert_send(now=now + timedelta(minutes=40))) == 2


def test_a_failing_receiver_leaves_the_alert_for_the_next_run(asker: Member) -> None:
    now = timezone.now()
    questions_at(asker, board_make(), last_hour(now, 3))

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("notifications are down")

    events.trending_problem_detected.connect(broken, dispatch_uid="test-broken")
    try:
        with pytest.raises(RuntimeError):
            trending_alert_send(now=now)
    finally:
        events.trending_problem_detected.disconnect(dispatch_uid="test-broken")
    assert len(trending_alert_send(now=now)) == 1


def test_the_celery_task_runs_the_scan(asker: Member, alerts: list[dict[str, Any]]) -> None:
    questions_at(asker, board_make(), last_hour(timezone.now(), 3))
    assert trending_alert.delay().get() == 1
    assert trending_alert.name == "support.trending_alert"
    assert len(alerts) == 1
