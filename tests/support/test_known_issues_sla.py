"""The SLA scan leaves to a known issue the questions it stands for: linked ones, and those of
members who have the issue, on its boards. They are counted as escalations saved, once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community.models import Member
from support.cases.models import Case
from support.cases.sla import escalate_overdue
from support.known_issues import selectors, services
from support.known_issues.models import KnownIssueSavedEscalation, KnownIssueStatus
from tests.builders import ask, board_make, member_make
from tests.support.known_issues_helpers import issue_open, me_too

pytestmark = pytest.mark.django_db

TWO_HOURS = timedelta(hours=2)


def test_linked_questions_and_those_of_members_who_have_it_are_not_escalated_one_by_one(
    agent: Member, asker: Member, helper: Member
) -> None:
    board, elsewhere = board_make("roaming"), board_make("billing")
    issue = issue_open(agent, boards=[board])
    linked = ask(asker, board, title="Roaming not working in Spain", ago=TWO_HOURS)
    me_too(issue, helper)
    followers_question = ask(helper, board, title="Calls drop when abroad", ago=TWO_HOURS)
    followers_other_board = ask(helper, elsewhere, title="Bill is too high", ago=TWO_HOURS)
    stranger = ask(member_make("stranger"), board, title="Calls drop abroad", ago=TWO_HOURS)

    report = escalate_overdue()
    again = escalate_overdue()

    escalated = set(Case.objects.values_list("thread_id", flat=True))
    assert escalated == {followers_other_board.pk, stranger.pk}
    assert report.unanswered == 2 and report.held_back == 2 and again.held_back == 2
    saved = set(KnownIssueSavedEscalation.objects.values_list("thread_id", "known_issue_id"))
    assert saved == {(linked.pk, issue.pk), (followers_question.pk, issue.pk)}
    (impact,) = selectors.known_issue_impact()
    assert (impact.absorbed_threads, impact.escalations_saved) == (1, 2)


def test_once_resolved_members_questions_escalate_again_but_linked_ones_stay_with_the_issue(
    agent: Member, asker: Member, helper: Member
) -> None:
    board = board_make("roaming")
    issue = issue_open(agent, boards=[board])
    linked = ask(asker, board, title="Roaming not working in Spain", ago=TWO_HOURS)
    me_too(issue, helper)
    followers_question = ask(helper, board, title="Calls drop when abroad", ago=TWO_HOURS)
    services.known_issue_edit(known_issue=issue, actor=agent, status=KnownIssueStatus.RESOLVED)

    escalate_overdue()

    assert set(Case.objects.values_list("thread_id", flat=True)) == {followers_question.pk}
    assert not Case.objects.filter(thread=linked).exists()
