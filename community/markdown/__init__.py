"""The one place where Markdown written by members becomes HTML we are willing to serve.

Two independent lines of defence, so that a bug in either one is not an XSS:

1. pyromark (pulldown-cmark, in Rust) parses CommonMark with tables and strikethrough into
   events, and this module writes the HTML itself: raw HTML typed by a member is shown as
   text, links with a ``javascript:``/``vbscript:``/``file:``/``data:`` address stay text
   (markdown-it's rule, kept), bare addresses are linked (linkify), @mentions become links
   only for members that exist, images are only rendered for our own uploads, and headings
   are demoted below the page title.
2. nh3 (ammonia) re-parses that HTML as a browser would and keeps only an allowlist of tags,
   attributes, URL schemes, classes and style properties, and puts ``rel="nofollow ugc
   noopener"`` on every link (``ugc``/``nofollow``: links in member content must not pass our
   ranking to spammers).

Mentions are found in text events, never with a regex over HTML, so ``@anna`` inside a code
span, a fenced block, a link or an e-mail address is not a mention.

render_post() is what a 5 KB answer costs to publish (the benchmark times it); it was 18-20 ms
with markdown-it-py and is a fraction of a millisecond here.

The parsing is in rendering, the sanitizer in sanitizing; this module is the way in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from community.markdown.rendering import RenderState, render_events
from community.markdown.sanitizing import check_upload_prefix, cleaner, plain_text

__all__ = [
    "DEFAULT_UPLOAD_PREFIX",
    "Rendered",
    "default_member_url",
    "mentioned_usernames",
    "render_markdown",
    "render_post",
    "sanitize_html",
]

DEFAULT_UPLOAD_PREFIX = "/media/attachments/"

_WORD_CHAR_RE = re.compile(r"\w")

_NO_USERNAMES: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Rendered:
    html: str
    """Sanitized HTML, safe to mark_safe in templates."""
    mentions: tuple[str, ...]
    """Canonical usernames of existing members mentioned, in order of first appearance."""
    text: str
    """Plain text (tags stripped, whitespace collapsed) for search, snippets, notifications."""


def default_member_url(username: str) -> str:
    return f"/members/{username}/"


def mentioned_usernames(source: str) -> set[str]:
    """Candidate @usernames in the source (not inside code spans/blocks or links), lower-cased.

    The caller looks these up in one query and passes what exists to render_markdown() as
    ``known_usernames``.
    """
    if "@" not in source:
        return set()
    state = RenderState(
        _NO_USERNAMES, default_member_url, DEFAULT_UPLOAD_PREFIX, True, True, source
    )
    render_events(state)
    return {name.lower() for name in state.mentions}


def render_markdown(
    source: str,
    *,
    known_usernames: Mapping[str, str] = _NO_USERNAMES,
    member_url: Callable[[str], str] | None = None,
    upload_prefix: str = DEFAULT_UPLOAD_PREFIX,
    allow_links: bool = True,
    allow_images: bool = True,
) -> Rendered:
    """Render member Markdown to sanitized HTML, the mentions it makes and its plain text.

    Without ``allow_links`` links are shown as text (their address in brackets), and without
    ``allow_images`` images as their alt text: members who haven't earned those privileges
    can still quote an address, but spammers get no clickable link out of it. Mentions stay
    links either way.

    ``known_usernames`` maps lower-cased username -> canonical username for the members that
    exist; only those mentions become links (to ``member_url(canonical)``). Images are kept only
    when their src is one of our uploads under ``upload_prefix`` (a site-relative path).
    """
    check_upload_prefix(upload_prefix)
    state = RenderState(
        known_usernames,
        member_url or default_member_url,
        upload_prefix,
        allow_links,
        allow_images,
        source,
    )
    render_events(state)
    mentions: dict[str, None] = {}  # an ordered set
    for name in state.mentions:
        canonical = known_usernames.get(name.lower())
        if canonical is not None:
            mentions.setdefault(canonical, None)
    safe_html = sanitize_html("".join(state.out), upload_prefix=upload_prefix).strip()
    return Rendered(html=safe_html, mentions=tuple(mentions), text=plain_text(safe_html))


render_post = render_markdown

"""The name the benchmark times: a post's body to its stored HTML, mentions and text."""


def sanitize_html(unsafe_html: str, *, upload_prefix: str = DEFAULT_UPLOAD_PREFIX) -> str:
    """The second line of render_markdown(): reduce any HTML to our allowlist.

    Public so that its tests can feed it HTML that markdown-it would never emit; member input
    should go through render_markdown(), not straight here.
    """
    check_upload_prefix(upload_prefix)
    return cleaner(upload_prefix).clean(unsafe_html)
