"""config.asgi: HTTP goes to Django, WebSockets through the origin check to Channels."""

from __future__ import annotations

import json

import pytest
from channels.routing import ProtocolTypeRouter
from channels.testing import HttpCommunicator, WebsocketCommunicator

from config.asgi import application


def test_the_asgi_application_routes_http_and_websockets() -> None:
    assert isinstance(application, ProtocolTypeRouter)
    assert set(application.application_mapping) == {"http", "websocket"}


@pytest.mark.asyncio
# serialized_rollback: without it the flush after this test re-creates the content types
# under new ids (post_migrate), and the next test that restores the migrations' rows
# (serialized_rollback, as the concurrency and socket tests use) fails on them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_an_http_request_through_asgi_reaches_django() -> None:
    communicator = HttpCommunicator(
        application, "GET", "/healthz", headers=[(b"host", b"localhost")]
    )
    response = await communicator.get_response(timeout=10)

    assert response["status"] == 200
    assert json.loads(response["body"]) == {"status": "ok"}


@pytest.mark.asyncio
async def test_a_websocket_from_a_foreign_origin_is_refused_before_routing() -> None:
    communicator = WebsocketCommunicator(
        application, "/ws/anything/", headers=[(b"origin", b"https://evil.example.com")]
    )
    connected, _ = await communicator.connect(timeout=5)

    assert connected is False
    await communicator.disconnect()
