"""Reads for moderation: the review queue, the audit log, sanctions and flaggers' records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import BigIntegerField, Count, F, Max, Q, QuerySet, Sum, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Board, HiddenReason, Member, Post, Thread
from support.moderation.models import Flag, FlagStatus, ModerationAction, Sanction

# Reason codes the system writes into ModerationAction.reason; shown translated.
SYSTEM_REASONS = {
    "flags": lambda: _("Flags from trusted members reached the threshold."),
    "personal_data": lambda: _("It looks like it contains personal data."),
    "expired": lambda: _("The sanction ran out."),
}


def reason_display(action: ModerationAction) -> str:
    """The "why" of an action, in the reader's language when the system wrote it."""
    system = SYSTEM_REASONS.get(action.reason)
    return system() if system else action.reason


def member_is_silenced(*, member_id: int, now: datetime | None = None) -> bool:
    """Whether the member may read but not post now (a silence in force)."""
    return (
        sanctions_in_force(member_id=member_id, now=now).filter(kind=Sanction.Kind.SILENCE).exists()
    )


def sanctions_in_force(*, member_id: int, now: datetime | None = None) -> QuerySet[Sanction]:
    return Sanction.objects.filter(
        member_id=member_id, lifted_at__isnull=True, until__gt=now or timezone.now()
    ).order_by("until")


def sanction_history(*, member_id: int) -> QuerySet[Sanction]:
    return Sanction.objects.filter(member_id=member_id).order_by("-created_at", "-pk")


def flagger_record(*, member_id: int) -> tuple[int, int]:
    """(upheld, rejected): how the member's past flags were judged."""
    counts = Flag.objects.filter(flagger_id=member_id).aggregate(
        upheld=Count("pk", filter=Q(status=FlagStatus.UPHELD)),
        rejected=Count("pk", filter=Q(status=FlagStatus.REJECTED)),
    )
    return counts["upheld"], counts["rejected"]


def open_flags(*, thread_id: int, post_id: int | None) -> QuerySet[Flag]:
    """The open flags on one question (post_id None) or one answer."""
    qs = Flag.objects.filter(status=FlagStatus.OPEN)
    if post_id is None:
        return qs.filter(thread_id=thread_id, post__isnull=True)
    return qs.filter(post_id=post_id)


def open_flag_counts_on_answers(*, thread_id: int) -> dict[int, int]:
    """{answer id: open flags} for a thread's flagged answers."""
    return dict(
        Flag.objects.filter(thread_id=thread_id, post__isnull=False, status=FlagStatus.OPEN)
        .values("post_id")
        .annotate(n=Count("pk"))
        .values_list("post_id", "n")
    )


@dataclass
class QueueItem:
    """One flagged question or answer in the review queue."""

    thread: Thread
    post: Post | None
    score: float
    flags: list[Flag] = field(default_factory=list)

    @property
    def content(self) -> Thread | Post:
        return self.post if self.post is not None else self.thread

    @property
    def author(self) -> Member:
        return self.content.author

    @property
    def key(self) -> str:
        return f"post-{self.post.pk}" if self.post is not None else f"thread-{self.thread.pk}"


def flag_queue_rows() -> QuerySet[Any, Any]:
    """Flagged items, most urgent first: by score (the sum of the open flags' weights)."""
    return (
        Flag.objects.filter(status=FlagStatus.OPEN)
        .values("thread_id", "post_id")
        .annotate(score=Sum("weight"), count=Count("pk"), latest=Max("created_at"))
        .order_by("-score", "-latest", "thread_id", "post_id")
    )


def flag_queue_items(rows: list[dict[str, Any]]) -> list[QueueItem]:
    """The threads, answers and flags of one page of queue rows: a fixed number of queries."""
    thread_ids = {row["thread_id"] for row in rows}
    post_ids = {row["post_id"] for row in rows if row["post_id"] is not None}
    # The authors' groups: their role badges show beside their names.
    threads = (
        Thread.objects.select_related("author", "board")
        .prefetch_related("author__groups")
        .in_bulk(thread_ids)
    )
    posts = (
        Post.objects.select_related("author").prefetch_related("author__groups").in_bulk(post_ids)
    )
    flags: dict[tuple[int, int | None], list[Flag]] = defaultdict(list)
    for flag in (
        Flag.objects.filter(status=FlagStatus.OPEN)
        .filter(Q(post_id__in=post_ids) | Q(thread_id__in=thread_ids, post__isnull=True))
        .select_related("flagger")
        .order_by("-weight", "created_at")
    ):
        flags[(flag.thread_id, flag.post_id)].append(flag)
    items = []
    for row in rows:
        thread = threads.get(row["thread_id"])
        if thread is None:
            continue
        post = posts.get(row["post_id"]) if row["post_id"] is not None else None
        items.append(
            QueueItem(
                thread=thread,
                post=post,
                score=round(row["score"], 2),
                flags=flags[(row["thread_id"], row["post_id"])],
            )
        )
    return items


