"""Deflection's pages: "This solved it" and "Was this enough?" on the ask form.

Both buttons sit inside the ask form (a form may not hold another): with HTMX they post
the form to these URLs and get a fragment back in place of the button; without JavaScript
they submit the ask form here (`formaction`), and the member lands on the question that
answered them with a message. The ask form's title is the query.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community import selectors as community_selectors
from community.errors import Conflict, RateLimited
from community.http import is_htmx, request_member
from support.deflection.selectors import deflection_get_for_member
from support.deflection.services import deflection_rate, deflection_record

DONE_TEMPLATE = "support/_deflection_done.html"


def _thread_id(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("thread", ""))
    except ValueError:
        raise Http404(_("No such question.")) from None


@login_required
@require_POST
def deflection_create(request: HttpRequest) -> HttpResponse:
    thread = community_selectors.thread_get_for_viewer(
        thread_id=_thread_id(request), viewer=request.user
    )
    query = request.POST.get("query") or request.POST.get("title", "")
    status, error, deflection, retry_after = 201, "", None, 0
    try:
        deflection, created = deflection_record(
            member=request_member(request), thread=thread, query=query[:150]
        )
        status = 201 if created else 200
    except ValidationError as exc:
        status, error = 400, " ".join(exc.messages)
    except Conflict as exc:
        status, error = 409, exc.message
    except RateLimited as exc:
        status, error, retry_after = 429, exc.message, exc.retry_after
    if is_htmx(request):
        response = render(
            request,
            DONE_TEMPLATE,
            {"deflection": deflection, "thread": thread, "error": error},
            status=status,
        )
        if status == 429:
            response["Retry-After"] = str(retry_after)
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Glad you found your answer. No need to ask!"))
    return redirect(thread)


@login_required
@require_POST
def deflection_rate_page(request: HttpRequest, pk: int) -> HttpResponse:
    member = request_member(request)
    deflection = deflection_get_for_member(deflection_id=pk, member=member)
    choice = request.POST.get("helpful", "")
    status, error = 200, ""
    if choice in ("yes", "no"):
        deflection = deflection_rate(deflection=deflection, member=member, helpful=choice == "yes")
    else:
        status, error = 400, _("Choose yes or no.")
    if is_htmx(request):
        return render(
            request,
            DONE_TEMPLATE,
            {"deflection": deflection, "thread": deflection.thread, "error": error, "rated": True},
            status=status,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Thanks for telling us."))
    return redirect(deflection.thread)
