"""The part of a thread page every reader shares, read from the database once per change.

A page of a thread is the question (with its board, author, solution, duplicate and tags) and
a page of its answers (with their authors and the authors' groups, for the role badges): the
same rows for every reader who sees the public answers. They are kept in the cache under the
thread's version of community/pagecache.py, which every event that changes the thread
replaces once it commits (community/receivers.py), and for at most
COMMUNITY_PAGE_CACHE_SECONDS (what no event announces, such as the view count or an author's
new rank, may be that old, as on a visitor's stored page; 0 turns this off). Only with a
cache every process shares (Redis: the setting COMMUNITY_SHARED_ROWS): with the embedded
mode's local-memory cache, a change made by the worker would go unseen by the web server.

Each process also keeps the pages it read (pagecache.shared: under the same versioned key,
until the same expiry), so most readers are served without reading the cache at all; each
reader gets copies of the rows to mark as theirs, never the kept ones.

Each reader then costs one small query: what they did on the page (kudos on the question
and on the answers shown, follow, bookmark). A reader who may see hidden answers (staff, or
the author of a hidden answer of this thread) gets None and takes the full path
(selectors.thread_get_for_page and thread_answers), as does a page past the last one.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import TypeVar

from django.conf import settings
from django.db.models import Count, Window

from community import answercache, extensions, pagecache
from community.models import Bookmark, Kudos, Post, Subscription, Thread
from community.permissions import Viewer
from community.selectors.threads import answers_prime, thread_answers, thread_visible_or_404
from config import prepared

M = TypeVar("M", Thread, Post)


@dataclass
class SharedPage:
    """What every reader of the public answers sees of one page of a thread."""

    thread: Thread
    posts: list[Post]
    count: int  # the public answers of the whole thread
    hidden_authors: frozenset[int]  # who wrote the thread's hidden answers


# What _mark_reader puts on the reader's copy of the thread.
_MARKS = ("viewer_follows", "viewer_bookmarked")


def _copy(row: M) -> M:
    """A shallow copy of a row for one reader to mark: its fields and its cache of related
    rows are its own (three times faster than copy.copy, which pickles)."""
    new = row.__class__.__new__(row.__class__)
    values = row.__dict__.copy()
    state = values["_state"] = copy.copy(values["_state"])
    state.fields_cache = state.fields_cache.copy()
    new.__dict__ = values
    return new


def unmarked(thread: Thread) -> Thread:
    """A copy of the reader's thread without their marks: what every member sees alike."""
    copied = _copy(thread)
    for name in _MARKS:
        copied.__dict__.pop(name, None)
    return copied


def _for_reader(shared: SharedPage) -> SharedPage:
    """Copies of the rows, for one reader to mark (kudos given, view count, shared HTML)."""
    return replace(shared, thread=_copy(shared.thread), posts=[_copy(p) for p in shared.posts])


@dataclass
class ReaderPage:
    """A page of the thread for one reader: the shared rows with the reader's own marks."""

    thread: Thread
    posts: list[Post]
    count: int
    number: int
    given: dict[str, set[int]]


def _shared(thread_id: int, number: int, per_page: int) -> SharedPage | None:
    thread = (
        Thread.objects.select_related(
            "board", "author", "solution", "duplicate_of", *extensions.thread_select_related()
        )
        .prefetch_related("tags")
        .filter(pk=thread_id)
        .first()
    )
    if thread is None:
        return None
    bottom = (number - 1) * per_page
    public = thread_answers(thread=thread, for_page=True)
    rows = public.annotate(total_rows=Window(Count("pk")))[bottom : bottom + per_page]
    posts: list[Post] = list(rows)
    if not posts and number > 1:
        return None  # past the last page: the full path shows the last one
    hidden_authors = frozenset(
        Post.objects.filter(thread=thread)
        .exclude(hidden_reason="")
        .values_list("author_id", flat=True)
        .distinct()
    )
    answers_prime(thread=thread, posts=posts)
    thread.shared_digest = answercache.question_digest(thread)  # type: ignore[attr-defined]
    for post in posts:  # worked out once here rather than by every reader
        post.shared_digest = answercache.digest(post, thread)  # type: ignore[attr-defined]
    count = posts[0].total_rows if posts else 0  # type: ignore[attr-defined]
    return SharedPage(
        thread=thread,
        posts=posts,
        count=count,
        hidden_authors=hidden_authors,
    )


