"""The API's OpenAPI schema and its Swagger UI, which must work without any CDN."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

CDN_HOSTS = ("cdn.jsdelivr", "unpkg", "cdnjs", "googleapis", "cloudflare")


class AssetParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in {"src", "href"} and value]


def test_the_openapi_schema_is_served_and_describes_the_token_endpoint(client: Client) -> None:
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert "/api/v1/auth/token/" in response.content.decode()

    as_json = client.get("/api/v1/schema/", {"format": "json"})
    assert as_json.status_code == 200
    schema = json.loads(as_json.content)
    assert schema["info"]["title"] == "Mutua API"
    assert "post" in schema["paths"]["/api/v1/auth/token/"]


def test_the_api_docs_page_loads_every_asset_from_mutua_itself(client: Client) -> None:
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()

    for host in CDN_HOSTS:
        assert host not in html, f"the docs page refers to {host}"
    parser = AssetParser()
    parser.feed(html)
    scripts = [url for url in parser.urls if url.endswith(".js")]
    assert scripts, "the docs page loads no Swagger UI script"
    for url in parser.urls:
        assert url.startswith("/") and not url.startswith("//"), f"external asset: {url}"
        if url.startswith(settings.STATIC_URL):
            assert finders.find(url.removeprefix(settings.STATIC_URL)), f"missing: {url}"
