"""The placeholders a canned reply may name, and filling them in for a case.

`{customer_name}` and `{thread_title}`, nothing else: a name the agent mistyped would
otherwise reach the customer as it stands, braces and all, so it is refused when the reply
is saved. Filling in is a plain replacement of those two names (never str.format, which
would read attributes and indexes out of whatever the agent wrote).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from support.cases.models import Case

PLACEHOLDERS = {
    "customer_name": _("the customer's name"),
    "thread_title": _("the title of the case's question"),
}
# `{word}`: what reads as a placeholder. A lone brace, or braces around anything but a
# name ("{ }", "{1,2}"), is ordinary text.
_NAMED = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def placeholders_unknown(text: str) -> list[str]:
    """The names in `{...}` that are not placeholders, in order, each once."""
    seen: list[str] = []
    for name in _NAMED.findall(text):
        if name not in PLACEHOLDERS and name not in seen:
            seen.append(name)
    return seen


def placeholder_values(case: Case) -> dict[str, str]:
    """What each placeholder stands for in this case: the customer as the site names them,
    and the title of the question (a held answer's case: the question it answers)."""
    thread = case.about_thread
    return {
        "customer_name": case.customer.name,
        "thread_title": thread.title if thread is not None else "",
    }


def placeholders_fill(text: str, values: dict[str, str]) -> str:
    return _NAMED.sub(lambda match: values.get(match.group(1), match.group(0)), text)
