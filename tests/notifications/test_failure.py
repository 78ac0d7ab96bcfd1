"""Redis goes away: the site keeps working, nothing is lost, and live delivery catches up.

Redis carries the cache, the live pushes between processes and (with REDIS_URL) the task
queue; the database is the truth. So with Redis unreachable:
- pages and posting still answer (no 500), a little slower at most (config/cache.py treats
  the cache as a miss; the pushes are logged and dropped, notifications.realtime);
- notifications are still stored, and a socket that connects later with ?since= gets them;
- open sockets stay open and fall back to reading the database, then rejoin their groups
  when the layer answers again (notifications/consumers.py).

In-process tests use an unreachable cache and a channel layer that fails like Redis does;
the end-to-end ones run real servers whose REDIS_URL points at a closed port.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import logging
import re
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from channels.layers import InMemoryChannelLayer
from redis.exceptions import ConnectionError as RedisConnectionError

from config.cache import RETRY_AFTER_SECONDS, ResilientRedisCache
from notifications import consumers, realtime
from notifications.receivers import AGENTS_GROUP
from tests.builders import agent_make, ask, board_make, new_member_make
from tests.notifications.inbox_factories import notify_answer
from tests.notifications.live_helpers import (
    closed_with,
    connect,
    in_thread,
    nothing_more,
    receive,
    token_for,
    transactional,
)
from tests.notifications.servers import (
    Community,
    Server,
    open_socket,
    prepare,
    request,
)
from tests.notifications.servers import receive_until as receive_from_server
from tests.processes import refused_port, server_environment, throwaway_database, web_server

# A page that waits on a dead Redis for longer than this is broken for its visitor.
FAST_SECONDS = 2.0


# --- The cache ------------------------------------------------------------------------------


@pytest.fixture
def dead_cache() -> Iterator[ResilientRedisCache]:
    with refused_port() as port:
        cache = ResilientRedisCache(
            f"redis://127.0.0.1:{port}/0",
            {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
        )
        # The pause is the process's for that address: an earlier test's on the same port
        # must not carry over.
        cache._down_until = 0.0
        yield cache


def test_an_unreachable_cache_answers_every_call_like_a_miss(
    dead_cache: ResilientRedisCache,
) -> None:
    started = time.monotonic()

    assert dead_cache.get("k") is None
    assert dead_cache.get("k", "fallback") == "fallback"
    dead_cache.set("k", 1)  # stores nothing, raises nothing
    # As for an absent key: the caller goes ahead (allauth's login lock needs that).
    assert dead_cache.add("k", 1) is True
    assert dead_cache.get_or_set("k", lambda: 42) == 42
    assert dead_cache.get_many(["a", "b"]) == {}
    assert dead_cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert dead_cache.delete("k") is False
    dead_cache.delete_many(["a", "b"])
    assert dead_cache.has_key("k") is False
    assert dead_cache.touch("k") is False
    dead_cache.clear()
    with pytest.raises(ValueError, match="not found"):
        dead_cache.incr("k")  # as for a missing key
    assert asyncio.run(dead_cache.aget("k", "async")) == "async"

    assert time.monotonic() - started < FAST_SECONDS


def test_after_a_failure_the_cache_stops_trying_for_a_while_and_says_so_once(
    dead_cache: ResilientRedisCache, caplog: pytest.LogCaptureFixture, monkeypatch: Any
) -> None:
    caplog.set_level(logging.WARNING, logger="config.cache")
    dead_cache.get("k")
    attempts: list[str] = []
    monkeypatch.setattr(
        type(dead_cache._cache), "get", lambda *args: attempts.append("get"), raising=True
    )

    for _ in range(50):
        dead_cache.get("k")

    assert attempts == []  # within RETRY_AFTER_SECONDS nothing reached for Redis
    warnings = [r for r in caplog.records if r.name == "config.cache"]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()
    assert RETRY_AFTER_SECONDS <= 30


def test_the_cache_tries_redis_again_after_the_pause(
    dead_cache: ResilientRedisCache, monkeypatch: Any
) -> None:
    dead_cache.get("k")
    dead_cache._down_until = time.monotonic() - 1  # the pause is over
    monkeypatch.setattr(type(dead_cache._cache), "get", lambda self, key, default: "back")

    assert dead_cache.get("k") == "back"


# --- The channel layer, in-process ------------------------------------------------------------


class FlakyLayer(InMemoryChannelLayer):
    """The in-memory layer, failing as channels_redis does while `down` (set by the tests)."""

    down = True

    def _fail(self) -> None:
        if FlakyLayer.down:
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    async def group_add(self, group: str, channel: str) -> None:
        self._fail()
        await super().group_add(group, channel)

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        self._fail()
        await super().group_send(group, message)

    async def receive(self, channel: str) -> dict[str, Any]:
        self._fail()
        message: dict[str, Any] = await super().receive(channel)
        return message


@pytest.fixture
def flaky_layer(settings: Any, monkeypatch: Any) -> Iterator[type[FlakyLayer]]:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": f"{__name__}.FlakyLayer"}}
    settings.NOTIFICATIONS_POLL_SECONDS = 0  # as with Redis: no polling while it works
    monkeypatch.setattr(consumers, "LAYER_DOWN_POLL_SECONDS", 0.2)
    FlakyLayer.down = True
    yield FlakyLayer
    FlakyLayer.down = True


async def send_until_heard(communicator: Any, group: str, message: dict[str, Any]) -> bool:
    """Push `message` every 0.3 s until the socket hears it (True), for at most 8 s."""
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline:
        await in_thread(realtime.send_now)(group, message)
        # receive_nothing, not a receive with a timeout: that would cancel the application.
        if await communicator.receive_nothing(timeout=0.3):
            continue
        heard = await communicator.receive_json_from()
        if heard["type"] == message["type"]:
            return True
    return False


@pytest.mark.asyncio
@transactional
@pytest.mark.usefixtures("worker_connections_closed")
async def test_with_the_layer_down_a_socket_replays_then_polls_the_database(
    flaky_layer: type[FlakyLayer],
) -> None:
    member, other = await in_thread(lambda: (new_member_make(), new_member_make()))()
    missed = await in_thread(notify_answer)(member, other, title="Stored while away")
    token = await in_thread(token_for)(member)

    communicator = await connect(f"/ws/notifications/?token={token}&since=0")
    replayed = await receive(communicator)
    hello = await receive(communicator)
    # The push for this one fails (and is logged); the database still has it.
    live = await in_thread(notify_answer)(member, other, title="Written during the outage")
    polled = await receive(communicator)

    assert replayed["notification"]["id"] == missed.pk
    assert hello["type"] == "unread"
    assert polled["notification"]["id"] == live.pk
    await communicator.disconnect()


@pytest.mark.asyncio
@transactional
@pytest.mark.usefixtures("worker_connections_closed")
async def test_when_the_layer_comes_back_open_sockets_rejoin_their_groups(
    flaky_layer: type[FlakyLayer],
) -> None:
    agent = await in_thread(agent_make)()
    token = await in_thread(token_for)(agent)
    communicator = await connect(f"/ws/notifications/?token={token}")
    await receive(communicator)
    queue = {"type": "queue.changed", "case_id": 3}
    # Down: the push is dropped, the socket stays open.
    assert await in_thread(realtime.send_now)(AGENTS_GROUP, queue) is False
    assert await nothing_more(communicator)

    flaky_layer.down = False

    assert await send_until_heard(communicator, AGENTS_GROUP, queue)
    await communicator.disconnect()


@pytest.mark.asyncio
@transactional
@pytest.mark.usefixtures("worker_connections_closed")
async def test_with_the_layer_down_thread_pages_still_connect_and_hidden_ones_still_close(
    flaky_layer: type[FlakyLayer],
) -> None:
    thread = await in_thread(lambda: ask(new_member_make(), board_make()))()

    open_page = await connect(f"/ws/threads/{thread.pk}/")
    missing = await connect("/ws/threads/987654321/")

    assert await nothing_more(open_page)
    assert await closed_with(missing) == 4404
    await open_page.disconnect()


# --- Real servers with Redis unreachable ------------------------------------------------------


@dataclass(frozen=True)
class Outage:
    # Tasks run in the request (no broker involved): the cache and the layer are down.
    eager: Server
    # Tasks go to the (dead) Redis broker, as in production.
    queued: Server
    community: Community


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outage]:
    root: Path = tmp_path_factory.mktemp("outage")
    with refused_port() as port, throwaway_database(root) as database_url:
        dead_redis = f"redis://127.0.0.1:{port}/0"
        setup_env = server_environment(root, database_url, CELERY_TASK_ALWAYS_EAGER="1")
        community = prepare(setup_env)
        eager_env = server_environment(
            root, database_url, REDIS_URL=dead_redis, CELERY_TASK_ALWAYS_EAGER="1"
        )
        queued_env = server_environment(
            root, database_url, REDIS_URL=dead_redis, CELERY_TASK_ALWAYS_EAGER="0"
        )
        with (
            web_server(eager_env, root / "eager.log") as eager,
            web_server(queued_env, root / "queued.log") as queued,
        ):
            yield Outage(eager=eager, queued=queued, community=community)


def timed(url: str, **kwargs: Any) -> tuple[int, float]:
    started = time.monotonic()
    response = request(url, **kwargs)
    return response.status, time.monotonic() - started


def test_pages_answer_quickly_while_redis_is_down(outage: Outage) -> None:
    server, community = outage.eager, outage.community
    thread_url = f"{server.url}{community.thread_url}"
    token = community.token("asker")

    for url, kwargs in [
        (f"{server.url}/", {}),
        (f"{server.url}/boards/", {}),
        (thread_url, {}),
        (thread_url, {}),  # the second view hits the view-count de-duplication (cache.add)
        (f"{server.url}/api/v1/threads/{community.thread_id}/", {}),
        (f"{server.url}/api/v1/notifications/", {"token": token}),
    ]:
        status, seconds = timed(url, **kwargs)
        assert status == 200, (url, status, server.log_tail())
        assert seconds < FAST_SECONDS, (url, seconds)


def test_no_token_is_issued_while_redis_is_down_the_sign_in_limits_fail_closed(
    outage: Outage,
) -> None:
    # The token endpoint's throttles and lock-out live in the cache. Answering like a miss
    # would let every guess through during an outage, so they refuse instead (config/cache.py,
    # strict()) with 503 and Retry-After, quickly; pages and existing tokens keep working.
    started = time.monotonic()
    response = request(
        f"{outage.eager.url}/api/v1/auth/token/",
        method="POST",
        data={"username": "helper4", "password": "live-test-pw"},
    )

    assert response.status == 503, response.body[:300]
    assert int(response.headers["Retry-After"]) > 0
    assert "detail" in response.json()
    assert time.monotonic() - started < FAST_SECONDS


def test_an_answer_posted_during_the_outage_is_stored_and_replayed_on_connect(
    outage: Outage,
) -> None:
    server, community = outage.eager, outage.community
    token = community.token("asker")
    with open_socket(server, f"/ws/notifications/?token={token}") as inbox:
        hello, _ = receive_from_server(inbox, lambda m: m["type"] == "unread", seconds=10)
    last_seen = hello["last_id"]

    status, seconds = timed(
        f"{server.url}/api/v1/threads/{community.thread_id}/posts/",
        method="POST",
        token=community.token("helper1"),
        data={"body": "Switch the phone to 4G only, some networks abroad drop 5G data."},
    )
    assert status == 201, server.log_tail()
    assert seconds < FAST_SECONDS

    stored = request(f"{server.url}/api/v1/notifications/?unread=1", token=token).json()
    assert any(n["id"] > last_seen and n["kind"] == "answer" for n in stored["results"])
    with open_socket(server, f"/ws/notifications/?token={token}&since={last_seen}") as inbox:
        missed, _ = receive_from_server(
            inbox,
            lambda m: m["type"] == "notification" and m["notification"]["kind"] == "answer",
            seconds=10,
        )
    assert missed["notification"]["id"] > last_seen


def test_an_open_socket_hears_of_an_answer_by_polling_while_redis_is_down(
    outage: Outage,
) -> None:
    server, community = outage.eager, outage.community
    token = community.token("asker")
    with open_socket(server, f"/ws/notifications/?token={token}") as inbox:
        receive_from_server(inbox, lambda m: m["type"] == "unread", seconds=10)
        posted = request(
            f"{server.url}/api/v1/threads/{community.thread_id}/posts/",
            method="POST",
            token=community.token("helper2"),
            data={"body": "Reset the network settings; it clears a stuck roaming profile."},
        )
        assert posted.status == 201, server.log_tail()
        # No push can come; the socket reads the database every LAYER_DOWN_POLL_SECONDS.
        heard, _ = receive_from_server(
            inbox,
            lambda m: (
                m["type"] == "notification"
                and m["notification"]["url"] == f"/posts/{posted.json()['id']}/"
            ),
            seconds=consumers.LAYER_DOWN_POLL_SECONDS * 2 + 2,
        )
    assert heard["notification"]["kind"] == "answer"


def test_a_signed_in_member_browses_and_answers_through_the_pages(outage: Outage) -> None:
    server, community = outage.eager, outage.community
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar)
    )

    def csrf_token() -> str:
        return next(c.value or "" for c in jar if c.name == "csrftoken")

    def post(path: str, fields: dict[str, str]) -> int:
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": csrf_token()}).encode()
        req = urllib.request.Request(  # noqa: S310 - our own loopback server
            f"{server.url}{path}", data=data, headers={"Referer": f"{server.url}{path}"}
        )
        with browser.open(req, timeout=10) as response:
            return int(response.status)

    with browser.open(f"{server.url}/accounts/login/", timeout=10) as response:
        assert response.status == 200
    # Signing in is refused while the lock-out can't be read (it fails closed) ...
    with pytest.raises(urllib.error.HTTPError) as refused:
        post("/accounts/login/", {"login": "helper3", "password": "live-test-pw"})
    assert refused.value.code == 503
    assert int(refused.value.headers["Retry-After"]) > 0
    # ... but a member already signed in browses and answers.
    host = urllib.parse.urlsplit(server.url).hostname or "127.0.0.1"
    session_key = str(community.members["helper3"]["session"])
    jar.set_cookie(
        http.cookiejar.Cookie(
            0,
            "sessionid",
            session_key,
            None,
            False,
            host,
            False,
            False,
            "/",
            True,
            False,
            None,
            False,
            None,
            None,
            {},
        )
    )
    with browser.open(f"{server.url}{community.thread_url}", timeout=10) as response:
        page = response.read().decode()
    assert re.search(r'<body[^>]* data-member="\d+"', page), "not signed in"

    started = time.monotonic()
    status = post(
        f"/threads/{community.thread_id}/answer/",
        {"body": "Update the carrier settings from Settings > General > About."},
    )

    assert status == 200  # followed the redirect to the answer on its thread page
    assert time.monotonic() - started < FAST_SECONDS


def test_posting_while_the_task_broker_is_down_is_not_a_500(outage: Outage) -> None:
    server, community = outage.queued, outage.community

    posted = request(
        f"{server.url}/api/v1/threads/{community.thread_id}/posts/",
        method="POST",
        token=community.token("helper4"),
        data={"body": "Roaming data can be blocked by a spending cap; check your plan."},
    )

    assert posted.status == 201, server.log_tail()


def test_notifications_are_stored_even_when_the_task_broker_is_down(outage: Outage) -> None:
    server, community = outage.queued, outage.community
    token = community.token("asker")
    before = request(f"{server.url}/api/v1/notifications/", token=token).json()["results"]
    newest = max((n["id"] for n in before), default=0)

    started = time.monotonic()
    request(
        f"{server.url}/api/v1/threads/{community.thread_id}/posts/",
        method="POST",
        token=community.token("helper5"),
        data={"body": "If you have dual SIM, pick the roaming SIM for mobile data."},
    )
    seconds = time.monotonic() - started

    after = request(f"{server.url}/api/v1/notifications/", token=token).json()["results"]
    assert any(n["id"] > newest and n["kind"] == "answer" for n in after)
    # Each publish to the dead broker gives up within a second (config/env.py).
    assert seconds < 2 * FAST_SECONDS
