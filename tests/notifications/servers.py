"""Real Mutua servers in their own processes, for the live-delivery tests that cross
process boundaries (test_scaleout.py) or survive an outage (test_failure.py).

Each test module gets one database for its servers (tests.processes.throwaway_database),
migrated once, with a few members, tokens and a question made by a setup script; then as
many web servers on it as it needs (tests.processes.web_server), each on its own loopback
port. Every wait is bounded and every process is ended, whatever the test does.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from websockets.sync.client import ClientConnection
from websockets.sync.client import connect as websocket_connect

from tests.processes import Server, local_opener, manage

REQUEST_SECONDS = 10.0

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
class Community:
    """What SETUP_SCRIPT made."""

    members: dict[str, dict[str, Any]]
    thread_id: int
    thread_url: str

    def token(self, username: str) -> str:
        return str(self.members[username]["token"])


def prepare(env: dict[str, str]) -> Community:
    manage(env, "migrate", "--no-input")
    output = manage(env, "shell", "-c", SETUP_SCRIPT)
    made = json.loads(output.strip().splitlines()[-1])
    return Community(
        members=made["members"], thread_id=made["thread"]["id"], thread_url=made["thread"]["url"]
    )


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    # Names as the server wrote them, read without regard to case (HTTP header names are
    # case-insensitive; uvicorn writes them in lower case).
    headers: Message = field(default_factory=Message)

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
        with local_opener.open(req, timeout=REQUEST_SECONDS) as response:
            return Response(response.status, response.read(), response.headers)
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read(), error.headers)


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


__all__ = ["Server"]
