"""The thread page's answer form is kept per process for readers alike (config/fragments.py):
it must read exactly as the template renders it for each reader, carry each reader's own CSRF
token and writing notes, and a form sent back with errors must keep what its writer typed."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client

from community.forms import AnswerForm
from community.models import Member, Thread
from community.templatetags import community_answers
from config import fragments
from gamification.models import Reason
from gamification.services import ledger
from tests.builders import answer, ask, board_make, logged_in, member_make
from tests.community.page_factories import fragments_counted

pytestmark = pytest.mark.django_db

IMAGES_NOTE = "Images unlock at the Member rank"


def form_html(client: Client, thread: Thread) -> str:
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<div id="answer-form-wrap"')
    return html[start : html.index("</footer>", start)]


def as_the_template_renders_it(kept: str, thread: Thread, member: Member | None) -> str:
    """_answer_form.html rendered the plain way, with the token the kept form was given."""
    context = {"thread": thread, "answer_form": AnswerForm(), "user": member or AnonymousUser()}
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', kept)
    if token:
        context["csrf_token"] = token.group(1)
    return render_to_string("community/_answer_form.html", context).strip()


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return fragments_counted(monkeypatch)


def with_points(username: str, points: int) -> Member:
    member = member_make(username)
    ledger.points_award(
        member_id=member.pk, reason=Reason.KUDOS_ON_ANSWER, source="setup", points=points
    )
    return Member.objects.get(pk=member.pk)


def test_readers_alike_share_one_form_each_with_their_own_token(
    rendered: list[str],
) -> None:
    thread = ask(member_make("asker"), board_make(), title="My phone will not charge at all")
    answer(member_make("helper"), thread, body="Try another cable first.")
    one, two = (Client(enforce_csrf_checks=True) for _ in range(2))
    one.force_login(with_points("reader_one", 500))
    two.force_login(with_points("reader_two", 500))
    first, second = form_html(one, thread), form_html(two, thread)
    assert rendered.count(community_answers.ANSWER_FORM) == 1  # the second's was the first's
    tokens = [re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', h) for h in (first, second)]
    assert len(tokens[0]) == len(tokens[1]) == 1
    assert tokens[0] != tokens[1]
    assert first.replace(tokens[0][0], "") == second.replace(tokens[1][0], "")
    # The second reader's token from the kept form is the one their session takes.
    response = two.post(
        f"/threads/{thread.pk}/answer/",
        {"body": "Clean the charging port gently.", "csrfmiddlewaretoken": tokens[1][0]},
    )
    assert response.status_code == 302
    refused = two.post(
        f"/threads/{thread.pk}/answer/",
        {"body": "Clean the charging port again.", "csrfmiddlewaretoken": tokens[0][0]},
    )
    assert refused.status_code == 403


@pytest.mark.parametrize("state", ["open", "locked", "duplicate"])
@pytest.mark.parametrize("who", ["visitor", "newcomer", "member"])
def test_the_kept_form_reads_as_the_template_renders_it(state: str, who: str) -> None:
    asker = member_make("asker")
    thread = ask(asker, board_make(), title="My phone will not charge at all")
    if state == "locked":
        Thread.objects.filter(pk=thread.pk).update(is_locked=True)
    elif state == "duplicate":
        original = ask(asker, thread.board, title="The phone does not charge with any cable")
        Thread.objects.filter(pk=thread.pk).update(duplicate_of=original)
    thread.refresh_from_db()
    member = {"visitor": None, "newcomer": member_make("newcomer"), "member": None}[who]
    if who == "member":
        member = with_points("member", 500)
    client = logged_in(member) if member else Client()
    fragments.forget()
    kept = form_html(client, thread)
    assert kept.startswith(as_the_template_renders_it(kept, thread, member))
    assert f'data-state="{state if state != "open" or member else "visitor"}"' in kept
    # The newcomer is told what their rank does not allow yet; the member is not.
    assert (IMAGES_NOTE in kept) == (who == "newcomer" and state == "open")


def test_a_form_sent_back_with_errors_keeps_what_its_writer_typed() -> None:
    thread = ask(member_make("asker"), board_make(), title="My phone will not charge at all")
    client = logged_in(with_points("writer", 500))
    fragments.forget()
    form_html(client, thread)  # the blank form, kept
    typed = "Charge it overnight. " * 1000  # over the 20,000 characters an answer may have
    response = client.post(f"/threads/{thread.pk}/answer/", {"body": typed})
    html = response.content.decode()
    assert response.status_code == 400
    assert f"{typed}</textarea>" in html
    assert "at most 20000 characters" in html
