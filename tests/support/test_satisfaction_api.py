"""POST /api/v1/threads/{id}/feedback/ (docs/api.md) and POST /api/v1/cases/{id}/feedback/."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.urls import reverse

from community import services
from community.models import Member, Thread
from support.cases.models import Case, CaseReason, CaseStatus
from support.cases.services import case_open, case_update
from support.satisfaction.models import Satisfaction
from tests import builders
from tests.builders import AN_HOUR, api_client, ask

pytestmark = pytest.mark.django_db


def feedback_url(thread: Thread) -> str:
    return reverse("api-thread-feedback", kwargs={"pk": thread.pk})


def case_feedback_url(case: Case) -> str:
    return reverse("api-case-feedback", kwargs={"pk": case.pk})


@pytest.fixture
def solved(asker: Member, helper: Member) -> Thread:
    thread = ask(author=asker, ago=AN_HOUR)
    answer = builders.answer(thread=thread, author=helper, ago=AN_HOUR)
    services.solution_accept(thread=thread, post=answer, actor=asker)
    return thread


@pytest.fixture
def resolved_case(asker: Member, agent: Member) -> Case:
    case, _opened = case_open(customer=asker, reason=CaseReason.REQUESTED)
    return case_update(case=case, actor=agent, status=CaseStatus.RESOLVED, assignee=agent)


def test_the_asker_rates_the_solution_and_gets_201_with_the_score(
    solved: Thread, asker: Member, helper: Member
) -> None:
    response = api_client(asker).post(
        feedback_url(solved), {"score": 5, "comment": "Spot on."}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["score"], body["comment"], body["thread"], body["case"]) == (
        5,
        "Spot on.",
        solved.pk,
        None,
    )
    assert datetime.fromisoformat(body["created_at"]).tzinfo is not None
    assert Satisfaction.objects.get().rated_id == helper.pk


def test_the_comment_is_optional(solved: Thread, asker: Member) -> None:
    response = api_client(asker).post(feedback_url(solved), {"score": 1}, format="json")
    assert response.status_code == 201
    assert response.json()["comment"] == ""


def test_an_anonymous_client_gets_401(solved: Thread) -> None:
    response = api_client().post(feedback_url(solved), {"score": 5}, format="json")
    assert response.status_code == 401


@pytest.mark.parametrize("persona", ["helper", "outsider", "agent", "moderator"])
def test_anyone_but_the_asker_gets_403(
    solved: Thread, persona: str, request: pytest.FixtureRequest
) -> None:
    member = request.getfixturevalue(persona)
    response = api_client(member).post(feedback_url(solved), {"score": 5}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the person who asked can rate the solution."


def test_rating_before_a_solution_is_accepted_is_a_409(asker: Member, helper: Member) -> None:
    thread = ask(author=asker, ago=AN_HOUR)
    builders.answer(thread=thread, author=helper, ago=AN_HOUR)
    response = api_client(asker).post(feedback_url(thread), {"score": 5}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "There is no accepted solution to rate yet."}


def test_rating_twice_is_a_409_and_keeps_the_first_score(solved: Thread, asker: Member) -> None:
    client = api_client(asker)
    assert client.post(feedback_url(solved), {"score": 2}, format="json").status_code == 201
    response = client.post(feedback_url(solved), {"score": 5}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "You already rated this."}
    assert Satisfaction.objects.get().score == 2


@pytest.mark.parametrize(
    "payload",
    [{"score": 0}, {"score": 6}, {"score": "abc"}, {"score": None}, {}, {"score": 2.5}],
)
def test_a_bad_score_is_a_400_on_the_score_field(
    solved: Thread, asker: Member, payload: dict[str, Any]
) -> None:
    response = api_client(asker).post(feedback_url(solved), payload, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["score"]
    assert not Satisfaction.objects.exists()


def test_a_comment_over_two_thousand_characters_is_a_400(solved: Thread, asker: Member) -> None:
    response = api_client(asker).post(
        feedback_url(solved), {"score": 4, "comment": "x" * 2001}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["comment"]


def test_a_thread_that_does_not_exist_is_a_404(asker: Member) -> None:
    response = api_client(asker).post(
        reverse("api-thread-feedback", kwargs={"pk": 999999}), {"score": 5}, format="json"
    )
    assert response.status_code == 404


def test_the_customer_rates_a_resolved_case(
    resolved_case: Case, asker: Member, agent: Member
) -> None:
    response = api_client(asker).post(case_feedback_url(resolved_case), {"score": 4}, format="json")
    assert response.status_code == 201
    assert response.json()["case"] == resolved_case.pk
    assert Satisfaction.objects.get().rated_id == agent.pk


def test_a_case_is_404_to_outsiders_and_403_to_agents(
    resolved_case: Case, outsider: Member, agent: Member
) -> None:
    url = case_feedback_url(resolved_case)
    assert api_client(outsider).post(url, {"score": 4}, format="json").status_code == 404
    assert api_client(agent).post(url, {"score": 4}, format="json").status_code == 403
    assert api_client().post(url, {"score": 4}, format="json").status_code == 401


def test_an_open_case_cannot_be_rated_yet(asker: Member) -> None:
    case, _opened = case_open(customer=asker, reason=CaseReason.REQUESTED)
    response = api_client(asker).post(case_feedback_url(case), {"score": 4}, format="json")
    assert response.status_code == 409


def test_the_schema_describes_both_feedback_endpoints(agent: Member) -> None:
    response = api_client().get(reverse("api-schema"), {"format": "json"})
    paths = response.json()["paths"]
    thread_post = paths["/api/v1/threads/{id}/feedback/"]["post"]
    assert set(thread_post["responses"]) >= {"201", "400", "401", "403", "404", "409"}
    assert "/api/v1/cases/{id}/feedback/" in paths
