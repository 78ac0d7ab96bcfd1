"""Finding questions and answers: full-text search and "similar questions" for the ask form.

On PostgreSQL the search reads the stored, GIN-indexed tsvector columns that migration 0004
adds (title weighted over body) and ranks with ts_rank; on SQLite it falls back to matching
every word, which still finds things on a laptop. Either way solved threads rank higher, and
snippets mark the hits with <mark> around text that is HTML-escaped first.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Replace

from community import pagecache
from community.models import (
    Member,
    Post,
    Thread,
    publicly_solved,
    solution_hidden,
    with_public_status,
)

SEARCH_CONFIG = "english"
SEARCH_CACHE_SECONDS = 60
SOLVED_BOOST = 1.5
# A query is ranked among this many of the newest matching questions, and as many answers:
# past that, a common word's oldest matches are not ranked at all (see _recent_matches).
SEARCH_CANDIDATES = 1000
MAX_WORDS = 8
SNIPPET_CHARS = 180
# Private-use characters stand in for <mark> while the text is escaped.
_OPEN, _CLOSE = "\ue000", "\ue001"
# ...and for "<" and ">" while PostgreSQL cuts the headline: its parser takes "<script>" for
# a tag and drops it, so the snippet would not show what the member wrote.
_LT, _GT = "\ue002", "\ue003"
_WORD = re.compile(r"\w+", re.UNICODE)
_STOPWORD_TEXT = """
a an and are as at be but by can do does for from has have how i if in is it its my no not of
on or so that the their there this to was what when where which who why will with you your
il lo la le gli un una di da con su per tra fra che non come cosa
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@dataclass(frozen=True)
class SearchHit:
    type: str  # "thread" or "post"
    id: int
    thread_id: int
    title: str
    snippet: str  # safe HTML: escaped text with <mark> around hits
    status: str
    url: str
    score: float


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS][:MAX_WORDS]


def _on_postgres() -> bool:
    return connection.vendor == "postgresql"


def _marked(text: str) -> str:
    escaped = html.escape(text).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")
    return escaped.replace(_LT, "&lt;").replace(_GT, "&gt;")


