"""The staff dashboard page and its CSV export: who may see them, and what they show."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import Member, Thread
from support.insights.charts import bar_chart, line_chart, nice_step
from support.insights.views import CSV_COLUMNS
from tests import builders
from tests.builders import AN_HOUR, ask
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("staff-dashboard")
EXPORT = reverse("staff-dashboard-export")


@pytest.fixture
def activity(asker: Member, helper: Member) -> Thread:
    """A question asked yesterday, answered after 30 minutes and solved after 2 hours."""
    thread = ask(author=asker, ago=AN_HOUR)
    answer = builders.answer(thread=thread, author=helper, ago=AN_HOUR)
    services.solution_accept(thread=thread, post=answer, actor=asker)
    asked = timezone.now() - timedelta(days=1)
    Thread.objects.filter(pk=thread.pk).update(
        created_at=asked,
        first_answer_at=asked + timedelta(minutes=30),
        solved_at=asked + timedelta(hours=2),
    )
    return thread


@pytest.mark.parametrize("url", [DASHBOARD, EXPORT])
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url", [DASHBOARD, EXPORT])
@pytest.mark.parametrize("persona", ["asker", "helper", "outsider"])
def test_members_who_are_not_agents_or_moderators_get_404(
    client: Client, url: str, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url).status_code == 404


def test_an_admin_site_user_without_a_staff_role_gets_404(client: Client) -> None:
    client.force_login(MemberFactory.create(is_staff=True))
    assert client.get(DASHBOARD).status_code == 404


@pytest.mark.parametrize("url", [DASHBOARD, EXPORT])
@pytest.mark.parametrize("persona", ["agent", "moderator"])
def test_agents_and_moderators_see_the_dashboard(
    client: Client, url: str, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_superusers_see_the_dashboard(client: Client) -> None:
    client.force_login(MemberFactory.create(is_superuser=True, is_staff=True))
    assert client.get(DASHBOARD).status_code == 200


def test_the_dashboard_shows_the_figures_and_the_period_selector(
    client: Client, agent: Member, activity: Thread
) -> None:
    client.force_login(agent)
    html = client.get(DASHBOARD, {"days": "7"}).content.decode()
    assert 'data-metric="questions">1<' in html
    assert 'data-metric="community-solved-share">100%<' in html
    assert 'data-metric="first-answer-median">30 min<' in html
    assert 'data-metric="solution-median">2.0 h<' in html
    assert 'href="/support/dashboard/?days=7" aria-current="page"' in html
    for days in (30, 90):
        assert f'href="/support/dashboard/?days={days}"' in html
    assert f'href="{EXPORT}?days=7"' in html
    assert "Hugo Helper" in html  # the top helper


@pytest.mark.parametrize("days", ["14", "abc", ""])
def test_an_unknown_period_falls_back_to_thirty_days(
    client: Client, agent: Member, days: str
) -> None:
    client.force_login(agent)
    html = client.get(DASHBOARD, {"days": days}).content.decode()
    assert 'href="/support/dashboard/?days=30" aria-current="page"' in html


def test_the_charts_are_inline_svg_with_no_external_urls(
    client: Client, agent: Member, activity: Thread
) -> None:
    client.force_login(agent)
    html = client.get(DASHBOARD, {"days": "30"}).content.decode()
    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    charts = [svg for svg in svgs if "data-chart=" in svg]
    assert len(charts) == 3
    for svg in charts:
        assert "http" not in svg and "href" not in svg and "url(" not in svg
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
        assert "<text" in svg  # axis labels
    assert "<rect" in charts[0] and "<polyline" in charts[1] and "<circle" in charts[2]
    assert "<script" not in html.split('<main id="main"', 1)[1]
    # The data-table alternative for every chart.
    assert html.count('class="chart-data"') == 3


def test_svg_coordinates_keep_a_decimal_point_in_italian(
    client: Client, agent: Member, activity: Thread
) -> None:
    client.force_login(agent)
    html = client.get(DASHBOARD, {"days": "7"}, HTTP_ACCEPT_LANGUAGE="it").content.decode()
    svgs = "".join(re.findall(r"<svg .*?</svg>", html, flags=re.S))
    coordinates = re.findall(r' (?:x|y|x1|x2|y1|y2|cx|cy|width|height)="([^"]*)"', svgs)
    assert coordinates and all("," not in value for value in coordinates)


def test_the_csv_has_one_row_a_day_and_a_proper_filename(
    client: Client, moderator: Member, activity: Thread
) -> None:
    client.force_login(moderator)
    response = client.get(EXPORT, {"days": "7"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="mutua-dashboard-7d-{today.isoformat()}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == CSV_COLUMNS
    assert len(rows) == 1 + 7
    assert rows[1][0] == (today - timedelta(days=6)).isoformat()
    assert rows[-1][0] == today.isoformat()
    asked = timezone.localtime(timezone.now() - timedelta(days=1)).date().isoformat()
    [row] = [r for r in rows[1:] if r[0] == asked]
    assert row == [asked, "1", "1", "1", "100.0", "1", "0", "30.0"]
    assert all(r[1:4] == ["0", "0", "0"] and r[4] == "" for r in rows[1:] if r[0] != asked)


def test_nice_steps_are_round_numbers() -> None:
    assert nice_step(0, whole=True) == 1
    assert nice_step(3, whole=True) == 1
    assert nice_step(10, whole=True) == 5
    assert nice_step(100) == 25
    assert nice_step(37) == 10


def test_a_line_chart_breaks_where_a_day_has_no_value() -> None:
    today = timezone.localdate()
    days = [today - timedelta(days=n) for n in (3, 2, 1, 0)]
    chart = line_chart(
        slug="t",
        title="T",
        desc="D",
        y_label="Y",
        value_heading="V",
        days=days,
        values=[1.0, 2.0, None, 4.0],
        fmt=str,
        missing="none",
    )
    assert len(chart.lines) == 2 and len(chart.points) == 3
    assert [value for _day, value in chart.rows] == ["1.0", "2.0", "none", "4.0"]
    assert chart.y_ticks[0].at == chart.bottom  # zero sits on the axis


def test_a_bar_chart_draws_no_bar_for_zero_but_lists_it_in_the_table() -> None:
    today = timezone.localdate()
    chart = bar_chart(
        slug="b",
        title="B",
        desc="D",
        y_label="Y",
        value_heading="V",
        days=[today - timedelta(days=1), today],
        values=[0, 4],
        describe=str,
    )
    assert len(chart.bars) == 1 and chart.bars[0].y == chart.top
    assert chart.rows[0][1] == "0"
