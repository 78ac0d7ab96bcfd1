"""The question's byline, body and tags are rendered once and shared by its readers
(community/answercache.py, question_html), and never outlive what they show.

What changes with every reader (the view count) or elsewhere on the page (a new answer, kudos)
must not render the question again; what it shows (an edit, a tag, the author's rank, name or
role, its age, the language) must show at once. A hidden question is never stored.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from community import answercache, services
from community.models import MODERATORS_GROUP, HiddenReason, Member, Tag, Thread
from tests.builders import answer, ask, board_make, logged_in, member_make

pytestmark = pytest.mark.django_db

EARLIER = timedelta(hours=2)
BODY = "My eSIM will not activate after the phone update."


@pytest.fixture(autouse=True)
def _members_pages_only(settings: object) -> None:
    # Visitors' whole pages have their own cache: here every page is rendered.
    settings.COMMUNITY_PAGE_CACHE_SECONDS = 0  # type: ignore[attr-defined]
    cache.clear()
    answercache._kept.forget()


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the questions rendered (not taken from a process's store or the cache)."""
    rendered: list[int] = []
    real = answercache._render_question

    def counting(thread: Thread) -> str:
        rendered.append(thread.pk)
        return real(thread)

    monkeypatch.setattr(answercache, "_render_question", counting)
    return rendered


@pytest.fixture
def question(asker: Member) -> Thread:
    Tag.objects.get_or_create(slug="esim", defaults={"name": "eSIM"})
    return ask(asker, board_make(), body=BODY, tags=["esim"], ago=EARLIER)


def shown(client: Client, thread: Thread) -> str:
    """The question's part of the page: from the byline to the end of its tags."""
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<div class="byline">')
    return html[start : html.index('<footer class="post-actions">', start)]


def test_readers_share_the_rendered_question(
    question: Thread, helper: Member, outsider: Member, renders: list[int]
) -> None:
    first = shown(logged_in(helper), question)
    again = shown(logged_in(outsider), question)
    visitor = shown(Client(), question)

    assert renders == [question.pk]
    assert first == again == visitor
    assert BODY in first and ">eSIM</a>" in first and "2\xa0hours ago" in first


def test_views_answers_and_kudos_do_not_render_the_question_again(
    question: Thread, helper: Member, outsider: Member, renders: list[int]
) -> None:
    reader = logged_in(outsider)
    shown(reader, question)
    answer(helper, question, body="Restart the phone, then retry.")
    services.kudos_give(giver=helper, thread=question)
    Thread.objects.filter(pk=question.pk).update(view_count=500)
    shown(logged_in(helper), question)
    assert renders == [question.pk]
    # Another process, having forgotten it, reads it from the cache.
    answercache._kept.forget()
    shown(reader, question)
    assert renders == [question.pk]


def _edit(thread: Thread) -> str:
    services.thread_update(
        thread=thread, editor=thread.author, body="Edited: it activates on Wi-Fi only."
    )
    return "Edited: it activates on Wi-Fi only."


def _tag(thread: Thread) -> str:
    Tag.objects.get_or_create(slug="roaming", defaults={"name": "Roaming abroad"})
    services.thread_update(thread=thread, editor=thread.author, tags=["esim", "roaming"])
    return ">Roaming abroad</a>"


def _rank(thread: Thread) -> str:
    Member.objects.filter(pk=thread.author_id).update(rank_name="Trailblazer")
    return "Trailblazer"


def _name(thread: Thread) -> str:
    Member.objects.filter(pk=thread.author_id).update(display_name="Alma the Asker")
    return "Alma the Asker"


def _role(thread: Thread) -> str:
    thread.author.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return '<span class="role-badge">Moderator</span>'


CHANGES = {"edited": _edit, "tagged": _tag, "rank": _rank, "name": _name, "role": _role}


@pytest.mark.parametrize("change", CHANGES)
def test_what_the_question_shows_is_never_older_than_its_data(
    question: Thread, outsider: Member, helper: Member, change: str
) -> None:
    reader = logged_in(outsider)
    before = shown(reader, question)
    expected = CHANGES[change](Thread.objects.get(pk=question.pk))
    assert expected not in before

    assert expected in shown(reader, question)
    assert expected in shown(logged_in(helper), question)


def test_the_age_and_the_language_are_part_of_the_stored_question(
    question: Thread, outsider: Member
) -> None:
    reader = logged_in(outsider)
    assert "2\xa0hours ago" in shown(reader, question)
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=True):
        assert "3\xa0hours ago" in shown(reader, question)

    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"
    assert "2 ore fa" in shown(reader, question)


def test_a_hidden_question_is_rendered_for_each_reader_and_never_stored(
    question: Thread, renders: list[int]
) -> None:
    services.content_hide(thread=question, reason=HiddenReason.MODERATOR, actor_id=None)
    author = logged_in(question.author)
    moderator = logged_in(member_make(is_staff=True, groups=[MODERATORS_GROUP]))
    assert BODY in shown(author, question)
    assert BODY in shown(moderator, question)
    assert renders == [question.pk, question.pk]
    assert Client().get(question.get_absolute_url()).status_code == 404
