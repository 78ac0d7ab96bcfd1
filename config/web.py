"""The production web application: one ASGI app per process, for pages, the API and sockets.

HTTP goes to Django's WSGI handler on a pool of `WEB_THREADS` threads; WebSockets go to
Channels (config.asgi). Django's own ASGI handler runs every sync view through asgiref, one
thread hop and one new thread per request; under load that costs several times the view
itself (BENCHMARKS.md has the figures). A plain thread pool serves the same views at WSGI
speed, keeps each thread's database connection between requests (persistent or pooled
connections, which Django's ASGI path can't use safely), and still answers WebSockets on the
same port and origin, so browsers and proxies need no path routing.

Each pool thread is bound to the server's event loop the way asgiref binds its own threads,
so `async_to_sync(...)` in a view (the live pushes in notifications.realtime) runs on the
loop that holds the process's sockets and channel-layer connections: with the in-memory layer
of the embedded mode a push from a request reaches the sockets of the same process at once,
and with Redis every push reuses the process's connections instead of opening its own.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from a2wsgi import WSGIMiddleware
from asgiref.sync import SyncToAsync
from channels.routing import ProtocolTypeRouter

from config.asgi import application as channels_application
from config.wsgi import application as django_wsgi

DEFAULT_THREADS = 4


def web_threads() -> int:
    """Request threads per process (env WEB_THREADS); the database pool should match it."""
    value = int(os.environ.get("WEB_THREADS", str(DEFAULT_THREADS)))
    if value < 1:
        raise ValueError("WEB_THREADS must be at least 1")
    return value


def _bind_to_loop(loop: asyncio.AbstractEventLoop) -> None:
    # What asgiref's SyncToAsync sets in its own threads: AsyncToSync then schedules on `loop`.
    SyncToAsync.threadlocal.main_event_loop = loop
    SyncToAsync.threadlocal.main_event_loop_pid = os.getpid()


class ThreadedWSGI:
    """Django's WSGI handler on a fixed pool of threads bound to the running event loop."""

    def __init__(self, app: Any, threads: int) -> None:
        self.app = app
        self.threads = threads
        self.bridge: WSGIMiddleware | None = None

    def _bridge(self) -> WSGIMiddleware:
        if self.bridge is None:
            bridge = WSGIMiddleware(self.app, workers=self.threads)
            bridge.executor.shutdown(wait=False)
            bridge.executor = ThreadPoolExecutor(
                max_workers=self.threads,
                thread_name_prefix="http",
                initializer=_bind_to_loop,
                initargs=(asyncio.get_running_loop(),),
            )
            self.bridge = bridge
        return self.bridge

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self._bridge()(scope, receive, send)


application = ProtocolTypeRouter(
    {
        "http": ThreadedWSGI(django_wsgi, web_threads()),
        "websocket": channels_application.application_mapping["websocket"],
    }
)
