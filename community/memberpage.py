"""A member's thread page: the shell every member sees alike, kept by the process, with each
reader's own parts put in.

A visitor's page is stored whole (community/pagecache.py). A member's differs from another
member's only where the page reads its reader: their kudos, follow and bookmark buttons, the
answers' controls, the answer form, the announcements they have not dismissed, the sections
(moderation links, a known issue's banner), the menus and the bell, the CSRF token. Those
regions are `{% part %}`s (community/templatetags/community_parts.py); the rest, the shell,
is rendered once per process for everyone alike and kept under the thread scope's version, the
language, the time zone and the address, for as long as a visitor's page
(COMMUNITY_PAGE_CACHE_SECONDS). Each request then renders only its parts, into the shell.

Safe by construction: the shell is rendered without a reader. Its `user`, `perms` and
`request` are stand-ins that refuse any question about the reader (`ShellRead`), and so do
its CSRF token and bell count; it sees only the context values the view names as shared. A
template that reads its reader outside a part cannot be kept: the page is then rendered in
full, and the tests (tests/community/test_pages_member_shell.py) fail.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from django.contrib.auth.context_processors import PermWrapper
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.template import Context, Template, loader
from django.template.context import make_context
from django.template.loader_tags import ExtendsNode
from django.utils import timezone
from django.utils.translation import get_language

from community import pagecache
from community.templatetags.community_parts import SHELL, PartNode, stand_in
from config.kept import Kept

logger = logging.getLogger(__name__)

SHELLS_KEPT = 256
# A shell, or None for a template that reads its reader outside a part; when it expires.
_shells: Kept[tuple[str | None, float]] = Kept(SHELLS_KEPT)


class ShellRead(Exception):  # noqa: N818 - what happened, as Django's own Resolver404
    """The shell asked about its reader: what it read belongs in a `{% part %}`."""


class _Reader:
    """The shell's user: a member, nothing more."""

    is_authenticated = True
    is_anonymous = False

    def __getattr__(self, name: str) -> Any:
        raise ShellRead(f"user.{name}")


class _Request:
    """The shell's request: its address, nothing of the reader's."""

    def __init__(self, request: HttpRequest) -> None:
        self.method = "GET"
        self.path = request.path
        self.path_info = request.path_info
        self.GET = request.GET
        self.resolver_match = request.resolver_match  # {% url %} asks for its namespace
        self.user = _Reader()
        self._messages: tuple[()] = ()
        self._full_path = request.get_full_path()

    def get_full_path(self) -> str:
        return self._full_path

    def __getattr__(self, name: str) -> Any:
        if name == "current_app":  # set by no view of the product; {% url %} asks
            raise AttributeError(name)
        raise ShellRead(f"request.{name}")


class _Refused:
    """A value of the reader's (the CSRF token, the bell's count): never shown by the shell."""

    def __init__(self, name: str) -> None:
        self.name = name

    def _refuse(self, *args: Any) -> Any:
        raise ShellRead(self.name)

    __bool__ = __str__ = __html__ = __int__ = __len__ = __iter__ = _refuse


def forget() -> None:
    """Forget the kept shells (a test that changes a template or a translation)."""
    _shells.forget()
    _parts.cache_clear()


@lru_cache(maxsize=64)
def _parts(compiled: Template) -> dict[str, PartNode]:
    """The parts of a template and of those it extends, by name."""
    found: dict[str, PartNode] = {}
    current: Template | None = compiled
    while current is not None:
        for node in current.nodelist.get_nodes_by_type(PartNode):
            assert isinstance(node, PartNode)  # noqa: S101 - what get_nodes_by_type returns
            found.setdefault(node.name, node)
        extends = current.nodelist.get_nodes_by_type(ExtendsNode)
        parent = extends[0].parent_name.resolve(Context()) if extends else None  # type: ignore[attr-defined]
        current = loader.get_template(parent).template if parent else None  # type: ignore[attr-defined]
    return found


@lru_cache(maxsize=64)
def _stand_ins(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(stand_in(name)) for name in names))


def keepable(request: HttpRequest) -> bool:
    """Whether this member's page may be served from a shell: not when it shows a message."""
    return pagecache.page_seconds() > 0 and not len(get_messages(request))


def render(
    request: HttpRequest,
    template_name: str,
    context: dict[str, Any],
    *,
    shared: Mapping[str, Any],
    scope: str,
) -> HttpResponse:
    """The page of `template_name` for this member: the kept shell (rendered from `shared`,
    the values every member sees alike, under `scope`'s version) with their parts in it."""
    compiled = loader.get_template(template_name).template  # type: ignore[attr-defined]
    key = ":".join(
        (
            pagecache.scope_version(scope),
            get_language() or "",
            timezone.get_current_timezone_name(),
            str(id(compiled)),  # a template reloaded is a new shell
            request.get_full_path(),
        )
    )
    now = time.time()
    kept = _shells.get(key)
    if kept is None or kept[1] <= now:
        kept = (_shell(request, compiled, shared), now + pagecache.page_seconds())
        _shells.put(key, kept)
    if kept[0] is None:
        return HttpResponse(compiled.render(make_context(context, request)))
    return HttpResponse(_fill(kept[0], compiled, request, context))


def _shell(request: HttpRequest, compiled: Template, shared: Mapping[str, Any]) -> str | None:
    stand_in_request = _Request(request)
    reader = stand_in_request.user
    values = {
        **shared,
        "user": reader,
        "perms": PermWrapper(reader),
        "csrf_token": _Refused("csrf_token"),
        "notifications_unread": _Refused("notifications_unread"),
        "messages": (),
        "request": stand_in_request,
        SHELL: True,
    }
    try:
        return str(compiled.render(make_context(values, stand_in_request)))  # type: ignore[arg-type]
    except ShellRead as read:
        logger.warning("%s reads %s outside a {%% part %%}: not kept", compiled.name, read)
        return None


def _fill(shell: str, compiled: Template, request: HttpRequest, context: dict[str, Any]) -> str:
    """The reader's parts rendered with the page's whole context, put into the shell."""
    parts = {name: node for name, node in _parts(compiled).items() if stand_in(name) in shell}
    if not parts:
        return shell
    page = make_context(context, request)
    rendered: dict[str, str] = {}
    # As Template.render does: the context processors run once, for all the parts.
    with page.render_context.push_state(compiled), page.bind_template(compiled):
        for name, node in parts.items():
            rendered[stand_in(name)] = node.nodelist.render(page)
    return _stand_ins(tuple(parts)).sub(lambda found: rendered[found.group()], shell)
