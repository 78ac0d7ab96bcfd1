"""Shared machinery for concurrency tests: real threads released together, on PostgreSQL.

A limit that holds only because requests happen to arrive one at a time is no limit. These
tests start every request in its own thread, hold them at a barrier and release them together,
so the database sees them at the same instant. SQLite serializes writers, so the tests that
prove a race is closed run on PostgreSQL only (`requires_postgresql`); `make test` reports how
many ran on which database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import pytest
from django.db import connections

T = TypeVar("T")

# A string condition, so pytest evaluates it when the test is about to run (against the
# database the session really uses), not when this module is imported.
requires_postgresql = pytest.mark.skipif(
    "__import__('django.db').db.connection.vendor != 'postgresql'",
    reason="a race needs real concurrent transactions: run with DATABASE_URL on PostgreSQL",
)

# serialized_rollback: the flush after a transactional test empties every table, including
# the staff groups and their permissions that migrations wrote; the later tests need them.
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_at_once(tasks: list[Callable[[], T]]) -> tuple[list[T], list[BaseException]]:
    """Run every task in its own thread, released together by a barrier.

    Returns the results and the exceptions that escaped. Each thread closes its own database
    connections: Django opens one per thread, and the test database can't be dropped while
    any of them is open.
    """
    barrier = threading.Barrier(len(tasks), timeout=30)
    results: list[T] = []
    errors: list[BaseException] = []
    guard = threading.Lock()

    def work(task: Callable[[], T]) -> None:
        try:
            barrier.wait()
            result = task()
            with guard:
                results.append(result)
        except BaseException as exc:  # noqa: BLE001 - handed to the test, which fails on it
            with guard:
                errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work, args=(task,)) for task in tasks]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=90)  # generous: a loaded CI machine
    assert not any(worker.is_alive() for worker in workers), "a worker hung"
    return results, errors
