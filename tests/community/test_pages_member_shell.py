"""A member's thread page from the kept shell (community/memberpage.py): rendered once for
every member alike, each reader's parts put in.

What a reader gets from the shell must be exactly the page rendered for them in full, whoever
read it first; nothing of one reader's (name, marks, permissions, token, bell) may reach
another; a change of the thread, a language, a flash message or the expiry each get their own
page; a template that reads its reader outside a part is never kept.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.utils import timezone

from community import memberpage, services
from community.announcements import services as announcements
from community.models import HiddenReason, Member
from community.templatetags import community_answers, community_menu
from community.templatetags.community_announcements import BANNER
from notifications.services import unread_count
from tests.builders import answer, ask, board_make, logged_in, member_make
from tests.community.page_factories import fragments_counted, two_answer_scene

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


@pytest.fixture(autouse=True)
def _kept(settings: Any) -> None:
    settings.COMMUNITY_PAGE_CACHE_SECONDS = 60
    settings.COMMUNITY_SHARED_ROWS = True  # as with Redis; one process here
    cache.clear()
    memberpage.forget()


@pytest.fixture
def shells(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The addresses whose shell was rendered, in order."""
    rendered: list[str] = []
    real = memberpage._shell

    def counting(request: Any, *args: Any) -> str | None:
        rendered.append(request.get_full_path())
        return real(request, *args)

    monkeypatch.setattr(memberpage, "_shell", counting)
    return rendered


@pytest.fixture
def scene(
    asker: Member,
    helper: Member,
    moderator: Member,
    outsider: Member,
    django_capture_on_commit_callbacks: Any,
) -> SimpleNamespace:
    s = two_answer_scene(asker=asker, helper=helper, moderator=moderator, outsider=outsider)
    with django_capture_on_commit_callbacks(execute=True):
        announcements.announcement_create(
            actor=moderator, title="Data is down in the North West", body="We are on it."
        )
    return s


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return TOKEN.sub(r"\1(token)", response.content.decode())


