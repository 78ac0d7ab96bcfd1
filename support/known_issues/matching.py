"""Does a question's title match a known issue? Word overlap on titles, in Python.

Only open known issues are matched, and there are a handful at a time (a brand acknowledges
a few outages a week, not thousands), so scoring them in Python costs one small query and
behaves the same on SQLite and PostgreSQL.

The rule: the significant words of the issue's title (three letters or more, no stopwords,
crudely stemmed so "activating" meets "activate") that the question's title also has. A
question matches when it shares at least half of them, and at least two (or all of them,
for a one-word title): "Roaming outage in Spain" matches "Roaming not working in Spain"
(roaming, spain: 2 of 3) but not "Roaming prices" (1 of 3).
"""

from __future__ import annotations

import re

from community.selectors.search import STOPWORDS

_WORD = re.compile(r"\w+", re.UNICODE)
# The endings a crude stem drops (longest first), keeping at least three letters.
_SUFFIXES = ("ing", "ed", "es", "s", "e")
MIN_SHARE = 0.5
MIN_WORDS = 2


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def title_stems(text: str) -> frozenset[str]:
    words = _WORD.findall(text.lower())
    return frozenset(_stem(w) for w in words if len(w) >= 3 and w not in STOPWORDS)


def match_score(*, issue_title: str, title: str) -> float:
    """0 when the title does not match the issue; else the share of the issue's words it has."""
    wanted = title_stems(issue_title)
    if not wanted:
        return 0.0
    common = wanted & title_stems(title)
    share = len(common) / len(wanted)
    if len(common) < min(MIN_WORDS, len(wanted)) or share < MIN_SHARE:
        return 0.0
    return share
