"""Helpers for the service and selector tests (tests/community/test_svc_*.py).

Content is always written through the services, as members write it, so the denormalized
counters the tests read were kept by the code under test, never set by hand.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import connection
from django.dispatch import Signal
from django.utils import timezone

from community import events
from community.models import Post, Tag, Thread

_numbers = itertools.count(1)

EVENT_NAMES = {signal: name for name, signal in vars(events).items() if isinstance(signal, Signal)}


def make_tag(slug: str) -> Tag:
    return Tag.objects.create(slug=slug, name=slug.title())


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
