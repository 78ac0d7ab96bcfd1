"""Word-level differences between two versions of a text, for the edit history.

The server computes them (difflib) and writes escaped HTML: removed words in <del>, added
words in <ins>, everything else as it was, whitespace and line breaks included. No script on
the page, so the difference reads the same with or without JavaScript.
"""

from __future__ import annotations

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Words and the whitespace between them, as separate tokens: whitespace is kept exactly, and
# a change of spacing alone does not mark the words around it.
TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(before: str, after: str) -> SafeString:
    """`after`, with the words `before` had and it lost in <del> and its new words in <ins>."""
    old, new = TOKENS.findall(before or ""), TOKENS.findall(after or "")
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    # (kept, removed, added) runs. A lone space that happens to match between two changes
    # joins them, so "at all" -> "on a new phone" reads as one change, not four.
    runs: list[tuple[str, str, str]] = []
    opcodes = matcher.get_opcodes()
    for index, (op, a_start, a_end, b_start, b_end) in enumerate(opcodes):
        kept = "".join(new[b_start:b_end]) if op == "equal" else ""
        removed = "" if op == "equal" else "".join(old[a_start:a_end])
        added = "" if op == "equal" else "".join(new[b_start:b_end])
        between_changes = 0 < index < len(opcodes) - 1
        if op == "equal" and between_changes and kept.isspace():
            kept, removed, added = "", kept, kept
        if runs and not kept and not runs[-1][0]:
            _, was_removed, was_added = runs.pop()
            removed, added = was_removed + removed, was_added + added
        runs.append((kept, removed, added))
    parts: list[str] = []
    for kept, removed, added in runs:
        parts.append(escape(kept))
        if removed:
            parts.append(f"<del>{escape(removed)}</del>")
        if added:
            parts.append(f"<ins>{escape(added)}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped
