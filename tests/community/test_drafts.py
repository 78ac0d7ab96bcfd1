"""Drafts: a member's unfinished question or answer, saved per form and restored; posting
deletes it in the same transaction (docs/api.md, "Drafts")."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client

from community import services as community_services
from community.drafts import services
from community.drafts.models import Draft
from community.models import Member
from tests.builders import api_client, ask, board_make, logged_in

pytestmark = pytest.mark.django_db

TEXT = "My phone shows no signal since this morning, even after a restart."


def put(client: Any, **body: Any) -> Any:
    return client.put("/api/v1/drafts/", body, format="json")


# ---------------------------------------------------------------------------- API


def test_a_member_saves_replaces_reads_and_discards_a_draft(asker: Member) -> None:
    client = api_client(asker)

    first = put(client, key="ask", title="No signal", body=TEXT)
    assert first.status_code == 200
    assert set(first.json()) == {"key", "title", "body", "updated_at"}
    second = put(client, key="ask", body="Shorter now.")
    assert second.status_code == 200 and second.json()["title"] == ""

    got = client.get("/api/v1/drafts/ask/")
    assert got.status_code == 200 and got.json()["body"] == "Shorter now."
    assert Draft.objects.filter(member=asker).count() == 1
    assert client.delete("/api/v1/drafts/ask/").status_code == 204
    assert client.get("/api/v1/drafts/ask/").status_code == 404
    assert client.delete("/api/v1/drafts/ask/").status_code == 404


def test_drafts_are_each_members_own(asker: Member, helper: Member) -> None:
    put(api_client(asker), key="ask", body=TEXT)

    assert api_client(helper).get("/api/v1/drafts/ask/").status_code == 404
    assert api_client(helper).delete("/api/v1/drafts/ask/").status_code == 404
    assert Draft.objects.filter(member=asker).exists()


def test_visitors_have_no_drafts() -> None:
    assert put(api_client(), key="ask", body=TEXT).status_code == 401
    assert api_client().get("/api/v1/drafts/ask/").status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"key": "Ask Me", "body": TEXT}, "key"),
        ({"key": "x" * 65, "body": TEXT}, "key"),
        ({"key": "ask", "body": "x" * 20001}, "body"),
        ({"key": "ask", "title": "t" * 151, "body": TEXT}, "title"),
        ({"key": "ask", "body": 12}, "body"),
        ({"key": "ask"}, "body"),
    ],
)
def test_limits_are_a_clear_400(asker: Member, body: dict[str, Any], field: str) -> None:
    response = put(api_client(asker), **body)

    assert response.status_code == 400
    assert field in response.json()
    assert not Draft.objects.exists()


def test_a_member_has_a_bounded_number_of_drafts(
    asker: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "MAX_DRAFTS", 2)
    client = api_client(asker)
    assert put(client, key="thread-1", body=TEXT).status_code == 200
    assert put(client, key="thread-2", body=TEXT).status_code == 200

    refused = put(client, key="thread-3", body=TEXT)

    assert refused.status_code == 400 and "key" in refused.json()
    assert put(client, key="thread-2", body="Still editable.").status_code == 200


# ---------------------------------------------------------------------------- posting


def test_asking_deletes_the_ask_draft_and_nothing_else(asker: Member) -> None:
    services.draft_save(member=asker, key="ask", body=TEXT)
    services.draft_save(member=asker, key="thread-9", body=TEXT)

    ask(asker, board_make())

    assert list(Draft.objects.values_list("key", flat=True)) == ["thread-9"]


def test_answering_deletes_that_threads_answer_draft(asker: Member, helper: Member) -> None:
    thread = ask(asker, board_make())
    services.draft_save(member=helper, key=f"thread-{thread.pk}", body=TEXT)
    services.draft_save(member=asker, key=f"thread-{thread.pk}", body=TEXT)

    community_services.post_create(author=helper, thread=thread, body=TEXT, check_limits=False)

    assert list(Draft.objects.values_list("member__username", flat=True)) == ["asker"]


def test_a_post_that_rolls_back_keeps_the_draft(asker: Member, helper: Member) -> None:
    thread = ask(asker, board_make())
    services.draft_save(member=helper, key=f"thread-{thread.pk}", body=TEXT)

    with pytest.raises(RuntimeError), transaction.atomic():
        community_services.post_create(author=helper, thread=thread, body=TEXT, check_limits=False)
        raise RuntimeError("the request failed after the post")

    assert Draft.objects.filter(member=helper).exists()


def test_a_title_or_body_too_long_is_refused_by_the_service(asker: Member) -> None:
    with pytest.raises(ValidationError):
        services.draft_save(member=asker, key="ask", body="x" * 20001)


# ---------------------------------------------------------------------------- pages


def test_the_ask_and_answer_forms_name_their_drafts(asker: Member, helper: Member) -> None:
    thread = ask(asker, board_make())
    client = logged_in(helper)

    ask_page = client.get("/ask/").content.decode()
    thread_page = client.get(thread.get_absolute_url()).content.decode()

    assert 'data-draft-key="ask"' in ask_page and "js/drafts.js" in ask_page
    assert f'data-draft-key="thread-{thread.pk}"' in thread_page
    assert "Discard draft" in thread_page
    # Visitors have no answer form and no drafts script.
    assert "js/drafts.js" not in Client().get(thread.get_absolute_url()).content.decode()
