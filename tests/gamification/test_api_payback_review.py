"""API v1, payback review for staff: codes, permissions, the list's totals, the export."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from community.models import Member
from gamification.models import PayoutMethod, Reason, RewardPeriod, Statement, StatementStatus
from gamification.services.payback import reward_period_close, reward_period_for
from notifications.models import Kind, Notification
from tests.builders import api_client, member_make
from tests.gamification.test_payback import CLOSING_DAY, WINTER, earn, local

pytestmark = pytest.mark.django_db

BASE = "/api/v1/payback/statements/"


@pytest.fixture
def period(db: None) -> RewardPeriod:
    period = reward_period_for(WINTER)
    for username, points in (("ann", 600), ("ben", 800), ("dan", 100)):
        earn(
            member_make(username=username, display_name=f"={username}+1"), points, local(2025, 1, 2)
        )
    reward_period_close(period=period, today=CLOSING_DAY)
    period.refresh_from_db()
    return period


def _statement(username: str) -> Statement:
    return Statement.objects.get(member__username=username)


def test_only_reviewers_reach_the_endpoints(
    period: RewardPeriod, moderator: Member, agent: Member
) -> None:
    ann = _statement("ann")
    reads = [BASE, f"{BASE}{ann.pk}/", f"/api/v1/payback/payouts/?period={period.pk}"]
    writes = [
        (f"{BASE}{ann.pk}/approve/", {}),
        (f"{BASE}approve/", {"statements": [ann.pk]}),
        (f"{BASE}{ann.pk}/paid/", {"reference": "T-1"}),
        (f"{BASE}{ann.pk}/clawback/", {"points": 1, "reason": "x"}),
    ]
    for client, code in (
        (api_client(), 401),
        (api_client(agent), 403),
        (api_client(ann.member), 403),
    ):
        for url in reads:
            assert client.get(url).status_code == code, url
        for url, body in writes:
            assert client.post(url, body, format="json").status_code == code, url
    assert _statement("ann").status == StatementStatus.PENDING
    assert api_client(moderator).get(BASE).status_code == 200


def test_the_list_filters_by_period_and_status_and_totals_what_it_lists(
    period: RewardPeriod, moderator: Member
) -> None:
    client = api_client(moderator)

    body = client.get(BASE, {"period": str(period.pk)}).json()
    assert body["totals"] == {"count": 3, "points": 1500, "amount": "15.00"}
    assert [row["member"]["username"] for row in body["results"]] == ["ben", "ann", "dan"]
    row = body["results"][0]
    assert (row["points"], row["amount"], row["status"], row["payout_method"]) == (
        800,
        "8.00",
        "pending",
        None,
    )

    pending = client.get(BASE, {"period": str(period.pk), "status": "pending"}).json()
    assert pending["totals"] == {"count": 2, "points": 1400, "amount": "14.00"}
    assert client.get(BASE, {"status": "lost"}).status_code == 400
    assert client.get(BASE, {"period": "x"}).status_code == 400


def test_approve_then_pay_then_claw_back(period: RewardPeriod, moderator: Member) -> None:
    client = api_client(moderator)
    ann = _statement("ann")
    Statement.objects.filter(pk=ann.pk).update(payout_method=PayoutMethod.CASH)

    approved = client.post(f"{BASE}{ann.pk}/approve/")
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["reviewed_by"]) == ("approved", "moderator")
    again = client.post(f"{BASE}{ann.pk}/approve/")
    assert again.status_code == 409
    assert again.json() == {"detail": "This statement is already approved."}

    assert client.post(f"{BASE}{ann.pk}/paid/", {}, format="json").status_code == 400
    paid = client.post(f"{BASE}{ann.pk}/paid/", {"reference": "BACS-1"}, format="json")
    assert paid.status_code == 200
    assert (paid.json()["status"], paid.json()["payout_reference"]) == ("paid", "BACS-1")
    assert (
        client.post(f"{BASE}{ann.pk}/paid/", {"reference": "X"}, format="json").status_code == 409
    )

    assert client.post(f"{BASE}{ann.pk}/clawback/", {"points": 5}, format="json").status_code == 400
    taken = client.post(
        f"{BASE}{ann.pk}/clawback/", {"points": 50, "reason": "Sock puppets."}, format="json"
    )
    assert taken.status_code == 201
    assert taken.json()["points"] == 50 and taken.json()["reason"] == "Sock puppets."
    too_much = client.post(
        f"{BASE}{ann.pk}/clawback/", {"points": 551, "reason": "More."}, format="json"
    )
    assert too_much.status_code == 409
    assert Notification.objects.filter(recipient=ann.member, kind=Kind.POINTS_REVERSED).count() == 1

    detail = client.get(f"{BASE}{ann.pk}/").json()
    assert [row["points"] for row in detail["ledger"]] == [600]
    assert [(c["points"], c["reason"], c["actor"]) for c in detail["clawbacks"]] == [
        (50, "Sock puppets.", "moderator")
    ]
    assert detail["paid_by"] == "moderator"


def test_a_pending_statement_cannot_be_paid_or_clawed_back(
    period: RewardPeriod, moderator: Member
) -> None:
    client = api_client(moderator)
    ann = _statement("ann")
    assert (
        client.post(f"{BASE}{ann.pk}/paid/", {"reference": "T"}, format="json").status_code == 409
    )
    refused = client.post(f"{BASE}{ann.pk}/clawback/", {"points": 5, "reason": "x"}, format="json")
    assert refused.status_code == 409
    assert not Statement.objects.filter(status=StatementStatus.PAID).exists()
    assert client.post(f"{BASE}987654/approve/").status_code == 404


def test_bulk_approval_says_which_went_through_and_why_the_others_did_not(
    period: RewardPeriod, moderator: Member
) -> None:
    ids = {s.member.username: s.pk for s in Statement.objects.select_related("member")}
    response = api_client(moderator).post(
        f"{BASE}approve/", {"statements": sorted(ids.values())}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert sorted(body["approved"]) == sorted([ids["ann"], ids["ben"]])
    assert body["refused"] == [
        {"id": ids["dan"], "detail": "This statement is below the minimum payout."}
    ]
    empty = api_client(moderator).post(f"{BASE}approve/", {"statements": []}, format="json")
    assert empty.status_code == 400


def test_the_payouts_of_a_period_as_json_and_csv(period: RewardPeriod, moderator: Member) -> None:
    client = api_client(moderator)
    ann, ben = _statement("ann"), _statement("ben")
    Statement.objects.filter(pk=ann.pk).update(
        payout_method=PayoutMethod.CHARITY, status=StatementStatus.PAID, payout_reference="D-9"
    )
    Statement.objects.filter(pk=ben.pk).update(status=StatementStatus.APPROVED)

    rows = client.get("/api/v1/payback/payouts/", {"period": str(period.pk)}).json()
    assert [(r["username"], r["amount"], r["status"], r["payout_method"]) for r in rows] == [
        ("ann", "6.00", "paid", "charity"),
        ("ben", "8.00", "approved", ""),
    ]

    response = client.get("/api/v1/payback/payouts/", {"period": str(period.pk), "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["username"], r["amount"], r["payout_reference"]) for r in table] == [
        ("ann", "6.00", "D-9"),
        ("ben", "8.00", ""),
    ]
    # A name that a spreadsheet would run as a formula is defused.
    assert table[0]["name"] == "'=ann+1"
    assert sum(Decimal(r["amount"]) for r in table) == Decimal("14.00")

    assert client.get("/api/v1/payback/payouts/").status_code == 400
    assert client.get("/api/v1/payback/payouts/", {"period": "987654"}).status_code == 404


def test_a_clawback_appears_in_the_members_history_with_its_reason(
    period: RewardPeriod, moderator: Member
) -> None:
    client = api_client(moderator)
    ann = _statement("ann")
    client.post(f"{BASE}{ann.pk}/approve/")
    client.post(
        f"{BASE}{ann.pk}/clawback/", {"points": 20, "reason": "Voting ring."}, format="json"
    )
    history = api_client(ann.member).get("/api/v1/members/ann/points/").json()["results"]
    assert (history[0]["points"], history[0]["reason"], history[0]["note"]) == (
        -20,
        Reason.CLAWBACK,
        "Voting ring.",
    )
