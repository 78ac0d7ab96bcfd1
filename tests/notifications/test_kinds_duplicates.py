"""Who hears that a question was closed as a duplicate: its asker, pointed to the original."""

from __future__ import annotations

import pytest
from django.utils import translation

from community import services
from community.models import Member
from notifications.messages import message_for
from notifications.models import Kind
from tests.builders import ask, board_make, member_make
from tests.notifications.kinds_helpers import assert_message, kinds_of, mark, only, recipients

pytestmark = pytest.mark.django_db


def test_the_asker_hears_where_the_answers_are_and_nobody_else_does(
    asker: Member, helper: Member, moderator: Member, outsider: Member
) -> None:
    board = board_make()
    original = ask(helper, board, title="Voicemail greeting resets")
    duplicate = ask(asker, board, title="My voicemail greeting keeps resetting")
    before = mark()

    services.thread_close_duplicate(thread=duplicate, original=original, actor=moderator)

    assert recipients(Kind.DUPLICATE, after=before) == {"asker"}
    notification = only(asker, Kind.DUPLICATE)
    assert notification.url == original.get_absolute_url()
    assert notification.actor == moderator
    assert not notification.read
    assert_message(
        notification, "My voicemail greeting keeps resetting", "Voicemail greeting resets"
    )
    for member in (helper, moderator, outsider):
        assert kinds_of(member, after=before) == set()
    with translation.override("it"):
        assert "duplicato" in message_for(notification)


def test_an_asker_who_closes_their_own_question_is_told_nothing(moderator: Member) -> None:
    board = board_make()
    original = ask(member_make(), board)
    own = ask(moderator, board)
    before = mark()

    services.thread_close_duplicate(thread=own, original=original, actor=moderator)

    assert recipients(Kind.DUPLICATE, after=before) == set()


def test_reopening_or_closing_again_with_the_same_original_tells_nobody(
    asker: Member, helper: Member, moderator: Member
) -> None:
    board = board_make()
    original = ask(helper, board)
    duplicate = ask(asker, board)
    services.thread_close_duplicate(thread=duplicate, original=original, actor=moderator)
    before = mark()

    services.thread_close_duplicate(thread=duplicate, original=original, actor=moderator)
    services.thread_reopen_duplicate(thread=duplicate, actor=moderator)

    assert recipients(Kind.DUPLICATE, after=before) == set()
