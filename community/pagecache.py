"""Whole pages as a visitor sees them, kept in the cache and dropped when their content changes.

Only what every visitor sees is kept: a GET by someone who is not signed in, with no session
or flash-message cookie (a message is meant for one visitor), rendered without a CSRF token
(a token would be personal), answered 200. Members' pages are never stored nor served from
here: they carry their own kudos, follow and edit buttons.

Each page belongs to a scope with a version: a thread's page to the thread and to the
announcements shown at its top, the home page and the board list to the lists. The receivers
(community/receivers.py) replace a scope's version after every event that changes what its
pages show, once the write has committed; a page stored under an older version is simply
never asked for again and expires. The version is a
fresh random token, never a counter, so a version lost from the cache cannot come back to
point at pages stored before it. The version is read before the page is rendered, so a page
rendered from data read before a change is stored under the version that change replaced.

What no event announces (a view count, "3 minutes ago", a member's new rank or avatar) may be
as old as the setting COMMUNITY_PAGE_CACHE_SECONDS (default 60; 0 turns this cache off), the
same minute that shared caches are already allowed to keep these pages
(views.public_when_anonymous).

Keys carry the database's name, so databases sharing one Redis (staging beside production,
parallel test workers) never serve each other's pages.

Each process also keeps what it read under a versioned key (`stored`, `store`, `shared`:
VALUES_KEPT values, PAGES_KEPT visitor pages, config/kept.py), so a crowd on one page is
served without reading the cache at all: such a key changes with what it holds, and each
value carries the moment it expires, which the process's copy honours too.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import get_language

from config.kept import Kept

DEFAULT_PAGE_SECONDS = 60
LISTS = "lists"
ANNOUNCEMENTS = "announcements"
_VERSION_SECONDS = 24 * 3600

VALUES_KEPT = 1024
PAGES_KEPT = 256

T = TypeVar("T")
View = TypeVar("View", bound=Callable[..., HttpResponseBase])
Scope = Callable[..., str | tuple[str, ...]]


def thread_scope(thread_id: int) -> str:
    return f"thread:{thread_id}"


# Tests give each test its own namespace (tests/conftest.py): ids repeat between tests.
namespace = ""


def _prefix() -> str:
    return f"page-cache:{connection.settings_dict['NAME']}{namespace}"


def page_seconds() -> int:
    return int(getattr(settings, "COMMUNITY_PAGE_CACHE_SECONDS", DEFAULT_PAGE_SECONDS))


def _version_key(scope: str) -> str:
    return f"{_prefix()}:v:{scope}"


# The versions read while a page view runs (versions_remembered): the thread page asks for its
# thread's and the announcements' versions from several places, one cache call for them all.
_remembered: ContextVar[dict[str, str] | None] = ContextVar("page_versions", default=None)


@contextmanager
def versions_remembered(*scopes: str) -> Iterator[None]:
    """Read the scopes' versions in one call now and answer from them until the block ends
    (a bump within it is remembered too)."""
    token = _remembered.set({})
    try:
        if scopes:
            _versions(scopes)
        yield
    finally:
        _remembered.reset(token)


# Scopes every member's page reads, whatever it shows (another app's, registered from its
# AppConfig.ready(): the rank ladder's); read with the page's own scopes, in the same call.
_members_scopes: list[str] = []


def read_with_members_pages(scope: str) -> None:
    """Have every member's page that reads its scopes' versions read `scope`'s with them."""
    if scope not in _members_scopes:
        _members_scopes.append(scope)


