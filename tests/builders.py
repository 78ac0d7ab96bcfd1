"""Members, boards, questions and answers for tests: the one place they are made.

Content is written through community.services, as members write it (receivers run, the
denormalized counters are what the code under test keeps), without the posting limits:
they protect the site from members, not from test setup. The tests about the limits post
through the services or the pages themselves.

- `member_make`: a member who joined a month ago (past the first-day limits; the kudos they
  give pay points); `new_member_make`: one who joined just now; `agent_make`,
  `moderator_make`: staff in their groups.
- `board_make`: a board (boards have no service: staff create them in the admin).
- `ask` / `answer`: a question / an answer; `ago` dates it back (and the thread's activity).
- `logged_in` / `api_client`: a page client signed in, an API client with a member's token.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db.models import F
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from community import services
from community.models import AGENTS_GROUP, MODERATORS_GROUP, Board, Member, Post, Thread
from tests.factories import MemberFactory

A_MONTH = timedelta(days=30)
# Content the API tests post through the services is backdated this much, so the posting
# limits (which read the author's last post) don't refuse the test's own API request.
AN_HOUR = timedelta(hours=1)
QUESTION_BODY = "My phone stopped charging after the last update, what can I do?"
ANSWER_BODY = "Try another cable and restart the phone while it is plugged in."

_numbers = itertools.count(1)


def member_make(
    username: str | None = None, *, joined_ago: timedelta | None = A_MONTH, **kwargs: Any
) -> Member:
    """A member (through MemberFactory: confirmed address, the test password).

    Joined `joined_ago` ago, a month by default; None: just now. A username given also
    becomes the display name, title-cased, unless one is given.
    """
    if username is not None:
        kwargs["username"] = username
        kwargs.setdefault("display_name", username.title())
    if joined_ago is not None:
        kwargs.setdefault("date_joined", timezone.now() - joined_ago)
    return MemberFactory.create(**kwargs)


def new_member_make(username: str | None = None, **kwargs: Any) -> Member:
    """A member who joined just now: first-day limits apply, their kudos pay nothing."""
    return member_make(username, joined_ago=None, **kwargs)


def agent_make(username: str | None = None, **kwargs: Any) -> Member:
    return new_member_make(username, is_staff=True, groups=[AGENTS_GROUP], **kwargs)


def moderator_make(username: str | None = None, **kwargs: Any) -> Member:
    return new_member_make(username, is_staff=True, groups=[MODERATORS_GROUP], **kwargs)


def board_make(slug: str | None = None, name: str | None = None) -> Board:
    n = next(_numbers)
    name = name or f"Board {n}"
    return Board.objects.create(
        slug=slug or f"board-{n}", name=name, description=f"Questions about {name}.", position=n
    )


def ask(
    author: Member,
    board: Board | None = None,
    *,
    title: str | None = None,
    body: str | None = None,
    tags: Sequence[str] = (),
    ago: timedelta | None = None,
) -> Thread:
    """A question by `author` (on a new board unless given); `ago` moves its creation and
    activity back in time."""
    n = next(_numbers)
    thread = services.thread_create(
        author=author,
        board=board or board_make(),
        title=title or f"Question number {n} about my phone",
        body=body or f"{QUESTION_BODY} (case {n})",
        tags=tags,
        check_limits=False,
    )
    if ago:
        Thread.objects.filter(pk=thread.pk).update(
            created_at=F("created_at") - ago, last_activity_at=F("last_activity_at") - ago
        )
        thread.refresh_from_db()
    return thread


def answer(
    author: Member, thread: Thread, *, body: str | None = None, ago: timedelta | None = None
) -> Post:
    """An answer by `author`; `ago` moves its creation back in time. `thread` is refreshed,
    so its counters and activity are what the service left."""
    post = services.post_create(
        author=author,
        thread=thread,
        body=body or f"{ANSWER_BODY} (tip {next(_numbers)})",
        check_limits=False,
    )
    if ago:
        Post.objects.filter(pk=post.pk).update(created_at=F("created_at") - ago)
        post.refresh_from_db()
    thread.refresh_from_db()
    return post


# --- clients --------------------------------------------------------------------------------


def logged_in(member: Member) -> Client:
    """A test client with `member` signed in."""
    client = Client()
    client.force_login(member)
    return client


def api_client(member: Member | None = None) -> APIClient:
    """A client speaking for `member` with an API token, or an anonymous one."""
    client = APIClient()
    if member is not None:
        token, _created = Token.objects.get_or_create(user=member)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
