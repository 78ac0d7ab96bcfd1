"""The SLA scan (`manage.py escalate_overdue`): questions the community left waiting too long
go to staff, once per reason, and overdue first responses are recorded once."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from community import services
from community.models import Member, Thread
from support import events
from support.cases.models import Case, CaseEvent, CaseReason, CaseStatus, SLAPolicy
from support.cases.services import case_message_post, case_update
from support.cases.sla import escalate_overdue
from support.cases.tasks import escalate_overdue as escalate_overdue_task
from tests.builders import answer, ask, board_make
from tests.support.cases_helpers import escalate, iso

pytestmark = pytest.mark.django_db

TWO_HOURS = timedelta(hours=2)
THREE_DAYS = timedelta(days=3)


def scan(now: str | None = None) -> str:
    out = StringIO()
    args = ["--now", now] if now else []
    call_command("escalate_overdue", *args, stdout=out)
    return out.getvalue()


def cases_of(thread: Thread) -> list[tuple[str, str]]:
    return list(Case.objects.filter(thread=thread).values_list("reason", "status"))


# ---------------------------------------------------------------------------- unanswered


def test_an_unanswered_question_past_its_time_escalates_once_however_often_the_scan_runs(
    asker: Member, agent: Member
) -> None:
    thread = ask(asker, ago=TWO_HOURS)

    first = scan()
    second = scan()

    assert cases_of(thread) == [(CaseReason.SLA_UNANSWERED, CaseStatus.NEW)]
    assert "Escalated 1 unanswered and 0 unsolved threads" in first
    assert "Escalated 0 unanswered and 0 unsolved threads" in second
    case = Case.objects.get(thread=thread)
    assert (case.customer, case.assignee) == (asker, agent)
    assert case.events.get().actor is None  # the scheduler, not a person
    thread.refresh_from_db()
    assert thread.is_escalated is True


def test_a_young_unanswered_question_waits(asker: Member) -> None:
    thread = ask(asker, ago=timedelta(minutes=30))

    scan()

    assert cases_of(thread) == []


def test_an_answered_question_does_not_escalate_as_unanswered(
    asker: Member, helper: Member
) -> None:
    thread = ask(asker, ago=TWO_HOURS)
    answer(helper, thread)

    scan()

    assert cases_of(thread) == []


def test_the_askers_own_follow_up_is_no_answer(asker: Member) -> None:
    thread = ask(asker, ago=TWO_HOURS)
    answer(asker, thread)

    scan()

    assert cases_of(thread) == [(CaseReason.SLA_UNANSWERED, CaseStatus.NEW)]


def test_now_pretends_it_is_that_time(asker: Member) -> None:
    thread = ask(asker)

    scan(iso(timezone.now() + timedelta(minutes=30)))
    assert cases_of(thread) == []

    scan(iso(timezone.now() + TWO_HOURS))
    assert cases_of(thread) == [(CaseReason.SLA_UNANSWERED, CaseStatus.NEW)]
    case = Case.objects.get(thread=thread)
    assert case.created_at > timezone.now() + timedelta(minutes=90)


def test_a_naive_now_is_read_in_the_sites_time_zone(asker: Member) -> None:
    thread = ask(asker)
    later = timezone.localtime(timezone.now() + TWO_HOURS).replace(tzinfo=None)

    scan(later.isoformat(timespec="minutes"))

    assert cases_of(thread) == [(CaseReason.SLA_UNANSWERED, CaseStatus.NEW)]


def test_a_boards_policy_sets_its_own_time(asker: Member) -> None:
    patient, eager = board_make(), board_make()
    SLAPolicy.objects.create(board=patient, unanswered_minutes=240)
    SLAPolicy.objects.create(board=eager, unanswered_minutes=10)
    waits = ask(asker, patient, ago=TWO_HOURS)
    escalates = ask(asker, eager, ago=timedelta(minutes=15))

    scan()

    assert cases_of(waits) == []
    assert cases_of(escalates) == [(CaseReason.SLA_UNANSWERED, CaseStatus.NEW)]


# ---------------------------------------------------------------------------- unsolved


def test_an_answered_but_unsolved_question_escalates_once_after_its_time(
    asker: Member, helper: Member
) -> None:
    thread = ask(asker, ago=THREE_DAYS)
    answer(helper, thread)

    first = scan()
    scan()

    assert cases_of(thread) == [(CaseReason.SLA_UNSOLVED, CaseStatus.NEW)]
    assert "Escalated 0 unanswered and 1 unsolved threads" in first


def test_an_answered_question_within_its_time_does_not_escalate(
    asker: Member, helper: Member
) -> None:
    thread = ask(asker, ago=timedelta(hours=20))
    answer(helper, thread)

    scan()

    assert cases_of(thread) == []


# ---------------------------------------------------------------------------- never


def test_solved_locked_and_hidden_questions_never_escalate(
    asker: Member, helper: Member, moderator: Member
) -> None:
    solved = ask(asker, ago=THREE_DAYS)
    services.solution_accept(thread=solved, post=answer(helper, solved), actor=asker)
    locked = ask(asker, ago=THREE_DAYS)
    services.thread_lock(thread=locked, actor=moderator, locked=True)
    hidden = ask(asker, ago=THREE_DAYS)
    Thread.objects.filter(pk=hidden.pk).update(hidden_reason="moderator")
    hidden_answered = ask(asker, ago=THREE_DAYS)
    answer(helper, hidden_answered)
    Thread.objects.filter(pk=hidden_answered.pk).update(hidden_reason="sensitive")

    scan(iso(timezone.now() + timedelta(days=30)))

    assert not Case.objects.exists()


def test_a_question_with_an_active_case_gets_no_second_one(asker: Member) -> None:
    thread = ask(asker, ago=TWO_HOURS)
    requested = escalate(thread)

    scan()

    assert list(Case.objects.filter(thread=thread)) == [requested]


def test_a_resolved_sla_case_does_not_escalate_again_for_the_same_reason(
    asker: Member, helper: Member, agent: Member
) -> None:
    thread = ask(asker, ago=TWO_HOURS)
    scan()
    case_update(case=Case.objects.get(thread=thread), actor=agent, status=CaseStatus.RESOLVED)

    scan(iso(timezone.now() + timedelta(days=1)))

    assert cases_of(thread) == [(CaseReason.SLA_UNANSWERED, CaseStatus.RESOLVED)]

    # Later answered but still unsolved: that is another reason, and it escalates once.
    answer(helper, thread)
    scan(iso(timezone.now() + THREE_DAYS))
    scan(iso(timezone.now() + THREE_DAYS))

    assert sorted(cases_of(thread)) == [
        (CaseReason.SLA_UNANSWERED, CaseStatus.RESOLVED),
        (CaseReason.SLA_UNSOLVED, CaseStatus.NEW),
    ]


# ---------------------------------------------------------------------------- breaches


def test_an_overdue_first_response_is_recorded_once_and_announced_once(
    asker: Member, agent: Member
) -> None:
    case = escalate(ask(asker))
    announced: list[int] = []

    def listen(sender: object, case_id: int, **kwargs: object) -> None:
        announced.append(case_id)

    events.case_sla_breached.connect(listen)
    try:
        assert case.sla_due_at is not None
        later = iso(case.sla_due_at + timedelta(minutes=1))
        first = scan(later)
        second = scan(later)
    finally:
        events.case_sla_breached.disconnect(listen)

    assert case.events.filter(kind=CaseEvent.Kind.SLA_BREACHED).count() == 1
    assert announced == [case.pk]
    assert "1 SLA breaches" in first
    assert "0 SLA breaches" in second


def test_a_case_answered_in_time_or_resolved_records_no_breach(
    asker: Member, agent: Member
) -> None:
    answered = escalate(ask(asker))
    case_message_post(case=answered, author=agent, body="On it.")
    resolved = escalate(ask(asker))
    case_update(case=resolved, actor=agent, status=CaseStatus.RESOLVED)

    scan(iso(timezone.now() + timedelta(days=2)))

    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.SLA_BREACHED).exists()


def test_a_case_not_yet_due_records_no_breach(asker: Member) -> None:
    case = escalate(ask(asker))
    assert case.sla_due_at is not None

    scan(iso(case.sla_due_at - timedelta(minutes=1)))

    assert not case.events.filter(kind=CaseEvent.Kind.SLA_BREACHED).exists()


# ---------------------------------------------------------------------------- the command


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01T09:00", "12:00 tomorrow", "2026-02-30"])
def test_the_command_rejects_a_bad_now_with_a_clear_error(bad: str, asker: Member) -> None:
    ask(asker, ago=TWO_HOURS)

    with pytest.raises(CommandError) as error:
        scan(bad)

    assert "--now takes an ISO 8601 time" in str(error.value)
    assert not Case.objects.exists()


def test_the_scheduled_task_runs_the_same_scan(asker: Member, helper: Member) -> None:
    unanswered = ask(asker, ago=TWO_HOURS)
    unsolved = ask(asker, ago=THREE_DAYS)
    answer(helper, unsolved)

    opened = escalate_overdue_task.delay().get()
    again = escalate_overdue_task.delay().get()

    assert (opened, again) == (2, 0)
    assert cases_of(unanswered) == [(CaseReason.SLA_UNANSWERED, CaseStatus.NEW)]
    assert cases_of(unsolved) == [(CaseReason.SLA_UNSOLVED, CaseStatus.NEW)]


def test_the_scan_reports_what_it_did(asker: Member, helper: Member) -> None:
    ask(asker, ago=TWO_HOURS)
    answered = ask(asker, ago=THREE_DAYS)
    answer(helper, answered)

    report = escalate_overdue()

    assert (report.unanswered, report.unsolved, report.breaches) == (1, 1, 0)
