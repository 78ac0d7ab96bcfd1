"""The case pages: the agents' queue and case page, the customer's case page, and "Ask an
agent" on the thread page. Agents see everything; a customer sees their own case without a
trace of internal notes; anyone else gets a 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from community.models import Member, Thread
from support.cases.models import AgentStatus, Case, CaseEvent, CaseStatus
from support.cases.services import case_message_post, case_update
from support.satisfaction.models import Satisfaction
from tests.builders import agent_make, answer, ask, board_make, logged_in
from tests.support.cases_helpers import escalate

pytestmark = pytest.mark.django_db

NOTE = "Internal: the card processor had an outage at 9:00."
HTMX = {"HX-Request": "true"}


@pytest.fixture
def thread(asker: Member) -> Thread:
    return ask(asker)


@pytest.fixture
def case(thread: Thread, agent: Member) -> Case:
    case = escalate(thread, message="My top-up never arrived.")
    case_message_post(case=case, author=agent, body="Checking the payment now.")
    case_message_post(case=case, author=agent, body=NOTE, internal=True)
    return case


def client_for(request: pytest.FixtureRequest, who: str) -> Client:
    return Client() if who == "anonymous" else logged_in(request.getfixturevalue(who))


def html(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------- the queue


def test_an_agent_sees_the_queue_soonest_due_first_with_overdue_cases_marked(
    asker: Member, helper: Member, agent: Member
) -> None:
    overdue = escalate(ask(asker))
    Case.objects.filter(pk=overdue.pk).update(sla_due_at=timezone.now() - timedelta(minutes=5))
    later = escalate(ask(helper))

    page = html(logged_in(agent).get("/support/"))

    assert page.index(f'data-case-id="{overdue.pk}"') < page.index(f'data-case-id="{later.pk}"')
    assert page.count("is-overdue") == 1
    assert "Overdue" in page
    assert 'hx-trigger="every 30s"' in page
    assert "You are available for new cases." in page


@pytest.mark.parametrize("who", ["asker", "helper", "moderator", "outsider"])
def test_the_queue_is_404_for_anyone_but_agents(
    request: pytest.FixtureRequest, case: Case, who: str
) -> None:
    client = client_for(request, who)

    assert client.get("/support/").status_code == 404
    assert client.post("/support/availability/", {"available": "0"}).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(case: Case) -> None:
    for url in ("/support/", f"/support/cases/{case.pk}/", "/support/cases/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_queue_filters_by_scope_status_reason_and_board(
    asker: Member, helper: Member, agent: Member
) -> None:
    other = agent_make("other")
    board = board_make(slug="roaming", name="Roaming")
    mine = escalate(ask(asker))
    case_update(case=mine, actor=agent, assignee=agent)
    theirs = escalate(ask(helper, board))
    case_update(case=theirs, actor=agent, assignee=other, status=CaseStatus.WAITING)
    nobodys = escalate(ask(helper))
    case_update(case=nobodys, actor=agent, unassign=True)
    done = escalate(ask(asker))
    case_update(case=done, actor=agent, status=CaseStatus.RESOLVED)
    client = logged_in(agent)

    def shown(query: str) -> set[int]:
        page = html(client.get(f"/support/?{query}"))
        return {c.pk for c in (mine, theirs, nobodys, done) if f'data-case-id="{c.pk}"' in page}

    assert shown("") == {mine.pk, theirs.pk, nobodys.pk}
    assert shown("scope=mine") == {mine.pk}
    assert shown("scope=unassigned") == {nobodys.pk}
    assert shown("status=waiting") == {theirs.pk}
    assert shown("status=resolved") == {done.pk}
    assert shown("status=all") == {mine.pk, theirs.pk, nobodys.pk, done.pk}
    assert shown("board=roaming") == {theirs.pk}
    assert shown("reason=requested&scope=unassigned") == {nobodys.pk}
    assert shown("reason=flagged") == set()
    # Values it doesn't know mean the default: no error page.
    assert shown("status=bogus&scope=nope&board=none&reason=x") == {mine.pk, theirs.pk, nobodys.pk}


def test_the_queue_refresh_gets_only_the_list(case: Case, agent: Member) -> None:
    response = logged_in(agent).get("/support/?scope=all", headers=HTMX)

    page = html(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert page.startswith('<div id="queue-list"')
    assert f'data-case-id="{case.pk}"' in page


def test_an_agent_goes_away_and_comes_back(agent: Member) -> None:
    client = logged_in(agent)

    away = client.post("/support/availability/", {"available": "0"})
    assert away.status_code == 302
    assert AgentStatus.objects.get(agent=agent).available is False
    queue = html(client.get("/support/"))
    assert "You are away" in queue
    # The button says what pressing it makes of the agent, in plain words.
    assert "I'm available" in queue

    back = client.post("/support/availability/", {"available": "1"}, headers=HTMX)
    assert back.status_code == 200
    assert "You are available for new cases." in html(back)
    assert "Set yourself away" in html(back)
    assert "Go away" not in html(back)
    assert AgentStatus.objects.get(agent=agent).available is True


# ---------------------------------------------------------------------------- a case


def test_the_customer_sees_the_public_conversation_and_no_trace_of_notes(
    case: Case, asker: Member
) -> None:
    response = logged_in(asker).get(f"/support/cases/{case.pk}/")

    page = html(response)
    assert response.status_code == 200
    assert "My top-up never arrived." in page
    assert "Checking the payment now." in page
    assert NOTE not in page
    assert "Internal note" not in page
    assert "card processor" not in page
    assert f'action="/support/cases/{case.pk}/update/"' not in page
    assert "Timeline" not in page
    assert f'action="/support/cases/{case.pk}/messages/"' in page


def test_an_agent_sees_the_thread_the_customer_history_timeline_and_marked_notes(
    case: Case, thread: Thread, asker: Member, agent: Member
) -> None:
    earlier = ask(asker)
    earlier_case = escalate(earlier)
    case_update(case=earlier_case, actor=agent, status=CaseStatus.RESOLVED)
    Satisfaction.objects.create(
        respondent=asker, case=earlier_case, rated=agent, score=4, comment="Quick and kind."
    )

    response = logged_in(agent).get(f"/support/cases/{case.pk}/")

    page = html(response)
    assert response.status_code == 200
    assert thread.title in page
    assert thread.body_html in page
    assert NOTE in page
    assert "Internal note, not shown to the customer" in page
    assert earlier.title in page
    assert f"#{earlier_case.pk}" in page
    assert "4/5" in page and "Quick and kind." in page
    assert "Added an internal note." in page
    assert f'action="/support/cases/{case.pk}/update/"' in page
    assert f'action="/support/cases/{case.pk}/answer/"' in page


@pytest.mark.parametrize("who", ["helper", "outsider", "moderator"])
def test_other_peoples_cases_are_404_on_every_page(
    request: pytest.FixtureRequest, case: Case, who: str
) -> None:
    client = client_for(request, who)
    base = f"/support/cases/{case.pk}/"

    assert client.get(base).status_code == 404
    assert client.post(f"{base}messages/", {"body": "Let me in"}).status_code == 404
    assert client.post(f"{base}update/", {"status": "closed", "priority": "low"}).status_code == 404
    assert client.post(f"{base}answer/", {"body": "An answer from nowhere"}).status_code == 404
    assert case.messages.count() == 3
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


def test_a_missing_case_is_404(agent: Member) -> None:
    assert logged_in(agent).get("/support/cases/987654/").status_code == 404


def test_the_customer_replies_from_the_page(case: Case, asker: Member, agent: Member) -> None:
    case_update(case=case, actor=agent, status=CaseStatus.WAITING)

    response = logged_in(asker).post(
        f"/support/cases/{case.pk}/messages/", {"body": "Here is my receipt number."}
    )

    message = case.messages.get(body="Here is my receipt number.")
    assert response.status_code == 302
    assert response["Location"] == f"/support/cases/{case.pk}/#message-{message.pk}"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


def test_the_customer_cannot_slip_in_an_internal_note(case: Case, asker: Member) -> None:
    response = logged_in(asker).post(
        f"/support/cases/{case.pk}/messages/", {"body": "hidden?", "internal": "on"}
    )

    assert response.status_code == 403
    assert not case.messages.filter(body="hidden?").exists()


def test_an_empty_reply_shows_the_form_again_with_an_error(case: Case, asker: Member) -> None:
    response = logged_in(asker).post(f"/support/cases/{case.pk}/messages/", {"body": ""})

    assert response.status_code == 400
    assert "errorlist" in html(response)
    assert NOTE not in html(response)


def test_a_closed_case_takes_no_reply_from_the_customer(
    case: Case, asker: Member, agent: Member
) -> None:
    case_update(case=case, actor=agent, status=CaseStatus.CLOSED)
    client = logged_in(asker)

    page = html(client.get(f"/support/cases/{case.pk}/"))
    response = client.post(f"/support/cases/{case.pk}/messages/", {"body": "Anyone?"})

    assert "This case is closed" in page
    assert response.status_code == 409
    assert not case.messages.filter(body="Anyone?").exists()


def test_an_agent_adds_an_internal_note_with_its_own_button(case: Case, agent: Member) -> None:
    response = logged_in(agent).post(
        f"/support/cases/{case.pk}/messages/", {"body": "Refund approved.", "internal": "on"}
    )

    assert response.status_code == 302
    assert case.messages.get(body="Refund approved.").internal is True


def test_an_agent_reassigns_reprioritises_and_resolves(case: Case, agent: Member) -> None:
    agent_make("bea")

    response = logged_in(agent).post(
        f"/support/cases/{case.pk}/update/",
        {"status": "resolved", "priority": "high", "assignee": "bea"},
    )

    case.refresh_from_db()
    assert response.status_code == 302
    assert (case.status, case.priority, case.assignee.username) == ("resolved", "high", "bea")  # type: ignore[union-attr]
    assert set(case.events.values_list("kind", flat=True)) >= {"status", "priority", "assigned"}


def test_an_agent_cannot_assign_to_someone_who_is_not_an_agent(
    case: Case, agent: Member, helper: Member
) -> None:
    response = logged_in(agent).post(
        f"/support/cases/{case.pk}/update/",
        {"status": "open", "priority": "normal", "assignee": "helper"},
    )

    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).assignee == agent


def test_the_customer_may_not_change_their_case(case: Case, asker: Member) -> None:
    response = logged_in(asker).post(
        f"/support/cases/{case.pk}/update/", {"status": "closed", "priority": "low"}
    )

    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


def test_an_agent_posts_a_public_staff_answer_and_marks_it_the_solution(
    case: Case, thread: Thread, agent: Member
) -> None:
    response = logged_in(agent).post(
        f"/support/cases/{case.pk}/answer/",
        {"body": "Your top-up is refunded; try again now.", "mark_solution": "on"},
    )

    thread.refresh_from_db()
    post = thread.posts.get()
    assert response.status_code == 302
    assert (post.author, thread.solution_id) == (agent, post.pk)
    assert case.events.filter(kind=CaseEvent.Kind.STAFF_ANSWER).count() == 1
    page = html(logged_in(agent).get(f"/support/cases/{case.pk}/"))
    assert "Posted a public answer and marked it as the solution." in page


def test_a_staff_answer_too_short_shows_the_form_again(case: Case, agent: Member) -> None:
    response = logged_in(agent).post(f"/support/cases/{case.pk}/answer/", {"body": "ok"})

    assert response.status_code == 400
    assert not case.events.filter(kind=CaseEvent.Kind.STAFF_ANSWER).exists()


def test_the_customer_may_not_post_a_staff_answer(case: Case, asker: Member) -> None:
    response = logged_in(asker).post(
        f"/support/cases/{case.pk}/answer/", {"body": "I am staff now, trust me."}
    )

    assert response.status_code == 403


def test_a_member_lists_their_own_cases_only(case: Case, asker: Member, helper: Member) -> None:
    theirs = escalate(ask(helper))

    page = html(logged_in(asker).get("/support/cases/"))

    assert f"/support/cases/{case.pk}/" in page
    assert f"/support/cases/{theirs.pk}/" not in page


# ---------------------------------------------------------------------------- ask an agent


def test_the_asker_asks_an_agent_from_the_thread_page(thread: Thread, asker: Member) -> None:
    client = logged_in(asker)
    before = html(client.get(thread.get_absolute_url()))

    response = client.post(
        f"/support/threads/{thread.pk}/escalate/", {"message": "Nobody knows here."}
    )
    again = client.post(f"/support/threads/{thread.pk}/escalate/", {})

    case = Case.objects.get()
    assert f'action="/support/threads/{thread.pk}/escalate/"' in before
    assert "Ask an agent" in before
    assert response.status_code == again.status_code == 302
    assert response["Location"] == again["Location"] == f"/support/cases/{case.pk}/"
    assert case.messages.get().body == "Nobody knows here."
    after = html(client.get(thread.get_absolute_url()))
    assert "An agent is on it." in after
    assert "See your case" in after
    assert f"/support/cases/{case.pk}/" in after
    assert f'action="/support/threads/{thread.pk}/escalate/"' not in after


def test_a_moderator_asks_an_agent_and_goes_back_to_the_thread(
    thread: Thread, moderator: Member
) -> None:
    client = logged_in(moderator)
    assert "Ask an agent" in html(client.get(thread.get_absolute_url()))

    response = client.post(f"/support/threads/{thread.pk}/escalate/", {})

    assert response.status_code == 302
    assert response["Location"] == thread.get_absolute_url()
    after = html(client.get(thread.get_absolute_url()))
    assert "An agent is on it." in after
    case = Case.objects.get(thread=thread)
    assert f"/support/cases/{case.pk}/" not in after


@pytest.mark.parametrize("who", ["helper", "outsider"])
def test_other_members_get_no_button_and_403_if_they_try(
    request: pytest.FixtureRequest, thread: Thread, who: str
) -> None:
    client = client_for(request, who)

    page = html(client.get(thread.get_absolute_url()))
    response = client.post(f"/support/threads/{thread.pk}/escalate/", {})

    assert "/escalate/" not in page
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_visitors_see_no_section_and_must_sign_in_to_escalate(thread: Thread) -> None:
    page = html(Client().get(thread.get_absolute_url()))
    response = Client().post(f"/support/threads/{thread.pk}/escalate/", {})

    assert "Ask an agent" not in page
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_agent_on_the_thread_page_gets_a_link_to_the_active_case(
    case: Case, thread: Thread, agent: Member, helper: Member
) -> None:
    agent_page = html(logged_in(agent).get(thread.get_absolute_url()))
    helper_page = html(logged_in(helper).get(thread.get_absolute_url()))

    assert f"Open case #{case.pk}" in agent_page
    assert f"/support/cases/{case.pk}/" not in helper_page


def test_after_the_case_is_resolved_the_asker_may_ask_again(
    case: Case, thread: Thread, asker: Member, agent: Member
) -> None:
    case_update(case=case, actor=agent, status=CaseStatus.RESOLVED)

    page = html(logged_in(asker).get(thread.get_absolute_url()))

    assert f'action="/support/threads/{thread.pk}/escalate/"' in page


def test_the_thread_page_of_an_answered_question_still_offers_the_button(
    thread: Thread, asker: Member, helper: Member
) -> None:
    answer(helper, thread)

    assert "Ask an agent" in html(logged_in(asker).get(thread.get_absolute_url()))


def test_the_customer_of_a_resolved_case_is_asked_how_we_did(
    case: Case, asker: Member, agent: Member
) -> None:
    open_page = html(logged_in(asker).get(f"/support/cases/{case.pk}/"))
    case_update(case=case, actor=agent, status=CaseStatus.RESOLVED)

    resolved_page = html(logged_in(asker).get(f"/support/cases/{case.pk}/"))
    agent_page = html(logged_in(agent).get(f"/support/cases/{case.pk}/"))

    assert "Did we solve your problem?" not in open_page
    assert "Did we solve your problem?" in resolved_page
    assert "Did we solve your problem?" not in agent_page


def test_a_resolved_case_says_who_handled_it_not_who_is_looking_after_it(
    case: Case, asker: Member, agent: Member
) -> None:
    case_update(case=case, actor=agent, assignee=agent)
    client = logged_in(asker)
    assert f"{agent.name} is looking after it." in html(client.get(f"/support/cases/{case.pk}/"))

    case_update(case=case, actor=agent, status=CaseStatus.RESOLVED)

    page = html(client.get(f"/support/cases/{case.pk}/"))
    assert f"Handled by {agent.name}." in page
    assert "is looking after it" not in page


def test_every_member_finds_their_cases_in_the_account_menu(asker: Member) -> None:
    page = html(logged_in(asker).get("/"))
    assert 'role="menuitem" href="/support/cases/">Your cases</a>' in page
