"""Clicks on "I have this too" released together (PostgreSQL only): the unique row decides,
so a member counts once however many clicks arrive at the same instant."""

from __future__ import annotations

from functools import partial

from support.known_issues import services
from support.known_issues.models import KnownIssue, KnownIssueMeToo
from tests.builders import agent_make, member_make
from tests.concurrency import requires_postgresql, run_at_once, transactional
from tests.support.known_issues_helpers import issue_open

pytestmark = [requires_postgresql, transactional]


def test_simultaneous_clicks_by_one_member_count_once() -> None:
    issue = issue_open(agent_make("agnes"))
    member = member_make("clicker")

    results, errors = run_at_once(
        [partial(services.known_issue_me_too, known_issue=issue, member=member)] * 6
    )

    assert errors == []
    assert sorted(results) == [False] * 5 + [True]
    assert KnownIssueMeToo.objects.filter(known_issue=issue).count() == 1
    assert KnownIssue.objects.get(pk=issue.pk).me_too_count == 1


def test_a_crowd_clicking_at_once_is_counted_exactly() -> None:
    issue = issue_open(agent_make("agnes"))
    crowd = [member_make(f"crowd{n}") for n in range(8)]

    results, errors = run_at_once(
        [partial(services.known_issue_me_too, known_issue=issue, member=m) for m in crowd * 2]
    )

    assert errors == [] and results.count(True) == 8
    assert KnownIssue.objects.get(pk=issue.pk).me_too_count == 8
