"""The "how points work" page: the points rules, the ranks and what they unlock."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from gamification.models import GamificationSettings, PointsRule, Rank, RuleKey
from tests.builders import logged_in, member_make
from tests.gamification.pages_factories import award

pytestmark = pytest.mark.django_db


def test_every_rank_shows_its_threshold_and_the_privileges_it_grants(client: Client) -> None:
    response = client.get("/ranks/")

    html = response.content.decode()
    assert response.status_code == 200
    for rank in Rank.objects.all():
        assert f'id="rank-{rank.level}"' in html
        assert f'<span class="rank-badge">{rank.name}</span>' in html
    assert "from 1,000 points" in html  # Expert
    expert = html[html.index('id="rank-4"') : html.index('id="rank-5"')]
    assert "Edit other members&#x27; posts" in expert
    assert "Post links" in expert
    # New at Expert: editing; held since Member: links.
    assert '<li class="is-new">Edit other members&#x27; posts' in expert
    assert "<li>Post links</li>" in expert


def test_the_page_lists_the_enabled_points_rules_with_their_labels(client: Client) -> None:
    PointsRule.objects.filter(key=RuleKey.FAST_ANSWER).update(enabled=False)
    PointsRule.objects.filter(key=RuleKey.SOLUTION_ANSWERER).update(points=25)

    html = client.get("/ranks/").content.decode()

    assert "Answer accepted as the solution" in html
    assert "+25" in html
    assert "Kudos received on an answer" in html
    assert "First answer within 15 minutes" not in html


def test_the_page_explains_the_limits_and_payback_from_the_settings(
    client: Client, settings: Any
) -> None:
    GamificationSettings.objects.filter(pk=1).update(
        kudos_daily_cap=150, point_value=Decimal("0.0125"), minimum_payout=Decimal("10")
    )
    settings.BRAND_CURRENCY = "EUR"

    html = client.get("/ranks/").content.decode()

    assert "Kudos pay at most 150 points a day." in html
    assert "each point you earned is worth €0.0125." in html
    assert "Rewards under €10.00 are not paid out." in html
    italiano = client.get("/ranks/", headers={"accept-language": "it"}).content.decode()
    assert "ogni punto guadagnato vale 0,0125\xa0€." in italiano
    assert "I premi inferiori a 10,00\xa0€ non vengono pagati." in italiano


def test_a_member_sees_their_own_rank_marked(client: Client) -> None:
    member = member_make("climber")
    award(member, 60)  # Member, from 50
    member.refresh_from_db()

    html = logged_in(member).get("/ranks/").content.decode()

    assert 'id="rank-2" class="rank-step is-mine"' in html
    assert "Your rank" in html
    assert "is-mine" not in client.get("/ranks/").content.decode()
