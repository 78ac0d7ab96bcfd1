"""The "Did this solve your problem?" section on the thread page, and the form's page views."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import Member, Thread
from support.cases.models import Case, CaseReason, CaseStatus
from support.cases.services import case_open, case_update
from support.satisfaction.models import Satisfaction
from support.satisfaction.services import ask_after, satisfaction_record
from tests import builders
from tests.builders import AN_HOUR, ask

pytestmark = pytest.mark.django_db

QUESTION = "Did this solve your problem?"
THANKS = "Thanks for your feedback"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def thread(asker: Member, helper: Member) -> Thread:
    thread = ask(author=asker, ago=AN_HOUR)
    builders.answer(thread=thread, author=helper, ago=AN_HOUR)
    return thread


def accept(thread: Thread, asker: Member, *, waited: bool = True) -> None:
    """The asker accepts the answer; `waited`: as long ago as the question waits."""
    answer = thread.posts.get()
    services.solution_accept(thread=thread, post=answer, actor=asker)
    if waited:
        Thread.objects.filter(pk=thread.pk).update(solved_at=F("solved_at") - ask_after())


def page(client: Client, thread: Thread, member: Member | None) -> str:
    if member is not None:
        client.force_login(member)
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def feedback_url(thread: Thread) -> str:
    return reverse("thread-feedback", kwargs={"pk": thread.pk})


def test_the_asker_is_not_asked_before_a_solution_is_accepted(
    client: Client, thread: Thread, asker: Member
) -> None:
    assert QUESTION not in page(client, thread, asker)


def test_the_asker_is_not_asked_at_the_moment_she_accepts_but_a_while_later(
    client: Client, thread: Thread, asker: Member
) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        accept(thread, asker, waited=False)
        assert QUESTION not in page(client, thread, asker)
        clock.shift(ask_after() - timedelta(seconds=1))
        assert QUESTION not in page(client, thread, asker)
        clock.shift(timedelta(seconds=1))
        assert QUESTION in page(client, thread, asker)


def test_the_asker_is_asked_once_a_solution_is_accepted(
    client: Client, thread: Thread, asker: Member
) -> None:
    accept(thread, asker)
    html = page(client, thread, asker)
    assert QUESTION in html
    assert f'hx-post="{feedback_url(thread)}"' in html
    assert 'name="score"' in html and 'name="comment"' in html


def test_the_question_comes_after_the_answers_not_between_question_and_answers(
    client: Client, thread: Thread, asker: Member
) -> None:
    accept(thread, asker)
    html = page(client, thread, asker)

    answer = thread.posts.get()
    assert html.index(f'id="post-{answer.pk}"') < html.index(QUESTION)
    assert html.index('id="answers-heading"') < html.index(f'id="satisfaction-thread-{thread.pk}"')


@pytest.mark.parametrize("persona", ["helper", "outsider", "agent", "moderator", None])
def test_nobody_but_the_asker_sees_the_question(
    client: Client,
    thread: Thread,
    asker: Member,
    persona: str | None,
    request: pytest.FixtureRequest,
) -> None:
    accept(thread, asker)
    member = request.getfixturevalue(persona) if persona else None
    html = page(client, thread, member)
    assert QUESTION not in html and THANKS not in html


def test_after_answering_the_asker_sees_thanks_instead_of_the_form(
    client: Client, thread: Thread, asker: Member
) -> None:
    accept(thread, asker)
    satisfaction_record(thread=thread, respondent=asker, score=4)
    html = page(client, thread, asker)
    assert THANKS in html and QUESTION not in html
    assert "You rated the accepted answer 4 out of 5." in html


def test_an_htmx_answer_swaps_in_the_thanks(client: Client, thread: Thread, asker: Member) -> None:
    accept(thread, asker)
    client.force_login(asker)
    response = client.post(feedback_url(thread), {"score": "5", "comment": "Great"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert THANKS in html and f'id="satisfaction-thread-{thread.pk}"' in html
    rating = Satisfaction.objects.get()
    assert (rating.score, rating.comment) == (5, "Great")


def test_an_htmx_answer_without_a_score_shows_the_error_with_400(
    client: Client, thread: Thread, asker: Member
) -> None:
    accept(thread, asker)
    client.force_login(asker)
    response = client.post(feedback_url(thread), {"score": "9"}, headers=HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a score from 1 to 5." in html and QUESTION in html
    assert not Satisfaction.objects.exists()


def test_answering_twice_shows_the_thanks_with_409(
    client: Client, thread: Thread, asker: Member
) -> None:
    accept(thread, asker)
    satisfaction_record(thread=thread, respondent=asker, score=2)
    client.force_login(asker)
    response = client.post(feedback_url(thread), {"score": "5"}, headers=HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "You already rated this." in html and THANKS in html
    assert Satisfaction.objects.get().score == 2


def test_answering_before_a_solution_shows_why_with_409(
    client: Client, thread: Thread, asker: Member
) -> None:
    client.force_login(asker)
    response = client.post(feedback_url(thread), {"score": "5"}, headers=HTMX)
    assert response.status_code == 409
    assert "There is no accepted solution to rate yet." in response.content.decode()


def test_without_javascript_the_form_redirects_back_with_a_message(
    client: Client, thread: Thread, asker: Member
) -> None:
    accept(thread, asker)
    client.force_login(asker)
    response = client.post(feedback_url(thread), {"score": "3"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(thread.get_absolute_url())
    html = response.content.decode()
    assert "Thanks for your feedback." in html
    assert "You rated the accepted answer 3 out of 5." in html


def test_without_javascript_errors_come_back_as_messages(
    client: Client, thread: Thread, asker: Member
) -> None:
    accept(thread, asker)
    client.force_login(asker)
    response = client.post(feedback_url(thread), {}, follow=True)
    assert "Choose a score from 1 to 5." in response.content.decode()


def test_someone_else_posting_the_form_is_forbidden(
    client: Client, thread: Thread, asker: Member, outsider: Member
) -> None:
    accept(thread, asker)
    client.force_login(outsider)
    assert client.post(feedback_url(thread), {"score": "1"}, headers=HTMX).status_code == 403
    assert not Satisfaction.objects.exists()


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(
    client: Client, thread: Thread, asker: Member
) -> None:
    accept(thread, asker)
    response = client.post(feedback_url(thread), {"score": "1"})
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_the_case_form_lets_the_customer_rate_a_resolved_case(
    client: Client, asker: Member, agent: Member, outsider: Member
) -> None:
    case: Case
    case, _opened = case_open(customer=asker, reason=CaseReason.REQUESTED)
    url = reverse("case-feedback", kwargs={"pk": case.pk})
    client.force_login(asker)
    assert client.post(url, {"score": "4"}, headers=HTMX).status_code == 409
    case_update(case=case, actor=agent, status=CaseStatus.RESOLVED)
    response = client.post(url, {"score": "4"}, headers=HTMX)
    assert response.status_code == 200 and THANKS in response.content.decode()
    client.force_login(outsider)
    assert client.post(url, {"score": "4"}, headers=HTMX).status_code == 404
