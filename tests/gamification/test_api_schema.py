"""The OpenAPI schema describes every gamification endpoint with the fields docs/api.md fixes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from drf_spectacular.drainage import GENERATOR_STATS

pytestmark = pytest.mark.django_db

# (path, method): the success status and the error statuses it documents.
OPERATIONS: dict[tuple[str, str], tuple[str, set[str]]] = {
    ("/api/v1/members/{username}/", "get"): ("200", {"404"}),
    ("/api/v1/members/{username}/points/", "get"): ("200", {"401", "403", "404"}),
    ("/api/v1/leaderboard/", "get"): ("200", {"400"}),
    ("/api/v1/badges/", "get"): ("200", set()),
    ("/api/v1/ranks/", "get"): ("200", set()),
    ("/api/v1/rewards/statements/", "get"): ("200", {"401"}),
    ("/api/v1/rewards/statements/{id}/", "get"): ("200", {"401", "404"}),
    ("/api/v1/rewards/statements/{id}/", "patch"): ("200", {"400", "401", "404", "409"}),
}


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


def properties(schema: dict[str, Any], path: str, method: str = "get") -> dict[str, Any]:
    ok = schema["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    return dict(resolve(schema, ok["schema"])["properties"])


def item_properties(schema: dict[str, Any], path: str) -> dict[str, Any]:
    results = properties(schema, path)["results"]
    return dict(resolve(schema, results["items"])["properties"])


@pytest.mark.parametrize(("path", "method"), list(OPERATIONS))
def test_the_schema_describes_every_gamification_operation(
    schema: dict[str, Any], path: str, method: str
) -> None:
    success, failures = OPERATIONS[(path, method)]

    operation = schema["paths"][path][method]

    assert {success, *failures} <= set(operation["responses"])
    assert "application/json" in operation["responses"][success]["content"]
    assert ("requestBody" in operation) == (method == "patch")


def test_the_shapes_carry_the_fields_api_md_fixes(schema: dict[str, Any]) -> None:
    member = properties(schema, "/api/v1/members/{username}/")
    assert {
        "username",
        "display_name",
        "avatar_url",
        "rank",
        "is_staff",
        "url",
        "points",
        "next_rank",
        "points_to_next_rank",
        "badges",
        "stats",
    } <= set(member)
    assert set(resolve(schema, member["stats"])["properties"]) == {
        "questions",
        "answers",
        "solutions",
        "kudos_received",
    }
    badge = resolve(schema, member["badges"]["items"])["properties"]
    assert {"slug", "name", "tier", "awarded_at"} <= set(badge)

    assert {"points", "reason", "created_at", "source_url"} <= set(
        item_properties(schema, "/api/v1/members/{username}/points/")
    )
    leaderboard = properties(schema, "/api/v1/leaderboard/")
    assert {"period", "start", "results", "me"} <= set(leaderboard)
    row = resolve(schema, leaderboard["results"]["items"])["properties"]
    assert set(row) == {"rank", "member", "points"}
    assert resolve(schema, leaderboard["period"])["enum"] == ["week", "month", "all", "payback"]

    badges = item_properties(schema, "/api/v1/badges/")
    assert {"slug", "name", "description", "tier", "awarded_count", "icon_url"} <= set(badges)
    assert resolve(schema, badges["tier"])["enum"] == ["bronze", "silver", "gold"]
    assert {"name", "level", "min_points", "privileges"} <= set(
        item_properties(schema, "/api/v1/ranks/")
    )
    statement = item_properties(schema, "/api/v1/rewards/statements/")
    assert {"period", "points", "amount", "currency", "status", "payout_method"} <= set(statement)
    assert set(resolve(schema, statement["period"])["properties"]) == {"start", "end"}
    assert resolve(schema, statement["status"])["enum"] == [
        "pending",
        "flagged",
        "approved",
        "below_minimum",
        "paid",
    ]


def test_the_schema_still_generates_without_warnings_and_validates(tmp_path: Path) -> None:
    GENERATOR_STATS.reset()

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )

    text = (tmp_path / "schema.yaml").read_text()
    for enum in ("StatementStatusEnum", "PayoutMethodEnum", "LedgerReasonEnum", "BadgeTierEnum"):
        assert f"    {enum}:" in text
