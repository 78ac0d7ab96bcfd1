"""Gamification's pages: the leaderboard, badges, ranks, a member's points and payback.

Each view turns a request into selector or service calls and a response; every page works
without JavaScript. Public pages reuse the community's caching rule (shared caches may keep
anonymous renders a minute, members' stay private).

Choices made here:
- /leaderboard/ shows this week unless told otherwise; an unknown ?period= falls back to
  it (like the community's list filters), an unknown ?board= is a 404 (like /boards/<slug>/).
- /members/<username>/points/: the member and staff only (visitors sign in, others a 404).
- /rewards/ answers a refused payout choice on the page itself, with the status the API
  would give: 400 for a bad choice, 404 for someone else's statement, 409 past the
  deadline or below the minimum payout.
- /staff/payback/ is for staff with the review permission (moderators): anonymous visitors
  are sent to sign in, anyone else gets 403. A refused change (approve, mark paid, claw
  back) is answered on the page or in the HTMX fragment with the API's status, 400 or 409.
  The payouts export is the API's (/api/v1/payback/payouts/?format=csv), linked from the
  page: one export for finance, by session or token. The staff navigation links it for
  moderators (migration 0003 grants them the permission) and admins: a role test the
  header pays for already, not a permission lookup on every page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_stubs_ext import StrOrPromise

from community import selectors as community_selectors
from community.errors import Conflict
from community.http import is_htmx, request_member
from community.models import Member
from community.views.common import public_when_anonymous
from gamification import selectors
from gamification.badges import Badge
from gamification.leaderboards import leaderboard as leaderboard_read
from gamification.models import (
    APPROVABLE,
    CLAWBACK_ALLOWED,
    BadgeTier,
    GamificationSettings,
    PayoutMethod,
    Period,
    Statement,
    StatementStatus,
)
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
            "leaderboard": leaderboard_read(period=period, board=board, viewer=request.user),
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


# ---------------------------------------------------------------------------- payback review

REVIEW_PER_PAGE = 50


def _payback_reviewer(request: HttpRequest) -> Member:
    """The signed-in member, if they review payback; 403 for anyone else."""
    member = request_member(request)
    if not selectors.can_review_payback(member):
        raise PermissionDenied(_("Only staff who review payback may do this."))
    return member


def _positive_int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and 0 < int(value) < 2**63 else None


def _export_url(period_id: int, fmt: str) -> str:
    return (
        f"{reverse('api-payback-payouts')}?{urlencode({'period': str(period_id), 'format': fmt})}"
    )


@login_required
@require_GET
def payback_review(request: HttpRequest) -> HttpResponse:
    """Statements per period: ?period=<id> (the latest closed period by default, `all` for
    every period) and ?status=<status>; an unknown value falls back to the default."""
    _payback_reviewer(request)
    periods = selectors.payback_periods_closed()
    requested = request.GET.get("period", "")
    period = None
    if requested != "all":
        wanted = _positive_int(requested)
        period = next((p for p in periods if p.pk == wanted), periods[0] if periods else None)
    status = request.GET.get("status", "")
    if status not in StatementStatus.values:
        status = ""
    statements = selectors.payback_statements(
        period_id=period.pk if period else None, status=status or None
    )
    page = Paginator(statements, REVIEW_PER_PAGE).get_page(request.GET.get("page"))
    filters: dict[str, str] = {"period": str(period.pk) if period else "all", "status": status}
    response = render(
        request,
        "gamification/payback_review.html",
        {
            "periods": periods,
            "period": period,
            "statuses": StatementStatus.choices,
            "status": status,
            "page": page,
            "totals": selectors.payback_totals(statements),
            "filters": filters,
            "filter_query": urlencode(filters),
            "export_csv": _export_url(period.pk, "csv") if period else "",
            "export_json": _export_url(period.pk, "json") if period else "",
            "approvable": APPROVABLE,
        },
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def _back_to_list(request: HttpRequest) -> str:
    period, status = request.POST.get("period", ""), request.POST.get("status", "")
    query = {
        key: value
        for key, value in (("period", period), ("status", status))
        if value == "all" or _positive_int(value) or value in StatementStatus.values
    }
    return reverse("payback-review") + (f"?{urlencode(query)}" if query else "")


@login_required
@require_POST
def payback_approve_bulk(request: HttpRequest) -> HttpResponse:
    reviewer = _payback_reviewer(request)
    ids = [int(v) for v in request.POST.getlist("statements") if _positive_int(v)]
    if not ids:
        messages.error(request, _("Choose the statements to approve."))
        return redirect(_back_to_list(request))
    approved, refused = payback.statements_approve(statement_ids=ids, reviewer=reviewer)
    if approved:
        messages.success(
            request,
            ngettext(
                "%(count)d statement approved.", "%(count)d statements approved.", len(approved)
            )
            % {"count": len(approved)},
        )
    for statement, why in refused:
        messages.warning(request, f"{statement.member.name}: {why}")
    return redirect(_back_to_list(request))


def _statement_context(statement: Statement, **extra: Any) -> dict[str, Any]:
    clawbacks = list(selectors.payback_clawbacks(statement=statement))
    taken = -sum(entry.points for entry in clawbacks)
    return {
        "statement": statement,
        "clawbacks": [(entry, -entry.points) for entry in clawbacks],
        "clawed_back": taken,
        "clawback_left": statement.points - taken,
        "can_approve": statement.status in APPROVABLE,
        "can_pay": statement.status == StatementStatus.APPROVED,
        "can_claw_back": statement.status in CLAWBACK_ALLOWED and taken < statement.points,
        **extra,
    }


@login_required
@require_GET
def payback_statement(request: HttpRequest, pk: int) -> HttpResponse:
    _payback_reviewer(request)
    return _statement_page(request, selectors.payback_statement_get(statement_id=pk))


def _statement_page(
    request: HttpRequest, statement: Statement, *, status: int = 200, **extra: Any
) -> HttpResponse:
    context = _statement_context(statement, **extra)
    context["ledger"] = list(selectors.payback_statement_ledger(statement=statement))
    response = render(request, "gamification/payback_statement.html", context, status=status)
    patch_cache_control(response, private=True, no_store=True)
    return response


def _error_of(error: Exception) -> tuple[int, str]:
    if isinstance(error, Conflict):
        return 409, error.message
    if isinstance(error, ValidationError):
        return 400, " ".join(error.messages)
    return 403, str(error)


def _statement_action(request: HttpRequest, pk: int, act: Any, done: StrOrPromise) -> HttpResponse:
    """Run one change on a statement and answer: the page's panel (HTMX) or the list's row
    (HTMX from the list), else a redirect to the statement with a message. A refused change
    is the same fragment or page with the error and 400 or 409."""
    reviewer = _payback_reviewer(request)
    statement = selectors.payback_statement_get(statement_id=pk)
    error = ""
    status = 200
    try:
        act(statement, reviewer)
    except (Conflict, ValidationError, PermissionDenied) as refused:
        status, error = _error_of(refused)
    statement = selectors.payback_statement_get(statement_id=pk)
    if is_htmx(request):
        template = (
            "gamification/_payback_row.html"
            if request.POST.get("from") == "list"
            else "gamification/_payback_panel.html"
        )
        context = _statement_context(
            statement, error=error, done="" if error else done, approvable=APPROVABLE
        )
        return render(request, template, context, status=status)
    if error:
        return _statement_page(request, statement, status=status, error=error, form=request.POST)
    messages.success(request, str(done))
    return redirect("payback-statement", pk=pk)


@login_required
@require_POST
def payback_statement_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _statement_action(
        request,
        pk,
        lambda statement, reviewer: payback.statement_approve(
            statement=statement, reviewer=reviewer
        ),
        gettext_lazy("Statement approved."),
    )


@login_required
@require_POST
def payback_statement_paid(request: HttpRequest, pk: int) -> HttpResponse:
    return _statement_action(
        request,
        pk,
        lambda statement, reviewer: payback.statement_mark_paid(
            statement=statement, actor=reviewer, reference=request.POST.get("reference", "")
        ),
        gettext_lazy("Statement marked as paid."),
    )


def _clawback_points(request: HttpRequest) -> int:
    value = request.POST.get("points", "").strip()
    if not value.isdigit() or not 0 < int(value) < 2**31:
        raise ValidationError({"points": _("Claw back a positive number of points.")})
    return int(value)


@login_required
@require_POST
def payback_statement_clawback(request: HttpRequest, pk: int) -> HttpResponse:
    return _statement_action(
        request,
        pk,
        lambda statement, reviewer: payback.statement_clawback(
            statement=statement,
            points=_clawback_points(request),
            actor=reviewer,
            reason=request.POST.get("reason", ""),
        ),
        gettext_lazy("Points clawed back; the member is notified."),
    )
