"""The voice of the customer: cases classified by category and root cause (lists staff
maintain), the insights summary and the per-day-and-board export (docs/api.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from community import services as community_services
from community.models import Member, Tag
from support.cases import taxonomy
from support.cases.models import Case, CaseReason, CaseStatus
from support.cases.services import case_open, case_update
from support.insights import breakdowns, export
from support.insights import summary as insights_summary
from support.insights.export import safe_cell
from support.insights.selectors import Period, period_for
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


@pytest.fixture
def midday() -> Iterator[None]:
    """A clock at midday (London), so an hour ago is still today: one row per day and key."""
    with time_machine.travel(datetime(2026, 12, 3, 12, tzinfo=UTC), tick=False):
        yield


def row_of(rows: list[dict[str, Any]], dimension: str, key: str = "") -> dict[str, Any]:
    (found,) = [r for r in rows if (r["dimension"], r["key"]) == (dimension, key)]
    return found


def test_the_json_export_has_a_row_per_day_and_board_tag_category_and_root_cause(
    midday: None, lists: None, case: Case, agent: Member, asker: Member, helper: Member
) -> None:
    case_update(case=case, actor=agent, category="billing", status=CaseStatus.RESOLVED)
    satisfaction_record(respondent=asker, case=case, score=2, comment="Slow refund.")
    nps_record(respondent=helper, score=6, comment="Search is weak.")
    nps_record(respondent=asker, score=10, comment="Agents are kind.")

    response = api_client(agent).get("/api/v1/insights/export/?days=7&format=json")

    assert response.status_code == 200, response.content
    rows = response.json()["rows"]
    assert [(r["dimension"], r["key"]) for r in rows] == [
        ("all", ""),
        ("board", "billing"),
        ("category", "billing"),
        ("root_cause", ""),
    ]
    assert [r["board"] for r in rows] == ["", "billing", "", ""]
    board = row_of(rows, "board", "billing")
    assert board["questions"] == 1 and board["cases"] == 1
    assert board["cases_by_category"] == {"billing": 1}
    assert board["cases_by_root_cause"] == {"": 1}
    assert (board["csat_average"], board["csat_responses"]) == (2.0, 1)
    assert board["comments"] == ["Slow refund."]
    assert board["nps"] is None
    everyone = row_of(rows, "all")
    assert (everyone["questions"], everyone["cases"], everyone["csat_responses"]) == (1, 1, 1)
    assert everyone["nps"] == {
        "score": 0,
        "promoters": 1,
        "passives": 0,
        "detractors": 1,
        "responses": 2,
    }
    assert everyone["comments"] == ["Slow refund.", "Search is weak.", "Agents are kind."]
    # The asker had a billing case in the period: her NPS answer is billing's; the helper's
    # (no case) is only in the day's total.
    billing = row_of(rows, "category", "billing")
    assert (billing["questions"], billing["solved"], billing["cases"]) == (None, None, 1)
    assert billing["csat_average"] == 2.0
    assert billing["nps"]["score"] == 100 and billing["nps"]["responses"] == 1
    assert billing["comments"] == ["Slow refund.", "Agents are kind."]
    assert row_of(rows, "root_cause", "")["nps"]["promoters"] == 1


def test_the_export_breaks_questions_cases_and_scores_down_by_tag(
    midday: None, lists: None, agent: Member, asker: Member, helper: Member
) -> None:
    for slug in ("esim", "roaming"):
        Tag.objects.create(slug=slug, name=slug)
    board = board_make("network", "Network")
    both = ask(author=asker, board=board, tags=["esim", "roaming"], ago=AN_HOUR)
    ask(author=helper, board=board, tags=["esim"], ago=AN_HOUR)
    reply = builders.answer(author=helper, thread=both, ago=AN_HOUR)
    community_services.solution_accept(thread=both, post=reply, actor=asker)
    satisfaction_record(respondent=asker, thread=both, score=4, comment="+fast")
    made, _opened = case_open(customer=asker, reason=CaseReason.REQUESTED, thread=both)
    case_update(case=made, actor=agent, root_cause="outage")

    rows = api_client(agent).get("/api/v1/insights/export/?days=7").json()["rows"]

    esim, roaming = row_of(rows, "tag", "esim"), row_of(rows, "tag", "roaming")
    assert (esim["questions"], esim["solved"], esim["cases"]) == (2, 1, 1)
    assert (roaming["questions"], roaming["solved"], roaming["cases"]) == (1, 1, 1)
    assert esim["csat_average"] == roaming["csat_average"] == 4.0
    assert esim["cases_by_root_cause"] == {"outage": 1} and esim["nps"] is None
    assert row_of(rows, "board", "network")["questions"] == 2
    assert row_of(rows, "root_cause", "outage")["cases_by_category"] == {"": 1}

    response = api_client(agent).get("/api/v1/insights/export/?days=7&format=csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    tag_row = next(r for r in table if (r["dimension"], r["key"]) == ("tag", "esim"))
    assert (tag_row["questions"], tag_row["cases"], tag_row["nps_score"]) == ("2", "1", "")
    assert tag_row["comments"] == "'+fast"
    cause = next(r for r in table if r["dimension"] == "root_cause")
    assert (cause["key"], cause["questions"], cause["cases_by_root_cause"]) == (
        "outage",
        "",
        "outage=1",
    )


def test_the_csv_export_defuses_formulas_in_comments(agent: Member, helper: Member) -> None:
    nps_record(respondent=helper, score=0, comment='=HYPERLINK("http://evil","click")')

    response = api_client(agent).get("/api/v1/insights/export/?days=30&format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    (row,) = rows
    assert list(row) == export.CSV_COLUMNS
    assert row["comments"] == '\'=HYPERLINK("http://evil","click")'
    assert (row["dimension"], row["key"], row["nps_score"], row["nps_detractors"]) == (
        "all",
        "",
        "-100",
        "1",
    )


def test_a_label_slug_that_looks_like_a_formula_is_quoted_in_the_csv() -> None:
    row = export.ExportRow(day=date(2026, 12, 1), dimension="tag", key="-x")
    row.cases_by_category["-x"] += 1
    (line,) = list(csv.DictReader(io.StringIO(export.export_csv([row]))))
    assert (line["key"], line["cases_by_category"]) == ("'-x", "'-x=1")


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_quoted(text: str) -> None:
    assert safe_cell(text) == "'" + text
    assert safe_cell("Fine text") == "Fine text"
    assert safe_cell(-5) == -5


def test_the_export_is_staff_only_and_checks_its_format(agent: Member) -> None:
    customer = member_make()
    assert api_client(customer).get("/api/v1/insights/export/").status_code == 404
    assert api_client(agent).get("/api/v1/insights/export/?format=xml").status_code == 400
    assert api_client(agent).get("/api/v1/insights/export/?days=8").status_code == 400
    assert api_client().get("/api/v1/insights/export/").status_code == 401
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


def test_the_export_takes_six_queries_whatever_the_size(
    midday: None,
    lists: None,
    agent: Member,
    helper: Member,
    django_assert_num_queries: Any,
) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            customer = member_make()
            thread = ask(author=customer, board=board_make(), tags=["esim"], ago=AN_HOUR)
            made, _opened = case_open(customer=customer, reason=CaseReason.REQUESTED, thread=thread)
            case_update(case=made, actor=agent, category="billing", status=CaseStatus.RESOLVED)
            satisfaction_record(respondent=customer, case=made, score=3, comment="ok")
            nps_record(respondent=customer, score=8)

    Tag.objects.create(slug="esim", name="esim")
    grow(1)
    with django_assert_num_queries(6):
        export.export_rows(period_for(30))
    grow(4)
    with django_assert_num_queries(6):
        rows = export.export_rows(period_for(30))
    billing = next(r for r in rows if (r.dimension, r.key) == ("category", "billing"))
    assert (billing.cases, billing.nps.responses, billing.csat_scores) == (5, 5, [3] * 5)


# ---------------------------------------------------------------------------- dashboard


def test_cases_by_label_gives_satisfaction_and_the_nps_of_their_members(
    lists: None, agent: Member, asker: Member, helper: Member
) -> None:
    def case_for(customer: Member, category: str | None, root_cause: str | None) -> Case:
        thread = ask(author=customer, ago=AN_HOUR)
        made, _opened = case_open(customer=customer, reason=CaseReason.REQUESTED, thread=thread)
        case_update(
            case=made,
            actor=agent,
            status=CaseStatus.RESOLVED,
            category=category,
            root_cause=root_cause,
        )
        return made

    billed = case_for(asker, "billing", "outage")
    case_for(asker, "network", "outage")
    unlabelled = case_for(helper, None, None)
    satisfaction_record(respondent=asker, case=billed, score=5)
    satisfaction_record(respondent=helper, case=unlabelled, score=1)
    nps_record(respondent=asker, score=3)
    nps_record(respondent=helper, score=9)
    nps_record(respondent=member_make(), score=10)  # no case: in no category

    result = breakdowns.cases_by_label(period_for(30))

    categories = {row.name: row for row in result["category"]}
    assert [row.name for row in result["category"]] == ["Billing", "Network", ""]
    assert (categories["Billing"].cases, categories["Billing"].csat_average) == (1, 5.0)
    assert categories["Network"].csat_average is None
    # The asker had cases in both categories: her answer counts once in each.
    assert categories["Billing"].nps.score == categories["Network"].nps.score == -100
    assert (categories[""].csat_average, categories[""].nps.score) == (1.0, 100)
    (outage, unset) = result["root_cause"]
    assert (outage.name, outage.cases, outage.nps.responses) == ("Outage", 2, 1)
    assert (unset.name, unset.nps.promoters) == ("", 1)


def test_the_dashboard_shows_satisfaction_and_nps_by_category_and_root_cause(
    lists: None, case: Case, agent: Member, asker: Member
) -> None:
    case_update(case=case, actor=agent, category="billing", root_cause="outage", status="resolved")
    satisfaction_record(respondent=asker, case=case, score=4)
    nps_record(respondent=asker, score=10)

    page = logged_in(agent).get(reverse("staff-dashboard")).content.decode()

    section = page.split('id="case-labels"')[1].split("</section>")[0]
    assert '<th scope="col">Satisfaction</th><th scope="col">NPS</th>' in section
    billing = section.split('<th scope="row">Billing</th>')[1].split("</tr>")[0]
    assert billing == (
        '<td>1</td><td>4.0 <span class="muted small">(1)</span></td>'
        '<td>100 <span class="muted small">(1)</span></td>'
    )


# ---------------------------------------------------------------------------- the lists' API


@pytest.mark.parametrize(
    ("path", "kind"),
    [("/api/v1/case-categories/", "category"), ("/api/v1/case-root-causes/", "root_cause")],
)
def test_the_lists_api_gives_the_active_entries_to_staff_only(
    path: str, kind: str, agent: Member, moderator: Member, asker: Member
) -> None:
    taxonomy.case_label_create(actor=agent, kind=kind, name="Zebra =crossing")
    taxonomy.case_label_create(actor=agent, kind=kind, name="Apples")
    taxonomy.case_label_create(actor=agent, kind=kind, name="Retired one")
    taxonomy.case_label_update(actor=agent, kind=kind, slug="retired-one", active=False)

    response = api_client(agent).get(path)

    assert response.status_code == 200, response.content
    assert response.json() == [
        {"slug": "zebra-crossing", "name": "Zebra =crossing"},
        {"slug": "apples", "name": "Apples"},
    ]
    assert api_client(moderator).get(path).status_code == 200
    assert api_client(asker).get(path).status_code == 404
    assert api_client().get(path).status_code == 401
    assert api_client(agent).post(path, {"name": "x"}).status_code == 405


def test_the_lists_and_the_export_are_in_the_openapi_schema(agent: Member) -> None:
    schema = api_client(agent).get("/api/v1/schema/?format=json").json()
    for path in ("/api/v1/case-categories/", "/api/v1/case-root-causes/"):
        ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert ok["schema"]["type"] == "array"
    export_ok = schema["paths"]["/api/v1/insights/export/"]["get"]["responses"]["200"]
    assert set(export_ok["content"]) == {"application/json", "text/csv"}
    row = schema["components"]["schemas"]["InsightsExportRow"]
    assert {"board", "dimension", "key", "nps", "comments"} <= set(row["properties"])
