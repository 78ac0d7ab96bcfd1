"""Tags, crowds of members and many answers for the page tests (members, boards, questions
and answers themselves come from tests/builders.py, through the services).

Tags have no service (staff create them in the admin), so they are plain rows.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from community import services
from community.models import Member, Post, Tag, Thread
from config import fragments
from tests.builders import answer, ask, board_make
from tests.factories import MemberFactory

HTMX = {"HX-Request": "true"}
QUESTION_BODY = "My phone shows no signal since this morning, even after a restart."

_serial = itertools.count(1)


def fragments_counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The template names of the fragments rendered from now on (config/fragments.py), not
    taken from the kept ones; none is kept before."""
    fragments.forget()
    seen: list[str] = []
    real = fragments._rendered.__wrapped__

    def counting(compiled: Any, *args: Any) -> str:
        seen.append(compiled.origin.template_name)
        return real(compiled, *args)

    monkeypatch.setattr(fragments, "_rendered", functools.lru_cache(maxsize=None)(counting))
    return seen


def tag_make(slug: str = "esim", name: str = "eSIM") -> Tag:
    return Tag.objects.create(slug=slug, name=name)


def members_make(count: int, prefix: str = "crowd") -> list[Member]:
    """`count` members with distinct usernames, so pages show many different authors."""
    start = next(_serial) * 1000
    return [
        MemberFactory.create(username=f"{prefix}{start + i}", display_name=f"Member {start + i}")
        for i in range(count)
    ]


def answers_make(
    *, thread: Thread, authors: Sequence[Member], count: int, kudos_from: Member | None = None
) -> list[Post]:
    """`count` answers from `authors` in turn; every third one gets kudos from `kudos_from`
    and from the next author round, so kudos counts and the viewer's kudos both vary."""
    posts = []
    for i in range(count):
        author = authors[i % len(authors)]
        post = answer(author, thread)
        if i % 3 == 0:
            fan = authors[(i + 1) % len(authors)]
            if fan.pk != author.pk:
                services.kudos_give(giver=fan, post=post)
            if kudos_from is not None and kudos_from.pk != author.pk:
                services.kudos_give(giver=kudos_from, post=post)
        posts.append(post)
    return posts


def two_answer_scene(
    *,
    asker: Member,
    helper: Member,
    moderator: Member,
    outsider: Member,
    ago: timedelta | None = None,
) -> SimpleNamespace:
    """A question with two answers (the helper's, then the outsider's, `ago` if given) and the
    people around it."""
    board = board_make()
    thread = ask(asker, board, title="My eSIM will not activate")
    first = answer(helper, thread, body="Restart the phone, then retry.", ago=ago)
    second = answer(outsider, thread, body="Ask the shop for a new QR code.", ago=ago)
    return SimpleNamespace(
        board=board,
        thread=thread,
        first=first,
        second=second,
        url=thread.get_absolute_url(),
        asker=asker,
        helper=helper,
        moderator=moderator,
        outsider=outsider,
    )
