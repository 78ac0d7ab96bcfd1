"""Drafts under a burst, on PostgreSQL: saves of one form released together leave one draft
and no error, and the cap on drafts holds when new forms are saved at once."""

from __future__ import annotations

from functools import partial

import pytest
from rest_framework.test import APIClient

from community.drafts import services
from community.drafts.models import Draft
from tests.builders import api_client, member_make
from tests.concurrency import requires_postgresql, run_at_once, transactional

pytestmark = [transactional, requires_postgresql]


def put(client: APIClient, key: str, body: str) -> int:
    return int(client.put("/api/v1/drafts/", {"key": key, "body": body}, format="json").status_code)


def test_saves_of_one_form_at_once_leave_one_draft() -> None:
    member = member_make("writer")
    clients = [api_client(member) for _ in range(6)]

    codes, errors = run_at_once(
        [partial(put, client, "ask", f"version {n}") for n, client in enumerate(clients)]
    )

    assert not errors
    assert codes == [200] * 6
    assert Draft.objects.filter(member=member, key="ask").count() == 1


def test_the_cap_holds_when_new_forms_are_saved_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "MAX_DRAFTS", 3)
    member = member_make("burster")
    clients = [api_client(member) for _ in range(6)]

    codes, errors = run_at_once(
        [partial(put, client, f"thread-{n}", "text") for n, client in enumerate(clients)]
    )

    assert not errors
    assert sorted(codes) == [200] * 3 + [400] * 3
    assert Draft.objects.filter(member=member).count() == 3
