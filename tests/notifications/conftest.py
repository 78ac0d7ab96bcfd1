"""Fixtures of the live tests (tests/notifications/live_helpers.py): opted into with
`live_socket_tests`, or by name with `pytest.mark.usefixtures`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from tests.notifications.live_helpers import IN_MEMORY_LAYER, close_worker_connections


@pytest.fixture
def in_memory_layer(settings: Any) -> None:
    """Pushes go through the in-process channel layer: the sockets and the writes are here."""
    settings.CHANNEL_LAYERS = IN_MEMORY_LAYER


@pytest_asyncio.fixture
async def worker_connections_closed() -> AsyncIterator[None]:
    """The sockets' database connections, opened in worker threads, closed after the test."""
    yield
    await close_worker_connections()
