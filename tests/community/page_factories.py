"""Content for the page tests, made the way the site makes it: through the services.

Boards and tags have no service (staff create them in the admin), so they are plain rows.
Questions and answers skip the posting limits, which protect the site from members, not from
test setup; the tests that are about the limits post through the pages instead.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from django.test import Client

from community import services
from community.models import Board, Member, Post, Tag, Thread
from tests.factories import MemberFactory

HTMX = {"HX-Request": "true"}
QUESTION_BODY = "My phone shows no signal since this morning, even after a restart."
ANSWER_BODY = "Try switching flight mode on and off, then re-seat the SIM card."

_serial = itertools.count(1)


def board_make(slug: str = "network", name: str = "Network & Coverage") -> Board:
    return Board.objects.create(slug=slug, name=name, description=f"All about {name}.")


def tag_make(slug: str = "esim", name: str = "eSIM") -> Tag:
    return Tag.objects.create(slug=slug, name=name)


def question_make(
    *,
    author: Member,
    board: Board,
    title: str | None = None,
    body: str = QUESTION_BODY,
    tags: Sequence[str] = (),
) -> Thread:
    return services.thread_create(
        author=author,
        board=board,
        title=title or f"No signal on my phone, case {next(_serial)}",
        body=body,
        tags=tags,
        check_limits=False,
    )


def answer_make(*, author: Member, thread: Thread, body: str | None = None) -> Post:
    return services.post_create(
        author=author,
        thread=thread,
        body=body or f"{ANSWER_BODY} (tip {next(_serial)})",
        check_limits=False,
    )


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
        post = answer_make(author=author, thread=thread)
        if i % 3 == 0:
            fan = authors[(i + 1) % len(authors)]
            if fan.pk != author.pk:
                services.kudos_give(giver=fan, post=post)
            if kudos_from is not None and kudos_from.pk != author.pk:
                services.kudos_give(giver=kudos_from, post=post)
        posts.append(post)
    return posts


def logged_in(member: Member) -> Client:
    client = Client()
    client.force_login(member)
    return client
