"""The API against its own OpenAPI schema, with generated input, as every role.

schemathesis generates requests for every operation of /api/v1/schema/ (valid and invalid
bodies, query strings and path parameters) and sends them in-process to the WSGI app with the
token of each role. Every answer must be no server error, of the content type the schema
says, and, where the schema documents the status, shaped as the schema says.

`make test` runs a few examples per operation and role; SECURITY_DEEP=1 (CI on PostgreSQL
sets it) many more. Status codes themselves are not checked against the schema: drf-spectacular
documents each operation's success codes only, and API.md fixes the error codes (400, 401,
403, 404, 409, 429), which tests/security/test_authz_matrix.py and the API tests check.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests.security.world import World

DEEP = bool(os.environ.get("SECURITY_DEEP"))
EXAMPLES = 15 if DEEP else 3
ROLES = ("anonymous", "customer", "helper", "agent", "moderator", "admin")
# The world's names for the roles: the customer is the owner of the question and the case.
WORLD_ROLE = {"customer": "owner"}

_document: Any = SchemaGenerator().get_schema(request=None, public=True)
# The round trip through JSON turns lazy translations and enums into plain JSON values.
schema = schemathesis.openapi.from_dict(_document)
schema.app = get_wsgi_application()

pytestmark = [pytest.mark.django_db, *([pytest.mark.security_deep] if DEEP else [])]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request; Django's test
    client switches that off, and so must we, or the test's transaction goes with it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not DEEP,  # the fast run is the same run every time
    suppress_health_check=list(HealthCheck),
    database=None,
    # Generated cases only (schemathesis' coverage phase sends hundreds of boundary cases per
    # operation and role: hours on CI); the deep run shrinks what fails to its simplest form.
    phases=[Phase.generate, Phase.shrink] if DEEP else [Phase.generate],
)
def test_the_api_answers_every_generated_request_as_its_schema_says(
    case: schemathesis.Case, world: World
) -> None:
    # The same request from every role: a generated body meets every permission check.
    for role in ROLES:
        headers = {"Host": "localhost"}
        if role != "anonymous":
            headers["Authorization"] = f"Token {world.tokens[WORLD_ROLE.get(role, role)]}"
        cache.clear()  # each role starts with fresh throttles
        with transaction.atomic():
            response = case.call(headers=headers)
            transaction.set_rollback(True)
        checks = [not_a_server_error, content_type_conformance, response_schema_conformance]
        case.validate_response(response, checks=checks)


@pytest.mark.parametrize(
    "path", ["/api/v1/threads/abc/", "/api/v1/posts/1.5/", "/api/v1/cases/x/messages/"]
)
def test_an_api_path_with_a_non_integer_id_is_a_json_404(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
