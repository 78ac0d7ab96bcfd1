"""Two web servers behind one Redis: a push made on one reaches a socket held by the other.

Production runs several web server processes; a member's socket lives on one of them while the
request that notifies them lands on another. Only the Redis channel layer connects the two,
so both servers here run with NOTIFICATIONS_POLL_SECONDS=0: without Redis carrying the push,
nothing would arrive. Needs REDIS_URL (CI's PostgreSQL + Redis run sets it).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.notifications.servers import (
    Community,
    Server,
    open_socket,
    prepare,
    receive_until,
    request,
)
from tests.processes import server_environment, throwaway_database, web_server

REDIS_URL = os.environ.get("REDIS_URL")
# A push crosses Redis in milliseconds; this bound only absorbs a loaded CI machine.
PROMPTLY_SECONDS = 5.0

pytestmark = pytest.mark.skipif(
    not REDIS_URL,
    reason="REDIS_URL is not set: the two-server test needs Redis between the servers "
    "(run with REDIS_URL=redis://127.0.0.1:6379/<db>)",
)


@dataclass(frozen=True)
class Pair:
    a: Server
    b: Server
    community: Community


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    root: Path = tmp_path_factory.mktemp("scaleout")
    assert REDIS_URL
    with throwaway_database(root) as database_url:
        env = server_environment(
            root,
            database_url,
            REDIS_URL=REDIS_URL,
            NOTIFICATIONS_POLL_SECONDS="0",
            # No worker beside the servers: tasks run in the request that schedules them.
            CELERY_TASK_ALWAYS_EAGER="1",
        )
        community = prepare(env)
        with web_server(env, root / "a.log") as a, web_server(env, root / "b.log") as b:
            yield Pair(a=a, b=b, community=community)


def is_type(kind: str) -> object:
    return lambda message: message["type"] == kind


def test_an_answer_posted_on_one_server_reaches_the_askers_socket_on_the_other(
    pair: Pair,
) -> None:
    community = pair.community
    thread_id = community.thread_id
    with (
        open_socket(pair.a, f"/ws/notifications/?token={community.token('asker')}") as inbox,
        open_socket(pair.a, f"/ws/threads/{thread_id}/") as page,
    ):
        hello, _ = receive_until(inbox, is_type("unread"), seconds=PROMPTLY_SECONDS)

        started = time.monotonic()
        posted = request(
            f"{pair.b.url}/api/v1/threads/{thread_id}/posts/",
            method="POST",
            token=community.token("helper1"),
            data={"body": "Turn on data roaming in Settings > Mobile data, then restart."},
        )
        assert posted.status == 201, (posted.status, posted.body[:500], pair.b.log_tail())
        post_id = posted.json()["id"]

        # (Other news may come first: a badge the asker earned on the way, say.)
        notification, _ = receive_until(
            inbox,
            lambda m: m["type"] == "notification" and m["notification"]["kind"] == "answer",
            seconds=PROMPTLY_SECONDS,
        )
        arrived_after = time.monotonic() - started
        created, _ = receive_until(
            page,
            lambda m: m["type"] == "post.created" and m["post_id"] == post_id,
            seconds=PROMPTLY_SECONDS,
        )

    assert notification["notification"]["url"] == f"/posts/{post_id}/"
    assert notification["unread_count"] > hello["unread_count"]
    assert created == {"type": "post.created", "post_id": post_id, "answer_count": 1}
    assert arrived_after < PROMPTLY_SECONDS


def test_reading_on_one_server_updates_the_count_on_the_other(pair: Pair) -> None:
    community = pair.community
    token = community.token("asker")
    request(
        f"{pair.b.url}/api/v1/threads/{community.thread_id}/posts/",
        method="POST",
        token=community.token("helper2"),
        data={"body": "Check that the APN is set to the one your operator gives."},
    )
    with open_socket(pair.a, f"/ws/notifications/?token={token}") as inbox:
        hello, _ = receive_until(inbox, is_type("unread"), seconds=PROMPTLY_SECONDS)
        assert hello["unread_count"] >= 1

        read = request(
            f"{pair.b.url}/api/v1/notifications/read/",
            method="POST",
            token=token,
            data={"all": True},
        )
        assert read.status == 200, read.body[:500]

        update, _ = receive_until(inbox, is_type("unread"), seconds=PROMPTLY_SECONDS)

    assert update == {"type": "unread", "unread_count": 0}


def test_a_socket_that_reconnects_to_the_other_server_replays_what_it_missed(
    pair: Pair,
) -> None:
    community = pair.community
    token = community.token("asker")
    with open_socket(pair.a, f"/ws/notifications/?token={token}") as inbox:
        hello, _ = receive_until(inbox, is_type("unread"), seconds=PROMPTLY_SECONDS)
    last_seen = hello["last_id"]

    # Away: an answer arrives while the member has no socket anywhere.
    posted = request(
        f"{pair.a.url}/api/v1/threads/{community.thread_id}/posts/",
        method="POST",
        token=community.token("helper3"),
        data={"body": "Some operators need roaming enabled on the account first, call them."},
    )
    assert posted.status == 201, posted.body[:500]

    with open_socket(pair.b, f"/ws/notifications/?token={token}&since={last_seen}") as inbox:
        missed, before = receive_until(
            inbox,
            lambda m: m["type"] == "notification" and m["notification"]["kind"] == "answer",
            seconds=PROMPTLY_SECONDS,
        )

    ids = [m["notification"]["id"] for m in [*before, missed] if m["type"] == "notification"]
    assert ids == sorted(ids)
    assert min(ids) > last_seen
    assert missed["notification"]["url"] == f"/posts/{posted.json()['id']}/"
