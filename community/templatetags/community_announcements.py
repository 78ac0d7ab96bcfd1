"""`{% announcements_banner %}`: the pinned announcements at the top of a page, a fragment
(config/fragments.py) kept per process for every reader shown the same ones.

The facts are the announcements shown (those the reader has not dismissed), the version of
the `announcements` scope (every change of an announcement replaces it, so an edited one is
never served as it was) and their boards' names, the board the banner follows, where a
dismissal returns and whether the reader is signed in; each reader's CSRF token is put in.
The page's context names them: `announcements`, `announcements_board`,
`announcements_next` (community/_announcements.html).
"""

from __future__ import annotations

from typing import NamedTuple

from django import template
from django.utils.safestring import SafeString

from community import pagecache
from config import fragments

register = template.Library()

BANNER = "community/_announcements.html"


class _Board(NamedTuple):
    slug: str
    get_absolute_url: str


class _Reader(NamedTuple):
    is_authenticated: bool


@register.simple_tag(takes_context=True)
def announcements_banner(context: template.Context) -> SafeString:
    board = context.get("announcements_board")
    shown = tuple(context.get("announcements") or ())
    facts = (
        ("announcements", shown),
        ("version", pagecache.scope_version(pagecache.ANNOUNCEMENTS)),
        # In the key only: a board renamed changes no announcement.
        ("board_names", tuple(a.board.name if a.board_id else "" for a in shown)),
        ("announcements_board", _Board(board.slug, board.get_absolute_url()) if board else None),
        ("announcements_next", context.get("announcements_next") or ""),
        ("user", _Reader(context["user"].is_authenticated)),
    )
    return fragments.kept(context, BANNER, facts)
