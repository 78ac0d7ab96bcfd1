"""The header's menus as fragments (config/fragments.py): `{% primary_nav %}` and
`{% account_menu %}` are rendered once per process for each kind of member (staff or not, an
agent, a moderator, a superuser) and language, not on every page. The account menu's name,
username, profile link and avatar are the member's own, put into holes; so is the count of
`{% bell %}`, kept for members with unread notifications and for those without."""

from __future__ import annotations

from typing import Any, NamedTuple

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from config import fragments

register = template.Library()

PRIMARY_NAV = "includes/primary_nav.html"
ACCOUNT_MENU = "includes/account_menu.html"
BELL = "includes/bell.html"
_UNREAD = "kept-fragment-unread-count"
_NAME, _USERNAME, _PROFILE, _AVATAR = (
    f"kept-fragment-member-{part}" for part in ("name", "username", "profile", "avatar")
)


class _Member(NamedTuple):
    """What the menus read of the member; the rest are stand-ins for their holes."""

    is_authenticated: bool
    is_staff: bool
    is_superuser: bool
    is_agent: bool
    is_moderator: bool
    name: str = _NAME
    username: str = _USERNAME
    get_absolute_url: str = _PROFILE


def _member(user: Any) -> _Member:
    if not user.is_authenticated:
        return _Member(False, False, False, False, False)
    staff = user.is_staff
    return _Member(
        True,
        staff,
        user.is_superuser,
        staff and user.is_agent,
        staff and user.is_moderator,
    )


@register.simple_tag(takes_context=True)
def primary_nav(context: template.Context) -> SafeString:
    return fragments.kept(context, PRIMARY_NAV, (("user", _member(context["user"])),))


@register.simple_tag(takes_context=True)
def account_menu(context: template.Context) -> SafeString:
    user = context["user"]
    avatar = render_to_string("community/_avatar.html", {"member": user, "size": "small"})
    holes = {
        _NAME: user.name,
        _USERNAME: user.username,
        _PROFILE: user.get_absolute_url(),
        _AVATAR: SafeString(avatar.strip()),
    }
    facts = (("user", _member(user)), ("avatar", _AVATAR))
    return fragments.kept(context, ACCOUNT_MENU, facts, holes)


@register.simple_tag(takes_context=True)
def bell(context: template.Context) -> SafeString:
    count = (
        context.get("notifications_unread") or 0
    )  # brought along with the member (notifications)
    facts = (("unread", bool(count)), ("unread_count", _UNREAD))
    return fragments.kept(context, BELL, facts, {_UNREAD: str(count)})
