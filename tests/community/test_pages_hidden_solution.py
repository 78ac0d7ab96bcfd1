"""A thread whose accepted answer a moderator hid says one consistent thing to each reader:
readers who may not see the answer see an open question and count only the answers they see;
the author of the hidden answer and the staff see it, solved. The stored solution stays, with
its points (hiding is not reversing)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from community import services
from community.models import HiddenReason, Member, Thread
from tests.builders import answer, ask, board_make, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings: object) -> None:
    settings.COMMUNITY_PAGE_CACHE_SECONDS = 0  # type: ignore[attr-defined]
    cache.clear()


@pytest.fixture
def thread(asker: Member, helper: Member, moderator: Member) -> Thread:
    thread = ask(asker, board_make(), title="My phone will not charge at all")
    post = answer(helper, thread)
    services.solution_accept(thread=thread, post=post, actor=asker)
    services.content_hide(post=post, reason=HiddenReason.MODERATOR, actor_id=moderator.pk)
    thread.refresh_from_db()
    return thread


def html_for(client: Client, thread: Thread) -> str:
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("reader", ["visitor", "asker", "outsider"])
def test_readers_see_an_open_question_with_no_answers(
    request: pytest.FixtureRequest, thread: Thread, reader: str
) -> None:
    client = Client() if reader == "visitor" else logged_in(request.getfixturevalue(reader))

    html = html_for(client, thread)

    assert "status-solved" not in html
    assert '<h2 id="answers-heading">0 answers</h2>' in html
    assert "No answers yet" in html


@pytest.mark.parametrize("reader", ["helper", "moderator"])
def test_who_may_see_the_hidden_answer_sees_it_solved(
    request: pytest.FixtureRequest, thread: Thread, reader: str
) -> None:
    html = html_for(logged_in(request.getfixturevalue(reader)), thread)

    assert "status-solved" in html
    assert '<h2 id="answers-heading">1 answer</h2>' in html
    assert "No answers yet" not in html


def test_the_stored_solution_stays(thread: Thread) -> None:
    assert thread.solution_id is not None


def _row(html: str, thread: Thread) -> str:
    """The list row of `thread` in a page's HTML."""
    start = html.index(f'href="{thread.get_absolute_url()}"')
    return html[html.rindex("<li", 0, start) : html.index("</li>", start)]


@pytest.mark.parametrize("page", ["home", "board", "search", "profile"])
def test_list_rows_say_what_the_thread_page_says(thread: Thread, page: str) -> None:
    url = {
        "home": "/",
        "board": thread.board.get_absolute_url(),
        "search": "/search/?q=charge",
        "profile": thread.author.get_absolute_url(),
    }[page]
    response = Client().get(url)
    assert response.status_code == 200

    row = _row(response.content.decode(), thread)

    assert "status-solved" not in row
    if page != "search":
        assert "<strong>0</strong> answers" in row


def test_the_counts_follow_hiding_restoring_and_deleting(
    asker: Member, helper: Member, moderator: Member
) -> None:
    board = board_make()
    thread = ask(asker, board, title="Roaming does not work in France")
    first, second = answer(helper, thread), answer(moderator, thread)

    def counts() -> tuple[int, int]:
        thread.refresh_from_db()
        board.refresh_from_db()
        return thread.answer_count, board.answer_count

    assert counts() == (2, 2)
    assert services.content_hide(post=first, reason=HiddenReason.FLAGGED, actor_id=None)
    assert counts() == (1, 1)
    # Another reason for an answer already hidden moves nothing.
    assert services.content_hide(post=first, reason=HiddenReason.MODERATOR, actor_id=None)
    assert not services.content_hide(post=first, reason=HiddenReason.MODERATOR, actor_id=None)
    assert counts() == (1, 1)
    # Deleting a hidden answer takes nothing more off; deleting a public one does.
    services.post_delete(post=first, actor=moderator)
    assert counts() == (1, 1)
    assert services.content_hide(post=second, reason=HiddenReason.MODERATOR, actor_id=None)
    assert counts() == (0, 0)
    assert services.content_restore(post=second, actor_id=moderator.pk)
    assert not services.content_restore(post=second, actor_id=moderator.pk)
    assert counts() == (1, 1)
    services.post_delete(post=second, actor=moderator)
    assert counts() == (0, 0)


def test_the_open_and_solved_filters_follow_the_public_view(thread: Thread) -> None:
    from community import selectors

    assert thread in selectors.thread_list(status="open")
    assert thread not in selectors.thread_list(status="solved")
    assert thread in selectors.thread_list(status="unanswered")


def test_the_asker_cannot_delete_a_question_whose_only_answer_is_held(
    asker: Member, helper: Member, moderator: Member
) -> None:
    from django.core.exceptions import PermissionDenied

    thread = ask(asker, board_make(), title="Question with a held answer")
    services.content_hide(post=answer(helper, thread), reason=HiddenReason.MODERATOR, actor_id=None)
    thread.refresh_from_db()
    assert thread.answer_count == 0

    with pytest.raises(PermissionDenied):
        services.thread_delete(thread=thread, actor=asker)
    assert Thread.objects.filter(pk=thread.pk).exists()
