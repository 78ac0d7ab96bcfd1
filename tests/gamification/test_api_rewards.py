"""GET /api/v1/rewards/statements/ and GET/PATCH /api/v1/rewards/statements/{id}/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import Member
from gamification.models import RewardPeriod, Statement
from tests.builders import api_client, member_make
from tests.gamification.pages_factories import closed_period

pytestmark = pytest.mark.django_db

LIST = "/api/v1/rewards/statements/"


def detail(statement: Statement) -> str:
    return f"/api/v1/rewards/statements/{statement.pk}/"


@pytest.fixture
def earners() -> dict[str, Member]:
    return {"rich": member_make("rich"), "poor": member_make("poor")}


@pytest.fixture
def statements(earners: dict[str, Member]) -> dict[str, Statement]:
    """rich earned 800 points (£8.00), poor 120 (below the £5.00 minimum)."""
    _period, by_member = closed_period({earners["rich"]: 800, earners["poor"]: 120})
    return by_member


def test_a_member_lists_only_their_own_statements(
    earners: dict[str, Member], statements: dict[str, Statement]
) -> None:
    response = api_client(earners["rich"]).get(LIST)

    assert response.status_code == 200
    data = response.json()
    assert {"next", "previous", "results"} <= set(data)
    [row] = data["results"]
    statement = statements["rich"]
    assert row == {
        "id": statement.pk,
        "period": {
            "start": statement.period.start.isoformat(),
            "end": statement.period.end.isoformat(),
        },
        "points": 800,
        "amount": "8.00",
        "currency": "GBP",
        "status": "pending",
        "payout_method": None,
        "method_deadline": statement.period.method_deadline.isoformat(),  # type: ignore[union-attr]
        "url": f"/rewards/#statement-{statement.pk}",
    }


def test_anonymous_callers_get_a_401(statements: dict[str, Statement]) -> None:
    client = api_client()

    assert client.get(LIST).status_code == 401
    assert client.get(detail(statements["rich"])).status_code == 401
    assert client.patch(detail(statements["rich"]), {"payout_method": "cash"}).status_code == 401


def test_a_member_without_statements_gets_an_empty_list(outsider: Member) -> None:
    assert api_client(outsider).get(LIST).json()["results"] == []


def test_choosing_a_payout_method(
    earners: dict[str, Member], statements: dict[str, Statement]
) -> None:
    statement = statements["rich"]
    client = api_client(earners["rich"])

    response = client.patch(detail(statement), {"payout_method": "cash"}, format="json")

    assert response.status_code == 200
    assert response.json()["payout_method"] == "cash"
    assert response.json()["period"]["start"] == statement.period.start.isoformat()
    statement.refresh_from_db()
    assert statement.payout_method == "cash"
    assert client.get(detail(statement)).json()["payout_method"] == "cash"


@pytest.mark.parametrize("body", [{"payout_method": "bitcoin"}, {}, {"payout_method": 3}])
def test_a_bad_payout_method_is_a_400(
    earners: dict[str, Member], statements: dict[str, Statement], body: dict[str, object]
) -> None:
    response = api_client(earners["rich"]).patch(detail(statements["rich"]), body, format="json")

    assert response.status_code == 400
    assert "payout_method" in response.json()


def test_someone_elses_statement_is_a_404(
    earners: dict[str, Member], statements: dict[str, Statement]
) -> None:
    client = api_client(earners["poor"])

    assert client.get(detail(statements["rich"])).status_code == 404
    response = client.patch(detail(statements["rich"]), {"payout_method": "cash"}, format="json")
    assert response.status_code == 404
    statements["rich"].refresh_from_db()
    assert statements["rich"].payout_method == ""


def test_choosing_after_the_deadline_is_a_409(
    earners: dict[str, Member], statements: dict[str, Statement]
) -> None:
    statement = statements["rich"]
    yesterday = timezone.localdate() - timedelta(days=1)
    RewardPeriod.objects.filter(pk=statement.period_id).update(method_deadline=yesterday)

    response = api_client(earners["rich"]).patch(
        detail(statement), {"payout_method": "cash"}, format="json"
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"The deadline to choose a payout method was {yesterday.isoformat()}."
    }


def test_choosing_for_a_statement_below_the_minimum_is_a_409(
    earners: dict[str, Member], statements: dict[str, Statement]
) -> None:
    response = api_client(earners["poor"]).patch(
        detail(statements["poor"]), {"payout_method": "cash"}, format="json"
    )

    assert response.status_code == 409
    assert "below the minimum payout" in response.json()["detail"]


def test_an_unknown_statement_is_a_404(earners: dict[str, Member]) -> None:
    assert api_client(earners["rich"]).get("/api/v1/rewards/statements/999999/").status_code == 404