def _in_full(client: Client, url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(memberpage, "keepable", lambda request: False)
        return _page(client, url)


def test_every_reader_gets_from_the_shell_the_page_rendered_for_them_in_full(
    scene: SimpleNamespace, shells: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    s = scene
    fan = member_make(username="fan", display_name="Fiona Fan")
    services.kudos_give(giver=fan, thread=s.thread)
    services.kudos_give(giver=fan, post=s.first)
    services.bookmark_create(member=fan, thread=s.thread)
    services.subscription_create(member=fan, thread=s.thread)
    readers = {
        "asker": s.asker,  # their question: their own kudos count, edit and delete
        "helper": s.helper,  # an answer of theirs, following the question
        "outsider": s.outsider,
        "fan": fan,  # kudos given, bookmarked, following
        "newcomer": member_make(username="newcomer"),
    }
    clients = {name: logged_in(member) for name, member in readers.items()}
    shells.clear()
    with time_machine.travel(timezone.now(), tick=False):  # the same "2 minutes ago" in both
        for client in clients.values():
            client.get(s.url)  # each reader's view is counted once: the pages below agree
        for name, client in clients.items():
            kept = _page(client, s.url)
            assert kept == _in_full(client, s.url, monkeypatch), name
            member = readers[name]
            assert f'data-member="{member.pk}"' in kept
            for other in readers.values():
                if other != member:
                    assert f'data-member="{other.pk}"' not in kept
    assert shells == [s.url]  # one shell, read by the first, served to all five

    fan_page, outsider_page = _page(clients["fan"], s.url), _page(clients["outsider"], s.url)
    assert 'class="kudos is-given"' in fan_page and ">Following<" in fan_page
    assert "★" in fan_page and "Data is down in the North West" in fan_page
    assert 'class="kudos is-given"' not in outsider_page and "☆" in outsider_page
    assert "Fiona Fan" not in outsider_page and "@fan" not in outsider_page


def test_staff_and_visitors_are_served_as_before(
    scene: SimpleNamespace, shells: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    s = scene
    moderator = logged_in(s.moderator)
    with time_machine.travel(timezone.now(), tick=False):
        moderator.get(s.url)
        assert _page(moderator, s.url) == _in_full(moderator, s.url, monkeypatch)
    assert "Data is down in the North West" in _page(Client(), s.url)
    assert shells == []  # staff see hidden content: the full path; visitors: their own cache


def test_a_change_of_the_thread_language_or_expiry_gets_a_new_shell(
    scene: SimpleNamespace, shells: list[str], django_capture_on_commit_callbacks: Any
) -> None:
    s = scene
    reader = logged_in(s.outsider)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert ">2 answers<" in _page(reader, s.url)
        with django_capture_on_commit_callbacks(execute=True):
            answer(s.helper, s.thread, body="Or try another SIM slot.")
        assert ">3 answers<" in _page(reader, s.url)
        assert shells == [s.url, s.url]
        _page(reader, s.url)
        assert len(shells) == 2  # kept
        clock.shift(61)
        _page(reader, s.url)
        assert len(shells) == 3  # expired with the visitors' pages
        reader.cookies["django_language"] = "it"
        assert ">3 risposte<" in _page(reader, s.url)
        assert len(shells) == 4


def test_a_page_with_a_message_shows_it_and_is_not_kept(asker: Member, shells: list[str]) -> None:
    board = board_make()
    client = logged_in(asker)
    response = client.post(
        "/ask/",
        {
            "board": board.slug,
            "title": "Roaming stopped working in France",
            "body": "My data stopped the moment I crossed the border. What should I try?",
        },
    )
    assert response.status_code == 302, response.content
    shown = client.get(response["Location"]).content.decode()
    assert "Your question is posted." in shown
    assert shells == []
    assert "Your question is posted." not in _page(client, response["Location"])
    assert len(shells) == 1


def test_a_hidden_question_is_never_kept(
    asker: Member, moderator: Member, shells: list[str]
) -> None:
    thread = ask(asker, board_make(), title="My number was ported without asking")
    services.content_hide(thread=thread, reason=HiddenReason.MODERATOR, actor_id=moderator.pk)
    assert "Only you and the staff can see this question." in _page(
        logged_in(asker), thread.get_absolute_url()
    )
    assert shells == []


def test_a_template_that_reads_its_reader_outside_a_part_is_rendered_in_full(
    settings: Any, tmp_path: Path, outsider: Member, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "leaky.html").write_text(
        '{% load community_parts %}{{ shared }} {{ user.username }}{% part "me" %}'
        "{{ user.username }}{% endpart %}"
    )
    (tmp_path / "sealed.html").write_text(
        '{% load community_parts %}{{ shared }} {% part "me" %}{{ user.username }}{% endpart %}'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    request = RequestFactory().get("/somewhere/")
    request.user = outsider
    request.session = {}  # type: ignore[assignment]
    request._messages = []  # type: ignore[attr-defined]
    context = {"shared": "Shared"}
    with caplog.at_level(logging.WARNING, logger="community.memberpage"):
        leaky = memberpage.render(request, "leaky.html", context, shared=context, scope="s")
        sealed = memberpage.render(request, "sealed.html", context, shared=context, scope="s")
    assert leaky.content.decode() == "Shared outsideroutsider"
    assert sealed.content.decode() == "Shared outsider"
    assert "leaky.html reads user.username outside a {% part %}" in caplog.text
    assert "sealed.html" not in caplog.text


def _bell(html: str) -> str:
    found = re.search(r'id="notification-unread-count"[^>]*>(\d+)<', html)
    assert found, "no bell"
    return found.group(1)


def test_readers_alike_share_the_questions_controls_the_bell_and_the_banner(
    scene: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = scene
    rendered = fragments_counted(monkeypatch)
    quiet = [member_make(username=f"quiet{n}") for n in range(3)]
    services.kudos_give(giver=quiet[2], thread=s.thread)  # the asker hears of it
    pages = {m.username: _page(logged_in(m), s.url) for m in (*quiet, s.asker)}
    controls = rendered.count(community_answers.QUESTION_ACTIONS)
    bells, banners = rendered.count(community_menu.BELL), rendered.count(BANNER)
    # quiet0 and quiet1 alike; quiet2 gave kudos; the asker wrote it and has news.
    assert (controls, bells, banners) == (3, 2, 1)
    news = unread_count(member_id=s.asker.pk)  # two answers and a kudos
    assert news > 0
    assert [_bell(pages[name]) for name in ("quiet0", "quiet2", "asker")] == ["0", "0", str(news)]
    footers = {name: html.split('<footer class="post-actions">')[1] for name, html in pages.items()}
    assert 'class="kudos is-given"' in footers["quiet2"]
    assert 'class="kudos is-given"' not in footers["quiet0"]
    edit = f'href="/threads/{s.thread.pk}/edit/"'
    assert "kudos-own" in footers["asker"] and edit in footers["asker"]
    assert edit not in footers["quiet2"]
    assert all("Data is down in the North West" in html for html in pages.values())