def _python_snippet(text: str, words: list[str]) -> str:
    """A window of `text` around the first hit, escaped, with every hit marked."""
    lowered = text.lower()
    first = min((i for i in (lowered.find(w) for w in words) if i >= 0), default=0)
    start = max(0, first - SNIPPET_CHARS // 3)
    window = text[start : start + SNIPPET_CHARS]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET_CHARS < len(text) else ""
    # Mark the hits in the raw text, then escape: marking the escaped text would find "amp"
    # inside "&amp;" and break the entity.
    window = "".join(c for c in window if c not in (_OPEN, _CLOSE, _LT, _GT))
    if words:
        pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
        window = pattern.sub(lambda m: f"{_OPEN}{m.group(0)}{_CLOSE}", window)
    return f"{prefix}{_marked(window)}{suffix}"


def _solved_boost(solved: Q) -> Case:
    return Case(
        When(solved, then=Value(SOLVED_BOOST)), default=Value(1.0), output_field=FloatField()
    )


def search(*, query: str, limit: int = 20, offset: int = 0) -> list[SearchHit]:
    """Questions and answers matching `query`, best first.

    The hits of a query are kept in the cache under the version of the lists
    (pagecache.LISTS), which every change to a question or an answer replaces, new, edited,
    hidden or deleted: a crowd searching for the same outage is answered from memory, and
    nothing removed is ever found again. COMMUNITY_SEARCH_CACHE_SECONDS (default 60; 0
    turns it off) bounds how long unused results stay.
    """
    words = _words(query)
    if not words:
        return []
    fetch = offset + limit
    seconds = int(getattr(settings, "COMMUNITY_SEARCH_CACHE_SECONDS", SEARCH_CACHE_SECONDS))
    key = None
    if seconds > 0:
        digest = hashlib.blake2b(query.strip().lower().encode(), digest_size=12).hexdigest()
        version = pagecache.scope_version(pagecache.LISTS)
        key = pagecache.cache_key("search", version, digest, str(fetch))
        stored: list[SearchHit] | None = pagecache.stored(key)
        if stored is not None:
            return stored[offset:fetch]
    hits = _search_postgres(query, fetch) if _on_postgres() else _search_fallback(words, fetch)
    hits.sort(key=lambda h: (-h.score, -h.id))
    if key is not None:
        pagecache.store(key, hits[:fetch], seconds)
    return hits[offset:fetch]


def _headline(tsquery: SearchQuery) -> SearchHeadline:
    text = Replace(Replace(F("body_text"), Value("<"), Value(_LT)), Value(">"), Value(_GT))
    return SearchHeadline(
        text,
        tsquery,
        config=SEARCH_CONFIG,
        start_sel=_OPEN,
        stop_sel=_CLOSE,
        max_words=35,
        min_words=15,
    )


# The newest matches of each kind (see _recent_matches). Unqualified, `search_vector` and `id`
# are the subquery's own table's, whatever alias the outer query gives its own.
_RECENT_MATCHES = {
    "thread": "SELECT id FROM community_thread WHERE hidden_reason = '' AND search_vector @@ "
    "websearch_to_tsquery(%s::regconfig, %s) ORDER BY id DESC LIMIT %s",
    "post": "SELECT id FROM community_post WHERE hidden_reason = '' AND search_vector @@ "
    "websearch_to_tsquery(%s::regconfig, %s) ORDER BY id DESC LIMIT %s",
}


def _recent_matches(kind: str, query: str) -> RawSQL:
    """The ids of the SEARCH_CANDIDATES newest visible questions or answers matching `query`.

    Ranking reads every match's vector: a word found in a hundred thousand answers cost half
    a second. PostgreSQL finds the newest matches either by walking the primary key backwards
    (a common word: a few thousand rows) or from the GIN index (a rare one), whichever its
    statistics say is cheaper, and only those are ranked."""
    # Fixed SQL; the query and the sizes are parameters.
    return RawSQL(_RECENT_MATCHES[kind], [SEARCH_CONFIG, query, SEARCH_CANDIDATES])  # noqa: S611


def _search_postgres(query: str, fetch: int) -> list[SearchHit]:
    tsquery = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    thread_vector = RawSQL("community_thread.search_vector", [], output_field=SearchVectorField())
    threads: QuerySet[Thread] = (
        with_public_status(Thread.objects.filter(hidden_reason=""))
        .filter(pk__in=_recent_matches("thread", query))
        .annotate(vector=thread_vector)
        .annotate(
            score=SearchRank(thread_vector, tsquery) * _solved_boost(publicly_solved()),
            snippet=_headline(tsquery),
        )
        .order_by("-score", "-pk")[:fetch]
    )
    post_vector = RawSQL("community_post.search_vector", [], output_field=SearchVectorField())
    posts: QuerySet[Post] = (
        _with_thread_status(Post.objects.filter(hidden_reason="", thread__hidden_reason=""))
        .filter(pk__in=_recent_matches("post", query))
        .annotate(vector=post_vector)
        .annotate(
            score=SearchRank(post_vector, tsquery) * _solved_boost(Q(solution_of__isnull=False)),
            snippet=_headline(tsquery),
        )
        .order_by("-score", "-pk")[:fetch]
    )
    hits = [
        _thread_hit(t, _marked(getattr(t, "snippet", "")), getattr(t, "score", 0.0))
        for t in threads
    ]
    hits += [
        _post_hit(p, _marked(getattr(p, "snippet", "")), getattr(p, "score", 0.0)) for p in posts
    ]
    return hits


def _search_fallback(words: list[str], fetch: int) -> list[SearchHit]:
    thread_filter = Q()
    post_filter = Q()
    for word in words:
        thread_filter &= Q(title__icontains=word) | Q(body_text__icontains=word)
        post_filter &= Q(body_text__icontains=word)
    hits = []
    public_threads = with_public_status(Thread.objects.filter(hidden_reason=""))
    public_posts = _with_thread_status(
        Post.objects.filter(hidden_reason="", thread__hidden_reason="")
    )
    for thread in public_threads.filter(thread_filter).order_by("-last_activity_at")[:200]:
        title = thread.title.lower()
        score = sum(2.0 if w in title else 1.0 for w in words) / (2 * len(words))
        score *= SOLVED_BOOST if thread.status == "solved" else 1.0
        hits.append(_thread_hit(thread, _python_snippet(thread.body_text, words), score))
    solution_ids = set(Thread.objects.exclude(solution=None).values_list("solution_id", flat=True))
    for post in public_posts.filter(post_filter).order_by("-pk")[:200]:
        score = 0.4 * (SOLVED_BOOST if post.pk in solution_ids else 1.0)
        hits.append(_post_hit(post, _python_snippet(post.body_text, words), score))
    hits.sort(key=lambda h: (-h.score, -h.id))
    return hits[:fetch]


def _thread_hit(thread: Thread, snippet: str, score: float) -> SearchHit:
    return SearchHit(
        type="thread",
        id=thread.pk,
        thread_id=thread.pk,
        title=thread.title,
        snippet=snippet,
        status=thread.status,
        url=thread.get_absolute_url(),
        score=round(float(score), 4),
    )


def _with_thread_status(posts: QuerySet[Post]) -> QuerySet[Post]:
    """Answers with their thread, whose status says what the public sees."""
    return posts.select_related("thread").annotate(
        thread_solution_hidden=ExpressionWrapper(
            solution_hidden("thread__"), output_field=BooleanField()
        )
    )


def _post_hit(post: Post, snippet: str, score: float) -> SearchHit:
    post.thread.solution_hidden_from_reader = bool(getattr(post, "thread_solution_hidden", False))
    return SearchHit(
        type="post",
        id=post.pk,
        thread_id=post.thread_id,
        title=post.thread.title,
        snippet=snippet,
        status=post.thread.status,
        url=post.get_absolute_url(),
        score=round(float(score), 4),
    )


@dataclass(frozen=True)
class SimilarSolution:
    """A solved question's accepted answer, shown in full on the ask form: often the answer
    the member was about to ask for."""

    id: int
    body_html: str
    author: Member


@dataclass(frozen=True)
class SimilarThread:
    id: int
    title: str
    status: str
    url: str
    score: float
    solution: SimilarSolution | None = None


# The endings a crude stem drops (longest first), keeping at least three letters.
_SUFFIXES = ("ing", "ed", "es", "s", "e")


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def thread_similar(*, title: str, limit: int = 5) -> list[SimilarThread]:
    """Questions whose titles share words with `title`, best first, for the ask form."""
    words = [w for w in _words(title) if len(w) >= 3]
    if not words:
        return []
    if _on_postgres():
        tsquery = SearchQuery(words[0], config=SEARCH_CONFIG)
        for word in words[1:]:
            tsquery = tsquery | SearchQuery(word, config=SEARCH_CONFIG)
        vector = RawSQL("community_thread.search_vector", [], output_field=SearchVectorField())
        rows = list(
            with_public_status(Thread.objects.filter(hidden_reason=""))
            .annotate(vector=vector)
            .filter(vector=tsquery)
            # Titles only (weight A), like the fallback: a word in the body alone scores 0.
            .annotate(
                score=SearchRank(vector, tsquery, weights=[0.0, 0.0, 0.0, 1.0])
                * _solved_boost(publicly_solved())
            )
            .filter(score__gt=0)
            .order_by("-score", "-pk")[:limit]
        )
        scored: list[tuple[Thread, float]] = [(t, float(t.score)) for t in rows]
    else:
        # Without PostgreSQL's stemmer, a word's stem: "activating" finds "activate".
        stems = [_stem(w) for w in words]
        title_filter = Q()
        for stem in stems:
            title_filter |= Q(title__icontains=stem)
        scored = []
        public = with_public_status(Thread.objects.filter(hidden_reason=""))
        for thread in public.filter(title_filter).order_by("-last_activity_at")[:200]:
            lowered = thread.title.lower()
            score = sum(1 for stem in stems if stem in lowered) / len(stems)
            solved = thread.status == "solved"
            scored.append((thread, score * (SOLVED_BOOST if solved else 1.0)))
        scored.sort(key=lambda pair: (-pair[1], -pair[0].pk))
        scored = scored[:limit]
    solutions = _solutions_of([t for t, _s in scored if t.status == "solved"])
    return [
        SimilarThread(
            id=t.pk,
            title=t.title,
            status=t.status,
            url=t.get_absolute_url(),
            score=round(s, 4),
            solution=solutions.get(t.pk),
        )
        for t, s in scored
    ]


def _solutions_of(threads: list[Thread]) -> dict[int, SimilarSolution]:
    """The accepted answers of publicly solved threads, by thread id: two queries, or none."""
    ids = [t.solution_id for t in threads if t.solution_id is not None]
    if not ids:
        return {}
    posts = (
        Post.objects.filter(pk__in=ids, hidden_reason="")
        .select_related("author")
        .prefetch_related("author__groups")  # the member summary's is_staff
    )
    return {
        post.thread_id: SimilarSolution(id=post.pk, body_html=post.body_html, author=post.author)
        for post in posts
    }


__all__ = ["SearchHit", "SimilarSolution", "SimilarThread", "search", "thread_similar"]
