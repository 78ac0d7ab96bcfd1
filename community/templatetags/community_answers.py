"""`{% answer post %}`: one answer of the thread page, its shared HTML (cached, the same for
every reader) with the reader's own controls rendered in place (see community/answercache.py);
`{% answer_form %}`: the page's form for a new answer; `{% question_actions %}`: the reader's
controls under the question; `{% question_body thread %}`: the question's byline, body and
tags, shared like the answers.

The controls and the form are fragments (config/fragments.py): rendered from a handful of
facts, not from the page, and kept per process for every reader with the same facts, each
reader's CSRF token put in. An answer's controls' facts are its id, thread and kudos count
and what the reader is to it (a visitor, its author, a giver of kudos, someone who may accept
it, edit, delete or flag): most readers of a busy thread share them for most answers, so a
page's twenty answers cost twenty lookups rather than twenty template renderings. The
question's are alike (community/_question_actions.html). The form's are the question's
state and what the reader's rank does not let them post yet.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from django import forms, template
from django.utils.safestring import SafeString

from community import answercache
from community.models import Post, Thread
from community.privileges import writing_notes
from config import fragments

register = template.Library()

CONTROLS = "community/_post_actions.html"
QUESTION_ACTIONS = "community/_question_actions.html"
ANSWER_FORM = "community/_answer_form.html"


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


@register.simple_tag(takes_context=True)
def answer(context: template.Context, post: Post) -> SafeString:
    """The page primes its answers in one go (answercache.prime); a single answer (the card
    for live updates, a new answer) is primed here."""
    answercache.prime([post], context["thread"])
    return answercache.compose(post, fragments.kept(context, CONTROLS, _facts(context, post)))


class _Target(NamedTuple):
    """What the kudos button reads of the question."""

    pk: int
    kudos_count: int
    author_id: int | None


class _Reader(NamedTuple):
    is_authenticated: bool
    pk: int  # the author's when the reader wrote the question, 0 otherwise


class _Path(NamedTuple):
    path: str


class _Thread(NamedTuple):
    pk: int
    duplicate_of_id: int | None
    is_locked: bool


@register.simple_tag(takes_context=True)
def question_actions(context: template.Context) -> SafeString:
    """The reader's controls under the question, from the page's context (threads.py)."""
    thread, user = context["thread"], context["user"]
    member = user.is_authenticated
    own = member and user.pk == thread.author_id
    facts = (
        ("target", _Target(thread.pk, thread.kudos_count, thread.author_id)),
        ("user", _Reader(member, thread.author_id if own else 0)),
        ("request", _Path("" if member else context["request"].path)),
        ("given", thread.pk in (context.get("given") or {}).get("threads", ())),
        ("follows", bool(context.get("follows"))),
        ("bookmarked", bool(getattr(thread, "viewer_bookmarked", False))),
        ("thread", _Thread(thread.pk, thread.duplicate_of_id, thread.is_locked)),
        (
            "can_edit",
            bool(context.get("can_edit")) or (member and user.has_perm("community.retag_thread")),
        ),
        ("can_delete", bool(context.get("can_delete"))),
        ("can_close_duplicate", bool(context.get("can_close_duplicate"))),
        ("can_lock", bool(context.get("can_lock"))),
    )
    return fragments.kept(context, QUESTION_ACTIONS, facts)


@functools.cache
def _blank(form_class: type[forms.Form]) -> forms.Form:
    """One blank form per process: rendering an unbound form reads it and changes nothing."""
    return form_class()


class _Question(NamedTuple):
    """What the answer form shows of the question."""

    pk: int
    duplicate_of_id: int | None
    is_locked: bool
    get_absolute_url: str


class _Writer(NamedTuple):
    is_authenticated: bool


class _Notes(NamedTuple):
    """community.privileges.writing_notes, hashable."""

    images: str
    links: str


@register.simple_tag(takes_context=True)
def answer_form(context: template.Context) -> SafeString:
    """The form for a new answer: kept for everyone alike while it is blank; a form sent back
    with its errors and what was typed is the reader's own, rendered for them alone."""
    form, user, thread = context["answer_form"], context["user"], context["thread"]
    if form.is_bound:
        compiled = context.template.engine.get_template(ANSWER_FORM)  # type: ignore[union-attr]
        return SafeString(compiled.render(context))
    member = user.is_authenticated
    facts = (
        (
            "thread",
            _Question(
                thread.pk, thread.duplicate_of_id, thread.is_locked, thread.get_absolute_url()
            ),
        ),
        ("user", _Writer(member)),
        ("known_notes", _Notes(**writing_notes(user)) if member else _Notes("", "")),
        ("answer_form", _blank(type(form))),  # type: ignore[arg-type]
    )
    return fragments.kept(context, ANSWER_FORM, facts)


@register.simple_tag
def question_body(thread: Thread) -> SafeString:
    """The question's byline, body and tags, shared by its readers (answercache.question_html)."""
    return answercache.question_html(thread)
