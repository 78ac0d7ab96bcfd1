"""The production web server command (`python -m config.serve`, config/web.py).

How many processes it runs follows the environment; request threads run their async calls
on the server's event loop; and in one process on the embedded defaults (the in-memory channel
layer, as `make run` has it), a push made by an HTTP request running on the server's thread
pool reaches a WebSocket held by the same process.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis.connection
from asgiref.sync import async_to_sync

from config import serve, web
from config.wsgi import application as django_wsgi
from tests.notifications.servers import (
    Community,
    open_socket,
    prepare,
    receive_until,
    request,
)
from tests.processes import Server, server_environment, throwaway_database, web_server


def test_one_process_without_redis_and_one_per_core_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert serve.processes() == 1
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setattr(serve.os, "cpu_count", lambda: 6)
    assert serve.processes() == 6
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert serve.processes() == 3


def test_nonsense_sizes_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "0")
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY"):
        serve.processes()
    monkeypatch.setenv("WEB_THREADS", "0")
    with pytest.raises(ValueError, match="WEB_THREADS"):
        web.web_threads()
    monkeypatch.setenv("WEB_THREADS", "8")
    assert web.web_threads() == 8


async def _running_loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


@pytest.mark.asyncio
async def test_a_request_thread_runs_its_async_calls_on_the_servers_loop() -> None:
    """What lets a push from a view reach this process's sockets and reuse its Redis
    connections: async_to_sync in a request thread schedules on the server's own loop,
    instead of starting a loop of its own."""
    seen: list[asyncio.AbstractEventLoop] = []

    def wsgi_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        seen.append(async_to_sync(_running_loop)())
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    app = web.ThreadedWSGI(wsgi_app, threads=2)
    statuses = [await _get(app, "/") for _ in range(3)]  # every pool thread, not the first only
    assert seen == [asyncio.get_running_loop()] * 3
    assert statuses == [200] * 3


async def _get(app: web.ThreadedWSGI, path: str) -> int:
    """GET `path` from the app as the ASGI server would; the response's status."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
    }
    await app(scope, receive, send)
    return int(sent[0]["status"])


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a running Redis (REDIS_URL)")
# serialized_rollback: see tests/config/test_asgi.py.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.asyncio
async def test_requests_reuse_the_process_connections_to_redis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each request runs in its own copy of the context, where Django keeps its cache
    objects: they share the process's pooled connections rather than opening one each."""
    opened: list[object] = []
    make_connection = redis.connection.ConnectionPool.make_connection

    def counted(pool: redis.connection.ConnectionPool) -> Any:
        opened.append(pool)
        return make_connection(pool)

    monkeypatch.setattr(redis.connection.ConnectionPool, "make_connection", counted)
    app = web.ThreadedWSGI(django_wsgi, threads=2)

    try:
        statuses = [await _get(app, "/") for _ in range(12)]  # a visitor's page reads the cache
    finally:
        if app.bridge is not None:
            app.bridge.executor.shutdown()

    assert statuses == [200] * 12
    assert len(opened) <= 2  # at most one per request thread (the process may hold them)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Community]]:
    root: Path = tmp_path_factory.mktemp("serve")
    with throwaway_database(root) as database_url:
        # No REDIS_URL (server_environment starts from none): the in-memory channel layer.
        env = server_environment(root, database_url, CELERY_TASK_ALWAYS_EAGER="1")
        community = prepare(env)
        with web_server(env, root / "server.log") as server:
            yield server, community


def test_an_answer_posted_over_http_reaches_a_thread_socket_of_the_same_process(
    embedded: tuple[Server, Community],
) -> None:
    server, community = embedded
    with open_socket(server, f"/ws/threads/{community.thread_id}/") as page:
        posted = request(
            f"{server.url}/api/v1/threads/{community.thread_id}/posts/",
            method="POST",
            token=community.token("helper1"),
            data={"body": "Check that data roaming is on for the French network."},
        )
        assert posted.status == 201, posted.body
        event, _ = receive_until(
            page, lambda message: message.get("type") == "post.created", seconds=5.0
        )
    assert event["post_id"] == posted.json()["id"]


def test_pages_and_sockets_share_one_port(embedded: tuple[Server, Community]) -> None:
    server, community = embedded
    page = request(f"{server.url}{community.thread_url}")
    assert page.status == 200
    assert b"No data when roaming in France" in page.body


def test_sockets_take_no_compression_their_small_events_would_not_repay(
    embedded: tuple[Server, Community],
) -> None:
    """A browser offers permessage-deflate; the server declines it: the events are a few
    hundred bytes of JSON, and each compressed socket would hold its own zlib state and pay
    a compression per frame, a thousand times over for a crowd on one thread."""
    server, community = embedded
    with open_socket(server, f"/ws/threads/{community.thread_id}/") as page:
        handshake, answer = page.request, page.response
    assert handshake is not None and answer is not None
    offered = handshake.headers["Sec-WebSocket-Extensions"]
    accepted = answer.headers.get("Sec-WebSocket-Extensions")
    assert "permessage-deflate" in offered
    assert accepted is None
