"""Notification fan-out: one event to `sockets` open thread-page sockets.

The sockets are opened as the live page opens them (`/ws/threads/<id>/`), spread over the
server's processes by the kernel. With REDIS_URL the event is published on the channel layer
as an answer's on_commit push publishes it (group `thread.<id>`, the same message shape), and
the clock starts at the publish; without Redis (the embedded mode, a single process) a real
answer is posted through the API and the clock starts when the request is sent.
A socket that has not heard the event within `wait_seconds` counts as lost.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import websockets

from bench.load import percentile

CONNECT_BATCH = 50


async def _open(url: str, count: int) -> list[Any]:
    sockets: list[Any] = []
    for start in range(0, count, CONNECT_BATCH):
        batch = [
            websockets.connect(url, open_timeout=30, ping_interval=None, max_queue=None)
            for _ in range(min(CONNECT_BATCH, count - start))
        ]
        sockets += await asyncio.gather(*batch)
    return sockets


async def _publish_redis(redis_url: str, thread_id: int, marker: str) -> float:
    from django.utils.module_loading import import_string

    from config.env import channel_layers_config

    # The layer the server uses, as configured: the same protocol on the same Redis.
    config = channel_layers_config(redis_url)["default"]
    layer = import_string(config["BACKEND"])(**config["CONFIG"])
    started = time.perf_counter()
    await layer.group_send(
        f"thread.{thread_id}",
        {"type": "thread.event", "event": {"type": "bench.ping", "marker": marker}},
    )
    return started


async def _publish_http(base: str, thread_id: int, token: str, marker: str) -> float:
    from urllib.parse import urlsplit

    from bench.load import build_request, request

    parts = urlsplit(base)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    raw = build_request(
        f"{base}/api/v1/threads/{thread_id}/posts/",
        method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        body=json.dumps(
            {"body": f"Fan-out benchmark answer {marker}: restart the phone."}
        ).encode(),
    )
    started = time.perf_counter()
    await request(reader, writer, raw)
    writer.close()
    return started


async def _run(
    base: str,
    thread_id: int,
    sockets_wanted: int,
    rounds: int,
    redis_url: str | None,
    tokens: list[str],
    wait_seconds: float,
) -> dict[str, Any]:
    ws_url = "ws" + base.removeprefix("http") + f"/ws/threads/{thread_id}/"
    sockets = await _open(ws_url, sockets_wanted)
    latencies: list[float] = []
    lost = 0
    try:
        for round_number in range(rounds):
            marker = f"{time.time_ns()}-{round_number}"
            arrivals: list[float] = []

            async def listen(
                socket: Any, marker: str = marker, arrivals: list[float] = arrivals
            ) -> None:
                while True:
                    message = json.loads(await socket.recv())
                    # The HTTP trigger's event names the new post, not the marker.
                    if marker in json.dumps(message) or (
                        not redis_url and message.get("type") == "post.created"
                    ):
                        arrivals.append(time.perf_counter())
                        return

            listeners = [asyncio.ensure_future(listen(s)) for s in sockets]
            await asyncio.sleep(0.2)
            if redis_url:
                started = await _publish_redis(redis_url, thread_id, marker)
            else:
                started = await _publish_http(base, thread_id, tokens[round_number], marker)
            done, pending = await asyncio.wait(listeners, timeout=wait_seconds)
            for task in pending:
                task.cancel()
            lost += len(pending)
            latencies += [(at - started) * 1000 for at in arrivals]
            await asyncio.sleep(0.5)
    finally:
        await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)
    return {
        "sockets": len(sockets),
        "rounds": rounds,
        "trigger": "channel layer" if redis_url else "http answer",
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "lost": lost,
    }


def run(
    base: str,
    thread_id: int,
    *,
    sockets: int = 1000,
    rounds: int = 5,
    redis_url: str | None,
    tokens: list[str],
    wait_seconds: float = 10.0,
) -> dict[str, Any]:
    return asyncio.run(_run(base, thread_id, sockets, rounds, redis_url, tokens, wait_seconds))
