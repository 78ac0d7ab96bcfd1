"""Flags arriving at once (PostgreSQL only): the item is hidden exactly once, and a double
click flags once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from community.errors import Conflict
from community.models import HiddenReason, Member, Post
from support.cases.models import Case
from support.moderation import services as moderation
from support.moderation.models import Flag, ModerationAction
from tests.community.svc_factories import answer, ask, make_board
from tests.support.moderation_factories import HELPER, MEMBER, ranked

# serialized_rollback: the flush after a transactional test empties every table, including
# the groups, permissions and ranks that migrations wrote; later tests need them.
# Decided before any database is set up: SQLite has no row locks to test, and a needless
# transactional test there only costs a flush.
pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrency needs PostgreSQL's row locks"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def run_at_once(tasks: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(len(tasks), timeout=30)
    results: list[Any] = []
    errors: list[BaseException] = []
    guard = threading.Lock()

    def work(task: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            result = task()
            with guard:
                results.append(result)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            with guard:
                errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(task,)) for task in tasks]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=90)
    assert not any(worker.is_alive() for worker in workers), "a worker hung"
    return results, errors


@pytest.fixture
def post(asker: Member, helper: Member) -> Post:
    return answer(helper, ask(asker, make_board()), body="Cheap followers at our shop!")


def flag(flagger: Member, post: Post) -> Callable[[], Any]:
    return lambda: moderation.flag_create(flagger=flagger, post=post, kind="spam")


def test_trusted_flags_at_once_hide_the_answer_exactly_once(post: Post) -> None:
    flaggers = [ranked(HELPER) for _ in range(4)]

    _results, errors = run_at_once([flag(f, post) for f in flaggers])

    assert errors == []
    assert Flag.objects.count() == 4
    post.refresh_from_db()
    assert post.hidden_reason == HiddenReason.FLAGGED
    assert ModerationAction.objects.filter(kind=ModerationAction.Kind.HIDE).count() == 1
    assert Case.objects.count() == 1


def test_a_double_click_flags_once(post: Post) -> None:
    flagger = ranked(MEMBER)

    results, errors = run_at_once([flag(flagger, post), flag(flagger, post)])

    assert len(results) == 1
    assert [type(e) for e in errors] == [Conflict]
    assert Flag.objects.count() == 1
