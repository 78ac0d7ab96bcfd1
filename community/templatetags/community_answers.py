"""`{% answer post %}`: one answer of the thread page, its shared HTML (cached, the same for
every reader) with the reader's own controls rendered in place (see community/answercache.py).

The controls (community/_post_actions.html) are rendered from a handful of facts, not from
the page: the answer's id, thread and kudos count, and what the reader is to it (a visitor,
its author, a giver of kudos, someone who may accept it, edit, delete or flag). Most readers
of a busy thread share those facts for most answers, so each process keeps the HTML a set of
facts gives (CONTROLS_KEPT of them) and only puts the reader's CSRF token into it: a thread
page's twenty answers cost twenty lookups rather than twenty template renderings.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from community import answercache
from community.models import Post

register = template.Library()

CONTROLS = "community/_post_actions.html"
CONTROLS_KEPT = 4096
# Rendered where each reader's CSRF token goes, then replaced by it: letters and dashes only,
# so escaping leaves it as it is.
_TOKEN = "answer-controls-csrf-token"  # noqa: S105 - a stand-in, not a secret
_TOKEN_INPUT = CsrfTokenNode().render(template.Context({"csrf_token": _TOKEN}))


def _facts(context: template.Context, post: Post) -> tuple[tuple[str, Any], ...]:
    """Everything _post_actions.html reads, from the page's context (threads._answer_context)."""
    thread = context["thread"]
    viewer_id = context.get("viewer_id")
    given = context.get("given") or {}
    visitor = not viewer_id
    return (
        ("post_id", post.pk),
        ("thread_id", thread.pk),
        ("kudos_count", post.kudos_count),
        ("visitor", visitor),
        ("own", not visitor and viewer_id == post.author_id),
        ("given", post.pk in given.get("posts", ())),
        ("accept", bool(context.get("can_accept")) and not thread.is_locked),
        ("solution", post.pk == thread.solution_id),
        ("edit_any", bool(context.get("can_edit_any"))),
        ("delete_any", bool(context.get("can_delete_any"))),
        ("flag", bool(context.get("can_flag"))),
        ("login_url", context.get("kudos_login_url", "") if visitor else ""),
    )


@lru_cache(maxsize=CONTROLS_KEPT)
def _controls(
    controls: Any,  # the compiled template: a new one (templates reloaded) is a new key
    facts: tuple[tuple[str, Any], ...],
    language: str | None,
    script_prefix: str,
    urlconf: str | None,
) -> str:
    # The language, script prefix and URLconf are in the key as the rendering depends on them.
    return str(controls.render(template.Context({**dict(facts), "csrf_token": _TOKEN})))


def controls_forget() -> None:
    """Forget the kept renderings (a test that changes a translation or a route)."""
    _controls.cache_clear()


@register.simple_tag(takes_context=True)
def answer(context: template.Context, post: Post) -> SafeString:
    """The page primes its answers in one go (answercache.prime); a single answer (the card
    for live updates, a new answer) is primed here."""
    answercache.prime([post], context["thread"])
    controls = context.template.engine.get_template(CONTROLS)  # type: ignore[union-attr]
    html = _controls(
        controls, _facts(context, post), get_language(), get_script_prefix(), get_urlconf()
    )
    if _TOKEN in html:
        # The reader's token input, made once for the page's answers (render_context lives
        # as long as the template that lists them).
        token_input = context.render_context.get(_TOKEN)
        if token_input is None:
            token_input = context.render_context[_TOKEN] = CsrfTokenNode().render(context)
        html = html.replace(_TOKEN_INPUT, token_input)
    return answercache.compose(post, html)
