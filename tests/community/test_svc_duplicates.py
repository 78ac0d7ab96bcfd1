"""community.services.duplicates: closing a question as a duplicate of another, reopening it.

Moderators and members whose rank grants it (Expert and up by default) close; only
moderators reopen. A duplicate is locked and points to its original; the original is another
question readers can see, never one whose own duplicates lead back.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community import services
from community.errors import Conflict
from community.models import Member, Thread
from tests.builders import agent_make, answer, ask, board_make, member_make
from tests.community.svc_factories import capture_events
from tests.support.moderation_factories import EXPERT, HELPER, rank

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(asker: Member, helper: Member) -> tuple[Thread, Thread]:
    board = board_make()
    original = ask(helper, board, title="eSIM will not activate after switching phones")
    duplicate = ask(asker, board, title="My eSIM won't activate on the new phone")
    return duplicate, original


@pytest.fixture
def expert() -> Member:
    return rank(member_make("expert"), EXPERT)


def test_an_expert_closes_a_question_as_a_duplicate_locked_and_announced(
    pair: tuple[Thread, Thread], expert: Member, asker: Member
) -> None:
    duplicate, original = pair

    with capture_events() as sent:
        result = services.thread_close_duplicate(thread=duplicate, original=original, actor=expert)

    duplicate.refresh_from_db()
    assert (duplicate.duplicate_of_id, duplicate.is_locked) == (original.pk, True)
    assert result.duplicate_of_id == original.pk
    assert (
        "thread_marked_duplicate",
        {
            "thread_id": duplicate.pk,
            "original_id": original.pk,
            "author_id": asker.pk,
            "actor_id": expert.pk,
        },
    ) in sent.calls
    assert "thread_updated" in [name for name, _kwargs in sent.calls]


def test_a_duplicate_takes_no_new_answers_and_says_why(
    pair: tuple[Thread, Thread], moderator: Member, helper: Member
) -> None:
    duplicate, original = pair
    services.thread_close_duplicate(thread=duplicate, original=original, actor=moderator)

    with pytest.raises(Conflict) as refused:
        answer(helper, duplicate)

    assert "duplicate" in refused.value.message
    duplicate.refresh_from_db()
    assert duplicate.answer_count == 0
    assert duplicate.status == "locked"


@pytest.mark.parametrize("who", ["asker", "helper_rank", "agent"])
def test_members_below_the_rank_and_agents_may_not_close_duplicates(
    request: pytest.FixtureRequest, pair: tuple[Thread, Thread], who: str
) -> None:
    duplicate, original = pair
    actor = {
        "asker": lambda: request.getfixturevalue("asker"),
        "helper_rank": lambda: rank(member_make("climber"), HELPER),
        "agent": agent_make,
    }[who]()

    with pytest.raises(PermissionDenied):
        services.thread_close_duplicate(thread=duplicate, original=original, actor=actor)

    duplicate.refresh_from_db()
    assert duplicate.duplicate_of_id is None and not duplicate.is_locked


def test_a_question_is_not_a_duplicate_of_itself(
    pair: tuple[Thread, Thread], moderator: Member
) -> None:
    duplicate, _original = pair

    with pytest.raises(ValidationError) as error:
        services.thread_close_duplicate(thread=duplicate, original=duplicate, actor=moderator)

    assert "of" in error.value.message_dict


def test_a_hidden_original_is_refused(pair: tuple[Thread, Thread], moderator: Member) -> None:
    duplicate, original = pair
    services.content_hide(thread=original, reason="moderator", actor_id=moderator.pk)
    original.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        services.thread_close_duplicate(thread=duplicate, original=original, actor=moderator)

    assert "hidden" in error.value.message_dict["of"][0]
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of_id is None


def test_a_chain_that_leads_back_is_refused(asker: Member, moderator: Member) -> None:
    board = board_make()
    a, b, c = (ask(asker, board) for _ in range(3))
    services.thread_close_duplicate(thread=a, original=b, actor=moderator)
    services.thread_close_duplicate(thread=b, original=c, actor=moderator)

    with pytest.raises(ValidationError) as error:
        services.thread_close_duplicate(thread=c, original=a, actor=moderator)

    assert "circles" in error.value.message_dict["of"][0]
    c.refresh_from_db()
    assert c.duplicate_of_id is None and not c.is_locked


def test_closing_again_repoints_and_the_same_original_changes_nothing(
    pair: tuple[Thread, Thread], moderator: Member, asker: Member
) -> None:
    duplicate, original = pair
    other = ask(asker, board_make())
    services.thread_close_duplicate(thread=duplicate, original=original, actor=moderator)

    with capture_events() as same:
        services.thread_close_duplicate(thread=duplicate, original=original, actor=moderator)
    services.thread_close_duplicate(thread=duplicate, original=other, actor=moderator)

    assert same.calls == []
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of_id == other.pk


def test_a_moderator_reopens_a_duplicate_and_it_takes_answers_again(
    pair: tuple[Thread, Thread], moderator: Member, expert: Member, helper: Member
) -> None:
    duplicate, original = pair
    services.thread_close_duplicate(thread=duplicate, original=original, actor=expert)

    with pytest.raises(PermissionDenied):
        services.thread_reopen_duplicate(thread=duplicate, actor=expert)
    services.thread_reopen_duplicate(thread=duplicate, actor=moderator)

    duplicate.refresh_from_db()
    assert (duplicate.duplicate_of_id, duplicate.is_locked) == (None, False)
    answer(helper, duplicate)
    with pytest.raises(Conflict):
        services.thread_reopen_duplicate(thread=duplicate, actor=moderator)


def test_deleting_the_original_leaves_a_plain_locked_question(
    pair: tuple[Thread, Thread], moderator: Member
) -> None:
    duplicate, original = pair
    services.thread_close_duplicate(thread=duplicate, original=original, actor=moderator)

    services.thread_delete(thread=original, actor=moderator)

    duplicate.refresh_from_db()
    assert (duplicate.duplicate_of_id, duplicate.is_locked) == (None, True)


def test_the_demo_closes_its_repeated_question_as_a_duplicate_once(db: None) -> None:
    from io import StringIO

    from django.core.management import call_command

    for _ in range(2):
        call_command("seed_demo", "--no-progress", stdout=StringIO(), stderr=StringIO())

    [duplicate] = Thread.objects.exclude(duplicate_of=None).select_related("duplicate_of")
    assert duplicate.is_locked
    assert duplicate.duplicate_of is not None
    assert duplicate.duplicate_of.title == "My eSIM won't activate on a new iPhone"
