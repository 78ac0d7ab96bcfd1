"""The admin for cases: SLA policies with their agent team, availability, and cases that
are read-mostly, their few changes going through the service (and so the timeline)."""

from __future__ import annotations

import pytest

from community.models import Member
from support.cases.models import Case, CaseEvent, SLAPolicy
from tests.builders import ask, board_make, logged_in
from tests.factories import MemberFactory
from tests.support.cases_helpers import escalate

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_member(db: None) -> Member:
    return MemberFactory.create(username="boss", is_staff=True, is_superuser=True)


def test_the_admin_lists_cases_and_shows_one_with_its_conversation(
    admin_member: Member, asker: Member, agent: Member
) -> None:
    case = escalate(ask(asker), message="Please look")
    client = logged_in(admin_member)

    listing = client.get("/admin/support/case/")
    detail = client.get(f"/admin/support/case/{case.pk}/change/")

    assert listing.status_code == detail.status_code == 200
    assert "Please look" in detail.content.decode()
    assert client.get("/admin/support/case/add/").status_code == 403


def test_a_change_in_the_admin_goes_through_the_service_and_joins_the_timeline(
    admin_member: Member, asker: Member, agent: Member
) -> None:
    case = escalate(ask(asker))
    client = logged_in(admin_member)
    form = {
        "status": "resolved",
        "priority": "urgent",
        "assignee": str(agent.pk),
        "messages-TOTAL_FORMS": "0",
        "messages-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "1",
        "events-0-id": str(case.events.get().pk),
        "events-0-case": str(case.pk),
    }

    response = client.post(f"/admin/support/case/{case.pk}/change/", form)

    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert (case.status, case.priority) == ("resolved", "urgent")
    assert case.resolved_at is not None
    status_event = case.events.get(kind=CaseEvent.Kind.STATUS)
    assert status_event.actor == admin_member


def test_an_sla_policy_is_edited_with_its_team_of_agents(
    admin_member: Member, agent: Member, helper: Member
) -> None:
    board = board_make()
    client = logged_in(admin_member)

    page = client.get("/admin/support/slapolicy/add/").content.decode()
    response = client.post(
        "/admin/support/slapolicy/add/",
        {
            "board": str(board.pk),
            "unanswered_minutes": "30",
            "unsolved_hours": "24",
            "agents": [str(agent.pk)],
        },
    )

    assert f'value="{agent.pk}"' in page
    assert f'value="{helper.pk}"' not in page
    assert response.status_code == 302
    policy = SLAPolicy.objects.get(board=board)
    assert list(policy.agents.all()) == [agent]
    assert client.get("/admin/support/slapolicy/").status_code == 200
    assert client.get("/admin/support/agentstatus/").status_code == 200
    assert Case.objects.count() == 0
