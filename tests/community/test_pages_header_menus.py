"""The header's menus are kept per process for each kind of member (community_menu.py): each
member must still see their own name, avatar and profile link, escaped, their own CSRF token,
and the links their role gives them, no more."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client
from django.utils.safestring import mark_safe

from community.models import Member
from community.templatetags import community_menu
from config import fragments
from tests.builders import agent_make, logged_in, member_make, moderator_make
from tests.community.page_factories import fragments_counted

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def header(client: Client) -> str:
    response = client.get("/boards/")
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def menu(html: str) -> str:
    return html[html.index('<details class="menu">') : html.index("</details>") + 10]


def plain_menu(member: Member, token: str) -> str:
    """includes/account_menu.html rendered the plain way, from the member themselves."""
    avatar = render_to_string("community/_avatar.html", {"member": member, "size": "small"})
    context = {"user": member, "avatar": mark_safe(avatar.strip()), "csrf_token": token}  # noqa: S308
    return render_to_string(community_menu.ACCOUNT_MENU, context).strip()


def plain_nav(user: Any) -> str:
    return render_to_string(community_menu.PRIMARY_NAV, {"user": user}).strip()


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return fragments_counted(monkeypatch)


def test_members_alike_share_the_menus_each_with_their_own_name_avatar_and_token(
    rendered: list[str],
) -> None:
    ann = member_make("ann", display_name='<b>Ann & "Bob"</b>')
    cy = member_make("cy")
    pages = {m.username: header(logged_in(m)) for m in (ann, cy)}
    assert rendered.count(community_menu.ACCOUNT_MENU) == 1
    assert rendered.count(community_menu.PRIMARY_NAV) == 1
    for member in (ann, cy):
        html = menu(pages[member.username])
        token = TOKEN.search(html)
        assert token
        assert html == plain_menu(member, token.group(1))
        assert f"@{member.username}" in html
        assert f'href="/members/{member.username}/"' in html
    assert "&lt;b&gt;Ann &amp; &quot;Bob&quot;&lt;/b&gt;" in pages["ann"]
    assert "<b>Ann" not in pages["ann"]
    assert "Ann" not in pages["cy"] and "@ann" not in pages["cy"]
    tokens = [set(TOKEN.findall(html)) for html in pages.values()]
    assert not tokens[0] & tokens[1]


def test_a_name_that_reads_like_another_hole_is_shown_as_it_is() -> None:
    # The holes are filled in one pass: the name is not taken for the username's stand-in.
    name = community_menu._USERNAME  # a display name holds at most 50 characters
    member = member_make("dee", display_name=name)
    html = menu(header(logged_in(member)))
    token = TOKEN.search(html)
    assert token
    assert html == plain_menu(member, token.group(1))
    assert name in html
    assert html.count("@dee") == 1


@pytest.mark.parametrize("kind", ["member", "agent", "moderator", "superuser"])
def test_each_kind_of_member_sees_the_links_of_their_role(kind: str) -> None:
    member = {
        "member": lambda: member_make("plain"),
        "agent": lambda: agent_make("agent"),
        "moderator": lambda: moderator_make("moderator"),
        "superuser": lambda: member_make("root", is_staff=True, is_superuser=True),
    }[kind]()
    fragments.forget()
    html = header(logged_in(member))
    token = TOKEN.search(menu(html))
    assert token
    assert menu(html) == plain_menu(member, token.group(1))
    assert plain_nav(member) in html
    assert ("Administration" in html) == (kind != "member")
    assert ("Webhooks" in html) == (kind == "superuser")
    assert ("Dashboard" in html) == (kind != "member")


def test_a_visitor_gets_the_navigation_and_no_account_menu() -> None:
    fragments.forget()
    html = header(Client())
    assert plain_nav(AnonymousUser()) in html
    assert '<details class="menu">' not in html
    assert not TOKEN.search(html)
