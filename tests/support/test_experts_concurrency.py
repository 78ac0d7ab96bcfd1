"""Ask the experts under a crowd (PostgreSQL): routings at once keep every limit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial

from django.db.models import F

from community import services
from community.models import Thread
from support.experts.models import ExpertRequest, ThreadRouting
from support.experts.services import expert_route_thread, helper_settings_update
from tests import builders
from tests.builders import ask, board_make, member_make
from tests.concurrency import requires_postgresql, run_at_once, transactional

pytestmark = [transactional, requires_postgresql]


def test_questions_routed_at_once_never_pass_a_helpers_daily_cap() -> None:
    board = board_make()
    helper = member_make("ana")
    helper_settings_update(member=helper, expert_requests=True)
    solved = ask(member_make(), board, ago=timedelta(days=10))
    services.solution_accept(
        thread=solved, post=builders.answer(helper, solved), actor=solved.author
    )
    threads = [ask(member_make(), board) for _ in range(6)]
    Thread.objects.filter(pk__in=[t.pk for t in threads]).update(
        created_at=F("created_at") - timedelta(minutes=11)
    )
    # Each question routed by two workers at once, six questions together.
    tasks: list[Callable[[], list[ExpertRequest]]] = [
        partial(expert_route_thread, thread_id=t.pk) for t in threads for _ in range(2)
    ]

    _results, errors = run_at_once(tasks)

    assert errors == []
    assert ExpertRequest.objects.filter(helper=helper).count() == 3
    assert ThreadRouting.objects.count() == 6
