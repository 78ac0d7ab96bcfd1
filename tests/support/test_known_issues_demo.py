"""The demo's known issues: one resolved and one open, with linked questions and members who
have them and the escalations they saved; seeding twice changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from community.models import Member
from support.known_issues.demo import DEMO_KNOWN_ISSUES, demo_known_issues_ensure
from support.known_issues.models import KnownIssue, KnownIssueSavedEscalation, KnownIssueStatus
from support.known_issues.selectors import known_issue_impact
from tests.builders import agent_make, ask, board_make, logged_in, member_make

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_resolved_and_an_open_issue_with_questions_and_me_toos() -> None:
    agent_make("agnes")
    members = [member_make(f"demo{n}") for n in range(6)]
    boards = {slug: board_make(slug) for slug in ("network", "sim-esim")}
    for n, spec in enumerate(DEMO_KNOWN_ISSUES):
        for title in spec.threads:
            ask(members[n], boards[spec.board], title=title)

    demo_known_issues_ensure()
    demo_known_issues_ensure()

    resolved = KnownIssue.objects.get(status=KnownIssueStatus.RESOLVED)
    still_open = KnownIssue.objects.exclude(status=KnownIssueStatus.RESOLVED).get()
    for issue, spec in ((resolved, DEMO_KNOWN_ISSUES[0]), (still_open, DEMO_KNOWN_ISSUES[1])):
        assert issue.thread_links.count() == len(spec.threads)
        assert issue.me_too_count == spec.me_toos == issue.me_toos.count()
        assert issue.updates.count() == len(spec.updates)
    assert resolved.resolved_at is not None and still_open.is_open
    # The scan held the linked questions back: each issue saved their escalations, once.
    impact = {row.known_issue.pk: row for row in known_issue_impact()}
    for issue in (resolved, still_open):
        assert impact[issue.pk].escalations_saved == issue.thread_links.count() == 2
    assert KnownIssueSavedEscalation.objects.count() == 4


def test_the_dashboard_shows_what_the_demo_issues_absorbed_and_saved(
    db: None, settings: Any
) -> None:
    settings.MFA_REQUIRED_FOR_STAFF = False  # agnes has not set up her second factor
    call_command("seed_demo", "--no-progress")

    agnes = Member.objects.get(username="agnes")
    html = logged_in(agnes).get(reverse("staff-dashboard")).content.decode()

    for issue in KnownIssue.objects.all():
        row = html.split(f'data-known-issue="{issue.pk}"', 1)[1].split("</tr>", 1)[0]
        absorbed = row.split("data-absorbed>", 1)[1].split("<", 1)[0]
        saved = row.split("data-saved>", 1)[1].split("<", 1)[0]
        assert int(absorbed) > 0 and int(saved) > 0, issue.title
