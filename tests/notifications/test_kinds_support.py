"""Who hears about cases, SLA breaches, moderation, satisfaction and trending problems.

Driven through support's services: case_escalate/case_open (and the SLA scan), case_update,
case_message_post, escalate_overdue, the moderation services, and the trending alert.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import Member, Tag, Thread
from notifications.messages import message_for
from notifications.models import Kind
from support import events as support_events
from support.cases.models import Case, CaseStatus, SLAPolicy
from support.cases.services import (
    agent_availability_set,
    case_escalate,
    case_message_post,
    case_update,
)
from support.cases.sla import escalate_overdue
from support.experts.services import expert_routing_run, helper_settings_update
from support.insights.services import alert_key, trending_alert_send
from support.insights.trending import TrendingProblem, trending_problems
from support.moderation import sanctions
from support.moderation import services as moderation
from support.satisfaction.services import ask_after, satisfaction_ask_due
from tests.builders import agent_make, answer, ask, board_make, member_make
from tests.notifications.kinds_helpers import (
    PHONE,
    assert_message,
    kinds_of,
    mark,
    of,
    only,
    recipients,
)

pytestmark = pytest.mark.django_db


def escalated(thread: Thread, actor: Member) -> Case:
    case, opened = case_escalate(thread=thread, actor=actor)
    assert opened
    return case


# --- case_opened / case_assigned ------------------------------------------------------------


def test_a_customer_asking_for_an_agent_is_not_told_of_it_but_the_agent_assigned_is(
    asker: Member, agent: Member, moderator: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make())

    case = escalated(thread, asker)

    assert case.assignee == agent
    assert recipients(Kind.CASE_OPENED) == set()
    assert recipients(Kind.CASE_ASSIGNED) == {"agent"}
    notification = only(agent, Kind.CASE_ASSIGNED)
    assert notification.url == case.get_absolute_url()
    assert notification.actor == asker
    assert_message(notification, f"Case #{case.pk} is assigned to you.")
    assert kinds_of(asker) == set()
    assert kinds_of(moderator) == set()
    assert kinds_of(outsider) == set()


def test_a_moderator_opening_a_case_tells_the_customer_and_the_agent_assigned(
    asker: Member, agent: Member, moderator: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make())

    case = escalated(thread, moderator)

    assert recipients(Kind.CASE_OPENED) == {"asker"}
    notification = only(asker, Kind.CASE_OPENED)
    assert notification.url == case.get_absolute_url()
    assert notification.actor == moderator
    assert_message(notification, f"Case #{case.pk} is open")
    assert recipients(Kind.CASE_ASSIGNED) == {"agent"}
    assert kinds_of(moderator) == set()
    assert kinds_of(outsider) == set()


def test_the_sla_scan_opening_a_case_tells_the_customer_and_the_agent_assigned(
    asker: Member, agent: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make())
    Thread.objects.filter(pk=thread.pk).update(created_at=F("created_at") - timedelta(hours=2))

    report = escalate_overdue()

    assert report.unanswered == 1
    case = Case.objects.get(thread=thread)
    assert recipients(Kind.CASE_OPENED) == {"asker"}
    notification = only(asker, Kind.CASE_OPENED)
    assert notification.actor is None
    assert notification.url == case.get_absolute_url()
    assert recipients(Kind.CASE_ASSIGNED) == {"agent"}
    assert only(agent, Kind.CASE_ASSIGNED).actor is None
    assert kinds_of(outsider) == set()


def test_a_case_with_no_agent_available_tells_only_the_customer(
    asker: Member, agent: Member, moderator: Member
) -> None:
    agent_availability_set(agent=agent, available=False)
    thread = ask(asker, board_make())

    case = escalated(thread, moderator)

    assert case.assignee is None
    assert recipients(Kind.CASE_OPENED) == {"asker"}
    assert recipients(Kind.CASE_ASSIGNED) == set()


def test_a_case_opened_for_held_content_tells_its_author(
    asker: Member, helper: Member, agent: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make())
    follower = member_make("follower")
    services.subscription_create(member=follower, thread=thread)

    answer(helper, thread, body=f"Text me on {PHONE} and I will sort it out for you.")

    case = Case.objects.get(customer=helper)
    assert recipients(Kind.CASE_OPENED) == {"helper"}
    assert only(helper, Kind.CASE_OPENED).url == case.get_absolute_url()
    assert recipients(Kind.CASE_ASSIGNED) == {"agent"}
    for member in (asker, follower, outsider):
        assert kinds_of(member) == set()


def test_reassigning_a_case_tells_only_the_new_assignee(
    asker: Member, agent: Member, outsider: Member
) -> None:
    case = escalated(ask(asker, board_make()), asker)
    colleague = agent_make("colleague")
    lead = agent_make("lead")
    before = mark()

    case_update(case=case, actor=lead, assignee=colleague)

    assert recipients(Kind.CASE_ASSIGNED, after=before) == {"colleague"}
    notification = only(colleague, Kind.CASE_ASSIGNED)
    assert notification.actor == lead
    assert notification.url == case.get_absolute_url()
    assert_message(notification, f"Case #{case.pk} is assigned to you.")
    for member in (agent, lead, asker, outsider):
        assert kinds_of(member, after=before) == set()


def test_an_agent_taking_a_case_or_unassigning_it_tells_nobody(
    asker: Member, agent: Member
) -> None:
    case = escalated(ask(asker, board_make()), asker)
    colleague = agent_make("colleague")
    before = mark()

    case = case_update(case=case, actor=colleague, assignee=colleague)
    case = case_update(case=case, actor=colleague, unassign=True)

    assert case.assignee is None
    assert recipients(Kind.CASE_ASSIGNED, after=before) == set()
    assert mark() == before


# --- case_reply -----------------------------------------------------------------------------


def test_an_agents_reply_tells_the_customer(asker: Member, agent: Member, outsider: Member) -> None:
    case = escalated(ask(asker, board_make()), asker)
    before = mark()

    case_message_post(case=case, author=agent, body="Hello, I have reset your line.")

    assert recipients(Kind.CASE_REPLY, after=before) == {"asker"}
    notification = only(asker, Kind.CASE_REPLY)
    assert notification.url == case.get_absolute_url()
    assert notification.actor == agent
    assert_message(notification, f"{agent.name} replied on case #{case.pk}.")
    assert kinds_of(agent, after=before) == set()
    assert kinds_of(outsider) == set()


def test_a_customers_reply_tells_the_assignee(
    asker: Member, agent: Member, outsider: Member
) -> None:
    case = escalated(ask(asker, board_make()), asker)
    before = mark()

    case_message_post(case=case, author=asker, body="It still does not work, sorry.")

    assert recipients(Kind.CASE_REPLY, after=before) == {"agent"}
    notification = only(agent, Kind.CASE_REPLY)
    assert notification.actor == asker
    assert_message(notification, f"Anna Asker replied on case #{case.pk}.")
    assert kinds_of(asker) == set()
    assert kinds_of(outsider) == set()


def test_another_agents_reply_tells_the_customer_but_not_the_assignee(
    asker: Member, agent: Member
) -> None:
    case = escalated(ask(asker, board_make()), asker)
    colleague = agent_make("colleague")
    before = mark()

    case_message_post(case=case, author=colleague, body="Covering for my colleague today.")

    assert recipients(Kind.CASE_REPLY, after=before) == {"asker"}
    assert kinds_of(agent, after=before) == set()


def test_an_internal_note_tells_nobody_and_never_the_customer(
    asker: Member, agent: Member, moderator: Member, outsider: Member
) -> None:
    case = escalated(ask(asker, board_make()), asker)
    colleague = agent_make("colleague")
    before = mark()

    case_message_post(case=case, author=colleague, body="Customer is a VIP.", internal=True)
    case_message_post(case=case, author=agent, body="Checked the logs.", internal=True)

    assert mark() == before
    assert kinds_of(asker) == set()
    for member in (agent, colleague, moderator, outsider):
        assert kinds_of(member, after=before) == set()


def test_a_customers_reply_to_an_unassigned_case_tells_nobody(asker: Member, agent: Member) -> None:
    case = escalated(ask(asker, board_make()), asker)
    case = case_update(case=case, actor=agent, unassign=True)
    before = mark()

    case_message_post(case=case, author=asker, body="Anyone there?")

    assert recipients(Kind.CASE_REPLY, after=before) == set()


# --- case_resolved (and the case's satisfaction question) -----------------------------------


def test_resolving_a_case_tells_the_customer_and_asks_them_on_the_case(
    asker: Member, agent: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make(), title="Number porting stuck for a week")
    case = escalated(thread, asker)
    before = mark()

    case_update(case=case, actor=agent, status=CaseStatus.RESOLVED)

    assert recipients(Kind.CASE_RESOLVED, after=before) == {"asker"}
    notification = only(asker, Kind.CASE_RESOLVED)
    assert notification.url == case.get_absolute_url()
    assert notification.actor == agent
    assert_message(notification, f"Case #{case.pk} is resolved.")
    assert recipients(Kind.SATISFACTION, after=before) == {"asker"}
    asked = only(asker, Kind.SATISFACTION)
    assert asked.url == case.get_absolute_url()  # the case's page has the rating form
    assert_message(asked, "Number porting stuck for a week")
    assert kinds_of(agent, after=before) == set()
    assert kinds_of(outsider) == set()


def test_other_status_changes_resolve_nothing(asker: Member, agent: Member) -> None:
    case = escalated(ask(asker, board_make()), asker)
    before = mark()

    case_update(case=case, actor=agent, status=CaseStatus.WAITING)

    assert recipients(Kind.CASE_RESOLVED, after=before) == set()
    assert recipients(Kind.SATISFACTION, after=before) == set()


# --- case_sla -------------------------------------------------------------------------------


def breach() -> None:
    report = escalate_overdue(now=timezone.now() + timedelta(hours=9))
    assert report.breaches == 1


def test_a_missed_first_response_tells_the_assignee(
    asker: Member, agent: Member, moderator: Member, outsider: Member
) -> None:
    case = escalated(ask(asker, board_make()), asker)
    agent_make("colleague")
    before = mark()

    breach()

    assert recipients(Kind.CASE_SLA, after=before) == {"agent"}
    notification = only(agent, Kind.CASE_SLA)
    assert notification.url == case.get_absolute_url()
    assert_message(notification, f"Case #{case.pk} is past its first-response time.")
    for member in (asker, moderator, outsider):
        assert kinds_of(member, after=before) == set()


def test_a_missed_first_response_on_an_unassigned_case_tells_the_boards_team(
    asker: Member, agent: Member, outsider: Member
) -> None:
    board = board_make()
    colleague = agent_make("colleague")
    policy = SLAPolicy.objects.create(board=board)
    policy.agents.add(colleague)
    case = escalated(ask(asker, board), asker)
    case = case_update(case=case, actor=colleague, unassign=True)
    before = mark()

    breach()

    assert recipients(Kind.CASE_SLA, after=before) == {"colleague"}
    for member in (agent, asker, outsider):
        assert kinds_of(member, after=before) == set()


def test_without_a_team_every_agent_hears_of_an_unassigned_breach(
    asker: Member, agent: Member, moderator: Member, outsider: Member
) -> None:
    colleague = agent_make("colleague")
    case = escalated(ask(asker, board_make()), asker)
    case_update(case=case, actor=colleague, unassign=True)
    before = mark()

    breach()

    assert recipients(Kind.CASE_SLA, after=before) == {"agent", "colleague"}
    for member in (asker, moderator, outsider):
        assert kinds_of(member, after=before) == set()


def test_a_breach_is_announced_once(asker: Member, agent: Member) -> None:
    escalated(ask(asker, board_make()), asker)
    breach()

    escalate_overdue(now=timezone.now() + timedelta(hours=10))

    assert len(of(agent, Kind.CASE_SLA)) == 1


# --- moderation -----------------------------------------------------------------------------


def test_a_moderator_hiding_an_answer_tells_its_author_only(
    asker: Member, helper: Member, moderator: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make())
    post = answer(helper, thread)
    follower = member_make("follower")
    services.subscription_create(member=follower, thread=thread)
    before = mark()

    moderation.moderation_content_hide(actor=moderator, post=post, reason="Advertising")

    assert recipients(Kind.MODERATION, after=before) == {"helper"}
    notification = only(helper, Kind.MODERATION)
    assert notification.actor == moderator
    assert notification.url == thread.get_absolute_url()
    assert_message(notification, "Hidden (Advertising)")
    for member in (asker, follower, moderator, outsider):
        assert kinds_of(member, after=before) == set()


def test_locking_a_thread_tells_the_asker(asker: Member, helper: Member, moderator: Member) -> None:
    thread = ask(asker, board_make())
    answer(helper, thread)
    before = mark()

    moderation.moderation_thread_lock(
        actor=moderator, thread=thread, locked=True, reason="Resolved"
    )

    assert recipients(Kind.MODERATION, after=before) == {"asker"}
    assert_message(only(asker, Kind.MODERATION), "Locked (Resolved)")
    assert kinds_of(helper, after=before) == set()


def test_a_sanction_tells_the_member_sanctioned(
    helper: Member, moderator: Member, outsider: Member
) -> None:
    sanctions.sanction_create(
        actor=moderator, member=helper, kind="silence", days=3, reason="Rude to others"
    )

    assert recipients(Kind.MODERATION) == {"helper"}
    assert_message(only(helper, Kind.MODERATION), "Silenced (Rude to others)")
    assert kinds_of(moderator) == set()
    assert kinds_of(outsider) == set()


def test_holding_a_question_for_personal_data_tells_its_author_why(
    asker: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make(), body=f"Please call me back on {PHONE} about my bill.")

    assert recipients(Kind.MODERATION) == {"asker"}
    notification = only(asker, Kind.MODERATION)
    assert notification.actor is None
    assert notification.url == thread.get_absolute_url()
    message = assert_message(notification, "Held for personal data")
    assert "personal_data" not in message  # the reason code reads as words
    assert kinds_of(outsider) == set()


# --- satisfaction ---------------------------------------------------------------------------


def test_an_accepted_solution_asks_the_asker_if_it_solved_their_problem(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make(), title="Data is slow after 6pm")
    post = answer(helper, thread)

    services.solution_accept(thread=thread, post=post, actor=asker)
    # Not at that moment: a while later, by the every-minute task.
    assert recipients(Kind.SATISFACTION) == set()
    satisfaction_ask_due(now=timezone.now() + ask_after())

    assert recipients(Kind.SATISFACTION) == {"asker"}
    notification = only(asker, Kind.SATISFACTION)
    assert notification.url == thread.get_absolute_url()
    assert_message(notification, "Did the solution to “Data is slow after 6pm” solve")
    assert Kind.SATISFACTION not in kinds_of(helper)
    assert kinds_of(outsider) == set()


def test_an_agent_accepting_a_solution_asks_the_asker_too(
    asker: Member, helper: Member, agent: Member
) -> None:
    thread = ask(asker, board_make())
    post = answer(helper, thread)

    services.solution_accept(thread=thread, post=post, actor=agent)
    satisfaction_ask_due(now=timezone.now() + ask_after())

    assert recipients(Kind.SATISFACTION) == {"asker"}


# --- trending -------------------------------------------------------------------------------


def test_a_trending_board_alerts_the_staff_once_an_hour(
    asker: Member, helper: Member, agent: Member, moderator: Member, outsider: Member
) -> None:
    board = board_make(name="Outages")
    for _ in range(3):
        ask(asker, board)
    now = timezone.now()
    for problem in trending_problems(now):
        cache.delete(alert_key(problem, now))  # the cache outlives the test's transaction
    before = mark()

    announced = trending_alert_send(now=now)

    assert [(p.kind, p.pk) for p in announced] == [("board", board.pk)]
    assert recipients(Kind.TRENDING, after=before) == {"agent", "moderator"}
    notification = only(agent, Kind.TRENDING)
    assert notification.url == board.get_absolute_url()
    assert_message(notification, "Trending problem: Outages.")
    for member in (asker, helper, outsider):
        assert kinds_of(member, after=before) == set()

    assert trending_alert_send(now=now) == []
    assert len(of(moderator, Kind.TRENDING)) == 1


def test_a_trending_tag_alerts_the_staff(
    asker: Member, agent: Member, moderator: Member, outsider: Member
) -> None:
    tag = Tag.objects.create(slug="esim", name="eSIM")

    support_events.trending_problem_detected.send(
        sender=TrendingProblem, board_id=None, tag_id=tag.pk, ratio=None
    )

    assert recipients(Kind.TRENDING) == {"agent", "moderator"}
    assert only(moderator, Kind.TRENDING).url == reverse("tag-detail", kwargs={"slug": "esim"})
    assert_message(only(moderator, Kind.TRENDING), "Trending problem: eSIM.")
    assert kinds_of(asker) == set()
    assert kinds_of(outsider) == set()


# --- expert_request -------------------------------------------------------------------------


def test_a_question_left_unanswered_is_offered_to_its_proven_helper_by_a_notification(
    asker: Member, helper: Member
) -> None:
    board = board_make()
    solved = ask(asker, board, ago=timedelta(days=2))
    services.solution_accept(thread=solved, post=answer(helper, solved), actor=asker)
    helper_settings_update(member=helper, expert_requests=True)
    waiting = ask(member_make("newcomer"), board, title="Voicemail gone silent")
    Thread.objects.filter(pk=waiting.pk).update(created_at=F("created_at") - timedelta(minutes=11))

    expert_routing_run()

    assert recipients(Kind.EXPERT_REQUEST) == {"helper"}
    notification = only(helper, Kind.EXPERT_REQUEST)
    assert notification.url == waiting.get_absolute_url()
    assert "Voicemail gone silent" in str(message_for(notification))
