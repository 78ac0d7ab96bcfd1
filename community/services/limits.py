"""Limits against abuse on posting, as strict as Discourse's defaults.

- a minimum gap between a member's posts: 5 seconds, 30 for members in their first day;
- the same text twice within 5 minutes is refused;
- members in their first day may ask 3 questions and post 10 answers.
Staff are exempt. The facts come from the database, so every process agrees and a restart
forgets nothing.

The check runs inside the transaction that writes the question or answer, holding the
member's row (community.services.standing.members_lock): a member's concurrent posts take
turns, each sees the ones committed before it, so thirty answers sent at once pass the
gap once and twenty identical bodies are posted once. Check-then-insert without the lock
would let every one of them read the same empty history.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community import extensions
from community.errors import RateLimited
from community.models import Member, Post, Thread
from community.services.standing import members_lock

MIN_GAP = timedelta(seconds=5)
NEW_MEMBER_MIN_GAP = timedelta(seconds=30)
DUPLICATE_WINDOW = timedelta(minutes=5)
NEW_MEMBER_PERIOD = timedelta(days=1)
NEW_MEMBER_DAILY_THREADS = 3
NEW_MEMBER_DAILY_POSTS = 10


def is_new_member(member: Member, *, now: datetime | None = None) -> bool:
    return (now or timezone.now()) - member.date_joined < NEW_MEMBER_PERIOD


def _wait_message(seconds: int) -> str:
    return ngettext(
        "You're posting too quickly. Please wait %(seconds)d second and try again.",
        "You're posting too quickly. Please wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


def posting_limits_check(*, member: Member, kind: str, body: str) -> None:
    """Raise RateLimited or ValidationError if `member` may not post `body` now.

    `kind` is "thread" for a question or "post" for an answer. Other apps' posting checks
    (a moderator's silence) apply to everyone. Call it inside the transaction that writes
    the post, before any other lock: it locks the member's row until that transaction ends.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("posting_limits_check runs inside the transaction that posts.")
    for check in extensions.posting_checks:
        refusal = check(member)
        if refusal:
            raise PermissionDenied(refusal)
    if member.is_staff:
        return
    members_lock(member.pk)
    now = timezone.now()
    new = is_new_member(member, now=now)
    last_thread = Thread.objects.filter(author=member).aggregate(last=Max("created_at"))["last"]
    last_post = Post.objects.filter(author=member).aggregate(last=Max("created_at"))["last"]
    last = max((t for t in (last_thread, last_post) if t is not None), default=None)
    gap = NEW_MEMBER_MIN_GAP if new else MIN_GAP
    if last is not None and now - last < gap:
        wait = math.ceil((last + gap - now).total_seconds())
        raise RateLimited(_wait_message(wait), retry_after=wait)

    since = now - DUPLICATE_WINDOW
    normalized = body.strip()
    if (
        Thread.objects.filter(author=member, body=normalized, created_at__gte=since).exists()
        or Post.objects.filter(author=member, body=normalized, created_at__gte=since).exists()
    ):
        raise ValidationError(
            {"body": _("You posted this same text a moment ago. Add something new instead.")}
        )

    if new:
        model, cap = (
            (Thread, NEW_MEMBER_DAILY_THREADS)
            if kind == "thread"
            else (Post, NEW_MEMBER_DAILY_POSTS)
        )
        day_ago = now - NEW_MEMBER_PERIOD
        recent = list(
            model.objects.filter(author=member, created_at__gte=day_ago)
            .order_by("created_at")
            .values_list("created_at", flat=True)[:cap]
        )
        if len(recent) >= cap:
            wait = math.ceil((recent[0] + NEW_MEMBER_PERIOD - now).total_seconds())
            message = (
                ngettext(
                    "New members can ask %(count)d question a day. You can ask again later.",
                    "New members can ask %(count)d questions a day. You can ask again later.",
                    cap,
                )
                if kind == "thread"
                else ngettext(
                    "New members can post %(count)d answer a day. You can answer again later.",
                    "New members can post %(count)d answers a day. You can answer again later.",
                    cap,
                )
            )
            raise RateLimited(message % {"count": cap}, retry_after=wait)
