"""The Content-Security-Policy header on every kind of response (the browser tests check that
the pages work under it; docs/security.md explains it)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.test.utils import override_settings

pytestmark = pytest.mark.django_db

STRICT = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: (rest[0] if rest else "") for name, *rest in parts}


@pytest.mark.parametrize("path", ["/", "/boards/", "/api/v1/threads/", "/no-such-page/"])
def test_pages_api_and_errors_carry_the_strict_policy(client: Client, path: str) -> None:
    header = client.get(path)["Content-Security-Policy"]
    for directive in STRICT:
        name, value = directive.split(" ", 1)
        assert directives(header)[name] == value, (name, header)
    assert "unsafe" not in header


def test_connect_src_allows_the_live_clients_socket_on_the_same_host(client: Client) -> None:
    header = client.get("/", headers={"host": "127.0.0.1:8000"})["Content-Security-Policy"]
    assert directives(header)["connect-src"] == "'self' ws://127.0.0.1:8000 wss://127.0.0.1:8000"


def test_over_https_only_secure_sockets_are_allowed(client: Client) -> None:
    header = client.get("/", secure=True)["Content-Security-Policy"]
    assert directives(header)["connect-src"] == "'self' wss://testserver"


@override_settings(WEBSOCKET_URL="wss://live.example.com/ws/")
def test_a_configured_websocket_url_is_the_socket_origin(client: Client) -> None:
    header = client.get("/")["Content-Security-Policy"]
    assert directives(header)["connect-src"] == "'self' wss://live.example.com"


def test_a_bad_host_still_gets_its_400_with_a_policy(client: Client) -> None:
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "connect-src 'self'" in response["Content-Security-Policy"]


def test_only_the_swagger_ui_page_may_use_inline_styles(client: Client) -> None:
    docs = directives(client.get("/api/v1/docs/")["Content-Security-Policy"])
    assert docs["style-src"] == "'self' 'unsafe-inline'"
    assert docs["script-src"] == "'self'"
    script = client.get("/api/v1/docs/", {"script": ""})
    assert script.status_code == 200 and "javascript" in script["Content-Type"]
