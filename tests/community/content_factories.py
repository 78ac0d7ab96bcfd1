"""Boards, tags, questions and answers for tests, written through the services.

Content goes through community.services (with check_limits=False), so the denormalized
counters are what a member's own posting would leave. It is backdated an hour by default:
the posting limits read the author's last post from the database, and a test that then has
the same member post through the API should not be refused for a post it never made.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import timedelta

from django.db.models import F
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from community import services
from community.models import Board, Member, Post, Tag, Thread

AN_HOUR = timedelta(hours=1)
_numbers = itertools.count(1)


def board_create(*, slug: str | None = None, name: str | None = None) -> Board:
    n = next(_numbers)
    return Board.objects.create(
        slug=slug or f"board-{n}",
        name=name or f"Board {n}",
        description=f"Questions about topic {n}.",
        position=n,
    )


def tag_create(*, slug: str) -> Tag:
    return Tag.objects.create(slug=slug, name=slug.replace("-", " ").title())


def thread_create(
    *,
    author: Member,
    board: Board | None = None,
    title: str | None = None,
    body: str | None = None,
    tags: Sequence[str] = (),
    ago: timedelta = AN_HOUR,
) -> Thread:
    n = next(_numbers)
    thread = services.thread_create(
        author=author,
        board=board or board_create(),
        title=title or f"How do I top up my account, case {n}?",
        body=body or f"I tried the usual way but nothing happened (case {n}).",
        tags=tags,
        check_limits=False,
    )
    if ago:
        Thread.objects.filter(pk=thread.pk).update(
            created_at=F("created_at") - ago, last_activity_at=F("last_activity_at") - ago
        )
        thread.refresh_from_db()
    return thread


def post_create(
    *, thread: Thread, author: Member, body: str | None = None, ago: timedelta = AN_HOUR
) -> Post:
    n = next(_numbers)
    post = services.post_create(
        author=author,
        thread=thread,
        body=body or f"Open the app and choose Top up, then Card (answer {n}).",
        check_limits=False,
    )
    if ago:
        Post.objects.filter(pk=post.pk).update(created_at=F("created_at") - ago)
        post.refresh_from_db()
    thread.refresh_from_db()
    return post


def api_client(member: Member | None = None) -> APIClient:
    """A client speaking for `member` with an API token, or an anonymous one."""
    client = APIClient()
    if member is not None:
        token, _created = Token.objects.get_or_create(user=member)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
