"""Answers before asking: the ask form shows similar questions' solutions, and "This solved
it" records a deflection (docs/api.md, "Deflection and experts")."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from community import services
from community.drafts.models import Draft
from community.drafts.services import ASK_DRAFT_KEY, answer_draft_key, draft_save
from community.models import Member, Post, Thread
from support.deflection.models import Deflection
from support.deflection.selectors import deflection_summary, most_deflected
from support.deflection.services import DEFLECTIONS_A_DAY, deflection_record
from tests import builders
from tests.builders import AN_HOUR, api_client, ask, logged_in, member_make

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.get_current_timezone())


def solved(asker: Member, helper: Member, title: str, body: str = "") -> tuple[Thread, Post]:
    thread = ask(author=asker, title=title, ago=AN_HOUR)
    post = builders.answer(
        author=helper, thread=thread, body=body or "Turn it off and on again.", ago=AN_HOUR
    )
    services.solution_accept(thread=thread, post=post, actor=asker)
    thread.refresh_from_db()
    return thread, post


@pytest.fixture
def voicemail(asker: Member, helper: Member) -> Thread:
    thread, _post = solved(
        asker, helper, "Voicemail password reset", "Dial **21 and choose *a new PIN*."
    )
    return thread


# ---------------------------------------------------------------------------- similar


def test_similar_solved_questions_carry_their_solution_in_full(
    asker: Member, helper: Member, voicemail: Thread
) -> None:
    ask(author=asker, title="Voicemail greeting is silent", ago=AN_HOUR)

    response = api_client().get("/api/v1/threads/similar/", {"title": "reset voicemail"})

    assert response.status_code == 200
    by_id = {item["id"]: item for item in response.json()}
    solution = by_id[voicemail.pk]["solution"]
    assert solution["id"] == voicemail.solution_id
    assert "<em>a new PIN</em>" in solution["body_html"]
    assert solution["author"]["username"] == "helper"
    assert [item["solution"] for item in by_id.values() if item["id"] != voicemail.pk] == [None]


def test_a_hidden_solution_is_not_offered(voicemail: Thread) -> None:
    Post.objects.filter(solution_of=voicemail).update(hidden_reason="moderator")

    [item] = api_client().get("/api/v1/threads/similar/", {"title": "voicemail"}).json()

    assert item["status"] == "open"
    assert item["solution"] is None


def test_the_ask_form_shows_the_solution_and_this_solved_it(
    outsider: Member, voicemail: Thread
) -> None:
    response = logged_in(outsider).get(reverse("thread-similar"), {"title": "voicemail reset"})

    html = response.content.decode()
    assert "<em>a new PIN</em>" in html
    assert "This solved it" in html
    assert f'value="{voicemail.pk}"' in html
    assert reverse("deflection-create") in html


# ---------------------------------------------------------------------------- the service


def test_this_solved_it_counts_once_a_day_and_again_the_next_day(
    outsider: Member, voicemail: Thread
) -> None:
    threads = Thread.objects.count()
    with time_machine.travel(NOON, tick=False):
        first, created = deflection_record(member=outsider, thread=voicemail, query="PIN lost")
        again, created_again = deflection_record(
            member=outsider, thread=voicemail, query="forgot my voicemail PIN"
        )
    with time_machine.travel(NOON + timedelta(days=1), tick=False):
        _next_day, created_next_day = deflection_record(
            member=outsider, thread=voicemail, query="PIN lost"
        )

    assert (created, created_again, created_next_day) == (True, False, True)
    assert again.pk == first.pk and again.query == "PIN lost"
    assert Deflection.objects.count() == 2
    assert Thread.objects.count() == threads  # no question was asked


def test_this_solved_it_discards_the_question_being_written_but_a_refusal_keeps_it(
    asker: Member, outsider: Member, voicemail: Thread
) -> None:
    unsolved = ask(author=asker, title="Voicemail greeting is silent", ago=AN_HOUR)
    draft_save(member=outsider, key=ASK_DRAFT_KEY, title="Lost my voicemail PIN", body="")
    draft_save(member=outsider, key=answer_draft_key(unsolved.pk), body="Try **21.")
    client = api_client(outsider)

    refused = client.post(
        "/api/v1/deflections/", {"thread": unsolved.pk, "query": "PIN"}, format="json"
    )
    assert refused.status_code == 409
    assert Draft.objects.filter(member=outsider, key=ASK_DRAFT_KEY).exists()

    recorded = client.post(
        "/api/v1/deflections/", {"thread": voicemail.pk, "query": "PIN"}, format="json"
    )
    assert recorded.status_code == 201
    # The ask form's draft goes with the question it would have become; the rest stays.
    assert list(Draft.objects.filter(member=outsider).values_list("key", flat=True)) == [
        answer_draft_key(unsolved.pk)
    ]
    assert client.get(f"/api/v1/drafts/{ASK_DRAFT_KEY}/").status_code == 404


def test_a_member_records_at_most_the_daily_cap_then_waits_for_midnight(
    asker: Member, helper: Member, outsider: Member
) -> None:
    threads = [
        solved(asker, helper, f"Roaming question {n}")[0] for n in range(DEFLECTIONS_A_DAY + 1)
    ]
    with time_machine.travel(NOON, tick=False):
        for thread in threads[:DEFLECTIONS_A_DAY]:
            deflection_record(member=outsider, thread=thread, query="roaming")
        # A repeat is still the same deflection, not refused.
        assert deflection_record(member=outsider, thread=threads[0], query="roaming")[1] is False
        response = api_client(outsider).post(
            "/api/v1/deflections/", {"thread": threads[-1].pk, "query": "roaming"}, format="json"
        )

    assert response.status_code == 429
    assert int(response["Retry-After"]) == 12 * 3600 + 1
    assert Deflection.objects.filter(member=outsider).count() == DEFLECTIONS_A_DAY


# ---------------------------------------------------------------------------- the API


def test_a_member_records_a_deflection_and_a_repeat_gives_the_same_one(
    outsider: Member, voicemail: Thread
) -> None:
    client = api_client(outsider)
    body = {"thread": voicemail.pk, "query": "  voicemail   PIN  "}

    first = client.post("/api/v1/deflections/", body, format="json")
    second = client.post("/api/v1/deflections/", body, format="json")

    assert first.status_code == 201
    assert set(first.json()) == {"id", "thread", "query", "helpful", "created_at"}
    assert first.json()["query"] == "voicemail PIN"
    assert first.json()["helpful"] is None
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]


def test_a_visitor_must_sign_in_to_record_a_deflection(voicemail: Thread) -> None:
    response = api_client().post(
        "/api/v1/deflections/", {"thread": voicemail.pk, "query": "PIN"}, format="json"
    )
    assert response.status_code == 401
    assert not Deflection.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"thread": 999999, "query": "PIN"}, "thread"),
        ({"thread": "seven", "query": "PIN"}, "thread"),
        ({"query": "PIN"}, "thread"),
        ({"thread": 0, "query": "   "}, "query"),
        ({"thread": 0, "query": "x" * 151}, "query"),
    ],
)
def test_bad_input_is_a_400_on_its_field(
    outsider: Member, voicemail: Thread, body: dict[str, object], field: str
) -> None:
    if body.get("thread") == 0:
        body = {**body, "thread": voicemail.pk}
    response = api_client(outsider).post("/api/v1/deflections/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_a_question_without_a_solution_cannot_deflect(asker: Member, outsider: Member) -> None:
    thread = ask(author=asker, title="Voicemail broken", ago=AN_HOUR)

    response = api_client(outsider).post(
        "/api/v1/deflections/", {"thread": thread.pk, "query": "voicemail"}, format="json"
    )

    assert response.status_code == 409
    assert "solution" in response.json()["detail"]


def test_the_member_says_whether_the_answer_was_enough(
    outsider: Member, helper: Member, voicemail: Thread
) -> None:
    client = api_client(outsider)
    created = client.post(
        "/api/v1/deflections/", {"thread": voicemail.pk, "query": "PIN"}, format="json"
    ).json()
    url = f"/api/v1/deflections/{created['id']}/"

    rated = client.patch(url, {"helpful": False}, format="json")
    changed = client.patch(url, {"helpful": True}, format="json")
    bad = client.patch(url, {"helpful": "maybe"}, format="json")
    someone_else = api_client(helper).patch(url, {"helpful": False}, format="json")

    assert rated.status_code == 200 and rated.json()["helpful"] is False
    assert changed.status_code == 200 and changed.json()["helpful"] is True
    assert bad.status_code == 400 and "helpful" in bad.json()
    assert someone_else.status_code == 404
    assert Deflection.objects.get().helpful is True


# ---------------------------------------------------------------------------- the pages


def test_this_solved_it_on_the_ask_form_thanks_and_asks_whether_it_was_enough(
    outsider: Member, voicemail: Thread
) -> None:
    client = logged_in(outsider)
    ask_form = {"title": "voicemail PIN forgotten", "body": "", "board": voicemail.board.slug}

    response = client.post(
        reverse("deflection-create"), {**ask_form, "thread": voicemail.pk}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 201
    deflection = Deflection.objects.get()
    assert deflection.query == "voicemail PIN forgotten"
    html = response.content.decode()
    assert "No need to ask" in html
    rate_url = reverse("deflection-rate", kwargs={"pk": deflection.pk})
    assert rate_url in html

    rated = client.post(rate_url, {**ask_form, "helpful": "no"}, HTTP_HX_REQUEST="true")

    assert rated.status_code == 200
    assert "Thanks for telling us" in rated.content.decode()
    deflection.refresh_from_db()
    assert deflection.helpful is False


def test_without_javascript_this_solved_it_leads_to_the_question(
    outsider: Member, voicemail: Thread
) -> None:
    response = logged_in(outsider).post(
        reverse("deflection-create"), {"title": "voicemail PIN", "thread": voicemail.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == voicemail.get_absolute_url()
    assert Deflection.objects.filter(member=outsider, thread=voicemail).exists()


def test_an_unsolved_question_on_the_ask_form_says_why_nothing_was_recorded(
    asker: Member, outsider: Member
) -> None:
    thread = ask(author=asker, title="Voicemail broken", ago=AN_HOUR)

    response = logged_in(outsider).post(
        reverse("deflection-create"),
        {"title": "voicemail", "thread": thread.pk},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 409
    assert "no accepted solution" in response.content.decode()
    assert not Deflection.objects.exists()


def test_nobody_rates_another_members_deflection(
    outsider: Member, helper: Member, voicemail: Thread
) -> None:
    deflection, _created = deflection_record(member=outsider, thread=voicemail, query="PIN")

    response = logged_in(helper).post(
        reverse("deflection-rate", kwargs={"pk": deflection.pk}), {"helpful": "yes"}
    )

    assert response.status_code == 404
    deflection.refresh_from_db()
    assert deflection.helpful is None


# ---------------------------------------------------------------------------- the figures


def test_the_rate_is_deflections_over_deflections_and_questions_asked(
    asker: Member, helper: Member, voicemail: Thread
) -> None:
    start = timezone.now() - timedelta(days=1)
    others = [member_make() for _ in range(3)]
    for member in others:
        deflection_record(member=member, thread=voicemail, query="voicemail")
    roaming, _post = solved(asker, helper, "Roaming in Norway")
    deflection_record(member=others[0], thread=roaming, query="roaming")
    Deflection.objects.filter(member=others[0], thread=voicemail).update(helpful=True)
    questions = Thread.objects.filter(created_at__gte=start).count()  # the two solved ones

    summary = deflection_summary(since=start, until=timezone.now())
    top = most_deflected(since=start, until=timezone.now())

    assert (summary.deflections, summary.questions, summary.helpful) == (4, questions, 1)
    assert summary.rate == pytest.approx(4 / (4 + questions))
    assert [(row.thread_id, row.deflections) for row in top] == [(voicemail.pk, 3), (roaming.pk, 1)]
    assert deflection_summary(since=start - timedelta(days=9), until=start).rate is None


def test_the_staff_dashboard_shows_the_deflection_rate_and_the_top_questions(
    agent: Member, outsider: Member, voicemail: Thread
) -> None:
    deflection_record(member=outsider, thread=voicemail, query="voicemail")

    response = logged_in(agent).get(reverse("staff-dashboard"), {"days": "7"})

    html = response.content.decode()
    assert 'data-metric="deflections">1<' in html
    assert 'data-metric="deflection-rate">50' in html  # 1 / (1 + 1 question)
    assert voicemail.title in html


# ---------------------------------------------------------------------------- the demo


def test_the_demo_has_answers_found_on_the_ask_form_once(db: None) -> None:
    call_command("seed_demo", "--no-progress")
    count = Deflection.objects.count()
    call_command("seed_demo", "--no-progress")

    assert count >= 10 and Deflection.objects.count() == count
    summary = deflection_summary(since=timezone.now() - timedelta(days=30), until=timezone.now())
    assert summary.deflections == count and summary.rate is not None
    top = most_deflected(since=timezone.now() - timedelta(days=30), until=timezone.now())
    assert top[0].deflections > top[-1].deflections
    assert all(d.created_at <= timezone.now() for d in Deflection.objects.all())
