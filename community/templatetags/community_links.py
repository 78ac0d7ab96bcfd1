"""`{{ post.pk|route:"post-edit" }}`: a row's URL without a reverse() per row (see links.py)."""

from __future__ import annotations

from django import template

from community import links

register = template.Library()


@register.filter
def route(pk: int, name: str) -> str:
    """The URL of the route `name` whose one argument is `pk`."""
    return links.url_for(name, "pk", pk)


@register.filter
def optional_route(pk: int, name: str) -> str:
    """route(), or "" when no such route is installed (an action of an optional app)."""
    return links.url_for_or_none(name, "pk", pk) or ""
