"""The gamification admin: rules and ranks to tune, records to read, payback through the
services."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from gamification.models import (
    BadgeAward,
    GamificationSettings,
    PointsRule,
    Rank,
    RewardPeriod,
    RewardPeriodStatus,
    RuleKey,
    Statement,
    StatementStatus,
)
from gamification.services.payback import reward_period_for
from tests.builders import logged_in, member_make
from tests.gamification.pages_factories import award, closed_period

pytestmark = pytest.mark.django_db

ADMIN = "/admin/gamification"


@pytest.fixture
def admin_client() -> Client:
    return logged_in(member_make("boss", is_staff=True, is_superuser=True))


def messages_of(response: object) -> list[str]:
    return [str(m) for m in response.context["messages"]]  # type: ignore[attr-defined]


def test_every_gamification_admin_page_opens(admin_client: Client) -> None:
    member = member_make("someone")
    award(member, 3)
    BadgeAward.objects.create(member=member, badge="first-answer")
    for model in (
        "pointsrule",
        "rank",
        "gamificationsettings",
        "ledgerentry",
        "rewardperiod",
        "statement",
        "badgeaward",
    ):
        assert admin_client.get(f"{ADMIN}/{model}/").status_code == 200, model


def test_points_rules_are_edited_in_the_list(admin_client: Client) -> None:
    html = admin_client.get(f"{ADMIN}/pointsrule/").content.decode()

    assert 'name="form-0-points"' in html
    assert 'name="form-0-enabled"' in html


def test_a_ranks_privileges_are_chosen_from_the_known_ones(admin_client: Client) -> None:
    rank = Rank.objects.get(level=2)
    url = f"{ADMIN}/rank/{rank.pk}/change/"
    assert 'value="accept_others_solutions"' in admin_client.get(url).content.decode()

    response = admin_client.post(
        url,
        {
            "name": rank.name,
            "level": rank.level,
            "min_points": rank.min_points,
            "privileges": ["retag", "post_links"],
        },
    )

    assert response.status_code == 302
    rank.refresh_from_db()
    assert rank.privileges == ["post_links", "retag"]  # in PRIVILEGES' order
    refused = admin_client.post(
        url,
        {"name": rank.name, "level": 2, "min_points": 50, "privileges": ["fly"]},
    )
    assert refused.status_code == 200  # the form again, with the error
    rank.refresh_from_db()
    assert rank.privileges == ["post_links", "retag"]


def test_the_settings_are_one_row_that_cannot_be_added_twice_or_deleted(
    admin_client: Client,
) -> None:
    GamificationSettings.current()

    assert admin_client.get(f"{ADMIN}/gamificationsettings/add/").status_code == 403
    assert admin_client.get(f"{ADMIN}/gamificationsettings/1/delete/").status_code == 403
    assert admin_client.get(f"{ADMIN}/gamificationsettings/1/change/").status_code == 200


def test_the_ledger_is_read_only(admin_client: Client) -> None:
    entry = award(member_make("reader"), 5)

    assert admin_client.get(f"{ADMIN}/ledgerentry/add/").status_code == 403
    assert admin_client.get(f"{ADMIN}/ledgerentry/{entry.pk}/delete/").status_code == 403
    view = admin_client.get(f"{ADMIN}/ledgerentry/{entry.pk}/change/")
    assert view.status_code == 200
    assert 'name="_save"' not in view.content.decode()
    admin_client.post(f"{ADMIN}/ledgerentry/{entry.pk}/change/", {"points": 500})
    entry.refresh_from_db()
    assert entry.points == 5
    found = admin_client.get(f"{ADMIN}/ledgerentry/", {"q": "reader", "reason": "answer_posted"})
    assert "reader" in found.content.decode()


def test_badge_awards_are_read_only(admin_client: Client) -> None:
    award_ = BadgeAward.objects.create(member=member_make("holder"), badge="first-answer")

    assert admin_client.get(f"{ADMIN}/badgeaward/add/").status_code == 403
    assert admin_client.get(f"{ADMIN}/badgeaward/{award_.pk}/delete/").status_code == 403
    assert "Helping hand" in admin_client.get(f"{ADMIN}/badgeaward/").content.decode()


def test_closing_periods_from_the_admin_calls_the_service(admin_client: Client) -> None:
    period, statements = closed_period({member_make("early"): 700})
    # Reopen it, as if nobody had closed it yet.
    Statement.objects.all().delete()
    RewardPeriod.objects.filter(pk=period.pk).update(status=RewardPeriodStatus.OPEN)
    running = reward_period_for(timezone.localdate())

    response = admin_client.post(
        f"{ADMIN}/rewardperiod/",
        {"action": "close_periods", "_selected_action": [period.pk, running.pk]},
        follow=True,
    )

    texts = messages_of(response)
    assert any("is closed: 1 statement." in t for t in texts), texts
    assert any("it can be closed from the next day" in t for t in texts), texts
    period.refresh_from_db()
    running.refresh_from_db()
    assert period.status == RewardPeriodStatus.CLOSED
    assert running.status == RewardPeriodStatus.OPEN
    assert Statement.objects.filter(period=period).count() == 1


def test_approving_statements_skips_approved_and_below_minimum_ones(
    admin_client: Client,
) -> None:
    _period, statements = closed_period(
        {member_make("first"): 900, member_make("second"): 600, member_make("tiny"): 100}
    )
    Statement.objects.filter(pk=statements["second"].pk).update(status=StatementStatus.APPROVED)

    response = admin_client.post(
        f"{ADMIN}/statement/",
        {"action": "approve_statements", "_selected_action": [s.pk for s in statements.values()]},
        follow=True,
    )

    texts = messages_of(response)
    assert "1 statement approved." in texts
    assert "1 statement was already approved and is unchanged." in texts
    assert any("below the minimum payout" in t for t in texts), texts
    statuses = dict(Statement.objects.values_list("member__username", "status"))
    assert statuses == {
        "first": StatementStatus.APPROVED,
        "second": StatementStatus.APPROVED,
        "tiny": StatementStatus.BELOW_MINIMUM,
    }
    assert Statement.objects.get(member__username="first").reviewed_by is not None


def test_an_approved_statement_is_read_only(admin_client: Client) -> None:
    _period, statements = closed_period({member_make("paid"): 900})
    statement = statements["paid"]
    url = f"{ADMIN}/statement/{statement.pk}/change/"
    assert 'name="payout_method"' in admin_client.get(url).content.decode()

    Statement.objects.filter(pk=statement.pk).update(status=StatementStatus.APPROVED)

    html = admin_client.get(url).content.decode()
    assert 'name="payout_method"' not in html
    assert 'name="flag_reason"' not in html
    assert admin_client.get(f"{ADMIN}/statement/add/").status_code == 403


def test_the_points_rule_list_is_ordered_and_complete(admin_client: Client) -> None:
    html = admin_client.get(f"{ADMIN}/pointsrule/").content.decode()

    # Each row links to its rule's change page: the rows, top to bottom, by their links.
    keys_by_pk = dict(PointsRule.objects.values_list("pk", "key"))
    rows = [int(pk) for pk in re.findall(rf'href="{ADMIN}/pointsrule/(\d+)/change/', html)]
    listed = [keys_by_pk[pk] for pk in dict.fromkeys(rows)]
    assert listed == sorted(RuleKey.values)
    for key in RuleKey:
        assert str(PointsRule.objects.get(key=key).get_key_display()) in html
