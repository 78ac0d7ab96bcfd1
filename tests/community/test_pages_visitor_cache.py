"""Visitors' pages come from the cache (community/pagecache.py) until their content changes.

Every event that changes what a visitor sees of a thread drops its stored page, members never
get a visitor's page (nor store one), and nothing hidden is ever in a stored page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from community import services
from community.models import Board, HiddenReason, Member
from community.services import moderation_ops
from tests.builders import ask, logged_in
from tests.community.page_factories import two_answer_scene

pytestmark = pytest.mark.django_db

OnCommit = Callable[..., object]


@pytest.fixture
def scene(asker: Member, helper: Member, moderator: Member, outsider: Member) -> SimpleNamespace:
    return two_answer_scene(asker=asker, helper=helper, moderator=moderator, outsider=outsider)


def hit(response: object) -> bool:
    return response.get("X-Page-Cache") == "hit"  # type: ignore[attr-defined]


@pytest.fixture
def visitor() -> Client:
    return Client()


@pytest.fixture
def then(django_capture_on_commit_callbacks: OnCommit) -> Callable[[], Iterator[None]]:
    """Run an action as a committed write: the cache hears of it after commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)  # type: ignore[return-value]


def test_a_visitors_second_visit_is_served_from_the_cache_without_a_query(
    visitor: Client, scene: SimpleNamespace
) -> None:
    for url in (scene.url, "/", "/boards/"):
        first = visitor.get(url)
        with CaptureQueriesContext(connection) as queries:
            second = visitor.get(url)

        assert not hit(first)
        assert hit(second), url
        assert second.content == first.content
        assert len(queries.captured_queries) == 0, url
        assert "public" in second["Cache-Control"]


def _answer(s: SimpleNamespace) -> str:
    services.post_create(
        author=s.moderator, thread=s.thread, body="Try the roaming switch too.", check_limits=False
    )
    return "Try the roaming switch too."


def _edit_answer(s: SimpleNamespace) -> str:
    services.post_update(post=s.first, editor=s.helper, body="Restart twice, then retry.")
    return "Restart twice, then retry."


def _delete_answer(s: SimpleNamespace) -> str:
    services.post_delete(post=s.second, actor=s.outsider)
    return "!Ask the shop for a new QR code."


def _edit_question(s: SimpleNamespace) -> str:
    services.thread_update(thread=s.thread, editor=s.asker, title="eSIM stuck on activating")
    return "eSIM stuck on activating"


def _kudos(s: SimpleNamespace) -> str:
    services.kudos_give(giver=s.asker, post=s.first)
    return "<span data-kudos-count>1</span>"


def _kudos_withdrawn(s: SimpleNamespace) -> str:
    services.kudos_withdraw(giver=s.asker, post=s.first)
    return "!<span data-kudos-count>1</span>"


def _solution(s: SimpleNamespace) -> str:
    services.solution_accept(thread=s.thread, post=s.second, actor=s.asker)
    return "is-solution"


def _solution_withdrawn(s: SimpleNamespace) -> str:
    services.solution_withdraw(thread=s.thread, actor=s.asker)
    return "!is-solution"


def _hide_answer(s: SimpleNamespace) -> str:
    services.content_hide(post=s.second, reason=HiddenReason.MODERATOR, actor_id=s.moderator.pk)
    return "!Ask the shop for a new QR code."


def _restore_answer(s: SimpleNamespace) -> str:
    services.content_restore(post=s.second, actor_id=s.moderator.pk)
    return "Ask the shop for a new QR code."


def _lock(s: SimpleNamespace) -> str:
    services.thread_lock(thread=s.thread, actor=s.moderator, locked=True)
    return "status-locked"


def _escalate(s: SimpleNamespace) -> str:
    services.thread_mark_escalated(thread_id=s.thread.pk, escalated=True)
    return "status-escalated"


def _move(s: SimpleNamespace) -> str:
    billing = Board.objects.create(slug="billing", name="Billing", description="Bills.")
    moderation_ops.thread_move(thread=s.thread, board=billing, actor=s.moderator)
    return 'href="/boards/billing/"'


# Each event and what a visitor must then see ("!..." what they must no longer see). Some
# need an earlier state (a withdrawal needs a kudos), set up before the page is cached.
EVENTS: dict[str, tuple[Callable[[SimpleNamespace], str] | None, Callable[..., str]]] = {
    "post_created": (None, _answer),
    "post_updated": (None, _edit_answer),
    "post_deleted": (None, _delete_answer),
    "thread_updated": (None, _edit_question),
    "kudos_given": (None, _kudos),
    "kudos_withdrawn": (_kudos, _kudos_withdrawn),
    "solution_accepted": (None, _solution),
    "solution_withdrawn": (_solution, _solution_withdrawn),
    "content_hidden": (None, _hide_answer),
    "content_restored": (_hide_answer, _restore_answer),
    "thread_locked": (None, _lock),
    "thread_escalated": (None, _escalate),
    "thread_moved": (None, _move),
}


