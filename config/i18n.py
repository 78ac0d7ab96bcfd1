"""Translation lookups remembered per language, per process.

Django looks a string up in a language's merged catalogue, then down the GNU fallback chain
gettext builds for it: for en-gb six English catalogues (Django's and each app's `en`), each
asking its plural function on the way, and for Italian the English ones after its own. A
string that no catalogue holds (most English ones: the source text is the English) walks the
whole chain, ~13 us a lookup, and a member's thread page makes a few hundred. The catalogues
do not change once a translation is built (a changed .mo file in development builds new
translation objects, which are wrapped in turn), so each object answers from a bounded
memo: under 1 us.

Only plain strings are remembered: a SafeString is equal to the same text, and a memo keyed
by it would hand back a string marked safe to a caller that passed unmarked text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.utils.translation import trans_real

# Distinct strings a process translates: the templates' and code's, a few thousand.
LOOKUPS_KEPT = 8192


def _remembering(lookup: Callable[[str], str]) -> Callable[[str], str]:
    remembered = functools.lru_cache(maxsize=LOOKUPS_KEPT)(lookup)

    def gettext(message: str) -> str:
        if type(message) is str:
            return remembered(message)
        return lookup(message)

    gettext.remembered = remembered  # type: ignore[attr-defined]
    gettext.unremembered = lookup  # type: ignore[attr-defined]
    return gettext


def remember_lookups() -> None:
    """Wrap every translation object Django builds from now on (idempotent)."""
    build: Any = trans_real.translation
    if getattr(build, "remembers", False):
        return

    def translation(language: str) -> Any:
        built = build(language)
        if "gettext" not in vars(built):
            built.gettext = _remembering(built.gettext)
        return built

    translation.remembers = True  # type: ignore[attr-defined]
    trans_real.translation = translation
