"""Ask the experts: an unanswered question goes to its proven helpers before staff
(docs/api.md, "Deflection and experts")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import Board, Member, Tag, Thread
from notifications.models import Kind, Notification
from support.cases.models import Case, CaseReason
from support.cases.sla import escalate_overdue
from support.experts.models import ExpertRequest, HelperSettings, ThreadRouting
from support.experts.services import (
    expert_route_thread,
    expert_routing_run,
    helper_settings_update,
)
from support.experts.tasks import experts_route
from support.insights.selectors import dashboard_metrics
from tests import builders
from tests.builders import agent_make, api_client, ask, board_make, logged_in, member_make

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)


def proven(helper: Member, board: Board, *, solutions: int = 1, tags: tuple[str, ...] = ()) -> None:
    """`helper` has `solutions` accepted answers on `board` (or on questions with `tags`)."""
    for _ in range(solutions):
        asker = member_make()
        thread = ask(asker, board, tags=tags, ago=timedelta(days=10))
        post = builders.answer(helper, thread)
        services.solution_accept(thread=thread, post=post, actor=asker)


def opted_in(username: str, **kwargs: bool) -> Member:
    member = member_make(username)
    helper_settings_update(member=member, expert_requests=True, **kwargs)
    return member


def waiting(board: Board, *, minutes: int = 11, tags: tuple[str, ...] = ()) -> Thread:
    """A question asked `minutes` ago, with no answer."""
    thread = ask(member_make(), board, tags=tags)
    Thread.objects.filter(pk=thread.pk).update(
        created_at=F("created_at") - minutes * MINUTE,
        last_activity_at=F("last_activity_at") - minutes * MINUTE,
    )
    thread.refresh_from_db()
    return thread


def asked_about(thread: Thread) -> set[str]:
    return set(
        ExpertRequest.objects.filter(thread=thread).values_list("helper__username", flat=True)
    )


# ---------------------------------------------------------------------------- routing


def test_an_unanswered_question_goes_to_the_helpers_with_the_most_solutions_there() -> None:
    board = board_make()
    for n, name in enumerate(["ana", "ben", "cai", "dev", "eli", "fay"]):
        proven(opted_in(name), board, solutions=6 - n)
    thread = waiting(board)

    assert expert_routing_run() == 5

    assert asked_about(thread) == {"ana", "ben", "cai", "dev", "eli"}
    assert ThreadRouting.objects.get(thread=thread).asked == 5
    assert Notification.objects.filter(kind=Kind.EXPERT_REQUEST).count() == 5


def test_the_tags_find_helpers_from_other_boards(db: None) -> None:
    Tag.objects.create(slug="esim", name="eSIM")
    proven(opted_in("tagged"), board_make(), tags=("esim",))
    proven(opted_in("elsewhere"), board_make())

    thread = waiting(board_make(), tags=("esim",))
    expert_routing_run()

    assert asked_about(thread) == {"tagged"}


def test_only_opted_in_present_community_helpers_other_than_the_asker_are_asked() -> None:
    board = board_make()
    proven(opted_in("willing"), board)
    proven(member_make("never_opted"), board)
    proven(opted_in("away", away=True), board)
    agent = agent_make("staffer")
    helper_settings_update(member=agent, expert_requests=True)
    proven(agent, board)
    old_hand = opted_in("old_hand")
    proven(old_hand, board)
    Thread.objects.filter(solution__author=old_hand).update(
        solved_at=timezone.now() - timedelta(days=91)
    )
    asker = opted_in("asker_helper")
    proven(asker, board)
    thread = ask(asker, board)
    Thread.objects.filter(pk=thread.pk).update(created_at=F("created_at") - 11 * MINUTE)

    expert_routing_run()

    assert asked_about(thread) == {"willing"}


def test_a_young_question_or_an_answered_one_is_not_offered(helper: Member) -> None:
    board = board_make()
    proven(helper, board)
    helper_settings_update(member=helper, expert_requests=True)
    young = waiting(board, minutes=9)
    answered = waiting(board)
    builders.answer(member_make(), answered)

    expert_routing_run()

    assert not ExpertRequest.objects.exists()
    assert not ThreadRouting.objects.filter(thread=young).exists()


def test_a_question_is_routed_once_and_nobody_is_asked_twice() -> None:
    board = board_make()
    proven(opted_in("ana"), board)
    thread = waiting(board)

    expert_routing_run()
    expert_routing_run()
    assert expert_route_thread(thread_id=thread.pk) == []

    assert ExpertRequest.objects.filter(thread=thread).count() == 1
    assert ThreadRouting.objects.filter(thread=thread).count() == 1


def test_a_helper_gets_at_most_three_requests_a_day(settings: object) -> None:
    board = board_make()
    proven(opted_in("ana"), board)
    proven(opted_in("ben"), board)
    threads = [waiting(board) for _ in range(4)]

    expert_routing_run()

    per_helper = {
        name: ExpertRequest.objects.filter(helper__username=name).count() for name in ("ana", "ben")
    }
    assert per_helper == {"ana": 3, "ben": 3}
    assert asked_about(threads[3]) == set()
    assert ThreadRouting.objects.get(thread=threads[3]).asked == 0


def test_the_numbers_are_settings(settings: object) -> None:
    settings.EXPERT_HELPERS_PER_QUESTION = 1  # type: ignore[attr-defined]
    settings.EXPERT_ROUTING_DELAY_MINUTES = 30  # type: ignore[attr-defined]
    board = board_make()
    proven(opted_in("ana"), board, solutions=2)
    proven(opted_in("ben"), board)
    early = waiting(board, minutes=20)
    due = waiting(board, minutes=31)

    expert_routing_run()

    assert asked_about(early) == set()
    assert asked_about(due) == {"ana"}


def test_the_scheduled_task_runs_the_routing() -> None:
    board = board_make()
    proven(opted_in("ana"), board)
    thread = waiting(board)

    assert experts_route.delay().get() == 1
    assert asked_about(thread) == {"ana"}


# ---------------------------------------------------------------------------- the SLA scan


def test_staff_get_the_question_only_after_the_helpers_had_their_time() -> None:
    board = board_make()
    proven(opted_in("ana"), board)
    thread = waiting(board, minutes=61)  # past the default SLA (60 minutes)
    unanswered = {"thread": thread, "reason": CaseReason.SLA_UNANSWERED}

    escalate_overdue()  # routes it first: ana is asked, staff wait
    assert asked_about(thread) == {"ana"}
    assert not Case.objects.filter(**unanswered).exists()

    escalate_overdue(now=timezone.now() + 11 * MINUTE)
    assert Case.objects.filter(**unanswered).count() == 1


def test_with_nobody_to_ask_the_scan_escalates_at_once(helper: Member) -> None:
    thread = waiting(board_make(), minutes=61)

    escalate_overdue()

    assert ThreadRouting.objects.get(thread=thread).asked == 0
    assert Case.objects.filter(thread=thread, reason=CaseReason.SLA_UNANSWERED).count() == 1


def test_an_answer_from_a_helper_keeps_the_question_with_the_community() -> None:
    board = board_make()
    ana = opted_in("ana")
    proven(ana, board)
    thread = waiting(board, minutes=61)
    escalate_overdue()
    builders.answer(ana, thread)

    escalate_overdue(now=timezone.now() + 11 * MINUTE)

    assert not Case.objects.filter(thread=thread).exists()
    [offered] = api_client(ana).get("/api/v1/members/me/expert-requests/").json()["results"]
    assert offered["status"] == "answered"


# ---------------------------------------------------------------------------- the API


@pytest.fixture
def offered() -> ExpertRequest:
    board = board_make()
    proven(opted_in("ana"), board)
    waiting(board)
    expert_routing_run()
    return ExpertRequest.objects.get()


def test_a_helper_lists_the_questions_offered_to_them(offered: ExpertRequest) -> None:
    response = api_client(offered.helper).get("/api/v1/members/me/expert-requests/")

    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["id"] == offered.pk and item["thread"] == offered.thread_id
    assert item["status"] == "open"
    assert {"id", "thread", "created_at", "status"} <= set(item)
    assert (
        api_client(member_make()).get("/api/v1/members/me/expert-requests/").json()["results"] == []
    )
    assert api_client().get("/api/v1/members/me/expert-requests/").status_code == 401


def test_only_the_helper_declines_and_declining_twice_is_the_same(
    offered: ExpertRequest,
) -> None:
    url = f"/api/v1/expert-requests/{offered.pk}/decline/"

    assert api_client().post(url).status_code == 401
    assert api_client(member_make()).post(url).status_code == 404
    first = api_client(offered.helper).post(url)
    again = api_client(offered.helper).post(url)

    assert first.status_code == 200 and first.json()["status"] == "declined"
    assert again.status_code == 200
    offered.refresh_from_db()
    assert offered.declined_at is not None


def test_an_unanswered_request_expires_after_a_day(offered: ExpertRequest) -> None:
    ExpertRequest.objects.filter(pk=offered.pk).update(
        created_at=F("created_at") - timedelta(days=1)
    )

    [item] = api_client(offered.helper).get("/api/v1/members/me/expert-requests/").json()["results"]

    assert item["status"] == "expired"


def test_a_member_opts_in_and_out_through_their_preferences(helper: Member) -> None:
    client = api_client(helper)

    assert client.get("/api/v1/members/me/preferences/").json() == {
        "expert_requests": False,
        "expert_away": False,
    }
    opted = client.patch(
        "/api/v1/members/me/preferences/", {"expert_requests": True}, format="json"
    )
    away = client.patch("/api/v1/members/me/preferences/", {"expert_away": True}, format="json")
    bad = client.patch(
        "/api/v1/members/me/preferences/", {"expert_requests": "often"}, format="json"
    )

    assert opted.status_code == 200 and opted.json()["expert_requests"] is True
    assert away.json() == {"expert_requests": True, "expert_away": True}
    assert bad.status_code == 400 and "expert_requests" in bad.json()
    assert api_client().get("/api/v1/members/me/preferences/").status_code == 401
    assert HelperSettings.objects.get(member=helper).away is True


# ---------------------------------------------------------------------------- the pages


def test_the_helpers_page_lists_requests_and_declines(offered: ExpertRequest) -> None:
    client = logged_in(offered.helper)

    page = client.get(reverse("expert-requests"))
    html = page.content.decode()
    assert offered.thread.title in html
    decline_url = reverse("expert-request-decline", kwargs={"pk": offered.pk})
    assert decline_url in html

    response = client.post(decline_url)

    assert response.status_code == 302
    offered.refresh_from_db()
    assert offered.declined_at is not None
    assert decline_url not in client.get(reverse("expert-requests")).content.decode()
    assert logged_in(member_make()).post(decline_url).status_code == 404


def test_the_opt_in_is_on_the_notification_settings_page(helper: Member) -> None:
    client = logged_in(helper)
    settings_url = reverse("notification-preferences")

    html = client.get(settings_url).content.decode()
    assert reverse("expert-preferences") in html

    response = client.post(
        reverse("expert-preferences"), {"expert_requests": "on", "next": settings_url}
    )

    assert response.status_code == 302 and response["Location"] == settings_url
    assert HelperSettings.objects.get(member=helper).expert_requests is True
    elsewhere = client.post(reverse("expert-preferences"), {"next": "https://evil.example.com/"})
    assert elsewhere["Location"] == reverse("expert-requests")
    assert HelperSettings.objects.get(member=helper).expert_requests is False


# ---------------------------------------------------------------------------- the dashboard


def test_the_dashboard_compares_first_answers_with_and_without_routing(
    agent: Member,
) -> None:
    board = board_make()
    ana = opted_in("ana")
    proven(ana, board)
    routed = waiting(board)
    expert_routing_run()
    builders.answer(ana, routed)
    alone = ask(member_make(), board_make())
    builders.answer(member_make(), alone)
    Thread.objects.filter(pk=routed.pk).update(first_answer_at=routed.created_at + 20 * MINUTE)
    Thread.objects.filter(pk=alone.pk).update(first_answer_at=alone.created_at + 90 * MINUTE)

    metrics = dashboard_metrics(days=7)
    html = logged_in(agent).get(reverse("staff-dashboard"), {"days": "7"}).content.decode()

    assert metrics.first_answer_routed.median == 20 * MINUTE
    assert metrics.first_answer_routed.count == 1
    assert metrics.first_answer_unrouted.median == 90 * MINUTE
    assert 'data-metric="first-answer-routed"' in html


# ---------------------------------------------------------------------------- the demo


def test_the_demo_has_helpers_opted_in_and_questions_offered_to_them_once(db: None) -> None:
    call_command("seed_demo", "--no-progress")
    requests = ExpertRequest.objects.count()
    call_command("seed_demo", "--no-progress")

    assert HelperSettings.objects.filter(expert_requests=True).count() == 3
    assert ThreadRouting.objects.exists()
    assert requests > 0 and ExpertRequest.objects.count() == requests
    assert Notification.objects.filter(kind=Kind.EXPERT_REQUEST).count() == requests


def test_in_the_demo_helpers_answered_questions_offered_to_them_and_the_dashboard_shows_it(
    db: None, settings: Any
) -> None:
    settings.MFA_REQUIRED_FOR_STAFF = False  # agnes has not set up her second factor
    call_command("seed_demo", "--no-progress")
    call_command("seed_demo", "--no-progress")

    answered = Thread.objects.filter(expert_routing__asked__gt=0, first_answer_at__isnull=False)
    assert answered.exists()
    for thread in answered.select_related("expert_routing"):
        # Offered while unanswered, answered afterwards.
        assert thread.first_answer_at is not None
        assert thread.created_at < thread.expert_routing.routed_at < thread.first_answer_at
        requests = ExpertRequest.objects.filter(thread=thread)
        assert requests.count() == thread.expert_routing.asked
        assert all(r.created_at == thread.expert_routing.routed_at for r in requests)
    assert ExpertRequest.objects.filter(
        thread__first_answer_at__isnull=True, thread__solution__isnull=True
    ).exists()  # and some still wait for their helpers

    metrics = dashboard_metrics()
    # The dashboard counts the questions asked in its period, which starts at a midnight:
    # the demo's oldest questions fall in or out of it by the time of day.
    period = metrics.period
    in_period = answered.filter(created_at__gte=period.start, created_at__lte=period.end)
    assert in_period.exists()
    assert metrics.first_answer_routed.count == in_period.count()
    assert metrics.first_answer_unrouted.count > 0
    agnes = Member.objects.get(username="agnes")
    html = logged_in(agnes).get(reverse("staff-dashboard")).content.decode()
    routed_figure = html.split('data-metric="first-answer-routed">', 1)[1].split("</dd>", 1)[0]
    assert routed_figure.strip() not in ("", "–")
