"""`{% writing_notes as notes %}`: what the signed-in member may not post yet, and until when."""

from __future__ import annotations

from typing import Any

from django import template

from community.privileges import writing_notes as notes_for

register = template.Library()


@register.simple_tag(takes_context=True)
def writing_notes(context: template.Context) -> dict[str, str]:
    """`images` and `links`: "" when the member may, else the reason (community.privileges)."""
    user: Any = context.get("user")
    return notes_for(user) if user is not None else {"images": "", "links": ""}
