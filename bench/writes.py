"""The write path over HTTP: ask, answer and kudos through the API, `writers` at a time.

Each write is made by a different member (the fixtures make 256), so the 5-second gap between
a member's posts never refuses one: what is measured is the cost of a write, not a limit.
Questions are asked first, then answered, then the answers get kudos, so every run writes
new rows (kudos to a new answer always pays out: 201, never the idempotent 200).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

from bench.load import build_request, percentile, request

Job = tuple[str, str, dict[str, Any] | None]  # path, API token, JSON body


async def _phase(base: str, jobs: list[Job], writers: int) -> tuple[list[float], list[Any], int]:
    """Run (path, token, body) POSTs, `writers` connections at a time."""
    parts = urlsplit(base)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(jobs)):
        queue.put_nowait(index)
    latencies: list[float] = []
    replies: list[Any] = [None] * len(jobs)
    errors = 0

    async def writer() -> None:
        nonlocal errors
        reader, stream = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            while not queue.empty():
                index = queue.get_nowait()
                path, token, body = jobs[index]
                raw = build_request(
                    base + path,
                    method="POST",
                    headers={
                        "Authorization": f"Token {token}",
                        "Content-Type": "application/json",
                        "Accept": "application/json",
                    },
                    body=json.dumps(body or {}).encode(),
                )
                started = time.perf_counter()
                status, response = await asyncio.wait_for(request(reader, stream, raw), 30)
                latencies.append((time.perf_counter() - started) * 1000)
                if status in (200, 201):
                    replies[index] = json.loads(response.body)
                else:
                    errors += 1
        finally:
            stream.close()

    await asyncio.gather(*(writer() for _ in range(min(writers, len(jobs)))))
    return latencies, replies, errors


async def _run(base: str, fixtures: dict[str, Any], writers: int, per_phase: int) -> dict[str, Any]:
    tokens = fixtures["writer_tokens"]
    half = len(tokens) // 2
    per_phase = min(per_phase, half)
    run = uuid.uuid4().hex[:8]
    board = fixtures["board_slug"]
    asks: list[Job] = [
        (
            "/api/v1/threads/",
            tokens[n],
            {
                "board": board,
                "title": f"Benchmark question {run}-{n}: no signal after the update",
                "body": f"Since this morning ({run}-{n}) my phone shows no signal at all. Why?",
            },
        )
        for n in range(per_phase)
    ]
    ask_ms, made, ask_errors = await _phase(base, asks, writers)
    threads = [reply["id"] for reply in made if reply]
    answers: list[Job] = [
        (
            f"/api/v1/threads/{threads[n % len(threads)]}/posts/",
            tokens[half + n],
            {"body": f"Restart the phone and check the APN ({run}-{n})."},
        )
        for n in range(per_phase)
        if threads
    ]
    answer_ms, posted, answer_errors = await _phase(base, answers, writers)
    posts = [reply["id"] for reply in posted if reply]
    kudos: list[Job] = [
        (f"/api/v1/posts/{posts[n % len(posts)]}/kudos/", tokens[(n + 1) % half], None)
        for n in range(per_phase)
        if posts
    ]
    kudos_ms, _, kudos_errors = await _phase(base, kudos, writers)
    every = ask_ms + answer_ms + kudos_ms
    return {
        "writers": writers,
        "ask_p95_ms": percentile(ask_ms, 95),
        "answer_p95_ms": percentile(answer_ms, 95),
        "kudos_p95_ms": percentile(kudos_ms, 95),
        "p50_ms": percentile(every, 50),
        "p95_ms": percentile(every, 95),
        "writes": len(every),
        "errors": ask_errors + answer_errors + kudos_errors + 3 * per_phase - len(every),
    }


def run(
    base: str, fixtures: dict[str, Any], *, writers: int = 32, per_phase: int = 96
) -> dict[str, Any]:
    return asyncio.run(_run(base, fixtures, writers, per_phase))
