"""Real Mutua servers in their own processes, for the live-delivery tests that cross
process boundaries (test_scaleout.py) or survive an outage (test_failure.py).

Each test module gets one database for its servers (a throwaway PostgreSQL database when
DATABASE_URL names PostgreSQL, as the browser harness does; a SQLite file otherwise),
migrated once, with a few members, tokens and a question made by a setup script; then as
many daphne processes on it as it needs, each on its own loopback port. Every wait is
bounded and every process is ended, whatever the test does.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import psycopg
import pytest
from psycopg import sql
from websockets.sync.client import ClientConnection
from websockets.sync.client import connect as websocket_connect

from tests.config.processes import REPO_ROOT, clean_environment

STARTUP_SECONDS = 30.0
REQUEST_SECONDS = 10.0
# Straight to 127.0.0.1, never through a proxy a developer's shell may export.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

# Run with `manage.py shell -c` on the servers' database: members who joined long ago (past
# the first-day posting limits) with confirmed addresses, their API tokens, a board and one
# question by the asker. A member posts at most once every 5 s: give each post its helper.
SETUP_SCRIPT = """
import json
from datetime import timedelta
from allauth.account.models import EmailAddress
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from rest_framework.authtoken.models import Token
from community import services
from community.models import Board, Member

joined = timezone.now() - timedelta(days=30)
members = {}
for name in ("asker", *(f"helper{n}" for n in range(1, 7))):
    member = Member.objects.create_user(
        username=name, email=f"{name}@example.com", password="live-test-pw", date_joined=joined
    )
    EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)
    session = SessionStore()  # signed in before the test starts (sign-in needs Redis)
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.create()
    members[name] = {
        "id": member.pk,
        "token": Token.objects.create(user=member).key,
        "session": session.session_key,
    }
board = Board.objects.create(name="Roaming", slug="roaming")
thread = services.thread_create(
    author=Member.objects.get(username="asker"),
    board=board,
    title="No data when roaming in France",
    body="My phone shows full signal abroad but no data at all, what should I check?",
    check_limits=False,
)
made = {"id": thread.pk, "url": thread.get_absolute_url()}
print(json.dumps({"members": members, "thread": made}))
"""


@dataclass(frozen=True)
class Server:
    url: str
    log_path: Path

    @property
    def ws_url(self) -> str:
        return "ws" + self.url.removeprefix("http")

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return f"({self.log_path} was never written)"
        return "\n".join(text.splitlines()[-lines:])


@dataclass(frozen=True)
class Community:
    """What SETUP_SCRIPT made."""

    members: dict[str, dict[str, Any]]
    thread_id: int
    thread_url: str

    def token(self, username: str) -> str:
        return str(self.members[username]["token"])


@contextmanager
def servers_database(root: Path) -> Iterator[str]:
    """A database URL for the servers: a fresh PostgreSQL database, or a SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if not url or dj_database_url.parse(url)["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{root / 'servers.sqlite3'}"
        return
    admin_url = urlsplit(url)._replace(scheme="postgresql")
    name = f"mutua_live_{secrets.token_hex(6)}"
    with psycopg.connect(admin_url.geturl(), dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield admin_url._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin_url.geturl(), dbname="postgres", autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def server_environment(root: Path, database_url: str, **overrides: str) -> dict[str, str]:
    env = clean_environment(
        root / "var",
        DATABASE_URL=database_url,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(root / "mail"),
        LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    finished = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if finished.returncode != 0:
        pytest.fail(
            f"manage.py {args[0]} failed ({finished.returncode}):\n{finished.stderr[-3000:]}",
            pytrace=False,
        )
    return finished.stdout


def prepare(env: dict[str, str]) -> Community:
    manage(env, "migrate", "--no-input")
    output = manage(env, "shell", "-c", SETUP_SCRIPT)
    made = json.loads(output.strip().splitlines()[-1])
    return Community(
        members=made["members"], thread_id=made["thread"]["id"], thread_url=made["thread"]["url"]
    )


@contextmanager
def daphne(env: dict[str, str], log_path: Path) -> Iterator[Server]:
    """daphne serving config.asgi on a loopback port we bound ourselves (no port race)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "--fd",
                str(listener.fileno()),
                "config.asgi:application",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=[listener.fileno()],
        )
    listener.close()
    server = Server(url=url, log_path=log_path)
    try:
        _wait_until_healthy(process, server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_until_healthy(process: subprocess.Popen[bytes], server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            pytest.fail(
                f"daphne exited with {process.returncode} on startup:\n{server.log_tail()}",
                pytrace=False,
            )
        try:
            with _opener.open(f"{server.url}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"daphne never became healthy:\n{server.log_tail()}", pytrace=False)
        time.sleep(0.1)


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)


def request(
    url: str, *, method: str = "GET", token: str | None = None, data: Any = None
) -> Response:
    """One HTTP request; an error status is returned, not raised."""
    headers = {"Accept": "application/json"}
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Token {token}"
    req = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
    try:
        with _opener.open(req, timeout=REQUEST_SECONDS) as response:
            return Response(response.status, response.read(), dict(response.headers.items()))
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read(), dict(error.headers.items()))


def open_socket(server: Server, path: str) -> ClientConnection:
    """A WebSocket as an app opens one (no Origin header, no cookie, no proxy)."""
    return websocket_connect(server.ws_url + path, open_timeout=REQUEST_SECONDS, proxy=None)


def receive_until(
    connection: ClientConnection, wanted: Any, *, seconds: float
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The first JSON message `wanted` accepts within `seconds`, and those before it."""
    deadline = time.monotonic() + seconds
    before: list[dict[str, Any]] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"nothing wanted within {seconds} s; got {before}")
        try:
            message = json.loads(connection.recv(timeout=left))
        except TimeoutError:
            raise AssertionError(f"nothing wanted within {seconds} s; got {before}") from None
        if wanted(message):
            return message, before
        before.append(message)
