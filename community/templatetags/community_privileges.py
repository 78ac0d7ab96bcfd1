"""`{% writing_notes as notes %}`: what the signed-in member may not post yet, and until when."""

from __future__ import annotations

from typing import Any

from django import template

from community.privileges import writing_notes as notes_for

register = template.Library()


@register.simple_tag(takes_context=True)
def writing_notes(context: template.Context) -> dict[str, str]:
    """`images` and `links`: "" when the member may, else the reason (community.privileges).

    A kept answer form (community_answers.answer_form) is rendered with them as `known_notes`.
    """
    known = context.get("known_notes")
    if known is not None:
        return known  # type: ignore[no-any-return]
    user: Any = context.get("user")
    return notes_for(user) if user is not None else {"images": "", "links": ""}