def _versions(scopes: tuple[str, ...]) -> list[str]:
    """The scopes' versions, read in one cache call; a scope without one is given one."""
    remembered = _remembered.get()
    if remembered is not None and all(scope in remembered for scope in scopes):
        return [remembered[scope] for scope in scopes]
    keys = [_version_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    versions = []
    for key in keys:
        version = found.get(key)
        if version is None:
            cache.add(key, secrets.token_hex(8), _VERSION_SECONDS)
            version = cache.get(key) or "none"
        versions.append(str(version))
    if remembered is not None:
        remembered.update(zip(scopes, versions, strict=True))
    return versions


def scope_version(scope: str) -> str:
    """The scope's current version: a key made with it is forgotten when the scope changes."""
    return _versions((scope,))[0]


def cache_key(*parts: str) -> str:
    """A cache key of this database's (and, in tests, this test's) own."""
    return ":".join([_prefix(), *parts])


@dataclass(frozen=True)
class _Stored:
    value: Any
    expires: float  # time.time() from which it is not served


_values: Kept[_Stored] = Kept(VALUES_KEPT)
_pages: Kept[_Stored] = Kept(PAGES_KEPT)


def stored(key: str, kept: Kept[_Stored] = _values) -> Any:
    """What is stored under a versioned key (cache_key with a scope's version in it), from
    this process's copy or the cache; None once it expired. Only for keys that change with
    what they hold: no process is told to drop its copy."""
    now = time.time()
    found = kept.get(key)
    if found is None or found.expires <= now:
        found = cache.get(key)
        if not isinstance(found, _Stored) or found.expires <= now:  # or an older release's
            return None
        kept.put(key, found)
    return found.value


def store(key: str, value: Any, seconds: int, kept: Kept[_Stored] = _values) -> None:
    """Store `value` under a versioned key for `seconds`, in the cache and in this process.
    Readers share it: never change it once stored."""
    found = _Stored(value, time.time() + seconds)
    cache.set(key, found, seconds)
    kept.put(key, found)


def shared(key: str, seconds: int, compute: Callable[[], T]) -> T:
    """The value stored under a versioned key, computed and stored when there is none
    (None is never stored)."""
    value: T | None = stored(key)
    if value is None:
        value = compute()
        if value is not None:
            store(key, value, seconds)
    return value


def forget() -> None:
    """Forget what this process keeps (a test that changes rows behind the events)."""
    _values.forget()
    _pages.forget()


def bump(*scopes: str) -> None:
    """Give each scope a new version: its stored pages are not served any more."""
    versions = {scope: secrets.token_hex(8) for scope in scopes}
    cache.set_many({_version_key(s): v for s, v in versions.items()}, _VERSION_SECONDS)
    remembered = _remembered.get()
    if remembered is not None:
        remembered.update(versions)


def bump_on_commit(*scopes: str) -> None:
    """bump() now, and again once the current transaction commits (once outside one).

    The bump after the commit is the one that matters: a reader who found the first new
    version before the commit could store what it read then (the data before the change)
    under it. The bump now lets the writing transaction itself, and anything it renders
    before committing, read its own change rather than what was stored before it; if the
    transaction rolls back, the first new version merely costs a miss.
    """
    if transaction.get_connection().in_atomic_block:
        bump(*scopes)
    transaction.on_commit(lambda: bump(*scopes))


def thread_changed(thread_id: int | None) -> None:
    """What a visitor sees of this thread, and of the lists showing it, changes on commit."""
    scopes = [LISTS] if thread_id is None else [thread_scope(thread_id), LISTS]
    bump_on_commit(*scopes)


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.headers.get("HX-Request")
        and not request.user.is_authenticated
    )


def _cacheable_response(request: HttpRequest, response: HttpResponseBase) -> bool:
    storage = getattr(request, "_messages", None)
    return (
        isinstance(response, HttpResponse)
        and not response.streaming
        and response.status_code == 200
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(storage, "used", False)
        and not response.cookies
    )


def cache_for_visitors(
    scope: Scope, *, on_hit: Callable[..., object] | None = None
) -> Callable[[View], View]:
    """Serve a visitor the stored page when there is one; store the page rendered otherwise.

    ``scope(**view_kwargs)`` names the scope (or scopes) whose version the page belongs to;
    ``on_hit(request, **view_kwargs)`` does what every visit must do even when the page comes
    from the cache (count the view).
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            seconds = page_seconds()
            if seconds <= 0:
                return view(request, *args, **kwargs)
            scopes = scope(**kwargs)
            if isinstance(scopes, str):
                scopes = (scopes,)
            if not _cacheable_request(request):
                # A member's page asks for the same versions (its shared rows, the
                # announcements) and those every member's page reads: read together, once.
                with versions_remembered(*scopes, *_members_scopes):
                    return view(request, *args, **kwargs)
            with versions_remembered(*scopes):
                return _visitor_page(request, view, scopes, seconds, on_hit, args, kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def _visitor_page(
    request: HttpRequest,
    view: View,
    scopes: tuple[str, ...],
    seconds: int,
    on_hit: Callable[..., object] | None,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> HttpResponseBase:
    version = "+".join(_versions(scopes))
    key = f"{_prefix()}:{version}:{get_language()}:{request.get_full_path()}"
    page = stored(key, _pages)
    if page is not None:
        content, content_type = page
        if on_hit is not None:
            on_hit(request, **kwargs)
        hit = HttpResponse(content, content_type=content_type)
        hit["X-Page-Cache"] = "hit"
        return hit
    response = view(request, *args, **kwargs)
    if isinstance(response, HttpResponse) and _cacheable_response(request, response):
        store(key, (response.content, response["Content-Type"]), seconds, _pages)
    return response
