"""Bursts of concurrent requests against the production server command (the Procfile's
`web:` line, run as `make run` runs it, on $PORT), on its own database.

A burst mixes anonymous page and API reads with kudos and answers from many members, all
sent at once. What must hold: no 5xx except a deliberate 503 with Retry-After (the database
pool's wait ran out), and nothing lost: every 201 is in the database, the counters agree with
the rows, and `gamification_rebuild --check` finds no difference.

200 requests run everywhere; 1,000 run on PostgreSQL (CI), where the connection pool is what
keeps a burst from exhausting the server's connections.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
import pytest

from tests.processes import REPO_ROOT, manage, server_environment, throwaway_database

STARTUP_SECONDS = 60.0
# How long one request of a burst may take, queued included, before the test calls the server
# hung. Not a speed limit (the bench has those): the thousand-request burst, one process of
# four threads, takes about 60 s on a slow two-core machine alone and more than 90 s beside
# another test worker, and a queued request still counts as answered.
REQUEST_SECONDS = 300.0
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

on_postgresql = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL")
    or dj_database_url.parse(os.environ["DATABASE_URL"])["ENGINE"]
    != "django.db.backends.postgresql",
    reason="1,000 concurrent requests are a PostgreSQL deployment's burst: set DATABASE_URL",
)

# Members who joined long ago (past the first-day limits), each with an API token; threads
# with answers to thank. Bulk inserts: creating hundreds of members one by one, each with a
# hashed password, would take minutes.
SETUP_SCRIPT = """
import json
from datetime import timedelta
from django.utils import timezone
from rest_framework.authtoken.models import Token
from community import services
from community.models import Board, Member

COUNT = {count}
joined = timezone.now() - timedelta(days=30)
Member.objects.bulk_create(
    Member(username=f"member{{n}}", email=f"member{{n}}@example.com", date_joined=joined,
           password="!")
    for n in range(COUNT)
)
members = list(Member.objects.order_by("pk"))
Token.objects.bulk_create(Token(key=Token.generate_key(), user=m) for m in members)
tokens = dict(Token.objects.values_list("user_id", "key"))
board = Board.objects.create(name="Roaming", slug="roaming")
threads, posts = [], []
for n in range(5):
    thread = services.thread_create(
        author=members[n], board=board, title=f"No data when roaming in France ({{n}})",
        body="My phone shows full signal abroad but no data at all, what should I check?",
        check_limits=False,
    )
    threads.append({{"id": thread.pk, "url": thread.get_absolute_url()}})
    for m in range(5, 9):
        post = services.post_create(
            author=members[m], thread=thread, check_limits=False,
            body=f"Switch data roaming on in the settings ({{n}}, {{m}}).",
        )
        posts.append(post.pk)
print(json.dumps({{"tokens": [tokens[m.pk] for m in members[10:]], "threads": threads,
                  "posts": posts}}))
"""

CHECK_SCRIPT = """
import json
from django.db.models import Count
from rest_framework.authtoken.models import Token
from community.models import Board, Kudos, Post, Thread
from gamification.services.rebuild import gamification_rebuild