@pytest.mark.parametrize("event", EVENTS)
def test_every_event_that_changes_the_thread_drops_its_cached_page(
    visitor: Client,
    scene: SimpleNamespace,
    then: Callable[[], object],
    event: str,
) -> None:
    before, action = EVENTS[event]
    if before is not None:
        with then():  # type: ignore[attr-defined]
            before(scene)
    visitor.get(scene.url)
    assert hit(visitor.get(scene.url))

    with then():  # type: ignore[attr-defined]
        expected = action(scene)
    page = visitor.get(scene.url, follow=True)  # a new title moves the page to a new slug

    assert page.status_code == 200
    assert not hit(page)
    text = page.content.decode()
    if expected.startswith("!"):
        assert expected[1:] not in text
    else:
        assert expected in text
    assert hit(visitor.get(scene.url, follow=True))  # and the new page is cached in turn


def test_a_new_question_drops_the_cached_home_page_and_board_list(
    visitor: Client, scene: SimpleNamespace, then: Callable[[], object]
) -> None:
    for url in ("/", "/boards/"):
        visitor.get(url)
        assert hit(visitor.get(url))

    with then():  # type: ignore[attr-defined]
        ask(scene.outsider, scene.board, title="Roaming in Albania")

    home = visitor.get("/")
    assert not hit(home)
    assert "Roaming in Albania" in home.content.decode()
    assert not hit(visitor.get("/boards/"))


@pytest.mark.parametrize("member", ["helper", "moderator", "asker"])
def test_a_member_never_gets_the_visitors_cached_page(
    request: pytest.FixtureRequest, visitor: Client, scene: SimpleNamespace, member: str
) -> None:
    visitor.get(scene.url)
    assert hit(visitor.get(scene.url))
    client = logged_in(request.getfixturevalue(member))

    for _ in range(2):
        page = client.get(scene.url)
        assert not hit(page)
        assert 'name="csrfmiddlewaretoken"' in page.content.decode()  # their answer form
        assert "private" in page["Cache-Control"]


def test_a_members_visit_stores_nothing_for_visitors(
    visitor: Client, scene: SimpleNamespace
) -> None:
    logged_in(scene.helper).get(scene.url)

    assert not hit(visitor.get(scene.url))


def test_hidden_content_never_reaches_a_cached_page(
    visitor: Client, scene: SimpleNamespace, then: Callable[[], object]
) -> None:
    with then():  # type: ignore[attr-defined]
        services.content_hide(
            post=scene.second, reason=HiddenReason.SENSITIVE, actor_id=scene.moderator.pk
        )
    # Its author and the staff see it (with a notice) first; that must not be what is stored.
    for who in (scene.outsider, scene.moderator):
        assert "Ask the shop for a new QR code." in logged_in(who).get(scene.url).content.decode()

    first, second = visitor.get(scene.url), visitor.get(scene.url)

    assert hit(second)
    for page in (first, second):
        assert "Ask the shop for a new QR code." not in page.content.decode()
        assert "notice-hidden" not in page.content.decode()


def test_a_hidden_question_is_not_served_from_the_cache(
    visitor: Client, scene: SimpleNamespace, then: Callable[[], object]
) -> None:
    visitor.get(scene.url)
    assert hit(visitor.get(scene.url))

    with then():  # type: ignore[attr-defined]
        services.content_hide(
            thread=scene.thread, reason=HiddenReason.MODERATOR, actor_id=scene.moderator.pk
        )

    assert visitor.get(scene.url).status_code == 404


def test_a_visitor_with_a_flash_message_gets_a_fresh_page(
    visitor: Client, scene: SimpleNamespace
) -> None:
    visitor.get(scene.url)
    visitor.cookies["messages"] = "anything"

    assert not hit(visitor.get(scene.url))


def test_each_language_has_its_own_cached_page(visitor: Client, scene: SimpleNamespace) -> None:
    english = visitor.get(scene.url)
    italian = visitor.get(scene.url, headers={"accept-language": "it"})

    assert not hit(italian)
    assert italian.content != english.content


def test_the_cached_page_still_counts_a_new_visitors_view(
    scene: SimpleNamespace,
) -> None:
    Client(REMOTE_ADDR="10.0.0.1").get(scene.url)
    assert hit(Client(REMOTE_ADDR="10.0.0.2").get(scene.url))

    scene.thread.refresh_from_db()
    assert scene.thread.view_count == 2


def test_the_cache_can_be_turned_off(
    visitor: Client, scene: SimpleNamespace, settings: object
) -> None:
    settings.COMMUNITY_PAGE_CACHE_SECONDS = 0  # type: ignore[attr-defined]

    visitor.get(scene.url)

    assert not hit(visitor.get(scene.url))
