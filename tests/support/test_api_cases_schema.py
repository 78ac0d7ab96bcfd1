"""The OpenAPI schema describes every case endpoint, with the case's contract fields and
its enums under their own names (thread and case statuses both have "open")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from drf_spectacular.drainage import GENERATOR_STATS

pytestmark = pytest.mark.django_db

# (path, method): the success statuses it documents, and whether it takes a request body.
CASE_OPERATIONS: dict[tuple[str, str], tuple[set[str], bool]] = {
    ("/api/v1/threads/{id}/escalate/", "post"): ({"201", "200"}, True),
    ("/api/v1/cases/", "get"): ({"200"}, False),
    ("/api/v1/cases/{id}/", "get"): ({"200"}, False),
    ("/api/v1/cases/{id}/", "patch"): ({"200"}, True),
    ("/api/v1/cases/{id}/messages/", "get"): ({"200"}, False),
    ("/api/v1/cases/{id}/messages/", "post"): ({"201"}, True),
}


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return dict(json.loads(response.content))


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node or "allOf" in node or "oneOf" in node:
        if "allOf" in node or "oneOf" in node:
            node = next(n for n in node.get("allOf") or node["oneOf"] if n.get("type") != "null")
            continue
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


@pytest.mark.parametrize(("path", "method"), list(CASE_OPERATIONS))
def test_the_schema_describes_every_case_operation(
    schema: dict[str, Any], path: str, method: str
) -> None:
    successes, has_body = CASE_OPERATIONS[(path, method)]

    operation = schema["paths"][path][method]

    assert successes <= set(operation["responses"])
    for code in successes:
        assert "application/json" in operation["responses"][code]["content"]
    assert ("requestBody" in operation) == has_body
    assert "401" in operation["responses"]


def test_the_case_list_documents_its_filters_and_pages(schema: dict[str, Any]) -> None:
    operation = schema["paths"]["/api/v1/cases/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}

    assert {"status", "assignee", "reason", "board", "page", "page_size"} <= set(parameters)
    assert "400" in operation["responses"]
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert {"next", "previous", "results"} <= set(resolve(schema, ok)["properties"])


def test_the_case_shape_carries_the_contract_fields_and_named_enums(
    schema: dict[str, Any],
) -> None:
    components = schema["components"]["schemas"]
    case = components["Case"]["properties"]

    assert {
        "id",
        "thread",
        "customer",
        "reason",
        "status",
        "priority",
        "assignee",
        "sla_due_at",
        "first_response_at",
        "resolved_at",
        "created_at",
        "url",
    } <= set(case)
    assert components["CaseStatusEnum"]["enum"] == ["new", "open", "waiting", "resolved", "closed"]
    assert components["CasePriorityEnum"]["enum"] == ["low", "normal", "high", "urgent"]
    assert components["CaseReasonEnum"]["enum"] == [
        "requested",
        "sla_unanswered",
        "sla_unsolved",
        "flagged",
        "sensitive",
        "moderator",
    ]
    assert components["ThreadStatusEnum"]["enum"] == ["open", "solved", "locked"]
    assert resolve(schema, case["status"])["enum"][0] == "new"
    assert case["thread"]["nullable"] is True
    assert set(resolve(schema, case["assignee"])["properties"]) == set(
        components["MemberSummary"]["properties"]
    )


def test_the_schema_generates_without_warnings_and_validates(tmp_path: Path) -> None:
    GENERATOR_STATS.reset()

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )

    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")
