"""Through the ASGI application the server runs, errors under /api/ are JSON too (issue 13).

Django's ASGI handler and its middleware answer some requests before DRF sees them; these
never touch the database.
"""

from __future__ import annotations

import json

import pytest
from asgiref.testing import ApplicationCommunicator


async def asgi_post(path: str, body: bytes, content_type: str) -> tuple[int, dict[str, str], bytes]:
    """One request through the ASGI application the server runs (config.asgi)."""
    from config.asgi import application

    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", content_type.encode()),
            (b"content-length", str(len(body)).encode()),
        ],
        "http_version": "1.1",
        "scheme": "http",
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 5000),
    }
    communicator = ApplicationCommunicator(application, scope)
    await communicator.send_input({"type": "http.request", "body": body, "more_body": False})
    start = await communicator.receive_output(10)
    content = await communicator.receive_output(10)
    headers = {key.decode().lower(): value.decode() for key, value in start["headers"]}
    return start["status"], headers, content.get("body", b"")


@pytest.mark.asyncio
async def test_through_the_asgi_server_empty_multipart_and_oversized_bodies_are_json() -> None:
    for body, content_type, code in [
        (b"", "multipart/form-data", "parse_error"),  # no boundary at all
        (b"x" * (11 * 1024 * 1024), "application/json", "request_too_large"),
    ]:
        status, headers, content = await asgi_post("/api/v1/auth/token/", body, content_type)
        assert status == 400
        assert headers["content-type"] == "application/json"
        assert json.loads(content)["code"] == code