answers = {answers}
kudos = {kudos}
report = gamification_rebuild(fix=False)
result = {{
    "answers_found": Post.objects.filter(pk__in=answers).count(),
    "kudos_found": sum(
        Kudos.objects.filter(giver__auth_token__key=token, post_id=post_id).count()
        for token, post_id in kudos),
    "post_kudos_mismatches": sum(
        1 for p in Post.objects.annotate(n=Count("kudos")) if p.kudos_count != p.n),
    "thread_answer_mismatches": sum(
        1 for t in Thread.objects.annotate(n=Count("posts")) if t.answer_count != t.n),
    "board_answers": list(Board.objects.values_list("answer_count", flat=True)),
    "posts_total": Post.objects.count(),
    "ledger_differences": report.total,
}}
print(json.dumps(result))
"""


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def procfile_web_command() -> str:
    for line in (REPO_ROOT / "Procfile").read_text().splitlines():
        match = re.match(r"^web:\s*(.+)$", line)
        if match:
            return match.group(1)
    pytest.fail("the Procfile has no web: line", pytrace=False)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("load")
    with throwaway_database(root) as database_url:
        env = server_environment(
            root,
            database_url,
            # A small pool per process, so a burst really queues for connections.
            DB_POOL_MIN_SIZE="1",
            DB_POOL_MAX_SIZE="8",
            DB_POOL_TIMEOUT="30",
            DJANGO_DEBUG="0",
        )
        manage(env, "migrate", "--no-input")
        made = json.loads(
            manage(env, "shell", "-c", SETUP_SCRIPT.format(count=1_300)).strip().splitlines()[-1]
        )
        port = free_port()
        env.update(HOST="127.0.0.1", PORT=str(port))
        log_path = root / "web.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                ["bash", "-c", "exec " + procfile_web_command()],
                cwd=REPO_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_healthy(process, url, log_path)
            yield {"env": env, "url": url, "port": port, "log": log_path, **made}
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)


def _wait_until_healthy(process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            pytest.fail(
                f"the web process exited with {process.returncode}:\n{log_path.read_text()}",
                pytrace=False,
            )
        try:
            with _opener.open(f"{url}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"the web process never became healthy:\n{log_path.read_text()}")
        time.sleep(0.2)


async def _send(
    port: int, method: str, path: str, token: str | None, body: dict[str, Any] | None
) -> Reply:
    """One HTTP/1.1 request on its own connection (Connection: close), read to the end."""
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection("127.0.0.1", port), REQUEST_SECONDS
    )
    payload = json.dumps(body).encode() if body is not None else b""
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Accept: application/json, text/html",
        "Connection: close",
        f"Content-Length: {len(payload)}",
    ]
    if body is not None:
        lines.append("Content-Type: application/json")
    if token:
        lines.append(f"Authorization: Token {token}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), REQUEST_SECONDS)
    writer.close()
    head, _sep, rest = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _colon, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Reply(int(status_line.split()[1]), headers, rest)


async def _burst(port: int, requests: list[tuple[str, str, str | None, Any]]) -> list[Any]:
    start = asyncio.Event()

    async def one(method: str, path: str, token: str | None, body: Any) -> Reply | BaseException:
        await start.wait()
        try:
            return await _send(port, method, path, token, body)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            return exc

    tasks = [asyncio.ensure_future(one(*request)) for request in requests]
    await asyncio.sleep(0)
    start.set()
    return list(await asyncio.gather(*tasks))


def burst(loaded: dict[str, Any], size: int, offset: int) -> dict[str, Any]:
    """`size` requests at once: half anonymous reads, 30% kudos, 20% answers, each write by
    its own member (members from `offset` on, so bursts don't share members)."""
    tokens: list[str] = loaded["tokens"][offset:]
    threads, posts = loaded["threads"], loaded["posts"]
    reads, kudos = size // 2, size * 3 // 10
    answers = size - reads - kudos
    requests: list[tuple[str, str, str | None, Any]] = []
    for n in range(reads):
        thread = threads[n % len(threads)]
        if n % 2:
            requests.append(("GET", thread["url"], None, None))
        else:
            requests.append(("GET", f"/api/v1/threads/{thread['id']}/posts/", None, None))
    for n in range(kudos):
        requests.append(("POST", f"/api/v1/posts/{posts[n % len(posts)]}/kudos/", tokens[n], None))
    for n in range(answers):
        thread = threads[n % len(threads)]
        body = {"body": f"Restart the phone with roaming on, then check the APN ({offset + n})."}
        requests.append(("POST", f"/api/v1/threads/{thread['id']}/posts/", tokens[kudos + n], body))

    started = time.monotonic()
    replies = asyncio.run(_burst(loaded["port"], requests))
    elapsed = time.monotonic() - started

    failures = [r for r in replies if isinstance(r, BaseException)]
    assert failures == [], f"{len(failures)} requests failed: {failures[:3]}"
    statuses = Counter(r.status for r in replies)
    server_errors = [r for r in replies if r.status >= 500]
    undeliberate = [r for r in server_errors if r.status != 503 or not r.headers.get("retry-after")]
    assert undeliberate == [], (
        f"{len(undeliberate)} server errors: {statuses}; "
        f"first: {undeliberate[0].body[:500]!r}\n{loaded['log'].read_text()[-3000:]}"
    )
    created_answers = [
        json.loads(r.body)["id"]
        for (_method, _path, _token, body), r in zip(requests, replies, strict=True)
        if body is not None and r.status == 201
    ]
    given_kudos = [
        [token, int(path.split("/")[-3])]
        for (_method, path, token, _body), r in zip(requests, replies, strict=True)
        if path.endswith("/kudos/") and r.status == 201
    ]
    return {
        "statuses": statuses,
        "elapsed": elapsed,
        "answers": created_answers,
        "kudos": given_kudos,
        "expected_answers": answers,
        "expected_kudos": kudos,
    }


def assert_nothing_lost(loaded: dict[str, Any], result: dict[str, Any]) -> None:
    check = CHECK_SCRIPT.format(answers=result["answers"], kudos=result["kudos"])
    found = json.loads(manage(loaded["env"], "shell", "-c", check).strip().splitlines()[-1])
    assert found["answers_found"] == len(result["answers"])
    assert found["kudos_found"] == len(result["kudos"])
    assert found["post_kudos_mismatches"] == 0
    assert found["thread_answer_mismatches"] == 0
    assert sum(found["board_answers"]) == found["posts_total"]
    assert found["ledger_differences"] == 0


def report(size: int, result: dict[str, Any]) -> None:
    print(  # noqa: T201 - the figures of the run, for the record (pytest -s shows them)
        f"\n{size} concurrent requests: {dict(result['statuses'])} in {result['elapsed']:.1f} s"
    )


def test_two_hundred_concurrent_requests_get_no_server_error_and_lose_nothing(
    loaded: dict[str, Any],
) -> None:
    result = burst(loaded, 200, offset=0)
    report(200, result)

    # Each member sent one write, well within every limit: each was written or, at worst,
    # deliberately refused (503 with Retry-After, or a throttle's 429).
    written = len(result["kudos"]) + len(result["answers"])
    refused = result["statuses"].get(503, 0) + result["statuses"].get(429, 0)
    assert written + refused >= result["expected_kudos"] + result["expected_answers"]
    assert_nothing_lost(loaded, result)


@on_postgresql
def test_a_thousand_concurrent_requests_get_no_server_error_and_lose_nothing(
    loaded: dict[str, Any],
) -> None:
    result = burst(loaded, 1_000, offset=200)
    report(1_000, result)

    written = len(result["kudos"]) + len(result["answers"])
    refused = result["statuses"].get(503, 0) + result["statuses"].get(429, 0)
    assert written + refused >= result["expected_kudos"] + result["expected_answers"]
    assert_nothing_lost(loaded, result)
