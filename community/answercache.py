"""Each answer's HTML rendered once and shared by its readers; each reader's controls per request.

An answer on the thread page is made of two parts:

- what every reader allowed to see it sees alike (community/_post.html): the solution badge,
  the hidden notice, the byline with role and rank, the body and the permalink. It is rendered
  without the request, so its context has no `user`, `perms`, `csrf_token` or `request`: it
  cannot show anything that belongs to one reader (their kudos, their edit or flag controls, a
  CSRF token). It is kept in the cache under a key made of everything it is rendered from:
  every stored field of the answer and of its author, the author's role, whether it is the
  accepted solution, its age to the unit shown ("3 minutes ago"), the language, the time zone
  and the template's own text. An edit, a kudos, a solution, hiding, a new rank, name, avatar
  or role: each makes a different key, so no event has to drop anything and an outdated answer
  is never served; unused entries expire after COMMUNITY_ANSWER_CACHE_SECONDS (default an
  hour; 0 turns this cache off). Each process also keeps the answers it read, under the same
  keys (ANSWERS_KEPT of them, the oldest dropped first: config/kept.py), so a page whose
  answers it has seen reads nothing from the cache.
- the reader's own controls (community/_post_actions.html): kudos, accept, edit, delete and
  flag, put where _post.html says `controls`; they are rendered from a few facts about the
  reader and the answer, and each process keeps the rendering of each set of facts for every
  reader alike, with each reader's CSRF token put in (community/templatetags/community_answers.py).

The question's byline, body and tags (community/_question_body.html) are shared the same way,
under a key made of the thread's stored fields but its counters and activity times (a view or
an answer elsewhere on the page must not render it again), its author's and its tags.

Who may see an answer is decided by the query that fetched it (selectors.thread_answers), never
by this cache. Hidden answers, which only their author and the staff see, are rendered each time
and never stored, and so are answers younger than a minute (their age changes every second).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Model
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from community import pagecache
from community.models import Member, Post, Thread
from config.kept import Kept

TEMPLATE = "community/_post.html"
QUESTION_TEMPLATE = "community/_question_body.html"
DEFAULT_SECONDS = 3600
ANSWERS_KEPT = 4096
_kept: Kept[str] = Kept(ANSWERS_KEPT)
# Where the reader's controls go: _post.html is rendered with this in place of `controls`.
_CONTROLS = mark_safe("<!--answer-controls-->")  # noqa: S308 - a fixed marker, no input
# Stored fields the shared part never shows; leaving them out keeps a login or a new password
# from re-rendering the member's answers. Every other field is part of the key.
_UNSHOWN = {
    Post: frozenset({"body", "body_text"}),
    Member: frozenset({"password", "last_login"}),
    Thread: frozenset(
        {
            "body",
            "body_text",
            "view_count",
            "answer_count",
            "kudos_count",
            "last_activity_at",
            "first_answer_at",
        }
    ),
}


def seconds() -> int:
    return int(getattr(settings, "COMMUNITY_ANSWER_CACHE_SECONDS", DEFAULT_SECONDS))


@functools.cache
def _template_version(name: str) -> str:
    source = get_template(name).template.source  # type: ignore[attr-defined]
    return hashlib.blake2b(source.encode(), digest_size=6).hexdigest()


@functools.cache
def _shown_fields(model: type[Model]) -> tuple[str, ...]:
    unshown = _UNSHOWN.get(model, frozenset())
    return tuple(
        f.attname
        for f in model._meta.concrete_fields  # noqa: SLF001
        if f.attname not in unshown
    )


def _stored(instance: Model) -> tuple[object, ...]:
    return tuple(getattr(instance, name) for name in _shown_fields(type(instance)))


def _age_unit(when: datetime | None, now: datetime) -> str | None:
    """The age as precisely as `naturaltime` shows it, or None while it counts seconds.

    Under an hour it shows whole minutes ("5 minutes ago"); from an hour on, hours or larger
    units (days, weeks, months, years) that change only on a whole hour of the age.
    """
    if when is None:
        return ""
    delta = now - when
    age = delta.days * 86400 + delta.seconds
    if age < 60:
        return None
    return f"m{age // 60}" if age < 3600 else f"h{age // 3600}"


def digest(post: Post, thread: Thread) -> str:
    """What the shared part shows of the answer and its author, hashed: the same for every
    reader, so the shared rows (community/threadpage.py) keep it as `post.shared_digest`."""
    author = post.author
    facts = repr((_stored(post), _stored(author), author.role_label, post.pk == thread.solution_id))
    return hashlib.blake2b(facts.encode(), digest_size=16).hexdigest()


def question_digest(thread: Thread) -> str:
    """What the question's shared part shows, hashed (kept as `thread.shared_digest`)."""
    author = thread.author
    tags = tuple((tag.slug, tag.name) for tag in thread.tags.all())
    facts = repr((_stored(thread), _stored(author), author.role_label, tags))
    return hashlib.blake2b(facts.encode(), digest_size=16).hexdigest()


