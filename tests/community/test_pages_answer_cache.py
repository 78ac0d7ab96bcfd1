"""Each answer's shared HTML is rendered once and kept (community/answercache.py); each reader's
controls are rendered for them alone.

A stored answer must never carry one reader's controls, CSRF token or kudos to another, never
show hidden content to someone not allowed to see it, and never outlive what it shows: an edit,
kudos, a solution, hiding, the author's new role, rank or name, the language, its age.
"""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from community import answercache, services
from community.models import MODERATORS_GROUP, HiddenReason, Member, Post
from community.templatetags import community_answers
from tests.builders import answer, logged_in, member_make
from tests.community.page_factories import fragments_counted, two_answer_scene

pytestmark = pytest.mark.django_db

EARLIER = timedelta(hours=2)


@pytest.fixture(autouse=True)
def _members_pages_only(settings: object) -> None:
    # Visitors' whole pages have their own cache (test_pages_visitor_cache.py): here every
    # page is rendered, so what is tested is the answers' cache alone.
    settings.COMMUNITY_PAGE_CACHE_SECONDS = 0  # type: ignore[attr-defined]
    cache.clear()


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the answers rendered (not taken from the cache), in order."""
    rendered: list[int] = []
    real = answercache._render

    def counting(post: Post, thread: object) -> str:
        rendered.append(post.pk)
        return real(post, thread)  # type: ignore[arg-type]

    monkeypatch.setattr(answercache, "_render", counting)
    return rendered


@pytest.fixture
def scene(asker: Member, helper: Member, moderator: Member, outsider: Member) -> SimpleNamespace:
    return two_answer_scene(
        asker=asker, helper=helper, moderator=moderator, outsider=outsider, ago=EARLIER
    )


def article(html: str, post: Post) -> str:
    found = re.search(rf'<article class="post[^"]*" id="post-{post.pk}".*?</article>', html, re.S)
    assert found, f"answer {post.pk} is not on the page"
    return found.group(0)


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def csrf_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def test_readers_share_the_rendered_answers_but_never_each_others_controls(
    scene: SimpleNamespace, renders: list[int]
) -> None:
    s = scene
    services.kudos_give(giver=s.helper, post=s.second)
    edit = {p: f"/posts/{p.pk}/edit/" for p in (s.first, s.second)}
    clients = {
        name: logged_in(getattr(s, name)) for name in ("helper", "outsider", "moderator", "asker")
    }
    clients["visitor"] = Client()
    pages = {name: page(client, s.url) for name, client in clients.items()}

    # Rendered once, for the first reader; everyone after got them from the cache.
    assert sorted(renders) == sorted([s.first.pk, s.second.pk])

    helper, outsider = pages["helper"], pages["outsider"]
    assert edit[s.first] in article(helper, s.first)
    assert edit[s.second] not in article(helper, s.second)
    assert edit[s.second] in article(outsider, s.second)
    assert edit[s.first] not in article(outsider, s.first)
    # The helper's kudos on the second answer is theirs: pressed for them, for no one else.
    assert 'aria-pressed="true"' in article(helper, s.second)
    for name in ("outsider", "moderator", "asker", "visitor"):
        for post in (s.first, s.second):
            assert 'aria-pressed="true"' not in article(pages[name], post), name
    # Staff edit everyone's answers; only the asker (and staff) may accept one.
    for post in (s.first, s.second):
        assert edit[post] in article(pages["moderator"], post)
        assert "Accept as solution" in article(pages["asker"], post)
        assert "Accept as solution" not in article(helper, post)
    visitor = pages["visitor"]
    for post in (s.first, s.second):
        assert "<form" not in article(visitor, post)
        assert "/edit/" not in article(visitor, post)
        assert "Sign in to give kudos" in article(visitor, post)
    assert not csrf_tokens(visitor)
    # Each member's page carries their own CSRF token only.
    for name, html in pages.items():
        others = set().union(*(csrf_tokens(pages[o]) for o in pages if o != name))
        assert not csrf_tokens(html) & others, name


def test_a_process_keeps_the_answers_it_read_and_reads_the_cache_only_for_others(
    scene: SimpleNamespace, renders: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    s = scene
    reads: list[list[str]] = []
    real_get_many = cache.get_many

    def counting_get_many(keys: list[str], *args: object, **kwargs: object) -> dict[str, object]:
        reads.append([key for key in keys if key.startswith("answer:")])
        return real_get_many(keys, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "get_many", counting_get_many)
    first = page(logged_in(s.outsider), s.url)
    assert sorted(renders) == sorted([s.first.pk, s.second.pk])
    asked = sum(len(keys) for keys in reads)
    again = page(logged_in(s.moderator), s.url)
    # Kept by this process: the second reader read no answer from the cache.
    assert sum(len(keys) for keys in reads) == asked
    assert len(renders) == 2
    assert (
        article(again, s.second).split("<footer")[0] == article(first, s.second).split("<footer")[0]
    )
    # Another process (this one, having forgotten) reads them from the cache, renders none.
    answercache._kept.forget()
    page(logged_in(s.asker), s.url)
    assert sum(len(keys) for keys in reads) == asked + 2
    assert len(renders) == 2
    # An edit makes a new key: rendered again, kept or not.
    services.post_update(
        post=s.second, editor=s.second.author, body="Updated: reset the APN first."
    )
    assert "Updated: reset the APN first." in article(page(logged_in(s.moderator), s.url), s.second)
    assert renders.count(s.second.pk) == 2


def test_a_hidden_answer_is_never_stored_nor_shown_to_others(
    scene: SimpleNamespace, renders: list[int]
) -> None:
    s = scene
    outsider, helper = logged_in(s.outsider), logged_in(s.helper)
    page(helper, s.url)  # both answers stored as everyone saw them
    services.content_hide(post=s.second, reason=HiddenReason.MODERATOR, actor_id=s.moderator.pk)
    renders.clear()

    own = page(outsider, s.url)
    assert "Only you and the staff can see this answer." in article(own, s.second)
    again = page(logged_in(s.moderator), s.url)
    assert "Only you and the staff can see this answer." in article(again, s.second)
    assert renders.count(s.second.pk) == 2  # rendered for each reader, never stored

    for client in (helper, Client()):
        html = page(client, s.url)
        assert f'id="post-{s.second.pk}"' not in html
        assert "Ask the shop for a new QR code." not in html

    services.content_restore(post=s.second, actor_id=s.moderator.pk)
    restored = page(helper, s.url)
    assert "Ask the shop for a new QR code." in article(restored, s.second)
    assert "Only you and the staff can see this answer." not in restored


def _edit(s: SimpleNamespace) -> str:
    services.post_update(post=s.first, editor=s.helper, body="Restart twice, then retry.")
    return "Restart twice, then retry."


def _kudos(s: SimpleNamespace) -> str:
    services.kudos_give(giver=s.asker, post=s.first)
    return "<span data-kudos-count>1</span>"


def _solution(s: SimpleNamespace) -> str:
    services.solution_accept(thread=s.thread, post=s.first, actor=s.asker)
    return "Accepted solution"


def _role(s: SimpleNamespace) -> str:
    s.helper.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return '<span class="role-badge">Moderator</span>'


def _rank(s: SimpleNamespace) -> str:
    Member.objects.filter(pk=s.helper.pk).update(rank_name="Trailblazer")
    return "Trailblazer"


def _name(s: SimpleNamespace) -> str:
    Member.objects.filter(pk=s.helper.pk).update(display_name="Hugo the Helpful")
    return "Hugo the Helpful"


CHANGES = {
    "edited": _edit,
    "kudos": _kudos,
    "solution": _solution,
    "role": _role,
    "rank": _rank,
    "name": _name,
}


@pytest.mark.parametrize("change", CHANGES)
def test_what_an_answer_shows_is_never_older_than_its_data(
    scene: SimpleNamespace, change: str
) -> None:
    s = scene
    reader = logged_in(s.outsider)
    before = article(page(reader, s.url), s.first)
    shown = CHANGES[change](s)
    assert shown not in before

    after = article(page(reader, s.url), s.first)
    assert shown in after
    # And for the next reader too, from the cache or not.
    assert shown in article(page(logged_in(s.moderator), s.url), s.first)


def test_the_age_and_the_language_are_part_of_the_stored_answer(scene: SimpleNamespace) -> None:
    s = scene
    reader = logged_in(s.outsider)
    assert "2\xa0hours ago" in article(page(reader, s.url), s.first)
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=True):
        assert "3\xa0hours ago" in article(page(reader, s.url), s.first)

    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"
    italian = article(page(reader, s.url), s.first)
    assert "Link a questa risposta" in italian
    assert "Link to this answer" not in italian


def test_a_new_answer_is_rendered_for_each_page_until_its_age_settles(
    scene: SimpleNamespace, renders: list[int]
) -> None:
    s = scene
    fresh = answer(s.asker, s.thread, body="Thanks, trying now.")
    reader = logged_in(s.outsider)
    page(reader, s.url)
    page(reader, s.url)
    assert renders.count(fresh.pk) == 2  # "10 seconds ago" changes every second
    assert renders.count(s.first.pk) == 1


def test_readers_alike_share_each_answers_controls_each_with_their_own_token(
    scene: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two members who stand alike to both answers (neither wrote one, gave kudos or asked)
    get the same controls, rendered once, each with the CSRF token their session accepts."""
    s = scene
    rendered = fragments_counted(monkeypatch)
    readers = {}
    for member in (member_make(username="reader_one"), member_make(username="reader_two")):
        client = Client(enforce_csrf_checks=True)
        client.force_login(member)
        readers[member.username] = (client, page(client, s.url))
    assert rendered.count(community_answers.CONTROLS) == 2  # one per answer, the first reader's

    (first, first_html), (second, second_html) = readers.values()
    assert csrf_tokens(first_html) and csrf_tokens(second_html)
    assert not csrf_tokens(first_html) & csrf_tokens(second_html)
    # The second reader's own token, from the shared controls, is the one their session takes.
    token = csrf_tokens(article(second_html, s.first)).pop()
    response = second.post(
        f"/posts/{s.first.pk}/kudos/", {"action": "give", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert 'aria-pressed="true"' in article(page(second, s.url), s.first)
    assert 'aria-pressed="true"' not in article(page(first, s.url), s.first)
    # A stolen token is refused: the other reader's does not pass for this session.
    stolen = csrf_tokens(first_html).pop()
    refused = second.post(
        f"/posts/{s.second.pk}/kudos/", {"action": "give", "csrfmiddlewaretoken": stolen}
    )
    assert refused.status_code == 403
