"""`{% answer post %}`: one answer of the thread page, its shared HTML (cached, the same for
every reader) with the reader's own controls rendered in place (see community/answercache.py)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from community import answercache
from community.models import Post

register = template.Library()

CONTROLS = "community/_post_actions.html"


@register.simple_tag(takes_context=True)
def answer(context: template.Context, post: Post) -> SafeString:
    """The page primes its answers in one go (answercache.prime); a single answer (the card
    for live updates, a new answer) is primed here. The controls see the page's context."""
    answercache.prime([post], context["thread"])
    controls = context.template.engine.get_template(CONTROLS)  # type: ignore[union-attr]
    with context.push(post=post):
        return answercache.compose(post, controls.render(context))
