"""Announcement pages: each announcement's own page, the banner at the top of the home and
board pages (fetched again by open pages when staff change it), a member's dismissal, and
staff's page to post, edit, unpin and delete. Staff pages are 404 to everyone else (they
reveal nothing); visitors are sent to sign in.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import permissions, selectors
from community.announcements import selectors as announcement_selectors
from community.announcements import services
from community.announcements.forms import AnnouncementForm
from community.announcements.models import Announcement
from community.http import is_htmx, request_member
from community.views.common import _add_errors, public_when_anonymous


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_manage_announcements(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@public_when_anonymous
def announcement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = announcement_selectors.announcement_get(announcement_id=pk)
    return render(
        request,
        "community/announcement_detail.html",
        {
            "announcement": announcement,
            "pinned": announcement.is_pinned(),
            "can_manage": permissions.can_manage_announcements(request.user),
        },
    )


@require_GET
@never_cache
def announcement_banner(request: HttpRequest) -> HttpResponse:
    """The announcements at the top of a page, for this viewer: what open pages fetch when
    told that an announcement changed (static/js/live.js)."""
    slug = request.GET.get("board", "")
    board = selectors.board_get(slug=slug) if slug else None
    return render(
        request,
        "community/_announcements.html",
        {
            "announcements": announcement_selectors.announcements_pinned(
                board=board, viewer=request.user
            ),
            "announcements_board": board,
        },
    )


@login_required
@require_POST
def announcement_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = announcement_selectors.announcement_get(announcement_id=pk)
    services.announcement_dismiss(member=request_member(request), announcement=announcement)
    if is_htmx(request):
        return HttpResponse("")  # the announcement is swapped for nothing
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return redirect(target)


def _form_save(
    request: HttpRequest, form: AnnouncementForm, announcement: Announcement | None
) -> Announcement | None:
    """Post or edit from a valid form; None (with the errors on the form) if refused."""
    data = form.cleaned_data
    try:
        if announcement is None:
            return services.announcement_create(actor=request_member(request), **data)
        return services.announcement_update(
            actor=request_member(request), announcement=announcement, **data
        )
    except ValidationError as error:
        _add_errors(form, error)
        return None


@staff_only
@require_http_methods(["GET", "POST"])
def announcement_manage(request: HttpRequest) -> HttpResponse:
    boards = selectors.board_list()
    form = AnnouncementForm(request.POST or None, boards=boards)
    if request.method == "POST" and form.is_valid():
        announcement = _form_save(request, form, None)
        if announcement is not None:
            messages.success(request, _("The announcement is pinned."))
            return redirect("announcement-manage")
    return render(
        request,
        "community/announcement_manage.html",
        {
            "form": form,
            "announcements": announcement_selectors.announcement_list_for_staff(),
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_only
@require_http_methods(["GET", "POST"])
def announcement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = announcement_selectors.announcement_get(announcement_id=pk)
    initial = {
        "title": announcement.title,
        "body": announcement.body,
        "board": announcement.board,
        "pinned_until": announcement.pinned_until,
    }
    form = AnnouncementForm(request.POST or None, initial=initial, boards=selectors.board_list())
    saved = request.method == "POST" and form.is_valid()
    if saved and _form_save(request, form, announcement) is not None:
        messages.success(request, _("The announcement is saved."))
        return redirect("announcement-manage")
    return render(
        request,
        "community/announcement_edit.html",
        {"form": form, "announcement": announcement},
        status=400 if request.method == "POST" else 200,
    )


@staff_only
@require_POST
def announcement_unpin(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = announcement_selectors.announcement_get(announcement_id=pk)
    services.announcement_unpin(actor=request_member(request), announcement=announcement)
    messages.success(request, _("The announcement is unpinned."))
    return redirect("announcement-manage")


@staff_only
@require_POST
def announcement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = announcement_selectors.announcement_get(announcement_id=pk)
    services.announcement_delete(actor=request_member(request), announcement=announcement)
    messages.success(request, _("The announcement is deleted."))
    return redirect("announcement-manage")
