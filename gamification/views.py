"""Gamification's pages: the leaderboard, badges, ranks, a member's points and payback.

Each view turns a request into selector or service calls and a response; every page works
without JavaScript. Public pages reuse the community's caching rule: anonymous renders may
be kept by shared caches for a minute, members' stay private.

Choices made here:
- /leaderboard/ shows this week unless told otherwise; an unknown ?period= falls back to
  it (like the community's list filters), an unknown ?board= is a 404 (like /boards/<slug>/).
- /members/<username>/points/ is for the member and staff only: anonymous visitors are
  sent to sign in, any other member gets a 404, so the page reveals nothing.
- /rewards/ answers a refused payout choice on the page itself, with the status the API
  would give: 400 for a bad choice, 404 for someone else's statement, 409 past the
  deadline or below the minimum payout.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from community import selectors as community_selectors
from community.errors import Conflict
from community.http import request_member
from community.models import Member
from community.views.common import public_when_anonymous
from gamification import selectors
from gamification.badges import Badge
from gamification.models import BadgeTier, GamificationSettings, PayoutMethod, Period
from gamification.services import payback

DEFAULT_PERIOD = Period.WEEK
HISTORY_PER_PAGE = 50
# Badge icons change only when a badge's tier or glyph does, which is a code change.
ICON_MAX_AGE = 7 * 24 * 3600

TIER_COLOURS = {
    # (rim, face, ribbon, text)
    BadgeTier.BRONZE: ("#8c5a2b", "#d6a77a", "#b45309", "#3b2410"),
    BadgeTier.SILVER: ("#6b7280", "#d1d5db", "#475569", "#1f2937"),
    BadgeTier.GOLD: ("#a16207", "#facc15", "#b45309", "#422006"),
}


# ---------------------------------------------------------------------------- leaderboard


@require_GET
@public_when_anonymous
def leaderboard(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("period", DEFAULT_PERIOD)
    if period not in Period.values:
        period = DEFAULT_PERIOD
    board_slug = request.GET.get("board", "")
    board = community_selectors.board_get(slug=board_slug) if board_slug else None
    board_query = {"board": board.slug} if board else {}
    tabs = [
        (key, label, "?" + urlencode({"period": key, **board_query}))
        for key, label in Period.choices
    ]
    return render(
        request,
        "gamification/leaderboard.html",
        {
            "board": board,
            "boards": community_selectors.board_list(),
            "period": period,
            "period_label": Period(period).label,
            "tabs": tabs,
            "leaderboard": selectors.leaderboard(period=period, board=board, viewer=request.user),
        },
    )


# ---------------------------------------------------------------------------- badges


@require_GET
@public_when_anonymous
def badge_list(request: HttpRequest) -> HttpResponse:
    return render(request, "gamification/badge_list.html", {"tiers": selectors.badges_by_tier()})


@require_GET
@public_when_anonymous
def badge_detail(request: HttpRequest, slug: str) -> HttpResponse:
    badge = selectors.badge_get(slug=slug)
    count, recent = selectors.badge_holders(slug=slug)
    return render(
        request,
        "gamification/badge_detail.html",
        {
            "badge": badge,
            "tier_label": BadgeTier(badge.tier).label,
            "awarded_count": count,
            "recent": recent,
        },
    )


# Symbols a font may lack (an emoji font is not on every machine, and a missing one shows an
# empty box), drawn as paths on the medal's face instead; centred on (32, 40).
DRAWN_GLYPHS = {
    # An eye: the lids, then the iris in the face colour and the pupil.
    "👁": (
        '<path d="M14 40c4.5-7.5 11-11.5 18-11.5S45.5 32.5 50 40c-4.5 7.5-11 11.5-18 11.5S18.5 '
        '47.5 14 40z" fill="{ink}"/><circle cx="32" cy="40" r="6" fill="{face}"/>'
        '<circle cx="32" cy="40" r="3" fill="{ink}"/>'
    ),
    # A lightning bolt.
    "⚡": '<path d="M35 24 22 43h9l-3 13 14-20h-9z" fill="{ink}"/>',
    # A heart.
    "♥": (
        '<path d="M32 53 19 40.5a8 8 0 0 1 11.3-11.3L32 31l1.7-1.8A8 8 0 0 1 45 40.5z" '
        'fill="{ink}"/>'
    ),
    # A tick.
    "✓": (
        '<path d="m22 40 7 7 13-14" fill="none" stroke="{ink}" stroke-width="5" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
    ),
}


def badge_svg(badge: Badge) -> str:
    """A medal in the badge's tier colours with its glyph on the face.

    The glyph and the name come from code today, but they are escaped all the same: this is
    XML served from our own origin, and a "<" or "&" in a future glyph must not break or
    script it.
    """
    rim, face, ribbon, ink = TIER_COLOURS.get(BadgeTier(badge.tier), TIER_COLOURS[BadgeTier.BRONZE])
    glyph = badge.glyph
    size = 30 if len(glyph) <= 1 else 24 if len(glyph) == 2 else 18
    drawn = DRAWN_GLYPHS.get(glyph)
    face_mark = (
        drawn.format(ink=ink, face=face)
        if drawn is not None
        else (
            f'<text x="32" y="40" text-anchor="middle" dominant-baseline="central" '
            f'font-family="system-ui, sans-serif" font-weight="700" font-size="{size}" '
            f'fill="{ink}">{escape(glyph)}</text>'
        )
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" '
        'role="img">'
        f"<title>{escape(str(badge.name))}</title>"
        f'<path d="M20 2h10l6 20h-10zM44 2H34l-6 20h10z" fill="{ribbon}"/>'
        f'<circle cx="32" cy="40" r="22" fill="{rim}"/>'
        f'<circle cx="32" cy="40" r="18" fill="{face}"/>'
        f"{face_mark}</svg>"
    )


@require_GET
def badge_icon(request: HttpRequest, slug: str) -> HttpResponse:
    response = HttpResponse(
        badge_svg(selectors.badge_get(slug=slug)), content_type="image/svg+xml; charset=utf-8"
    )
    patch_cache_control(response, public=True, max_age=ICON_MAX_AGE)
    # Opened on its own, an SVG is a document: let it run nothing, whatever it holds.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


# ---------------------------------------------------------------------------- ranks


@require_GET
@public_when_anonymous
def rank_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "gamification/rank_list.html",
        {
            "ranks": selectors.rank_list(),
            "rules": selectors.points_rules(),
            "config": GamificationSettings.current(),
        },
    )


# ---------------------------------------------------------------------------- points history


@login_required
@require_GET
def member_points(request: HttpRequest, username: str) -> HttpResponseBase:
    member = selectors.member_get_for_history(username=username, viewer=request.user)
    if member.username != username:
        return redirect(reverse("member-points", kwargs={"username": member.username}))
    page = Paginator(selectors.points_history(member=member), HISTORY_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "gamification/member_points.html",
        {"member": member, "page": page, "standing": selectors.member_standing(member=member)},
    )


# ---------------------------------------------------------------------------- payback


class PayoutMethodForm(forms.Form):
    statement = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    payout_method = forms.ChoiceField(
        label=gettext_lazy("Payout method"), choices=PayoutMethod.choices
    )


def _rewards_context(member: Member, **extra: Any) -> dict[str, Any]:
    statements = list(selectors.statement_list(member=member))
    return {
        "statements": statements,
        "running": selectors.running_period(member=member),
        "methods": PayoutMethod.choices,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def rewards(request: HttpRequest) -> HttpResponse:
    member = request_member(request)
    if request.method == "GET":
        return render(request, "gamification/rewards.html", _rewards_context(member))
    form = PayoutMethodForm(request.POST)
    status, error = 400, ""
    if form.is_valid():
        statement = selectors.statement_get_for_member(
            statement_id=form.cleaned_data["statement"], member=member
        )
        try:
            payback.statement_choose_method(
                statement=statement, member=member, method=form.cleaned_data["payout_method"]
            )
        except Conflict as conflict:
            status, error = 409, conflict.message
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
        else:
            messages.success(request, _("Your payout method is saved."))
            return redirect("rewards")
    else:
        error = " ".join(
            str(message) for messages_ in form.errors.values() for message in messages_
        )
    return render(
        request,
        "gamification/rewards.html",
        _rewards_context(member, error=error, failed_statement=request.POST.get("statement")),
        status=status,
    )
