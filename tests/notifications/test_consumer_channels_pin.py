"""The live consumers copy two methods of Channels: pinned to their source.

LayerTolerantConsumer.__call__ (notifications/consumers.py) is Channels' own
AsyncConsumer.__call__ with the layer's receive made tolerant: Channels' ends the whole
socket on the layer's first error, ours keeps the socket and rejoins when the layer is back.
Channels has no public hook for that, so the copy must follow Channels. If this test fails
after an upgrade, read the new AsyncConsumer.__call__, carry its changes into
LayerTolerantConsumer.__call__ (scope, layer and channel name, base_send, the dispatch loop,
StopConsumer), re-run the outage tests in tests/notifications/test_failure.py, and record the
new fingerprint in PINNED_SOURCES.

LayerTolerantConsumer.dispatch is AsyncConsumer.dispatch without the hop to the database
thread before every message (the consumers' database work closes stale connections itself).
If Channels' dispatch changes, carry the change over, keeping that one difference.
"""

from __future__ import annotations

import hashlib
import inspect

import channels
import pytest
from channels.consumer import AsyncConsumer

from notifications.consumers import LayerTolerantConsumer

# Channels 4.3.2's AsyncConsumer methods the copies follow, by their source's SHA-256.
PINNED_VERSION = "4.3.2"
PINNED_SOURCES = {
    "__call__": "e52238720872dbc3f854519bc971aa7eb41553e63c8729081549ce42465ee419",
    "dispatch": "39f34e7d4fb0f6552de4ade665b943fe78137379702af6b58c79a14c49a75520",
}


@pytest.mark.parametrize("method", PINNED_SOURCES)
def test_channels_methods_are_still_the_ones_the_consumers_copy(method: str) -> None:
    source = inspect.getsource(getattr(AsyncConsumer, method))
    fingerprint = hashlib.sha256(source.encode()).hexdigest()

    assert fingerprint == PINNED_SOURCES[method], (
        f"Channels {channels.__version__} changed AsyncConsumer.{method} (the copy follows "
        f"{PINNED_VERSION}): bring notifications.consumers.LayerTolerantConsumer.{method} in "
        f"line with it, then update PINNED_SOURCES. The source now reads:\n" + source
    )
    assert getattr(LayerTolerantConsumer, method) is not getattr(AsyncConsumer, method)


def test_the_tolerant_consumer_overrides_call_and_sets_what_channels_sets() -> None:
    ours = inspect.getsource(LayerTolerantConsumer.__call__)

    for attribute in ("self.scope", "self.channel_layer", "self.channel_name", "self.base_send"):
        assert attribute in ours, attribute
    assert "await_many_dispatch" in ours and "StopConsumer" in ours
