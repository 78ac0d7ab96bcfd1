"""URLs for rows on a page, built from a prefix instead of a reverse() per row.

A thread page links every answer, its author, and the answer's edit, delete, kudos and flag
actions: a reverse() for each of those is a few hundred regex substitutions per request. The
pattern of a named URL is resolved once (per URLconf and script prefix) with a placeholder,
and each row then only formats its own id or username into it, quoted as reverse() would.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

# Digits only, so it passes the int, slug and str converters alike; long enough never to be
# part of a route's own text.
_PLACEHOLDER = "9081726354"
_SAFE = RFC3986_SUBDELIMS + "/~:@"


@lru_cache(maxsize=128)
def _halves(name: str, kwarg: str, script_prefix: str, urlconf: str | None) -> tuple[str, str]:
    # The prefix and URLconf are part of the key: reverse() depends on both.
    url = reverse(name, kwargs={kwarg: _PLACEHOLDER}, urlconf=urlconf)
    before, found, after = url.partition(_PLACEHOLDER)
    if not found:  # pragma: no cover - a converter that rewrites its value
        raise NoReverseMatch(f"{name} does not keep its {kwarg} as given")
    return before, after


def url_for(name: str, kwarg: str, value: int | str) -> str:
    """The same as ``reverse(name, kwargs={kwarg: value})`` for a one-argument route."""
    before, after = _halves(name, kwarg, get_script_prefix(), get_urlconf())
    return f"{before}{quote(str(value), safe=_SAFE)}{after}"


def url_for_or_none(name: str, kwarg: str, value: int | str) -> str | None:
    """url_for(), or None when no such route is installed (an optional app's action)."""
    try:
        return url_for(name, kwarg, value)
    except NoReverseMatch:
        return None


def thread_path(pk: int, slug: str) -> str:
    """``reverse("thread-detail", kwargs={"pk": pk, "slug": slug})``, kept per thread."""
    return _thread_path(pk, slug, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=4096)
def _thread_path(pk: int, slug: str, script_prefix: str, urlconf: str | None) -> str:
    return reverse("thread-detail", kwargs={"pk": pk, "slug": slug}, urlconf=urlconf)


def clear() -> None:
    """Forget resolved patterns (the URLconf changed, as tests may do)."""
    _halves.cache_clear()
    _thread_path.cache_clear()
