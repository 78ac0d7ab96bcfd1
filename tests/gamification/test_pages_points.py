"""A member's points history page: only the member and staff see it.

Anonymous visitors are sent to sign in; another member gets a 404 (not a 403), so the page
does not even confirm who has a history.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from community import services
from community.models import Member
from gamification.models import Reason
from tests.builders import board_make, logged_in, member_make
from tests.gamification.pages_factories import award

pytestmark = pytest.mark.django_db


@pytest.fixture
def earner() -> Member:
    return member_make("earner")


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, earner: Member) -> None:
    response = client.get("/members/earner/points/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/members/earner/points/")


def test_the_member_sees_their_history_newest_first_with_reasons_signs_notes_and_links(
    earner: Member,
) -> None:
    asker = member_make("asker2")
    thread = services.thread_create(
        author=asker,
        board=board_make(),
        title="Roaming does not work in France",
        body="I turned roaming on and still have no data.",
        check_limits=False,
    )
    post = services.post_create(
        author=earner, thread=thread, body="Set the APN by hand.", check_limits=False
    )
    services.kudos_give(giver=asker, post=post)
    services.kudos_withdraw(giver=asker, post=post)
    award(
        earner, 0, reason=Reason.KUDOS_ON_ANSWER, note="Daily limit of points from kudos reached."
    )

    response = logged_in(earner).get("/members/earner/points/")

    html = response.content.decode()
    assert response.status_code == 200
    reasons = re.findall(r'class="ledger-reason"[^>]*>([^<]+)<', html)
    assert reasons == [
        "Kudos received on an answer",  # the zero-point row with a note, newest
        "Kudos withdrawn",
        "Kudos received on an answer",
        "First answer within 15 minutes",
        "Answered a question",
    ]
    points = re.findall(r'class="ledger-points[^"]*">([^<]+)<', html)
    assert points == ["0", "-10", "+10", "+5", "+2"]
    assert "Daily limit of points from kudos reached." in html
    assert f'href="{post.get_absolute_url()}"' in html
    assert "7 points in total" in html


def test_another_member_gets_a_404(earner: Member, outsider: Member) -> None:
    award(earner, 5)

    assert logged_in(outsider).get("/members/earner/points/").status_code == 404


def test_staff_may_read_anyones_history(earner: Member, agent: Member) -> None:
    award(earner, 5)

    response = logged_in(agent).get("/members/earner/points/")

    assert response.status_code == 200
    assert "Answered a question" in response.content.decode()


def test_an_unknown_member_is_a_404_even_for_staff(agent: Member) -> None:
    assert logged_in(agent).get("/members/nobody/points/").status_code == 404


def test_the_username_in_another_case_redirects_to_the_canonical_address(earner: Member) -> None:
    response = logged_in(earner).get("/members/EARNER/points/")

    assert response.status_code == 302
    assert response["Location"] == "/members/earner/points/"


def test_the_history_pages_by_fifty_and_a_bad_page_shows_the_last_or_first(
    earner: Member,
) -> None:
    for _ in range(55):
        award(earner, 1)
    client = logged_in(earner)

    first = client.get("/members/earner/points/").content.decode()
    second = client.get("/members/earner/points/?page=2").content.decode()
    beyond = client.get("/members/earner/points/?page=99")
    garbage = client.get("/members/earner/points/?page=abc")

    assert first.count('class="ledger-row"') == 50
    assert second.count('class="ledger-row"') == 5
    assert "Page 1 of 2" in first
    assert beyond.status_code == 200
    assert beyond.content.decode().count('class="ledger-row"') == 5
    assert garbage.status_code == 200
    assert garbage.content.decode().count('class="ledger-row"') == 50


def test_the_profile_links_to_the_history_for_the_member_only(
    client: Client, earner: Member, outsider: Member
) -> None:
    link = 'href="/members/earner/points/"'

    assert link in logged_in(earner).get("/members/earner/").content.decode()
    assert link not in logged_in(outsider).get("/members/earner/").content.decode()
    assert link not in client.get("/members/earner/").content.decode()
