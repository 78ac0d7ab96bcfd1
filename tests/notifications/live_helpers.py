"""Helpers for the socket tests (tests/notifications/test_consumers_*.py, test_failure.py).

Sockets are opened through the real ASGI application (origin check, session and token
authentication, routing), with channels.testing.WebsocketCommunicator, against the
in-memory channel layer. Data is written through the services in worker threads
(sync_to_async) so their after-commit pushes run exactly as they do under daphne.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db.backends.utils import CursorWrapper
from rest_framework.authtoken.models import Token

from community.models import Member
from config.asgi import application

_numbers = itertools.count(1)

IN_MEMORY_LAYER = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
ORIGIN = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
# Generous: a loaded CI machine runs four test workers beside this one.
RECEIVE_SECONDS = 5.0
QUIET_SECONDS = 0.3

# The sockets' database work runs in other threads, so these tests commit for real.
# serialized_rollback: the flush after a transactional test empties every table, including
# the rows migrations made (the staff groups, ranks, badges), which later tests rely on.
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)
# A module of socket tests against the in-memory layer (fixtures in conftest.py).
live_socket_tests = [
    pytest.mark.asyncio,
    transactional,
    pytest.mark.usefixtures("in_memory_layer", "worker_connections_closed"),
]


def token_for(member: Member) -> str:
    return Token.objects.get_or_create(user=member)[0].key


def session_cookie_for(member: Member) -> bytes:
    """A Cookie header for a signed-in browser session of `member`."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = SessionStore()
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


def socket(
    path: str, *, cookie: bytes | None = None, headers: list[tuple[bytes, bytes]] | None = None
) -> WebsocketCommunicator:
    headers = [*ORIGIN, *(headers or [])]
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, path, headers=headers)


async def connect(
    path: str, *, cookie: bytes | None = None, headers: list[tuple[bytes, bytes]] | None = None
) -> WebsocketCommunicator:
    communicator = socket(path, cookie=cookie, headers=headers)
    connected, _subprotocol = await communicator.connect(timeout=RECEIVE_SECONDS)
    assert connected, f"{path} refused the handshake"
    return communicator


async def closed_with(communicator: WebsocketCommunicator) -> int:
    """The close code the server sent (after accepting)."""
    message = await communicator.receive_output(timeout=RECEIVE_SECONDS)
    assert message["type"] == "websocket.close", message
    return int(message["code"])


async def receive(communicator: WebsocketCommunicator) -> dict[str, Any]:
    data: dict[str, Any] = await communicator.receive_json_from(timeout=RECEIVE_SECONDS)
    return data


async def receive_until(
    communicator: WebsocketCommunicator,
    wanted: Callable[[dict[str, Any]], bool],
    *,
    seconds: float = RECEIVE_SECONDS,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The first message `wanted` accepts, and everything that came before it."""
    before: list[dict[str, Any]] = []
    async with asyncio.timeout(seconds):
        while True:
            message = await receive(communicator)
            if wanted(message):
                return message, before
            before.append(message)


async def nothing_more(communicator: WebsocketCommunicator) -> bool:
    result: bool = await communicator.receive_nothing(timeout=QUIET_SECONDS)
    return result


def in_thread(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run a sync function (ORM, services) from an async test, outside the event loop.

    In the one thread the consumers' database work runs in too (thread-sensitive), as under
    daphne: SQLite's shared in-memory test database refuses concurrent writers and readers
    ("database table is locked") rather than waiting.
    """
    return sync_to_async(function)


async def close_worker_connections() -> None:
    """Close the database connections of the thread the sockets' queries ran in.

    asgiref keeps that one thread for the whole session; a connection left open there makes
    Channels' next consumer, in a later test without database access, fail its
    close_old_connections() check.
    """

    def close_here() -> None:
        from django.db import connections
        from django.db.backends.base.base import BaseDatabaseWrapper

        for connection in connections.all(initialized_only=True):
            # Not connection.close(): SQLite's keeps an in-memory test database open. The
            # database survives: the test runner's own connection holds it.
            BaseDatabaseWrapper.close(connection)

    await sync_to_async(close_here)()


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


@contextmanager
def statements_recorded() -> Iterator[list[str]]:
    """Every SQL statement any thread runs meanwhile (Django's query capture is per thread
    and connection; consumers run theirs in executor threads)."""
    seen: list[str] = []
    execute, executemany = CursorWrapper.execute, CursorWrapper.executemany

    def recording_execute(self: CursorWrapper, sql: Any, params: Any = None) -> Any:
        seen.append(str(sql))
        return execute(self, sql, params)

    def recording_executemany(self: CursorWrapper, sql: Any, param_list: Any) -> Any:
        seen.append(str(sql))
        return executemany(self, sql, param_list)

    CursorWrapper.execute = recording_execute  # type: ignore[method-assign]
    CursorWrapper.executemany = recording_executemany  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        CursorWrapper.execute = execute  # type: ignore[method-assign]
        CursorWrapper.executemany = executemany  # type: ignore[method-assign]


def writes_among(statements: list[str]) -> list[str]:
    return [sql for sql in statements if sql.lstrip().upper().startswith(WRITES)]
