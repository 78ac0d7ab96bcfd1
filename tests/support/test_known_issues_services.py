"""Known issues, written through their services: opening, "I have this too", linking
questions (by staff and automatically), editing and resolving, matching titles, trending
alerts, and what staff learn from them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community.errors import Conflict
from community.models import Member, Tag
from support.insights.services import trending_alert_send
from support.known_issues import selectors, services
from support.known_issues.matching import match_score
from support.known_issues.models import (
    KnownIssue,
    KnownIssueMeToo,
    KnownIssueStatus,
    KnownIssueThread,
    TrendingAlert,
)
from tests.builders import ask, board_make, member_make
from tests.support.known_issues_helpers import ROAMING, issue_open, me_too

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------- opening


def test_staff_open_a_known_issue_with_a_sanitized_public_description(agent: Member) -> None:
    board = board_make("roaming")
    issue = issue_open(
        agent,
        description="**Calls fail** abroad <script>alert(1)</script>",
        boards=[board],
    )

    assert issue.status == KnownIssueStatus.INVESTIGATING
    assert "<strong>Calls fail</strong>" in issue.description_html
    assert "<script" not in issue.description_html
    assert [b.slug for b in issue.boards.all()] == ["roaming"]
    assert issue.created_by == agent and issue.resolved_at is None


def test_moderators_may_open_one_but_members_may_not(moderator: Member, asker: Member) -> None:
    assert issue_open(moderator).pk

    with pytest.raises(PermissionDenied):
        issue_open(asker)
    assert KnownIssue.objects.count() == 1


def test_a_title_too_short_is_refused(agent: Member) -> None:
    with pytest.raises(ValidationError) as error:
        issue_open(agent, title="  Oh  ")
    assert "title" in error.value.message_dict


def test_a_known_issue_opened_from_a_trending_alert_takes_its_board(agent: Member) -> None:
    board = board_make("outages")
    alert = TrendingAlert.objects.create(board=board, last_hour=9, ratio=None)

    issue = services.known_issue_create(actor=agent, title=ROAMING, from_alert=alert)

    assert issue.from_alert == alert
    assert list(issue.boards.all()) == [board]


def test_the_trending_alert_is_kept_so_a_known_issue_can_be_opened_from_it(
    asker: Member, agent: Member
) -> None:
    board = board_make("outages")
    for _ in range(4):
        ask(asker, board, title="No signal at all since noon")

    announced = trending_alert_send()

    assert [p.slug for p in announced] == ["outages"]
    alert = TrendingAlert.objects.get()
    assert (alert.board, alert.last_hour) == (board, 4)
    assert selectors.trending_alert_latest(kind="board", slug="outages") == alert
    assert selectors.trending_alert_latest(kind="board", slug="other") is None


# ---------------------------------------------------------------------------- I have this too


def test_i_have_this_too_counts_a_member_once(agent: Member, asker: Member, helper: Member) -> None:
    issue = issue_open(agent)

    assert services.known_issue_me_too(known_issue=issue, member=asker) is True
    assert services.known_issue_me_too(known_issue=issue, member=asker) is False
    assert services.known_issue_me_too(known_issue=issue, member=helper) is True

    issue.refresh_from_db()
    assert issue.me_too_count == 2
    assert KnownIssueMeToo.objects.filter(known_issue=issue).count() == 2


def test_taking_it_back_moves_the_count_down_once(agent: Member, asker: Member) -> None:
    issue = issue_open(agent)
    me_too(issue, asker)

    assert services.known_issue_me_too_withdraw(known_issue=issue, member=asker) is True
    assert services.known_issue_me_too_withdraw(known_issue=issue, member=asker) is False

    issue.refresh_from_db()
    assert issue.me_too_count == 0


def test_nobody_says_i_have_this_too_on_a_resolved_issue(agent: Member, asker: Member) -> None:
    issue = issue_open(agent)
    services.known_issue_edit(known_issue=issue, actor=agent, status=KnownIssueStatus.RESOLVED)
    issue.refresh_from_db()

    with pytest.raises(Conflict):
        services.known_issue_me_too(known_issue=issue, member=asker)


# ---------------------------------------------------------------------------- matching


@pytest.mark.parametrize(
    ("title", "matches"),
    [
        ("Roaming not working in Spain", True),
        ("roaming in spain??", True),
        ("Is there a roaming outage?", True),
        ("Roaming prices", False),
        ("My phone won't charge", False),
        ("", False),
    ],
)
def test_a_title_matches_when_it_shares_half_the_issues_words_and_two_at_least(
    title: str, matches: bool
) -> None:
    assert (match_score(issue_title=ROAMING, title=title) > 0) is matches


def test_matching_lists_open_issues_best_first_and_never_resolved_ones(agent: Member) -> None:
    roaming = issue_open(agent)
    broad = issue_open(agent, title="Roaming slow in Spain")
    closed = issue_open(agent, title="Roaming outage in Spain last year")
    services.known_issue_edit(known_issue=closed, actor=agent, status=KnownIssueStatus.RESOLVED)

    found = selectors.known_issues_matching(title="Roaming outage Spain")

    assert [m.known_issue.pk for m in found] == [roaming.pk, broad.pk]


# ---------------------------------------------------------------------------- linking


def test_a_new_matching_question_in_scope_is_linked_to_the_open_issue(
    agent: Member, asker: Member
) -> None:
    board, elsewhere = board_make("roaming"), board_make("billing")
    issue = issue_open(agent, boards=[board])

    linked = ask(asker, board, title="Roaming not working in Spain since today")
    other_board = ask(asker, elsewhere, title="Roaming not working in Spain, refund?")
    unrelated = ask(asker, board, title="How do I switch on roaming before I travel?")

    assert KnownIssueThread.objects.get(thread=linked).known_issue == issue
    assert KnownIssueThread.objects.get(thread=linked).linked_by is None  # automatic
    assert not KnownIssueThread.objects.filter(thread__in=[other_board, unrelated]).exists()


def test_an_issue_scoped_by_tag_links_questions_with_the_tag_on_any_board(
    agent: Member, asker: Member
) -> None:
    tag = Tag.objects.create(slug="esim", name="eSIM")
    issue = issue_open(agent, title="eSIM activation failing", tags=[tag])

    tagged = ask(asker, title="eSIM activation failing after the update", tags=["esim"])
    untagged = ask(asker, title="eSIM activation failing on my tablet")

    assert KnownIssueThread.objects.get(thread=tagged).known_issue == issue
    assert not KnownIssueThread.objects.filter(thread=untagged).exists()


def test_a_resolved_issue_links_no_new_questions(agent: Member, asker: Member) -> None:
    issue = issue_open(agent)
    services.known_issue_edit(known_issue=issue, actor=agent, status=KnownIssueStatus.RESOLVED)

    thread = ask(asker, title="Roaming not working in Spain")

    assert not KnownIssueThread.objects.filter(thread=thread).exists()


def test_staff_link_unlink_and_move_a_question(agent: Member, asker: Member) -> None:
    first = issue_open(agent)
    second = issue_open(agent, title="Voicemail greeting lost after update")
    thread = ask(asker, title="Something odd with my account")

    assert services.known_issue_thread_link(known_issue=first, thread=thread, actor=agent)
    assert not services.known_issue_thread_link(known_issue=first, thread=thread, actor=agent)
    assert services.known_issue_thread_link(known_issue=second, thread=thread, actor=agent)
    link = KnownIssueThread.objects.get(thread=thread)
    assert (link.known_issue, link.linked_by) == (second, agent)

    services.known_issue_thread_unlink(known_issue=second, thread=thread, actor=agent)
    assert not KnownIssueThread.objects.filter(thread=thread).exists()
    with pytest.raises(ValidationError):
        services.known_issue_thread_unlink(known_issue=second, thread=thread, actor=agent)


def test_members_cannot_link_questions(agent: Member, asker: Member) -> None:
    issue = issue_open(agent)
    thread = ask(asker, title="Something odd with my account")

    with pytest.raises(PermissionDenied):
        services.known_issue_thread_link(known_issue=issue, thread=thread, actor=asker)


# ---------------------------------------------------------------------------- editing


def test_resolving_stamps_the_time_and_reopening_clears_it(agent: Member) -> None:
    issue = issue_open(agent)

    services.known_issue_edit(known_issue=issue, actor=agent, status=KnownIssueStatus.RESOLVED)
    issue.refresh_from_db()
    assert issue.resolved_at is not None and not issue.is_open

    services.known_issue_edit(known_issue=issue, actor=agent, status=KnownIssueStatus.MONITORING)
    issue.refresh_from_db()
    assert issue.resolved_at is None and issue.is_open


def test_an_update_is_dated_sanitized_and_carries_the_status(agent: Member) -> None:
    issue = issue_open(agent)
    services.known_issue_edit(known_issue=issue, actor=agent, status=KnownIssueStatus.IDENTIFIED)

    update = services.known_issue_update_post(
        known_issue=issue, actor=agent, body="A faulty *router* <img src=x onerror=alert(1)>"
    )

    assert update.status == KnownIssueStatus.IDENTIFIED
    assert "<em>router</em>" in update.body_html and "<img" not in update.body_html
    with pytest.raises(ValidationError):
        services.known_issue_update_post(known_issue=issue, actor=agent, body="   ")


# ---------------------------------------------------------------------------- counts


def test_impact_counts_absorbed_questions_and_saved_escalations_per_issue(
    agent: Member, asker: Member
) -> None:
    issue = issue_open(agent)
    quiet = issue_open(agent, title="Voicemail greeting lost after update")
    threads = [ask(asker, title=f"Roaming outage in Spain day {n}") for n in range(3)]
    services.known_issue_escalations_saved_record(
        held=[(threads[0].pk, issue.pk), (threads[1].pk, issue.pk)], reason="sla_unanswered"
    )
    # The same question held back again (the scan runs every minute) counts once.
    services.known_issue_escalations_saved_record(
        held=[(threads[0].pk, issue.pk)], reason="sla_unanswered"
    )

    impact = {row.known_issue.pk: row for row in selectors.known_issue_impact()}

    assert (impact[issue.pk].absorbed_threads, impact[issue.pk].escalations_saved) == (3, 2)
    assert (impact[quiet.pk].absorbed_threads, impact[quiet.pk].escalations_saved) == (0, 0)


def test_the_summary_lists_issues_open_in_the_period_with_their_numbers(
    agent: Member, asker: Member, helper: Member
) -> None:
    now = timezone.now()
    old = issue_open(agent, title="Voicemail greeting lost after update")
    services.known_issue_edit(known_issue=old, actor=agent, status=KnownIssueStatus.RESOLVED)
    KnownIssue.objects.filter(pk=old.pk).update(
        created_at=now - timedelta(days=60), resolved_at=now - timedelta(days=40)
    )
    issue = issue_open(agent)
    me_too(issue, asker, helper)
    ask(asker, title="Roaming outage in Spain again")

    until = timezone.now()
    summary = selectors.known_issue_summary(since=now - timedelta(days=7), until=until)

    assert summary == [{"id": issue.pk, "absorbed_threads": 1, "me_too_count": 2}]
    assert [
        row["id"]
        for row in selectors.known_issue_summary(since=now - timedelta(days=90), until=until)
    ] == [issue.pk, old.pk]


def test_who_hears_of_the_resolution_subscribers_and_askers_once_each(
    agent: Member, asker: Member, helper: Member
) -> None:
    issue = issue_open(agent)
    me_too(issue, asker, helper)
    ask(asker, title="Roaming outage in Spain, me too")
    other = member_make("otto")
    ask(other, title="Roaming outage in Spain still?")
    gone = member_make("gone", is_active=False)
    KnownIssueMeToo.objects.create(known_issue=issue, member=gone)  # before they left

    affected = set(
        selectors.known_issue_affected_ids(known_issue_id=issue.pk).values_list("pk", flat=True)
    )
    subscribers = set(
        selectors.known_issue_subscriber_ids(known_issue_id=issue.pk).values_list("pk", flat=True)
    )

    assert affected == {asker.pk, helper.pk, other.pk}
    assert subscribers == {asker.pk, helper.pk}
