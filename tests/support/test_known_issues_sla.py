"""The SLA scan leaves to a known issue the questions it stands for: linked ones, and those of
members who have the issue, in its scope (its boards or its tags; anywhere when it names
neither). They are counted as escalations saved, once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community.models import Member, Tag
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


def test_an_issue_scoped_by_tags_holds_its_followers_tagged_questions_on_any_board(
    agent: Member, helper: Member
) -> None:
    esim = Tag.objects.create(slug="esim", name="eSIM")
    Tag.objects.create(slug="billing", name="Billing")
    board, elsewhere = board_make("roaming"), board_make("devices")
    issue = issue_open(agent, title="eSIM activation failing", tags=[esim])
    me_too(issue, helper)
    tagged = ask(helper, board, title="My eSIM will not start", tags=["esim"], ago=TWO_HOURS)
    tagged_too = ask(
        helper, elsewhere, title="Activation stuck", tags=["billing", "esim"], ago=TWO_HOURS
    )
    untagged = ask(helper, board, title="Bill is too high", ago=TWO_HOURS)
    other_tag = ask(helper, elsewhere, title="Charged twice", tags=["billing"], ago=TWO_HOURS)

    report = escalate_overdue()

    assert set(Case.objects.values_list("thread_id", flat=True)) == {untagged.pk, other_tag.pk}
    assert report.held_back == 2
    saved = set(KnownIssueSavedEscalation.objects.values_list("thread_id", "known_issue_id"))
    assert saved == {(tagged.pk, issue.pk), (tagged_too.pk, issue.pk)}


def test_an_issue_scoped_by_boards_and_tags_holds_a_question_matching_either(
    agent: Member, helper: Member
) -> None:
    esim = Tag.objects.create(slug="esim", name="eSIM")
    board, elsewhere = board_make("roaming"), board_make("devices")
    issue = issue_open(agent, boards=[board], tags=[esim])
    me_too(issue, helper)
    on_board = ask(helper, board, title="Calls drop abroad", ago=TWO_HOURS)
    tagged = ask(helper, elsewhere, title="eSIM lost abroad", tags=["esim"], ago=TWO_HOURS)
    neither = ask(helper, elsewhere, title="Screen cracked", ago=TWO_HOURS)

    escalate_overdue()

    assert set(Case.objects.values_list("thread_id", flat=True)) == {neither.pk}
    saved = set(KnownIssueSavedEscalation.objects.values_list("thread_id", flat=True))
    assert saved == {on_board.pk, tagged.pk}


def test_a_site_wide_issue_holds_its_followers_questions_everywhere_and_nobody_elses(
    agent: Member, asker: Member, helper: Member
) -> None:
    Tag.objects.create(slug="login", name="Login")
    board, elsewhere = board_make("roaming"), board_make("devices")
    issue = issue_open(agent, title="Login fails for everyone")
    me_too(issue, helper)
    here = ask(helper, board, title="Cannot sign in", ago=TWO_HOURS)
    there = ask(helper, elsewhere, title="Stuck at the login page", tags=["login"], ago=TWO_HOURS)
    strangers = ask(asker, board, title="Cannot sign in either", ago=TWO_HOURS)

    report = escalate_overdue()

    assert set(Case.objects.values_list("thread_id", flat=True)) == {strangers.pk}
    assert report.held_back == 2
    saved = set(KnownIssueSavedEscalation.objects.values_list("thread_id", "known_issue_id"))
    assert saved == {(here.pk, issue.pk), (there.pk, issue.pk)}
    assert selectors.covers(issue, board_id=board.pk, tag_ids=set())


def test_a_resolved_tag_or_site_wide_issue_holds_nobody(agent: Member, helper: Member) -> None:
    esim = Tag.objects.create(slug="esim", name="eSIM")
    board = board_make("roaming")
    by_tag = issue_open(agent, title="eSIM activation failing", tags=[esim])
    site_wide = issue_open(agent, title="Login fails for everyone")
    me_too(by_tag, helper)
    me_too(site_wide, helper)
    for issue in (by_tag, site_wide):
        services.known_issue_edit(known_issue=issue, actor=agent, status=KnownIssueStatus.RESOLVED)
    tagged = ask(helper, board, title="My eSIM will not start", tags=["esim"], ago=TWO_HOURS)

    escalate_overdue()

    assert set(Case.objects.values_list("thread_id", flat=True)) == {tagged.pk}
    assert not KnownIssueSavedEscalation.objects.exists()
