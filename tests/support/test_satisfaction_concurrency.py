"""A double submission of "Did this solve your problem?" (PostgreSQL only): one score kept.

Both requests take the thread's row lock; the second finds the first's score and gets the
same 409 as a later one would, and the partial unique index backs that up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connection, connections

from community import services
from community.errors import Conflict
from support.satisfaction.models import Satisfaction
from support.satisfaction.services import satisfaction_record
from tests.community.content_factories import post_create, thread_create
from tests.factories import MemberFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def run_at_once(calls: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcome = call()
            with lock:
                results.append(outcome)
        except BaseException as error:  # noqa: BLE001 - collected for the assertions
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


def test_two_simultaneous_ratings_keep_one_score_and_refuse_the_other() -> None:
    asker, helper = MemberFactory.create(), MemberFactory.create()
    thread = thread_create(author=asker)
    answer = post_create(thread=thread, author=helper)
    services.solution_accept(thread=thread, post=answer, actor=asker)

    results, errors = run_at_once(
        [
            partial(satisfaction_record, thread=thread, respondent=asker, score=score)
            for score in (1, 2, 3, 4)
        ]
    )

    assert len(results) == 1
    assert len(errors) == 3 and all(isinstance(error, Conflict) for error in errors)
    assert Satisfaction.objects.filter(thread=thread).count() == 1
