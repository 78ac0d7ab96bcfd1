"""The demo's known issues: one resolved and one open, with linked questions and members who
have them; seeding twice changes nothing."""

from __future__ import annotations

import pytest

from support.known_issues.demo import DEMO_KNOWN_ISSUES, demo_known_issues_ensure
from support.known_issues.models import KnownIssue, KnownIssueStatus
from tests.builders import agent_make, ask, board_make, member_make

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
