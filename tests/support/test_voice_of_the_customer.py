"""The voice of the customer: cases classified by category and root cause (lists staff
maintain), the insights summary and the per-day-and-board export (docs/api.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from community import services as community_services
from community.models import Member, Tag
from support.cases import taxonomy
from support.cases.models import Case, CaseReason, CaseStatus
from support.cases.services import case_open, case_update
from support.insights import summary as insights_summary
from support.insights.export import safe_cell
from support.insights.selectors import Period
from support.known_issues.services import (
    known_issue_create,
    known_issue_me_too,
    known_issue_thread_link,
)
from support.satisfaction.services import nps_record, satisfaction_record
from tests import builders
from tests.builders import AN_HOUR, api_client, ask, board_make, logged_in, member_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(agent: Member) -> None:
    for name in ("Billing", "Network"):
        taxonomy.case_label_create(actor=agent, kind="category", name=name)
    for name in ("Outage", "Customer error"):
        taxonomy.case_label_create(actor=agent, kind="root_cause", name=name)


@pytest.fixture
def case(asker: Member) -> Case:
    thread = ask(author=asker, board=board_make("billing", "Billing"), ago=AN_HOUR)
    made, _opened = case_open(customer=asker, reason=CaseReason.REQUESTED, thread=thread)
    return made


def case_url(case: Case) -> str:
    return reverse("api-case-detail", kwargs={"pk": case.pk})


# ---------------------------------------------------------------------------- the lists


def test_staff_add_rename_and_retire_entries_and_the_slug_stays(agent: Member) -> None:
    label = taxonomy.case_label_create(actor=agent, kind="category", name="  Top-ups  ")
    assert (label.slug, label.name) == ("top-ups", "Top-ups")
    taxonomy.case_label_update(actor=agent, kind="category", slug="top-ups", name="Top ups")
    taxonomy.case_label_update(actor=agent, kind="category", slug="top-ups", active=False)
    assert taxonomy.case_labels(kind="category", active_only=True) == []
    (kept,) = taxonomy.case_labels(kind="category")
    assert (kept.slug, kept.name, kept.active) == ("top-ups", "Top ups", False)


def test_a_duplicate_or_blank_name_is_refused_and_customers_cannot_edit(
    agent: Member, asker: Member
) -> None:
    taxonomy.case_label_create(actor=agent, kind="root_cause", name="Outage")
    with pytest.raises(ValidationError):
        taxonomy.case_label_create(actor=agent, kind="root_cause", name="outage")
    with pytest.raises(ValidationError):
        taxonomy.case_label_create(actor=agent, kind="root_cause", name="   ")
    with pytest.raises(PermissionDenied):
        taxonomy.case_label_create(actor=asker, kind="root_cause", name="Weather")


# ---------------------------------------------------------------------------- on a case


def test_an_agent_sets_and_clears_the_category_and_root_cause_over_the_api(
    lists: None, case: Case, agent: Member
) -> None:
    client = api_client(agent)
    response = client.patch(
        case_url(case), {"category": "billing", "root_cause": "outage"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["category"], response.json()["root_cause"]) == ("billing", "outage")

    response = client.patch(case_url(case), {"category": None}, format="json")
    assert (response.json()["category"], response.json()["root_cause"]) == (None, "outage")
    assert client.get(case_url(case)).json()["root_cause"] == "outage"


def test_an_unknown_or_retired_slug_is_400_and_a_customer_403(
    lists: None, case: Case, agent: Member, asker: Member
) -> None:
    client = api_client(agent)
    assert client.patch(case_url(case), {"category": "weather"}, format="json").status_code == 400
    taxonomy.case_label_update(actor=agent, kind="category", slug="network", active=False)
    response = client.patch(case_url(case), {"category": "network"}, format="json")
    assert response.status_code == 400 and "category" in response.json()
    response = api_client(asker).patch(case_url(case), {"category": "billing"}, format="json")
    assert response.status_code == 403


def test_a_case_keeps_a_retired_entry_until_another_is_chosen(
    lists: None, case: Case, agent: Member
) -> None:
    case_update(case=case, actor=agent, category="network")
    taxonomy.case_label_update(actor=agent, kind="category", slug="network", active=False)
    case.refresh_from_db()
    # Saving the case page with the retired entry still selected changes nothing.
    case_update(case=case, actor=agent, status=CaseStatus.OPEN, category="network")
    case.refresh_from_db()
    assert case.category is not None and case.category.slug == "network"


def test_the_case_page_has_the_selects_and_saves_them(
    lists: None, case: Case, agent: Member
) -> None:
    client = logged_in(agent)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'name="category"' in page and 'name="root_cause"' in page
    assert '<option value="billing">Billing</option>' in page
    response = client.post(
        reverse("case-update", kwargs={"pk": case.pk}),
        {
            "status": "open",
            "priority": "normal",
            "assignee": "",
            "category": "network",
            "root_cause": "customer-error",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.category.slug, case.root_cause.slug) == ("network", "customer-error")  # type: ignore[union-attr]


def test_the_staff_page_maintains_the_lists_and_is_404_to_customers(
    agent: Member, asker: Member
) -> None:
    client = logged_in(agent)
    url = reverse("case-lists")
    client.post(url, {"kind": "category", "action": "add", "name": "Roaming"})
    client.post(url, {"kind": "category", "action": "retire", "slug": "roaming"})
    page = client.get(url).content.decode()
    assert "roaming" in page and "Bring back" in page
    assert logged_in(asker).get(url).status_code == 404
    assert (
        logged_in(asker).post(url, {"kind": "category", "action": "add", "name": "X"}).status_code
        == 404
    )


# ---------------------------------------------------------------------------- summary


SUMMARY_FIELDS = {
    "questions",
    "solved_share",
    "community_solved_share",
    "first_answer_median_s",
    "deflections",
    "deflection_rate",
    "nps",
    "known_issues",
    "escalations",
    "csat_average",
}


def test_the_summary_has_the_contract_fields_and_counts_the_period(
    case: Case, agent: Member, asker: Member, helper: Member
) -> None:
    thread = ask(author=asker, ago=AN_HOUR)
    reply = builders.answer(author=helper, thread=thread, ago=AN_HOUR)
    community_services.solution_accept(thread=thread, post=reply, actor=asker)
    satisfaction_record(respondent=asker, thread=thread, score=4)
    nps_record(respondent=helper, score=10)

    response = api_client(agent).get("/api/v1/insights/summary/?days=7")

    assert response.status_code == 200, response.content
    data = response.json()
    assert set(data) == SUMMARY_FIELDS
    assert data["questions"] == 2
    assert data["solved_share"] == 0.5
    assert data["community_solved_share"] == 1.0
    assert data["escalations"] == 1
    assert data["csat_average"] == 4.0
    assert data["nps"] == {
        "score": 100,
        "promoters": 1,
        "passives": 0,
        "detractors": 0,
        "responses": 1,
    }
    assert data["deflections"] == 0 and data["known_issues"] == []
    assert isinstance(data["first_answer_median_s"], int)


def test_the_summary_is_staff_only_and_checks_days(agent: Member, asker: Member) -> None:
    assert api_client(asker).get("/api/v1/insights/summary/").status_code == 404
    assert api_client().get("/api/v1/insights/summary/").status_code == 401
    assert api_client(agent).get("/api/v1/insights/summary/?days=12").status_code == 400


@pytest.fixture
def contributor() -> Iterator[None]:
    def outages(period: Period) -> dict[str, Any]:
        return {"outages": period.days}

    insights_summary.register_summary_contributor(outages)
    yield
    insights_summary.summary_contributors.remove(outages)


def test_another_feature_adds_fields_through_the_registry(contributor: None, agent: Member) -> None:
    data = api_client(agent).get("/api/v1/insights/summary/?days=90").json()
    assert data["outages"] == 90


def test_the_known_issues_come_from_the_known_issue_feature(
    agent: Member, asker: Member, helper: Member
) -> None:
    issue = known_issue_create(actor=agent, title="Mobile data down in Leeds")
    known_issue_thread_link(known_issue=issue, thread=ask(author=asker), actor=agent)
    known_issue_me_too(known_issue=issue, member=helper)

    data = api_client(agent).get("/api/v1/insights/summary/?days=7").json()

    assert data["known_issues"] == [{"id": issue.pk, "absorbed_threads": 1, "me_too_count": 1}]


# ---------------------------------------------------------------------------- export


def test_the_json_export_has_a_row_per_day_and_board_and_the_nps_row(
    lists: None, case: Case, agent: Member, asker: Member, helper: Member
) -> None:
    case_update(case=case, actor=agent, category="billing", status=CaseStatus.RESOLVED)
    satisfaction_record(respondent=asker, case=case, score=2, comment="Slow refund.")
    nps_record(respondent=helper, score=6, comment="Search is weak.")

    response = api_client(agent).get("/api/v1/insights/export/?days=7&format=json")

    assert response.status_code == 200, response.content
    rows = response.json()["rows"]
    billing = next(row for row in rows if row["board"] == "billing")
    assert billing["questions"] == 1 and billing["cases"] == 1
    assert billing["cases_by_category"] == {"billing": 1}
    assert billing["cases_by_root_cause"] == {"": 1}
    assert (billing["csat_average"], billing["csat_responses"]) == (2.0, 1)
    assert billing["comments"] == ["Slow refund."]
    nps = next(row for row in rows if row["board"] is None)
    assert nps["nps"]["detractors"] == 1 and nps["comments"] == ["Search is weak."]


def test_the_csv_export_defuses_formulas_in_comments(agent: Member, helper: Member) -> None:
    nps_record(respondent=helper, score=0, comment='=HYPERLINK("http://evil","click")')

    response = api_client(agent).get("/api/v1/insights/export/?days=30&format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    (row,) = rows
    assert row["comments"] == '\'=HYPERLINK("http://evil","click")'
    assert (row["board"], row["nps_score"], row["nps_detractors"]) == ("", "-100", "1")


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_quoted(text: str) -> None:
    assert safe_cell(text) == "'" + text
    assert safe_cell("Fine text") == "Fine text"
    assert safe_cell(-5) == -5


def test_the_export_is_staff_only_and_checks_its_format(agent: Member) -> None:
    customer = member_make()
    assert api_client(customer).get("/api/v1/insights/export/").status_code == 404
    assert api_client(agent).get("/api/v1/insights/export/?format=xml").status_code == 400
    assert api_client(agent).get("/api/v1/insights/export/").status_code == 200


def test_the_dashboard_counts_the_periods_cases_by_category_and_root_cause(
    lists: None, case: Case, agent: Member
) -> None:
    case_update(case=case, actor=agent, category="billing", root_cause="outage")
    page = logged_in(agent).get(reverse("staff-dashboard")).content.decode()
    section = page.split('id="case-labels"')[1].split("</section>")[0]
    assert "Billing" in section and "Outage" in section
    assert reverse("case-lists") in page


def test_the_dashboard_breaks_questions_cases_and_scores_down_by_board_and_tag(
    case: Case, agent: Member, asker: Member, helper: Member
) -> None:
    Tag.objects.create(slug="esim", name="esim")
    thread = ask(author=asker, board=case.thread.board, tags=["esim"], ago=AN_HOUR)  # type: ignore[union-attr]
    reply = builders.answer(author=helper, thread=thread, ago=AN_HOUR)
    community_services.solution_accept(thread=thread, post=reply, actor=asker)
    satisfaction_record(respondent=asker, thread=thread, score=3)

    page = logged_in(agent).get(reverse("staff-dashboard")).content.decode()

    section = page.split('id="where"')[1].split("</section>")[0]
    board_row = section.split('<th scope="row">Billing</th>')[1].split("</tr>")[0]
    assert "<td>2</td><td>1</td><td>3.0</td>" in board_row
    assert '<th scope="row">esim</th><td>1</td><td>0</td><td>3.0</td>' in section
