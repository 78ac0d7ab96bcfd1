"""The staff payback pages: the list of statements per period, one statement's review, and
the in-place actions (approve, mark paid, claw back) with and without HTMX."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from community.models import Member
from gamification.models import (
    LedgerEntry,
    PayoutMethod,
    Reason,
    Statement,
    StatementStatus,
)
from tests.builders import logged_in, member_make
from tests.gamification.pages_factories import closed_period

pytestmark = pytest.mark.django_db

AssertQueries = Callable[..., AbstractContextManager[Any]]
LIST = "/staff/payback/"
HTMX = {"HX-Request": "true"}
# Measured when written: 14 for a moderator (session, member, permissions, periods, page,
# count, totals, the chrome's bell); room for the chrome other apps add.
LIST_PAGE_MAX = 20


@pytest.fixture
def statements() -> dict[str, Statement]:
    """ann 600 points (6.00 GBP), ben 800 (8.00), dan 120 (1.20: below the minimum)."""
    _period, by_member = closed_period(
        {
            member_make(username): points
            for username, points in (("ann", 600), ("ben", 800), ("dan", 120))
        }
    )
    return by_member


def _page(client: Client, url: str, **kwargs: Any) -> tuple[int, str]:
    response = client.get(url, **kwargs)
    return response.status_code, response.content.decode()


def test_only_reviewers_open_the_pages(
    client: Client, statements: dict[str, Statement], agent: Member, moderator: Member
) -> None:
    ann = statements["ann"]
    detail = f"/staff/payback/statements/{ann.pk}/"
    for url in (LIST, detail):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert logged_in(agent).get(url).status_code == 403
        assert logged_in(ann.member).get(url).status_code == 403
        assert logged_in(moderator).get(url).status_code == 200
    assert logged_in(agent).post(f"{detail}approve/").status_code == 403
    assert Statement.objects.get(pk=ann.pk).status == StatementStatus.PENDING


def test_the_staff_navigation_links_reviewers_to_the_page(
    statements: dict[str, Statement], agent: Member, moderator: Member
) -> None:
    assert f'href="{LIST}"' in logged_in(moderator).get("/").content.decode()
    assert f'href="{LIST}"' not in logged_in(agent).get("/").content.decode()


def test_the_list_shows_each_statement_and_the_totals_and_filters(
    statements: dict[str, Statement], moderator: Member
) -> None:
    Statement.objects.filter(pk=statements["ben"].pk).update(payout_method=PayoutMethod.CHARITY)
    client = logged_in(moderator)

    status, html = _page(client, LIST)
    assert status == 200
    for name in ("ann", "ben", "dan"):
        assert f"@{name}" in html
    assert "Donate to charity" in html and "Not chosen yet" in html
    assert "Below the minimum payout" in html and "Awaiting review" in html
    assert "<dd data-total-count>3</dd>" in html
    assert "<dd data-total-points>1,520</dd>" in html
    assert "<dd data-total-amount>15.20 GBP</dd>" in html
    period = statements["ann"].period
    assert f"/api/v1/payback/payouts/?period={period.pk}&amp;format=csv" in html

    _status, pending = _page(client, f"{LIST}?period={period.pk}&status=pending")
    assert "@dan" not in pending and "@ann" in pending
    assert "<dd data-total-points>1,400</dd>" in pending
    _status, unknown = _page(client, f"{LIST}?period=999999&status=nonsense")
    assert "@dan" in unknown  # unknown filters fall back to the latest period, any status


def test_approving_in_place_answers_the_row_and_a_second_approval_is_a_409(
    statements: dict[str, Statement], moderator: Member
) -> None:
    ann = statements["ann"]
    client = logged_in(moderator)
    url = f"/staff/payback/statements/{ann.pk}/approve/"

    response = client.post(url, {"from": "list"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<tr id="payback-row-{ann.pk}"')
    assert 'data-status="approved"' in html
    ann.refresh_from_db()
    assert (ann.status, ann.reviewed_by_id) == (StatementStatus.APPROVED, moderator.pk)

    again = client.post(url, {"from": "list"}, headers=HTMX)
    assert again.status_code == 409
    assert "This statement is already approved." in again.content.decode()


def test_without_javascript_an_approval_redirects_to_the_statement(
    statements: dict[str, Statement], moderator: Member
) -> None:
    ann = statements["ann"]
    response = logged_in(moderator).post(f"/staff/payback/statements/{ann.pk}/approve/")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/payback/statements/{ann.pk}/"


def test_approving_in_bulk(statements: dict[str, Statement], moderator: Member) -> None:
    ids = [s.pk for s in statements.values()]
    period = statements["ann"].period_id
    response = logged_in(moderator).post(
        "/staff/payback/approve/",
        {"statements": ids, "period": period, "status": "pending"},
        follow=True,
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == f"{LIST}?period={period}&status=pending"
    assert "2 statements approved." in html
    assert "This statement is below the minimum payout." in html
    assert sorted(Statement.objects.values_list("member__username", "status")) == [
        ("ann", StatementStatus.APPROVED),
        ("ben", StatementStatus.APPROVED),
        ("dan", StatementStatus.BELOW_MINIMUM),
    ]


def test_the_review_shows_the_ledger_the_statement_came_from(
    statements: dict[str, Statement], moderator: Member
) -> None:
    ann = statements["ann"]
    entry = LedgerEntry.objects.get(member=ann.member)
    status, html = _page(logged_in(moderator), f"/staff/payback/statements/{ann.pk}/")
    assert status == 200
    assert f'data-ledger-entry="{entry.pk}"' in html
    assert "+600" in html
    assert 'data-action="approve"' in html
    assert 'data-action="paid"' not in html and 'data-action="clawback"' not in html


def test_mark_paid_and_claw_back_with_form_errors_on_the_page(
    statements: dict[str, Statement], moderator: Member
) -> None:
    ann = statements["ann"]
    Statement.objects.filter(pk=ann.pk).update(
        status=StatementStatus.APPROVED, payout_method=PayoutMethod.CASH
    )
    client = logged_in(moderator)
    base = f"/staff/payback/statements/{ann.pk}/"

    missing = client.post(f"{base}paid/", {"reference": " "})
    assert missing.status_code == 400
    assert "Enter the payout reference." in missing.content.decode()

    paid = client.post(f"{base}paid/", {"reference": "BACS-77"}, headers=HTMX)
    assert paid.status_code == 200
    panel = paid.content.decode()
    assert panel.startswith('<section id="payback-panel"')
    assert "BACS-77" in panel and 'data-status="paid"' in panel

    no_reason = client.post(f"{base}clawback/", {"points": "50", "reason": ""})
    assert no_reason.status_code == 400
    assert "Give the reason for the clawback." in no_reason.content.decode()
    too_many = client.post(f"{base}clawback/", {"points": "601", "reason": "Fraud."}, headers=HTMX)
    assert too_many.status_code == 409
    assert "At most 600 more points" in too_many.content.decode()

    done = client.post(f"{base}clawback/", {"points": "50", "reason": "Sock puppets."}, follow=True)
    html = done.content.decode()
    assert "Points clawed back; the member is notified." in html
    assert "Sock puppets." in html
    assert LedgerEntry.objects.get(reason=Reason.CLAWBACK).points == -50


def test_the_list_costs_the_same_queries_for_three_statements_and_for_thirty(
    django_assert_max_num_queries: AssertQueries,
    statements: dict[str, Statement],
    moderator: Member,
) -> None:
    period = statements["ann"].period
    client = logged_in(moderator)
    counts = []
    for _round in range(2):
        with django_assert_max_num_queries(LIST_PAGE_MAX) as captured:
            assert client.get(f"{LIST}?period={period.pk}").status_code == 200
        counts.append(len(captured))
        for _ in range(27):
            Statement.objects.create(
                member=member_make(), period=period, points=700, amount="7.00", currency="GBP"
            )
    assert counts[0] == counts[1]


def test_the_pages_speak_italian(statements: dict[str, Statement], moderator: Member) -> None:
    client = logged_in(moderator)
    client.cookies["django_language"] = "it"
    with translation.override("it"):
        _status, html = _page(client, LIST, HTTP_ACCEPT_LANGUAGE="it")
    assert "Rendiconti dei premi" in html
    assert "Premi</a>" in html  # the staff navigation
    assert "Esporta i pagamenti (CSV)" in html
    _status, detail = _page(
        client, f"/staff/payback/statements/{statements['ann'].pk}/", HTTP_ACCEPT_LANGUAGE="it"
    )
    assert "Da dove vengono i punti" in detail
