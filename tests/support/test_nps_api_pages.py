"""NPS over the API (GET /nps/prompt/, POST /nps/, POST /nps/prompt/dismiss/) and in the
product: the card at the top of the home page, its form and "Not now", and the dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community.models import Member
from support.satisfaction.models import NpsPostponement, NpsResponse
from support.satisfaction.services import nps_record
from tests.builders import agent_make, api_client, logged_in, member_make

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
QUESTION = "How likely are you to recommend Mutua to a friend?"


@pytest.fixture
def member() -> Member:
    """Joined two months ago; signing the test client in makes them active."""
    return member_make("regular", joined_ago=timedelta(days=60))


def signed_in(member: Member) -> Member:
    member.last_login = timezone.now()
    member.save(update_fields=["last_login"])
    return member


# ---------------------------------------------------------------------------- API


def test_the_prompt_says_due_for_an_active_member_and_not_after_answering(
    member: Member,
) -> None:
    client = api_client(signed_in(member))
    assert client.get("/api/v1/nps/prompt/").json() == {"due": True}

    response = client.post("/api/v1/nps/", {"score": 9, "comment": "Helpful people."}, "json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["score"], body["comment"]) == (9, "Helpful people.")
    assert client.get("/api/v1/nps/prompt/").json() == {"due": False}


def test_a_second_answer_within_90_days_is_409(member: Member) -> None:
    client = api_client(member)
    assert client.post("/api/v1/nps/", {"score": 5}, "json").status_code == 201
    response = client.post("/api/v1/nps/", {"score": 10}, "json")
    assert response.status_code == 409
    assert "already answered" in response.json()["detail"]
    assert NpsResponse.objects.filter(respondent=member).count() == 1


@pytest.mark.parametrize("score", [-1, 11, "x", None])
def test_a_score_out_of_range_is_400(member: Member, score: object) -> None:
    response = api_client(member).post("/api/v1/nps/", {"score": score}, "json")
    assert response.status_code == 400
    assert "score" in response.json()
    assert not NpsResponse.objects.exists()


def test_the_comment_is_optional_and_limited(member: Member) -> None:
    client = api_client(member)
    assert client.post("/api/v1/nps/", {"score": 0, "comment": "x" * 2001}, "json").status_code == (
        400
    )
    assert client.post("/api/v1/nps/", {"score": 0}, "json").status_code == 201


def test_staff_are_not_due_and_cannot_answer() -> None:
    agent = agent_make()
    client = api_client(agent)
    assert client.get("/api/v1/nps/prompt/").json() == {"due": False}
    assert client.post("/api/v1/nps/", {"score": 10}, "json").status_code == 403


def test_visitors_get_401() -> None:
    client = api_client()
    assert client.get("/api/v1/nps/prompt/").status_code == 401
    assert client.post("/api/v1/nps/", {"score": 10}, "json").status_code == 401


def test_dismissing_over_the_api_postpones_the_question(member: Member) -> None:
    client = api_client(signed_in(member))
    response = client.post("/api/v1/nps/prompt/dismiss/")
    assert response.status_code == 200
    assert response.json()["due"] is False
    assert client.get("/api/v1/nps/prompt/").json() == {"due": False}
    assert NpsPostponement.objects.filter(member=member).exists()


# ---------------------------------------------------------------------------- the card


def test_the_card_is_at_the_top_of_the_home_page_for_a_member_who_is_due(
    member: Member, settings: object
) -> None:
    settings.COMMUNITY_PAGE_CACHE_SECONDS = 0  # type: ignore[attr-defined]
    page = logged_in(member).get("/").content.decode()
    assert QUESTION in page
    assert 'id="nps-card"' in page and 'value="10"' in page and 'value="0"' in page


def test_the_card_wears_the_brands_name(member: Member, settings: object) -> None:
    settings.BRAND_NAME = "Tellus Mobile"  # type: ignore[attr-defined]
    page = logged_in(member).get("/").content.decode()
    assert "How likely are you to recommend Tellus Mobile to a friend?" in page


def test_no_card_for_visitors_new_members_or_staff(client: Client) -> None:
    assert QUESTION not in client.get("/").content.decode()
    newcomer = member_make("newcomer", joined_ago=None)
    assert QUESTION not in logged_in(newcomer).get("/").content.decode()
    assert QUESTION not in logged_in(agent_make()).get("/").content.decode()


def test_answering_in_the_card_swaps_it_for_the_thanks(member: Member) -> None:
    client = logged_in(member)
    response = client.post(
        reverse("nps-answer"), {"score": "8", "comment": "Fast answers."}, headers=HTMX
    )
    assert response.status_code == 200
    assert "You answered 8 out of 10" in response.content.decode()
    assert NpsResponse.objects.get(respondent=member).comment == "Fast answers."
    assert QUESTION not in client.get("/").content.decode()


def test_the_card_without_a_score_shows_the_error(member: Member) -> None:
    response = logged_in(member).post(reverse("nps-answer"), {"comment": "Hm"}, headers=HTMX)
    assert response.status_code == 400
    assert "Choose a score from 0 to 10." in response.content.decode()


def test_a_second_answer_from_another_tab_is_409_with_the_reason(member: Member) -> None:
    nps_record(respondent=member, score=4)
    response = logged_in(member).post(reverse("nps-answer"), {"score": "9"}, headers=HTMX)
    assert response.status_code == 409
    assert "already answered" in response.content.decode()


def test_not_now_removes_the_card_and_postpones_it(member: Member) -> None:
    client = logged_in(member)
    response = client.post(reverse("nps-dismiss"), headers=HTMX)
    assert response.status_code == 200 and response.content == b""
    assert QUESTION not in client.get("/").content.decode()


def test_without_javascript_both_buttons_go_home_with_a_message(member: Member) -> None:
    client = logged_in(member)
    response = client.post(reverse("nps-dismiss"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "We won&#x27;t ask again for a while." in response.content.decode()
    NpsPostponement.objects.all().delete()
    response = client.post(reverse("nps-answer"), {"score": "10"}, follow=True)
    assert "Thanks for your feedback." in response.content.decode()


# ---------------------------------------------------------------------------- dashboard


def test_the_dashboard_shows_the_score_by_segment_the_trend_and_comments(
    member: Member,
) -> None:
    nps_record(respondent=member, score=10, comment="Love the <b>community</b>.")
    nps_record(respondent=member_make(), score=2)
    page = logged_in(agent_make()).get(reverse("staff-dashboard")).content.decode()
    assert "Net Promoter Score" in page
    segments = page.split("data-nps-segments")[1].split("</table>")[0]
    assert "<strong>0</strong>" in segments  # one promoter, one detractor
    assert "Love the &lt;b&gt;community&lt;/b&gt;." in page
    assert "data-nps-trend" in page
