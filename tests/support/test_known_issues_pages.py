"""Known issues on the site: the list and the issue's page, the banners on boards, questions
and the ask page, "I have this too" in one click (HTMX), the staff's forms, the dashboard."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from community.models import Member
from support.known_issues import services
from support.known_issues.models import (
    KnownIssue,
    KnownIssueMeToo,
    KnownIssueStatus,
    KnownIssueThread,
)
from tests.builders import ask, board_make, logged_in
from tests.support.known_issues_helpers import ROAMING, issue_open, me_too

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def test_the_list_shows_open_and_resolved_issues_to_visitors(agent: Member) -> None:
    issue_open(agent)
    old = issue_open(agent, title="Voicemail greeting lost after update")
    services.known_issue_edit(known_issue=old, actor=agent, status=KnownIssueStatus.RESOLVED)

    page = Client().get("/known-issues/").content.decode()

    open_part, resolved_part = page.split('data-known-issue-list="resolved"')
    assert ROAMING in open_part and "Voicemail greeting lost" in resolved_part
    assert "Open a known issue" not in page  # staff only


def test_the_issue_page_shows_updates_linked_questions_and_the_count(
    agent: Member, asker: Member
) -> None:
    issue = issue_open(agent, description="Calls *fail* abroad.")
    services.known_issue_update_post(known_issue=issue, actor=agent, body="Router **fixed**.")
    thread = ask(asker, title="Roaming outage in Spain since noon")
    me_too(issue, asker)

    response = Client().get(issue.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert "<em>fail</em>" in page and "<strong>fixed</strong>" in page
    assert thread.get_absolute_url() in page
    assert "1 member has this" in page and "Sign in to say you have it too" in page
    assert Client().get(f"/known-issues/{issue.pk}/wrong-slug/").status_code == 301


def test_i_have_this_too_in_one_click_moves_the_count_and_is_idempotent(
    agent: Member, asker: Member
) -> None:
    issue = issue_open(agent)
    client = logged_in(asker)

    first = client.post(f"/known-issues/{issue.pk}/me-too/", headers=HTMX)
    again = client.post(f"/known-issues/{issue.pk}/me-too/", headers=HTMX)

    assert first.status_code == 200 and 'aria-pressed="true"' in first.content.decode()
    assert "1 member has this" in again.content.decode()
    assert KnownIssueMeToo.objects.filter(known_issue=issue, member=asker).count() == 1
    withdrawn = client.post(
        f"/known-issues/{issue.pk}/me-too/", {"action": "withdraw"}, headers=HTMX
    )
    assert "0 members have this" in withdrawn.content.decode()
    plain = client.post(f"/known-issues/{issue.pk}/me-too/", {"next": "//evil.example/"})
    assert plain.status_code == 302 and plain["Location"] == issue.get_absolute_url()


def test_banners_on_the_board_the_question_and_the_ask_page(agent: Member, asker: Member) -> None:
    board, elsewhere = board_make("roaming"), board_make("billing")
    issue = issue_open(agent, boards=[board])
    linked = ask(asker, board, title="Roaming not working in Spain since noon")
    other = ask(asker, elsewhere, title="Why is my bill so high this month")

    assert ROAMING in Client().get(board.get_absolute_url()).content.decode()
    assert ROAMING not in Client().get(elsewhere.get_absolute_url()).content.decode()
    linked_page = logged_in(asker).get(linked.get_absolute_url()).content.decode()
    assert (
        "This question is about a known issue" in linked_page and "I have this too" in linked_page
    )
    assert "data-known-issue" not in Client().get(other.get_absolute_url()).content.decode()
    ask_page = logged_in(asker).get("/ask/").content.decode()
    assert ROAMING in ask_page and 'hx-get="/known-issues/matching/"' in ask_page

    services.known_issue_edit(known_issue=issue, actor=agent, status=KnownIssueStatus.RESOLVED)
    resolved_page = Client().get(linked.get_absolute_url()).content.decode()
    assert "This was a known issue, now resolved" in resolved_page
    assert ROAMING not in Client().get(board.get_absolute_url()).content.decode()


def test_a_question_matching_by_title_shows_an_issue_opened_or_closed_at_once(
    agent: Member, asker: Member, django_capture_on_commit_callbacks: Any
) -> None:
    """The open issues' titles come from the cache; opening, renaming or closing one replaces
    them, and the visitors' stored pages of the questions they match too."""
    thread = ask(asker, title="Roaming outage in Spain again today")
    url = thread.get_absolute_url()
    visitor, member = Client(), logged_in(asker)
    assert "data-known-issue" not in visitor.get(url).content.decode()
    assert visitor.get(url)["X-Page-Cache"] == "hit"
    assert "data-known-issue" not in member.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        issue = issue_open(agent)
    assert "data-known-issue" in visitor.get(url).content.decode()
    assert "data-known-issue" in member.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.known_issue_edit(known_issue=issue, actor=agent, title="Voicemail greeting lost")

    assert "data-known-issue" not in visitor.get(url).content.decode()
    assert "data-known-issue" not in member.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.known_issue_edit(known_issue=issue, actor=agent, title=ROAMING)
    assert "data-known-issue" in member.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.known_issue_edit(known_issue=issue, actor=agent, status=KnownIssueStatus.RESOLVED)

    assert "data-known-issue" not in visitor.get(url).content.decode()
    assert "data-known-issue" not in member.get(url).content.decode()


