"""Every error under /api/v1/ is JSON, also those Django answers before DRF (issue 13, item 6).

The routes come from the URL conf, so a route added later is covered without a new test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from asgiref.testing import ApplicationCommunicator
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from community.models import Member

pytestmark = pytest.mark.django_db

API = "/api/v1/"
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def api_routes() -> list[str]:
    """Every route under /api/v1/, as a path template (`threads/<int:pk>/`)."""

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            else:
                yield route

    return sorted(
        "/" + route
        for route in walk(get_resolver().url_patterns, "")
        if ("/" + route).startswith(API)
    )


ID_ROUTES = [route for route in api_routes() if "<int:" in route]


def with_ids(route: str, value: str) -> str:
    return CONVERTER.sub(lambda match: value if match.group(1) == "int" else "x", route)


def assert_json_error(response: object, status: int) -> dict[str, str]:
    assert response.status_code == status, (response.status_code, response.content[:200])  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/json", response["Content-Type"]  # type: ignore[index]
    body = response.json()  # type: ignore[attr-defined]
    assert isinstance(body.get("detail"), str)
    assert body["detail"]
    return dict(body)


def test_the_url_conf_has_the_id_routes_this_test_walks() -> None:
    assert len(ID_ROUTES) >= 15
    assert "/api/v1/threads/<int:pk>/" in ID_ROUTES


@pytest.mark.parametrize("route", ID_ROUTES)
def test_a_non_integer_id_is_a_json_404_on_every_api_route(route: str, agent: Member) -> None:
    key = Token.objects.get_or_create(user=agent)[0].key
    for client in (Client(), Client(HTTP_AUTHORIZATION=f"Token {key}")):
        for method in ("get", "post", "delete"):
            response = getattr(client, method)(with_ids(route, "abc"))
            body = assert_json_error(response, 404)
            assert body["code"] == "not_found"


@pytest.mark.parametrize("route", ID_ROUTES)
def test_an_unknown_integer_id_is_a_json_404_or_a_json_refusal(route: str, agent: Member) -> None:
    key = Token.objects.get_or_create(user=agent)[0].key
    response = Client(HTTP_AUTHORIZATION=f"Token {key}").get(with_ids(route, "987654321"))
    assert response.status_code in {403, 404, 405}, route
    assert_json_error(response, response.status_code)


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/threads/1/nope/", "/api/v2/"])
def test_an_unknown_api_path_is_a_json_404(path: str) -> None:
    body = assert_json_error(Client().get(path), 404)
    assert body == {"detail": "Not found.", "code": "not_found"}


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_size_limit_is_a_json_400(asker: Member) -> None:
    key = Token.objects.get_or_create(user=asker)[0].key
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    for content_type, body in [
        ("application/json", '{"body": "' + "x" * 5000 + '"}'),
        ("application/x-www-form-urlencoded", "body=" + "x" * 5000),
    ]:
        response = client.post("/api/v1/threads/", body, content_type=content_type)
        result = assert_json_error(response, 400)
        assert result["code"] == "request_too_large"
        assert result["detail"] == "The request body is too large."


def test_an_empty_multipart_body_is_a_json_400(asker: Member) -> None:
    key = Token.objects.get_or_create(user=asker)[0].key
    token = Client(HTTP_AUTHORIZATION=f"Token {key}")
    session = Client()
    session.force_login(asker)
    for client in (token, session, Client()):
        for content_type in ("multipart/form-data", "multipart/form-data; boundary=xyz"):
            for path in ("/api/v1/threads/", "/api/v1/auth/token/", "/api/v1/notifications/read/"):
                response = client.post(path, b"", content_type=content_type)
                assert response.status_code in {400, 401}, (
                    path,
                    content_type,
                    response.status_code,
                )
                assert response["Content-Type"] == "application/json"
                assert response.json()


def test_web_pages_keep_their_html_errors() -> None:
    response = Client().get("/threads/abc/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


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
@pytest.mark.django_db(transaction=True)
async def test_through_the_asgi_server_empty_multipart_and_oversized_bodies_are_json() -> None:
    for body, content_type, code in [
        (b"", "multipart/form-data", "parse_error"),  # no boundary at all
        (b"x" * (11 * 1024 * 1024), "application/json", "request_too_large"),
    ]:
        status, headers, content = await asgi_post("/api/v1/auth/token/", body, content_type)
        assert status == 400
        assert headers["content-type"] == "application/json"
        assert json.loads(content)["code"] == code
