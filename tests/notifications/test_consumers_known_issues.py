"""/ws/announcements/ carries known issues too: every open page, visitors' included, hears
when a banner's issue changes (an update, its status, a "me too"; the id only: the page
fetches its banner again), once the write commits; linking a question is not heard."""

from __future__ import annotations

from typing import Any

from support.known_issues import services
from support.known_issues.models import KnownIssue, KnownIssueStatus
from tests.builders import agent_make, ask, board_make, member_make
from tests.notifications.live_helpers import (
    connect,
    in_thread,
    live_socket_tests,
    nothing_more,
    receive,
)
from tests.support.known_issues_helpers import issue_open

pytestmark = live_socket_tests


def an_open_issue() -> tuple[Any, KnownIssue]:
    staff = agent_make()
    return staff, issue_open(staff, boards=[board_make("roaming")])


async def test_an_update_a_me_too_and_the_resolution_are_heard_by_every_open_page() -> None:
    staff, issue = await in_thread(an_open_issue)()
    visitor = await connect("/ws/announcements/")
    member = await in_thread(member_make)()
    expected = {"type": "known_issue.changed", "id": issue.pk}

    await in_thread(services.known_issue_update_post)(
        known_issue=issue, actor=staff, body="The provider has found the fault."
    )
    assert await receive(visitor) == expected
    await in_thread(services.known_issue_me_too)(known_issue=issue, member=member)
    assert await receive(visitor) == expected
    await in_thread(services.known_issue_edit)(
        known_issue=issue, actor=staff, status=KnownIssueStatus.RESOLVED
    )
    assert await receive(visitor) == expected
    assert await nothing_more(visitor)
    await visitor.disconnect()


async def test_linking_a_question_or_an_unchanged_edit_says_nothing() -> None:
    staff, issue = await in_thread(an_open_issue)()
    page = await connect("/ws/announcements/")

    question = await in_thread(ask)(await in_thread(member_make)(), title="Phone is slow")
    await in_thread(services.known_issue_thread_link)(
        known_issue=issue, thread=question, actor=staff
    )
    await in_thread(services.known_issue_edit)(known_issue=issue, actor=staff, status=issue.status)

    assert await nothing_more(page)
    await page.disconnect()