def test_the_ask_page_shows_the_matching_issue_first_as_the_title_is_typed(
    agent: Member, asker: Member
) -> None:
    issue = issue_open(agent)
    me_too(issue, asker)

    found = logged_in(asker).get("/known-issues/matching/", {"title": "roaming spain broken"})
    nothing = logged_in(asker).get("/known-issues/matching/", {"title": "my bill"})

    page = found.content.decode()
    assert ROAMING in page and "You have this too" in page and "csrfmiddlewaretoken" in page
    assert nothing.content.decode().strip() == ""


def test_staff_open_edit_update_link_and_unlink_from_the_pages(
    agent: Member, asker: Member
) -> None:
    board_make("roaming")
    staff = logged_in(agent)
    assert staff.get("/known-issues/new/?board=roaming").status_code == 200

    created = staff.post(
        "/known-issues/new/",
        {"title": ROAMING, "description": "Calls fail.", "boards": ["roaming"]},
    )
    issue = KnownIssue.objects.get()
    assert created.status_code == 302 and created["Location"] == issue.get_absolute_url()
    thread = ask(asker, title="Something odd with my account today")
    staff.post(f"/known-issues/{issue.pk}/threads/", {"thread": thread.pk})
    assert KnownIssueThread.objects.get(thread=thread).known_issue == issue
    staff.post(f"/known-issues/{issue.pk}/updates/", {"body": "Engineers are on it."})
    assert issue.updates.get().body == "Engineers are on it."
    staff.post(
        f"/known-issues/{issue.pk}/edit/",
        {
            "title": ROAMING,
            "description": "Calls fail.",
            "status": "resolved",
            "boards": ["roaming"],
        },
    )
    issue.refresh_from_db()
    assert issue.status == KnownIssueStatus.RESOLVED
    staff.post(f"/known-issues/{issue.pk}/threads/{thread.pk}/unlink/")
    assert not KnownIssueThread.objects.exists()
    bad = staff.post("/known-issues/new/", {"title": "Oh"})
    assert bad.status_code == 400
    assert logged_in(asker).get("/known-issues/new/").status_code == 404


def test_the_dashboard_counts_per_issue_and_opens_one_from_a_trend_in_one_click(
    agent: Member, asker: Member
) -> None:
    board = board_make("outages", name="Outages")
    issue = issue_open(agent)
    ask(asker, title="Roaming outage in Spain right now")
    staff = logged_in(agent)

    page = staff.get("/support/dashboard/").content.decode()
    row = page.split(f'data-known-issue="{issue.pk}"')[1].split("</tr>")[0]
    assert "data-absorbed>1<" in row and "data-saved>0<" in row

    response = staff.post("/known-issues/from-trending/", {"kind": "board", "slug": "outages"})
    opened = KnownIssue.objects.exclude(pk=issue.pk).get()
    assert response["Location"] == opened.get_absolute_url()
    assert opened.title == "Problems with Outages" and list(opened.boards.all()) == [board]
    assert logged_in(asker).post("/known-issues/from-trending/").status_code == 404


def test_each_banner_says_where_to_fetch_itself_again_and_the_fragments_follow_the_issue(
    agent: Member, asker: Member
) -> None:
    board = board_make("roaming")
    issue = issue_open(agent, boards=[board])
    linked = ask(asker, board, title="Roaming not working in Spain since noon")
    banner_url = f"/known-issues/{issue.pk}/banner/?linked=1"
    list_url = "/known-issues/banners/?board=roaming"

    thread_page = logged_in(asker).get(linked.get_absolute_url()).content.decode()
    board_page = Client().get(board.get_absolute_url()).content.decode()
    ask_page = logged_in(asker).get("/ask/").content.decode()
    assert f'hx-get="{banner_url}"' in thread_page and "data-live-known-issues" in thread_page
    assert f'hx-get="{list_url}"' in board_page
    assert 'hx-get="/known-issues/banners/"' in ask_page
    assert 'hx-trigger="input changed delay:300ms from:#id_title, load, known-issue-changed"' in (
        ask_page
    )

    services.known_issue_me_too(known_issue=issue, member=asker)
    services.known_issue_update_post(known_issue=issue, actor=agent, body="A fix is on its way.")
    banner = logged_in(asker).get(banner_url).content.decode()
    assert banner.lstrip().startswith("<div data-live-known-issues")
    assert "This question is about a known issue" in banner and "A fix is on its way." in banner
    assert "You have this too" in banner and "1 member has this" in banner
    assert "<link" not in banner  # the page has the stylesheet already
    listed = Client().get(list_url).content.decode()
    assert f'data-known-issue="{issue.pk}"' in listed and "1 member has this" in listed

    services.known_issue_edit(known_issue=issue, actor=agent, status=KnownIssueStatus.RESOLVED)
    resolved = Client().get(banner_url).content.decode()
    assert "This was a known issue, now resolved" in resolved and "I have this too" not in resolved
    emptied = Client().get(list_url).content.decode()
    assert "data-live-known-issues" in emptied and ROAMING not in emptied  # nothing open
    assert Client().get("/known-issues/banners/?board=nowhere").status_code == 404
    assert Client().get("/known-issues/999999/banner/").status_code == 404
