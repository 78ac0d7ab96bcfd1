"""API v1, known issues: the contract's paths, codes and fields (docs/api.md, "Known issues")."""

from __future__ import annotations

import pytest

from community.models import Member
from support.known_issues.models import KnownIssue, KnownIssueMeToo, KnownIssueThread, TrendingAlert
from tests.builders import api_client, ask, board_make
from tests.support.known_issues_helpers import ROAMING, issue_open, me_too

pytestmark = pytest.mark.django_db

BASE = "/api/v1/known-issues/"


def test_staff_open_one_by_hand_and_everyone_reads_it(agent: Member) -> None:
    board_make("roaming")
    response = api_client(agent).post(
        BASE,
        {"title": ROAMING, "description": "Calls *fail*.", "boards": ["roaming"]},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == f"{BASE}{body['id']}/"
    assert body["status"] == "investigating" and body["boards"] == ["roaming"]
    assert body["description_html"] == "<p>Calls <em>fail</em>.</p>"
    assert body["me_too_count"] == 0 and body["linked_thread_count"] == 0
    assert body["updates"] == [] and body["resolved_at"] is None
    assert body["url"] == KnownIssue.objects.get().get_absolute_url()
    assert api_client().get(f"{BASE}{body['id']}/").json()["title"] == ROAMING


def test_staff_open_one_from_a_trending_alert(agent: Member) -> None:
    board = board_make("outages")
    alert = TrendingAlert.objects.create(board=board, last_hour=12)

    response = api_client(agent).post(
        BASE, {"title": "Network down in the north", "from_alert": alert.pk}, format="json"
    )
    missing = api_client(agent).post(
        BASE, {"title": "Network down in the north", "from_alert": alert.pk + 99}, format="json"
    )

    assert response.status_code == 201 and response.json()["boards"] == ["outages"]
    assert missing.status_code == 400 and "from_alert" in missing.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "Oh"}, "title"),
        ({"title": 12345}, "title"),
        ({"title": ROAMING, "boards": ["nowhere"]}, "boards"),
        ({"title": ROAMING, "tags": "esim"}, "tags"),
        ({}, "title"),
    ],
)
def test_bad_input_is_a_400_on_its_field(
    agent: Member, body: dict[str, object], field: str
) -> None:
    response = api_client(agent).post(BASE, body, format="json")
    assert response.status_code == 400 and field in response.json()


def test_members_get_403_and_visitors_401_on_staff_writes(agent: Member, asker: Member) -> None:
    issue = issue_open(agent)
    member, visitor = api_client(asker), api_client()
    writes = [
        ("post", BASE, {"title": ROAMING}),
        ("patch", f"{BASE}{issue.pk}/", {"status": "resolved"}),
        ("post", f"{BASE}{issue.pk}/updates/", {"body": "News."}),
        ("post", f"{BASE}{issue.pk}/threads/", {"thread": 1}),
    ]
    for method, path, body in writes:
        assert getattr(member, method)(path, body, format="json").status_code == 403, path
        assert getattr(visitor, method)(path, body, format="json").status_code == 401, path


def test_the_list_filters_open_and_resolved_and_is_paginated(agent: Member) -> None:
    open_issue = issue_open(agent)
    closed = issue_open(agent, title="Voicemail greeting lost after update")
    api_client(agent).patch(f"{BASE}{closed.pk}/", {"status": "resolved"}, format="json")

    def ids(query: str) -> list[int]:
        response = api_client().get(f"{BASE}{query}")
        assert response.status_code == 200
        assert {"next", "previous", "results"} <= set(response.json())
        return [item["id"] for item in response.json()["results"]]

    assert ids("") == [closed.pk, open_issue.pk]
    assert ids("?status=open") == [open_issue.pk]
    assert ids("?status=resolved") == [closed.pk]
    assert api_client().get(f"{BASE}?status=maybe").status_code == 400


def test_patch_resolves_edits_and_replaces_boards(agent: Member) -> None:
    board_make("roaming")
    issue = issue_open(agent)

    response = api_client(agent).patch(
        f"{BASE}{issue.pk}/",
        {"status": "resolved", "title": "Roaming outage in Spain (fixed)", "boards": ["roaming"]},
        format="json",
    )

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "resolved" and body["resolved_at"] is not None
    assert body["title"] == "Roaming outage in Spain (fixed)" and body["boards"] == ["roaming"]
    bad = api_client(agent).patch(f"{BASE}{issue.pk}/", {"status": "fixed"}, format="json")
    assert bad.status_code == 400 and "status" in bad.json()
    assert api_client(agent).patch(f"{BASE}999/", {}, format="json").status_code == 404


