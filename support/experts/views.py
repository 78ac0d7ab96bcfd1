"""Ask the experts' pages: a helper's requests (with Decline) and the opt-in.

The opt-in form is on this page and on the notification settings page (notifications
includes support/_expert_preferences.html); both post here and come back.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from community.http import request_member
from support.experts.selectors import (
    expert_request_get_for_helper,
    expert_requests_for,
    helper_settings_for,
    offered_questions,
)
from support.experts.services import expert_request_decline, helper_settings_update

PER_PAGE = 20


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
@require_GET
def expert_requests(request: HttpRequest) -> HttpResponse:
    member = request_member(request)
    page = Paginator(expert_requests_for(helper=member), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "support/expert_requests.html",
        {
            "page": page,
            "offered": offered_questions(list(page.object_list)),
            "expert_settings": helper_settings_for(member_id=member.pk),
        },
    )


@login_required
@require_POST
def expert_request_decline_page(request: HttpRequest, pk: int) -> HttpResponse:
    member = request_member(request)
    offered = expert_request_get_for_helper(request_id=pk, helper=member)
    expert_request_decline(request=offered, helper=member)
    messages.success(
        request,
        _("Declined: we won't count on you for “%(title)s”.") % {"title": offered.thread.title},
    )
    return redirect("expert-requests")


@login_required
@require_POST
def expert_preferences(request: HttpRequest) -> HttpResponse:
    helper_settings_update(
        member=request_member(request),
        expert_requests=request.POST.get("expert_requests") == "on",
        away=request.POST.get("away") == "on",
    )
    messages.success(request, _("Your helper settings are saved."))
    return redirect(_back(request, "expert-requests"))
