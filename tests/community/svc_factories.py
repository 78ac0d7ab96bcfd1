"""Helpers for the service and selector tests (tests/community/test_svc_*.py).

Content is always written through the services, as members write it, so the denormalized
counters the tests read were kept by the code under test, never set by hand.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import connection
from django.dispatch import Signal
from django.utils import timezone

from community import events, services
from community.models import Board, Member, Post, Tag, Thread
from tests.factories import MemberFactory

_numbers = itertools.count(1)

QUESTION_BODY = "My phone stopped charging after the last update, what can I do?"
ANSWER_BODY = "Try another cable and restart the phone while it is plugged in."

EVENT_NAMES = {signal: name for name, signal in vars(events).items() if isinstance(signal, Signal)}


def make_board(name: str = "Billing & Top-ups", slug: str | None = None) -> Board:
    return Board.objects.create(name=name, slug=slug or f"board-{next(_numbers)}")


def make_tag(slug: str) -> Tag:
    return Tag.objects.create(slug=slug, name=slug.title())


def established_member(**kwargs: Any) -> Member:
    """A member who joined long ago, past the limits of a member's first day."""
    kwargs.setdefault("date_joined", timezone.now() - timedelta(days=30))
    return MemberFactory.create(**kwargs)


def ask(
    author: Member,
    board: Board,
    *,
    title: str | None = None,
    body: str | None = None,
    tags: Sequence[str] = (),
) -> Thread:
    """A question, written through the service without the posting limits."""
    n = next(_numbers)
    return services.thread_create(
        author=author,
        board=board,
        title=title or f"Question number {n} about my phone",
        body=body or f"{QUESTION_BODY} (case {n})",
        tags=tags,
        check_limits=False,
    )


def answer(author: Member, thread: Thread, *, body: str | None = None) -> Post:
    """An answer, written through the service without the posting limits."""
    n = next(_numbers)
    return services.post_create(
        author=author, thread=thread, body=body or f"{ANSWER_BODY} (tip {n})", check_limits=False
    )


def age(obj: Thread | Post, *, seconds: float) -> None:
    """Pretend `obj` was written `seconds` ago (freezegun is not installed)."""
    type(obj).objects.filter(pk=obj.pk).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )


@dataclass
class Sent:
    """The community events sent while a `capture_events()` block ran, in order."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [name for name, _kwargs in self.calls]

    def of(self, name: str) -> list[dict[str, Any]]:
        return [kwargs for sent, kwargs in self.calls if sent == name]


@contextmanager
def capture_events() -> Iterator[Sent]:
    """Record every community event with its keyword arguments (minus `signal`/`sender`)."""
    sent = Sent()

    def receiver(signal: Signal, sender: object, **kwargs: Any) -> None:
        sent.calls.append((EVENT_NAMES[signal], kwargs))

    for signal in EVENT_NAMES:
        signal.connect(receiver, weak=False, dispatch_uid=f"svc-capture-{id(sent)}")
    try:
        yield sent
    finally:
        for signal in EVENT_NAMES:
            signal.disconnect(dispatch_uid=f"svc-capture-{id(sent)}")


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"