def action_log(
    *,
    kind: str | None = None,
    actor: Member | None = None,
    member: Member | None = None,
    thread_id: int | None = None,
    system: bool = False,
) -> QuerySet[ModerationAction]:
    """The audit log, newest first, with the people and threads it names."""
    qs = ModerationAction.objects.select_related("actor", "member", "thread")
    if kind:
        qs = qs.filter(kind=kind)
    if actor is not None:
        qs = qs.filter(actor=actor)
    if system:
        qs = qs.filter(actor__isnull=True)
    if member is not None:
        qs = qs.filter(member=member)
    if thread_id is not None:
        qs = qs.filter(thread_id=thread_id)
    return qs.order_by("-created_at", "-pk")


def answers_for_moderation(*, thread_id: int) -> QuerySet[Post]:
    """Every answer of a thread, hidden or not, oldest first, for the moderator's page."""
    return (
        Post.objects.filter(thread_id=thread_id)
        .select_related("author")
        .prefetch_related("author__groups")
        .order_by("created_at", "pk")
    )


def member_for_moderation(*, username: str) -> Member | None:
    return Member.objects.filter(username__iexact=username).first()


# --- what a moderator acts on -----------------------------------------------------------------
# Moderators see everything, hidden and held content included: these fetch by id without the
# visibility rules of community.selectors, and return None where nothing matches (the views
# answer 404, or a form error for a board or merge target typed by hand).


def thread_for_moderation(*, thread_id: int) -> Thread | None:
    return Thread.objects.select_related("board", "author").filter(pk=thread_id).first()


def post_for_moderation(*, post_id: int) -> Post | None:
    return Post.objects.select_related("thread", "author").filter(pk=post_id).first()


def sanction_for_moderation(*, sanction_id: int) -> Sanction | None:
    return Sanction.objects.select_related("member").filter(pk=sanction_id).first()


def board_by_slug(*, slug: str) -> Board | None:
    return Board.objects.filter(slug=slug).first()


def board_choices(*, exclude_id: int) -> list[tuple[str, str]]:
    """Where a question may move: every other board, in the boards' order."""
    return list(Board.objects.exclude(pk=exclude_id).values_list("slug", "name"))


# --- new members' first posts ------------------------------------------------------------------


@dataclass
class ReviewItem:
    """A new member's question or answer waiting for a moderator (community.services.review)."""

    thread: Thread
    post: Post | None

    @property
    def content(self) -> Thread | Post:
        return self.post if self.post is not None else self.thread

    @property
    def author(self) -> Member:
        return self.content.author

    @property
    def key(self) -> str:
        return f"post-{self.post.pk}" if self.post is not None else f"thread-{self.thread.pk}"


def review_queue_rows() -> QuerySet[Any, Any]:
    """What waits for review, oldest first: `{thread_ref, post_ref, created_at}` rows of both
    kinds in one ordered query, so a page of them is one slice."""
    pending = HiddenReason.PENDING_REVIEW
    threads = (
        Thread.objects.filter(hidden_reason=pending)
        .annotate(thread_ref=F("pk"), post_ref=Value(None, output_field=BigIntegerField()))
        .values("created_at", "thread_ref", "post_ref")
    )
    posts = (
        Post.objects.filter(hidden_reason=pending)
        .annotate(thread_ref=F("thread_id"), post_ref=F("pk"))
        .values("created_at", "thread_ref", "post_ref")
    )
    return threads.union(posts, all=True).order_by("created_at", "thread_ref", "post_ref")


def review_queue_items(rows: list[dict[str, Any]]) -> list[ReviewItem]:
    """The questions and answers of one page of review rows, with their authors (and the
    authors' groups, for role badges) and boards: a fixed number of queries."""
    threads = (
        Thread.objects.select_related("author", "board")
        .prefetch_related("author__groups")
        .in_bulk({row["thread_ref"] for row in rows})
    )
    posts = (
        Post.objects.select_related("author")
        .prefetch_related("author__groups")
        .in_bulk({row["post_ref"] for row in rows if row["post_ref"] is not None})
    )
    items = []
    for row in rows:
        thread = threads.get(row["thread_ref"])
        post = posts.get(row["post_ref"]) if row["post_ref"] is not None else None
        if thread is None or (row["post_ref"] is not None and post is None):
            continue  # deleted since the page was counted
        if post is not None:
            post.thread = thread
        items.append(ReviewItem(thread=thread, post=post))
    return items
