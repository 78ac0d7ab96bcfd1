"""The rewards page: a member's payback statements, the running period, and choosing how to
be paid."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from community.models import Member
from gamification.models import PayoutMethod, RewardPeriod, Statement, StatementStatus
from tests.builders import logged_in, member_make
from tests.gamification.pages_factories import award, closed_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def earners() -> dict[str, Member]:
    return {"rich": member_make("rich"), "poor": member_make("poor")}


@pytest.fixture
def statements(earners: dict[str, Member]) -> dict[str, Statement]:
    """rich earned 800 points (£8.00), poor 120 (£1.20: below the £5.00 minimum)."""
    _period, by_member = closed_period({earners["rich"]: 800, earners["poor"]: 120})
    return by_member


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/rewards/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.post("/rewards/", {"statement": 1, "payout_method": "cash"}).status_code == 302


def test_a_member_sees_their_statements_and_the_running_period(
    earners: dict[str, Member], statements: dict[str, Statement]
) -> None:
    award(earners["rich"], 250)  # this period, so far

    response = logged_in(earners["rich"]).get("/rewards/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>250</strong> points so far" in html
    assert "Worth about £2.50 at today's value." in html
    assert "<dd>£8.00</dd>" in html
    assert "800" in html
    assert "Awaiting review" in html
    assert "Not chosen yet" in html
    assert f'id="statement-{statements["rich"].pk}"' in html
    assert f'id="statement-{statements["poor"].pk}"' not in html  # someone else's
    assert 'name="payout_method"' in html


def test_a_statement_below_the_minimum_offers_no_payout_choice(
    earners: dict[str, Member], statements: dict[str, Statement]
) -> None:
    html = logged_in(earners["poor"]).get("/rewards/").content.decode()

    assert "Below the minimum payout" in html
    assert "<dd>£1.20</dd>" in html
    assert 'name="payout_method"' not in html


def test_choosing_a_payout_method_saves_it(
    earners: dict[str, Member], statements: dict[str, Statement]
) -> None:
    client = logged_in(earners["rich"])
    statement = statements["rich"]

    response = client.post("/rewards/", {"statement": statement.pk, "payout_method": "charity"})

    assert response.status_code == 302
    assert response["Location"] == "/rewards/"
    statement.refresh_from_db()
    assert statement.payout_method == PayoutMethod.CHARITY
    page = client.get("/rewards/").content.decode()
    assert "Your payout method is saved." in page
    assert '<option value="charity" selected>' in page


def test_an_unknown_payout_method_is_a_400(
    earners: dict[str, Member], statements: dict[str, Statement]
) -> None:
    statement = statements["rich"]

    response = logged_in(earners["rich"]).post(
        "/rewards/", {"statement": statement.pk, "payout_method": "bitcoin"}
    )

    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    statement.refresh_from_db()
    assert statement.payout_method == ""


def test_a_malformed_statement_id_is_a_400(
    earners: dict[str, Member], statements: dict[str, Statement]
) -> None:
    client = logged_in(earners["rich"])

    for bad in ("abc", "", "99999999999999999999999"):
        response = client.post("/rewards/", {"statement": bad, "payout_method": "cash"})
        assert response.status_code == 400, bad


def test_someone_elses_statement_is_a_404(
    earners: dict[str, Member], statements: dict[str, Statement], outsider: Member
) -> None:
    statement = statements["rich"]

    response = logged_in(outsider).post(
        "/rewards/", {"statement": statement.pk, "payout_method": "cash"}
    )

    assert response.status_code == 404
    statement.refresh_from_db()
    assert statement.payout_method == ""


def test_choosing_after_the_deadline_is_a_409_with_the_reason(
    earners: dict[str, Member], statements: dict[str, Statement]
) -> None:
    statement = statements["rich"]
    yesterday = timezone.localdate() - timedelta(days=1)
    RewardPeriod.objects.filter(pk=statement.period_id).update(method_deadline=yesterday)

    response = logged_in(earners["rich"]).post(
        "/rewards/", {"statement": statement.pk, "payout_method": "cash"}
    )

    assert response.status_code == 409
    assert (
        f"The deadline to choose a payout method was {yesterday.isoformat()}."
        in response.content.decode()
    )
    statement.refresh_from_db()
    assert statement.payout_method == ""


def test_choosing_for_a_statement_below_the_minimum_is_a_409(
    earners: dict[str, Member], statements: dict[str, Statement]
) -> None:
    statement = statements["poor"]
    assert statement.status == StatementStatus.BELOW_MINIMUM

    response = logged_in(earners["poor"]).post(
        "/rewards/", {"statement": statement.pk, "payout_method": "cash"}
    )

    assert response.status_code == 409
    assert "below the minimum payout" in response.content.decode()


def test_a_member_without_statements_is_told_when_the_first_arrives(
    earners: dict[str, Member],
) -> None:
    html = logged_in(earners["rich"]).get("/rewards/").content.decode()

    assert "No statements yet" in html
    assert "<strong>0</strong> points so far" in html