def test_an_update_is_201_and_listed_newest_first(agent: Member) -> None:
    issue = issue_open(agent)
    client = api_client(agent)

    first = client.post(f"{BASE}{issue.pk}/updates/", {"body": "Looking."}, format="json")
    client.post(f"{BASE}{issue.pk}/updates/", {"body": "**Found** it."}, format="json")

    assert first.status_code == 201 and first.json()["body_html"] == "<p>Looking.</p>"
    updates = client.get(f"{BASE}{issue.pk}/").json()["updates"]
    assert [u["body_html"] for u in updates] == [
        "<p><strong>Found</strong> it.</p>",
        "<p>Looking.</p>",
    ]
    assert set(updates[0]) >= {"body_html", "created_at"}


def test_me_too_is_201_then_200_and_delete_is_204(agent: Member, asker: Member) -> None:
    issue = issue_open(agent)
    client = api_client(asker)

    first = client.post(f"{BASE}{issue.pk}/me-too/")
    again = client.post(f"{BASE}{issue.pk}/me-too/")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == {"me_too_count": 1, "me_too": True}
    assert client.delete(f"{BASE}{issue.pk}/me-too/").status_code == 204
    assert client.delete(f"{BASE}{issue.pk}/me-too/").status_code == 204
    assert not KnownIssueMeToo.objects.exists()
    assert api_client().post(f"{BASE}{issue.pk}/me-too/").status_code == 401


def test_me_too_on_a_resolved_issue_is_a_409(agent: Member, asker: Member) -> None:
    issue = issue_open(agent)
    api_client(agent).patch(f"{BASE}{issue.pk}/", {"status": "resolved"}, format="json")

    response = api_client(asker).post(f"{BASE}{issue.pk}/me-too/")

    assert response.status_code == 409 and response.json()["detail"]


def test_staff_link_and_unlink_and_the_thread_says_so(agent: Member, asker: Member) -> None:
    issue = issue_open(agent)
    thread = ask(asker, title="Something odd with my account today")
    client = api_client(agent)

    linked = client.post(f"{BASE}{issue.pk}/threads/", {"thread": thread.pk}, format="json")
    again = client.post(f"{BASE}{issue.pk}/threads/", {"thread": thread.pk}, format="json")

    assert (linked.status_code, again.status_code) == (201, 200)
    assert linked.json()["linked_thread_count"] == 1
    assert api_client().get(f"/api/v1/threads/{thread.pk}/").json()["known_issue"] == issue.pk
    listed = api_client().get("/api/v1/threads/").json()["results"]
    assert [t["known_issue"] for t in listed] == [issue.pk]

    assert client.delete(f"{BASE}{issue.pk}/threads/{thread.pk}/").status_code == 204
    assert client.delete(f"{BASE}{issue.pk}/threads/{thread.pk}/").status_code == 404
    assert api_client().get(f"/api/v1/threads/{thread.pk}/").json()["known_issue"] is None
    nothing = client.post(f"{BASE}{issue.pk}/threads/", {"thread": 99999}, format="json")
    assert nothing.status_code == 400 and "thread" in nothing.json()


def test_a_question_asked_through_the_api_is_linked_and_says_so(
    agent: Member, asker: Member
) -> None:
    board_make("roaming")
    issue = issue_open(agent)

    response = api_client(asker).post(
        "/api/v1/threads/",
        {
            "board": "roaming",
            "title": "Roaming not working in Spain at all",
            "body": "Since this morning no calls or data while in Madrid.",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["known_issue"] == issue.pk
    assert KnownIssueThread.objects.filter(known_issue=issue).count() == 1


def test_matching_lists_open_issues_best_first(agent: Member, asker: Member) -> None:
    issue = issue_open(agent)
    me_too(issue, asker)

    found = api_client().get(f"{BASE}matching/", {"title": "roaming not working in spain"})
    empty = api_client().get(f"{BASE}matching/", {"title": "my bill"})

    assert found.status_code == 200
    (item,) = found.json()
    assert item["id"] == issue.pk and item["me_too_count"] == 1 and item["score"] > 0
    assert item["url"] == issue.get_absolute_url() and item["status"] == "investigating"
    assert empty.json() == []
    assert api_client().get(f"{BASE}matching/", {"title": "x" * 151}).status_code == 400


def test_the_insights_summary_reports_each_issue_open_in_the_period(
    agent: Member, asker: Member
) -> None:
    issue = issue_open(agent)
    me_too(issue, asker)
    ask(asker, title="Roaming outage in Spain right now")

    data = api_client(agent).get("/api/v1/insights/summary/?days=7").json()

    assert data["known_issues"] == [{"id": issue.pk, "absorbed_threads": 1, "me_too_count": 1}]
