"""The OpenAPI schema describes both notification endpoints with the fields docs/api.md fixes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from drf_spectacular.drainage import GENERATOR_STATS

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return dict(json.loads(response.content))


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node or "allOf" in node:
        if "allOf" in node:
            node = node["allOf"][0]
            continue
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def test_the_list_is_documented_with_the_unread_count_and_the_notification_fields(
    schema: dict[str, Any],
) -> None:
    operation = schema["paths"]["/api/v1/notifications/"]["get"]
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    page = resolve(schema, ok)
    item = resolve(schema, page["properties"]["results"]["items"])

    assert {"unread_count", "next", "previous", "results"} <= set(page["properties"])
    assert "unread_count" in page["required"]
    assert set(item["properties"]) == {
        "id",
        "kind",
        "message",
        "url",
        "actor",
        "created_at",
        "read",
    }
    assert {"400", "401"} <= set(operation["responses"])
    assert {"unread", "page", "page_size"} <= {p["name"] for p in operation["parameters"]}


def test_mark_read_is_documented_with_its_body_and_answer(schema: dict[str, Any]) -> None:
    operation = schema["paths"]["/api/v1/notifications/read/"]["post"]
    body = resolve(schema, operation["requestBody"]["content"]["application/json"]["schema"])
    ok = resolve(schema, operation["responses"]["200"]["content"]["application/json"]["schema"])

    assert set(body["properties"]) == {"ids", "all"}
    assert body["properties"]["ids"]["items"]["type"] == "integer"
    assert set(ok["properties"]) == {"unread_count"}
    assert {"400", "401"} <= set(operation["responses"])


def test_the_schema_still_generates_without_warnings(tmp_path: Path) -> None:
    GENERATOR_STATS.reset()

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )

    assert "/api/v1/notifications/read/" in (tmp_path / "schema.yaml").read_text()
