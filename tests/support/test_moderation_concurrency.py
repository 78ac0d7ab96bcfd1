"""Flags arriving at once (PostgreSQL only): the item is hidden exactly once, and a double
click flags once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from community.errors import Conflict
from community.models import HiddenReason, Member, Post
from support.cases.models import Case
from support.moderation import services as moderation
from support.moderation.models import Flag, ModerationAction
from tests.builders import answer, ask, board_make
from tests.concurrency import requires_postgresql, run_at_once, transactional
from tests.support.moderation_factories import HELPER, MEMBER, ranked

pytestmark = [requires_postgresql, transactional]


@pytest.fixture
def post(asker: Member, helper: Member) -> Post:
    return answer(helper, ask(asker, board_make()), body="Cheap followers at our shop!")


def flag(flagger: Member, post: Post) -> Callable[[], Any]:
    return lambda: moderation.flag_create(flagger=flagger, post=post, kind="spam")


def test_trusted_flags_at_once_hide_the_answer_exactly_once(post: Post) -> None:
    flaggers = [ranked(HELPER) for _ in range(4)]

    _results, errors = run_at_once([flag(f, post) for f in flaggers])

    assert errors == []
    assert Flag.objects.count() == 4
    post.refresh_from_db()
    assert post.hidden_reason == HiddenReason.FLAGGED
    assert ModerationAction.objects.filter(kind=ModerationAction.Kind.HIDE).count() == 1
    assert Case.objects.count() == 1


def test_a_double_click_flags_once(post: Post) -> None:
    flagger = ranked(MEMBER)

    results, errors = run_at_once([flag(flagger, post), flag(flagger, post)])

    assert len(results) == 1
    assert [type(e) for e in errors] == [Conflict]
    assert Flag.objects.count() == 1
