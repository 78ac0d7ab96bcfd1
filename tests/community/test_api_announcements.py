"""API v1, announcements (docs/api.md, "Announcements"): anyone reads what is pinned, staff
post, edit, unpin and delete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from community.announcements import services
from community.announcements.models import Announcement
from community.models import Member
from tests.builders import api_client, board_make

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CONTRACT_FIELDS = {"id", "title", "body_html", "board", "pinned_until", "url"}
OUTAGE: dict[str, Any] = {
    "title": "Mobile data is down",
    "body": "Engineers are on it; **no need** to restart.",
}


def test_anyone_reads_the_site_wide_announcements(moderator: Member) -> None:
    services.announcement_create(actor=moderator, **OUTAGE)
    services.announcement_create(
        actor=moderator, board=board_make(), title="Billing", body="Card payments are slow."
    )

    response = api_client().get("/api/v1/announcements/")

    assert response.status_code == 200
    [item] = response.json()
    assert set(item) >= CONTRACT_FIELDS
    assert item["title"] == OUTAGE["title"]
    assert item["board"] is None
    assert "<strong>no need</strong>" in item["body_html"]
    assert item["url"] == f"/announcements/{item['id']}/"
    assert item["pinned_until"] is None


def test_a_board_filter_gives_what_its_page_shows(moderator: Member) -> None:
    billing, roaming = board_make(), board_make()
    services.announcement_create(actor=moderator, **OUTAGE)
    services.announcement_create(
        actor=moderator, board=billing, title="Card payments", body="Card payments are slow."
    )
    services.announcement_create(
        actor=moderator, board=roaming, title="Roaming in Spain", body="Roaming is slow there."
    )

    response = api_client().get("/api/v1/announcements/", {"board": billing.slug})

    assert [(a["title"], a["board"]) for a in response.json()] == [
        ("Card payments", billing.slug),
        (OUTAGE["title"], None),
    ]
    unknown = api_client().get("/api/v1/announcements/", {"board": "nope"})
    assert unknown.status_code == 400 and "board" in unknown.json()


def test_what_has_come_down_is_not_listed(moderator: Member) -> None:
    with time_machine.travel(NOON, tick=False):
        services.announcement_create(
            actor=moderator, pinned_until=NOON + timedelta(minutes=5), **OUTAGE
        )
        assert len(api_client().get("/api/v1/announcements/").json()) == 1
    with time_machine.travel(NOON + timedelta(minutes=5), tick=False):
        assert api_client().get("/api/v1/announcements/").json() == []


def test_staff_post_an_announcement(agent: Member) -> None:
    board = board_make()
    until = "2099-01-01T10:00:00Z"

    response = api_client(agent).post(
        "/api/v1/announcements/",
        {**OUTAGE, "board": board.slug, "pinned_until": until},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["board"] == board.slug
    assert datetime.fromisoformat(body["pinned_until"]) == datetime(2099, 1, 1, 10, tzinfo=UTC)
    assert response["Location"] == body["url"]
    assert Announcement.objects.get().author == agent


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": OUTAGE["body"]}, "title"),
        ({**OUTAGE, "title": "Hi"}, "title"),
        ({**OUTAGE, "body": 12345}, "body"),
        ({**OUTAGE, "board": "nope"}, "board"),
        ({**OUTAGE, "pinned_until": "2001-01-01T00:00:00Z"}, "pinned_until"),
        ({**OUTAGE, "pinned_until": "tomorrow"}, "pinned_until"),
    ],
)
def test_bad_input_is_a_400_on_its_field(moderator: Member, body: dict, field: str) -> None:
    response = api_client(moderator).post("/api/v1/announcements/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Announcement.objects.exists()


def test_members_and_visitors_cannot_post(helper: Member) -> None:
    assert api_client().post("/api/v1/announcements/", OUTAGE, format="json").status_code == 401
    refused = api_client(helper).post("/api/v1/announcements/", OUTAGE, format="json")
    assert refused.status_code == 403
    assert "staff" in refused.json()["detail"]


def test_staff_edit_unpin_and_delete(moderator: Member, helper: Member) -> None:
    announcement = services.announcement_create(actor=moderator, **OUTAGE)
    url = f"/api/v1/announcements/{announcement.pk}/"
    client = api_client(moderator)

    assert api_client(helper).patch(url, {"title": "Nope nope"}, format="json").status_code == 403
    assert api_client(helper).delete(url).status_code == 403
    edited = client.patch(url, {"title": "Mobile data is back", "board": None}, format="json")
    assert edited.status_code == 200
    assert edited.json()["title"] == "Mobile data is back"
    assert edited.json()["body"] == OUTAGE["body"]

    with time_machine.travel(NOON, tick=False):
        unpinned = client.patch(url, {"pinned_until": NOON.isoformat()}, format="json")
        assert unpinned.status_code == 200
        assert api_client().get("/api/v1/announcements/").json() == []
    assert api_client().get(url).status_code == 200  # its page and record stay

    assert client.delete(url).status_code == 204
    assert api_client().get(url).status_code == 404
    assert client.delete(url).status_code == 404