def _reader_marks(member_id: int, thread_id: int, post_ids: list[int]) -> list[tuple[int, int]]:
    """(what, id) rows: 0 and an answer's id for each answer shown that the member gave
    kudos to; 1, 2, 3 when they gave the question kudos, follow it, bookmarked it.

    One statement, written out: the ORM spends several times longer building it than the
    database takes to answer it, on every page a member opens.
    """
    kudos, subscription, bookmark = (
        model._meta.db_table  # noqa: SLF001
        for model in (Kudos, Subscription, Bookmark)
    )
    # Table names from the models; every value is a parameter.
    exists = (
        "SELECT {what}, 0 WHERE EXISTS (SELECT 1 FROM {table} WHERE {who} = %s AND thread_id = %s)"
    )
    marks = [
        exists.format(what=1, table=kudos, who="giver_id"),
        exists.format(what=2, table=subscription, who="member_id"),
        exists.format(what=3, table=bookmark, who="member_id"),
    ]
    params: list[int] = [member_id, thread_id] * 3
    if post_ids:
        placeholders = ", ".join(["%s"] * len(post_ids))
        marks.append(
            f"SELECT 0, post_id FROM {kudos} WHERE giver_id = %s AND post_id IN ({placeholders})"  # noqa: S608
        )
        params += [member_id, *post_ids]
    # Planned once per pooled connection (config/prepared.py): planning it cost more than
    # running it.
    with prepared.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(marks), params)
        return [(int(what), int(pk)) for what, pk in cursor.fetchall()]


def _mark_reader(shared: SharedPage, viewer: Viewer) -> dict[str, set[int]]:
    thread = shared.thread
    marks: list[tuple[int, int]] = []
    if viewer.is_authenticated:
        marks = _reader_marks(viewer.pk, thread.pk, [post.pk for post in shared.posts])
    kinds = {what for what, _ in marks}
    given: dict[str, set[int]] = {
        "threads": {thread.pk} if 1 in kinds else set(),
        "posts": {pk for what, pk in marks if what == 0},
    }
    thread.viewer_follows = 2 in kinds  # type: ignore[attr-defined]
    thread.viewer_bookmarked = 3 in kinds  # type: ignore[attr-defined]
    return given


def reader_page(*, thread_id: int, viewer: Viewer, number: int, per_page: int) -> ReaderPage | None:
    """The page for this reader from the shared rows, or None when they need the full path.

    404 when the reader may not see the thread, as selectors.thread_get_for_page. Call
    permissions.viewer_prime() first: the reader's permissions are asked here.
    """
    seconds = pagecache.page_seconds()
    if (
        not getattr(settings, "COMMUNITY_SHARED_ROWS", False)
        or seconds <= 0
        or not 1 <= number <= 2**31 // per_page
    ):
        return None
    version = pagecache.scope_version(pagecache.thread_scope(thread_id))
    key = pagecache.cache_key("thread-rows", version, str(per_page), str(number))
    shared = pagecache.shared(key, seconds, lambda: _shared(thread_id, number, per_page))
    if shared is None:
        return None
    shared = _for_reader(shared)
    thread_visible_or_404(shared.thread, viewer)
    if viewer.is_authenticated and (
        viewer.pk in shared.hidden_authors
        # Staff see others' hidden answers (permissions.hidden_visible_to).
        or viewer.has_perm("community.view_hidden_content")
    ):
        return None
    given = _mark_reader(shared, viewer)
    return ReaderPage(
        thread=shared.thread, posts=shared.posts, count=shared.count, number=number, given=given
    )
