"""Parts of a page rendered once per process for everyone they look alike to.

A fragment is a template rendered from a few hashable facts alone, never from the page's
context: what it shows depends on nothing else, so the rendering of a set of facts is kept
(FRAGMENTS_KEPT of them, with the language, script prefix and URLconf they were rendered
under) and served to every reader with those facts. Two things differ per reader and are put
in afterwards:

- the CSRF token: the fragment is rendered with a stand-in, and each reader's token input
  replaces the stand-in's;
- holes: stand-in words the caller names (letters and dashes only, so escaping leaves them
  as they are), each replaced by the reader's own value, escaped, all in one pass (a value
  that reads like another hole's stand-in is shown as it is).

Used by the answer's and the question's controls and the answer form
(community/templatetags/community_answers.py), the header's menus and bell
(community/templatetags/community_menu.py) and the announcements' banner
(community/templatetags/community_announcements.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

FRAGMENTS_KEPT = 4096
_TOKEN = "kept-fragment-csrf-token"  # noqa: S105 - a stand-in, not a secret
_TOKEN_INPUT = CsrfTokenNode().render(template.Context({"csrf_token": _TOKEN}))

_PAGE = "kept-fragment-page"
Facts = tuple[tuple[str, Any], ...]


@lru_cache(maxsize=FRAGMENTS_KEPT)
def _rendered(
    compiled: Any,  # a new compiled template (templates reloaded) is a new key
    facts: Facts,
    language: str | None,
    script_prefix: str,
    urlconf: str | None,
) -> str:
    # The language, script prefix and URLconf are in the key as the rendering depends on them.
    return str(compiled.render(template.Context({**dict(facts), "csrf_token": _TOKEN})))


@lru_cache(maxsize=64)
def _holes(stand_ins: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, stand_ins)))


def forget() -> None:
    """Forget the kept renderings (a test that changes a translation or a route)."""
    _rendered.cache_clear()


def kept(
    context: template.Context, name: str, facts: Facts, holes: dict[str, str] | None = None
) -> SafeString:
    """Template `name` rendered from `facts` alone, with this reader's CSRF token and holes."""
    # What the key needs besides the facts, found once per rendering of the page's template
    # (a thread page asks for its twenty answers' controls).
    page = context.render_context.get(_PAGE)
    if page is None:
        page = context.render_context[_PAGE] = {
            "setting": (get_language(), get_script_prefix(), get_urlconf())
        }
    compiled = page.get(name)
    if compiled is None:
        compiled = page[name] = context.template.engine.get_template(name)  # type: ignore[union-attr]
    html = _rendered(compiled, facts, *page["setting"])
    if _TOKEN in html:
        # The reader's token input, made once per rendering of the page's template.
        token_input = context.render_context.get(_TOKEN)
        if token_input is None:
            token_input = context.render_context[_TOKEN] = CsrfTokenNode().render(context)
        html = html.replace(_TOKEN_INPUT, token_input)
    if holes:
        # In one pass, so a value that reads like another hole's stand-in stays as it is.
        values = {stand_in: conditional_escape(value) for stand_in, value in holes.items()}
        html = _holes(tuple(values)).sub(lambda found: values[found.group()], html)
    return mark_safe(html)  # noqa: S308 - a rendered template, its holes escaped
