"""The OpenAPI schema describes every community endpoint, and generating it warns of nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from drf_spectacular.drainage import GENERATOR_STATS

pytestmark = pytest.mark.django_db

# (path, method): the success status it documents, and whether it takes a request body.
COMMUNITY_OPERATIONS: dict[tuple[str, str], tuple[str, bool]] = {
    ("/api/v1/boards/", "get"): ("200", False),
    ("/api/v1/threads/", "get"): ("200", False),
    ("/api/v1/threads/", "post"): ("201", True),
    ("/api/v1/threads/{id}/", "get"): ("200", False),
    ("/api/v1/threads/{id}/", "patch"): ("200", True),
    ("/api/v1/threads/{id}/", "delete"): ("204", False),
    ("/api/v1/threads/{id}/posts/", "get"): ("200", False),
    ("/api/v1/threads/{id}/posts/", "post"): ("201", True),
    ("/api/v1/posts/{id}/", "get"): ("200", False),
    ("/api/v1/posts/{id}/", "patch"): ("200", True),
    ("/api/v1/posts/{id}/", "delete"): ("204", False),
    ("/api/v1/threads/{id}/kudos/", "post"): ("201", False),
    ("/api/v1/threads/{id}/kudos/", "delete"): ("204", False),
    ("/api/v1/posts/{id}/kudos/", "post"): ("201", False),
    ("/api/v1/posts/{id}/kudos/", "delete"): ("204", False),
    ("/api/v1/threads/{id}/solution/", "post"): ("200", True),
    ("/api/v1/threads/{id}/solution/", "delete"): ("200", False),
    ("/api/v1/threads/{id}/subscription/", "post"): ("201", False),
    ("/api/v1/threads/{id}/subscription/", "delete"): ("204", False),
    ("/api/v1/threads/{id}/lock/", "post"): ("200", False),
    ("/api/v1/threads/{id}/lock/", "delete"): ("200", False),
    ("/api/v1/threads/similar/", "get"): ("200", False),
    ("/api/v1/search/", "get"): ("200", False),
    ("/api/v1/members/me/", "delete"): ("204", True),
    ("/api/v1/members/me/export/", "get"): ("200", False),
    ("/api/v1/announcements/", "get"): ("200", False),
    ("/api/v1/announcements/", "post"): ("201", True),
    ("/api/v1/announcements/{id}/", "get"): ("200", False),
    ("/api/v1/announcements/{id}/", "patch"): ("200", True),
    ("/api/v1/announcements/{id}/", "delete"): ("204", False),
    ("/api/v1/drafts/", "put"): ("200", True),
    ("/api/v1/drafts/{key}/", "get"): ("200", False),
    ("/api/v1/drafts/{key}/", "delete"): ("204", False),
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
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


@pytest.mark.parametrize(("path", "method"), list(COMMUNITY_OPERATIONS))
def test_the_schema_describes_every_community_operation(
    schema: dict[str, Any], path: str, method: str
) -> None:
    success, has_body = COMMUNITY_OPERATIONS[(path, method)]

    operation = schema["paths"][path][method]

    assert success in operation["responses"]
    if success != "204":
        assert "application/json" in operation["responses"][success]["content"]
    assert ("requestBody" in operation) == has_body
    if method != "get":
        assert "401" in operation["responses"]


def test_lists_are_documented_with_next_previous_and_results(schema: dict[str, Any]) -> None:
    for path in ("/api/v1/boards/", "/api/v1/threads/", "/api/v1/threads/{id}/posts/"):
        ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        page = resolve(schema, ok["schema"])
        assert {"next", "previous", "results"} <= set(page["properties"]), path
    search_ok = schema["paths"]["/api/v1/search/"]["get"]["responses"]["200"]
    search_page = resolve(schema, search_ok["content"]["application/json"]["schema"])
    assert {"next", "previous", "results"} <= set(search_page["properties"])
    similar_ok = schema["paths"]["/api/v1/threads/similar/"]["get"]["responses"]["200"]
    assert similar_ok["content"]["application/json"]["schema"]["type"] == "array"


def test_the_thread_post_and_member_shapes_carry_the_contract_fields(
    schema: dict[str, Any],
) -> None:
    components = schema["components"]["schemas"]

    assert {
        "id",
        "board",
        "title",
        "body",
        "body_html",
        "author",
        "tags",
        "status",
        "answer_count",
        "kudos_count",
        "solution",
        "escalated",
        "duplicate_of",
        "created_at",
        "last_activity_at",
        "url",
    } <= set(components["Thread"]["properties"])
    assert {
        "id",
        "thread",
        "author",
        "body",
        "body_html",
        "kudos_count",
        "is_solution",
        "created_at",
        "edited_at",
        "url",
    } <= set(components["Post"]["properties"])
    member = components["MemberSummary"]["properties"]
    assert set(member) == {
        "username",
        "display_name",
        "avatar_url",
        "rank",
        "is_staff",
        "url",
        "is_deleted",
    }
    # Ranks come with gamification: until then `rank` is null, and the schema says it may be.
    assert member["rank"].get("nullable") is True or any(
        option.get("type") == "null" for option in member["rank"].get("oneOf", [])
    )
    assert member["avatar_url"]["nullable"] is True
    assert components["Thread"]["properties"]["solution"]["nullable"] is True
    status = resolve(schema, components["Thread"]["properties"]["status"])
    assert status["enum"] == ["open", "solved", "locked"]


def test_the_schema_generates_without_warnings_and_validates(tmp_path: Path) -> None:
    GENERATOR_STATS.reset()

    # --fail-on-warn raises on any warning or error; --validate checks it against OpenAPI 3.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )

    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")
