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