def _prefix(kind: str, template_name: str) -> str:
    """What the keys of a page's items share: the kind, the database, the template, the
    language and the time zone (worked out once a page, not once an answer)."""
    place = f"{connection.settings_dict['NAME']}{pagecache.namespace}"
    language, zone = get_language(), timezone.get_current_timezone_name()
    return f"{kind}:{place}:{_template_version(template_name)}:{language}:{zone}"


def _shared_key(prefix: str, item: Post | Thread, now: datetime, facts: str) -> str | None:
    """The key of an item's shared HTML, or None while it must be rendered each time."""
    if item.is_hidden:
        return None
    created, edited = _age_unit(item.created_at, now), _age_unit(item.edited_at, now)
    if created is None or edited is None:
        return None
    return f"{prefix}:{created}:{edited}:{facts}"


def _key(post: Post, thread: Thread, now: datetime, prefix: str) -> str | None:
    facts = getattr(post, "shared_digest", None) or digest(post, thread)
    return _shared_key(prefix, post, now, facts)


def _render(post: Post, thread: Thread) -> str:
    html = render_to_string(
        TEMPLATE,
        {"post": post, "is_solution": post.pk == thread.solution_id, "controls": _CONTROLS},
    )
    if _CONTROLS not in html:
        raise ValueError(f"{TEMPLATE} must show {{{{ controls }}}} once")
    return html


def prime(posts: Iterable[Post], thread: Thread) -> None:
    """Give each answer its shared HTML (`post.shared_html`): kept by the process, or one
    cache read for the page's others, the answers found nowhere rendered and stored. The
    posts' authors (with their groups) and thread are those of the page
    (selectors.answers_prime)."""
    posts = [p for p in posts if not hasattr(p, "shared_html")]
    if not posts:
        return
    ttl = seconds()
    now = datetime.now(UTC)  # naturaltime's clock
    prefix = _prefix("answer", TEMPLATE)
    keys = {p.pk: _key(p, thread, now, prefix) if ttl > 0 else None for p in posts}
    known: dict[str, str] = {}
    for key in keys.values():
        if key and (html := _kept.get(key)) is not None:
            known[key] = html
    asked = [key for key in keys.values() if key and key not in known]
    if asked:
        for key, html in cache.get_many(asked).items():
            known[key] = html
            _kept.put(key, html)
    missing: dict[str, str] = {}
    for post in posts:
        key = keys[post.pk]
        html = known.get(key) if key else None
        if html is None:
            html = _render(post, thread)
            if key:
                missing[key] = html
                _kept.put(key, html)
        post.shared_html = html  # type: ignore[attr-defined]
    if missing:
        cache.set_many(missing, ttl)


def compose(post: Post, controls: str) -> SafeString:
    """The answer as the reader sees it: its shared HTML with their controls in place."""
    # The last marker: the body comes before the footer (and nh3 keeps no comments anyway).
    shared: str = post.shared_html  # type: ignore[attr-defined]
    before, _, after = shared.rpartition(_CONTROLS)
    return mark_safe(before + controls + after)  # noqa: S308 - both parts are rendered templates


def _render_question(thread: Thread) -> str:
    return render_to_string(QUESTION_TEMPLATE, {"thread": thread})


def question_html(thread: Thread) -> SafeString:
    """The question's byline, body and tags, as every reader allowed to see it sees them:
    kept by the process, else read from the cache, else rendered and stored."""
    ttl = seconds()
    key = None
    if ttl > 0:
        facts = getattr(thread, "shared_digest", None) or question_digest(thread)
        prefix = _prefix("question", QUESTION_TEMPLATE)
        key = _shared_key(prefix, thread, datetime.now(UTC), facts)
    html = _kept.get(key) if key else None
    if html is None and key:
        html = cache.get(key)
        if html is not None:
            _kept.put(key, html)
    if html is None:
        html = _render_question(thread)
        if key:
            cache.set(key, html, ttl)
            _kept.put(key, html)
    return mark_safe(html)  # noqa: S308 - a rendered template
