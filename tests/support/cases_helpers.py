"""Helpers for the case and SLA tests (tests/support/test_cases_*, test_sla_*,
test_api_cases*, test_pages_cases*).

Content is written through the community's services (without the posting limits), and cases
through support's, so every counter and flag is what the real code leaves behind. Threads
are made old with a queryset update of `created_at`, as the SLA scan reads it.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F
from django.test import Client
from django.utils import timezone

from community import services
from community.models import AGENTS_GROUP, MODERATORS_GROUP, Board, Member, Post, Thread
from support.models import Case
from support.services.cases import case_escalate
from tests.community.content_factories import api_client
from tests.factories import MemberFactory

_numbers = itertools.count(1)

__all__ = ["api_client"]


def board_make(slug: str | None = None, name: str | None = None) -> Board:
    n = next(_numbers)
    return Board.objects.create(slug=slug or f"support-board-{n}", name=name or f"Board {n}")


def member_make(**kwargs: Any) -> Member:
    kwargs.setdefault("username", f"member{next(_numbers)}x")
    return MemberFactory.create(**kwargs)


def agent_make(username: str | None = None, **kwargs: Any) -> Member:
    return MemberFactory.create(
        username=username or f"agent{next(_numbers)}x",
        is_staff=True,
        groups=[AGENTS_GROUP],
        **kwargs,
    )


def moderator_make(username: str | None = None) -> Member:
    return MemberFactory.create(
        username=username or f"mod{next(_numbers)}x", is_staff=True, groups=[MODERATORS_GROUP]
    )


def ask(author: Member, board: Board | None = None, *, ago: timedelta | None = None) -> Thread:
    """A question by `author`; `ago` moves its creation (and activity) back in time."""
    n = next(_numbers)
    thread = services.thread_create(
        author=author,
        board=board or board_make(),
        title=f"My top-up did not arrive, number {n}",
        body=f"I paid by card an hour ago and my balance is still the same (case {n}).",
        check_limits=False,
    )
    if ago:
        Thread.objects.filter(pk=thread.pk).update(
            created_at=F("created_at") - ago, last_activity_at=F("last_activity_at") - ago
        )
        thread.refresh_from_db()
    return thread


def answer(thread: Thread, author: Member) -> Post:
    post = services.post_create(
        author=author,
        thread=thread,
        body=f"Check the payments page; it can take ten minutes (tip {next(_numbers)}).",
        check_limits=False,
    )
    thread.refresh_from_db()
    return post


def escalate(thread: Thread, actor: Member | None = None, message: str = "") -> Case:
    case, _opened = case_escalate(thread=thread, actor=actor or thread.author, message=message)
    return case


def logged_in(member: Member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()
