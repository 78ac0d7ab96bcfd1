"""`{{ post.pk|route:"post-edit" }}`: a row's URL without a reverse() per row (see links.py);
`{{ before|word_diff:after }}`: the edit history's marked-up difference (see diff.py)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from community import diff, links

register = template.Library()


@register.filter
def route(pk: int, name: str) -> str:
    """The URL of the route `name` whose one argument is `pk`."""
    return links.url_for(name, "pk", pk)


@register.filter
def optional_route(pk: int, name: str) -> str:
    """route(), or "" when no such route is installed (an action of an optional app)."""
    return links.url_for_or_none(name, "pk", pk) or ""


@register.filter
def word_diff(before: str, after: str) -> SafeString:
    """The words `before` lost in <del> and `after` gained in <ins>, escaped."""
    return diff.word_diff(before, after)
