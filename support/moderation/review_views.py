"""The moderators' queue of new members' first posts: approve or reject, one click each.

Moderators only (404 to everyone else, as every moderation page). With HTMX the decided card
gives way to a one-line result; without, the queue comes back with a message. A refused
decision (already decided by another moderator, a reason too long) re-renders the queue with
the reason and 409 or 400.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from community.errors import Conflict
from community.http import is_htmx, request_member
from support.moderation import selectors
from support.moderation.review import review_approve, review_reject
from support.moderation.services import REASON_MAX
from support.moderation.views import _error_text, _next_or, _status_of, moderators_only

REVIEW_PER_PAGE = 20

DONE = {
    "approve": gettext_lazy("Approved: everyone sees it now, and its author has been told."),
    "reject": gettext_lazy("Not approved: only its author sees it, and they have been told."),
}


def _page(request: HttpRequest, *, status: int = 200, error: str = "") -> HttpResponse:
    if error:
        messages.error(request, error)
    page = Paginator(selectors.review_queue_rows(), REVIEW_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "support/moderation_review.html",
        {
            "page": page,
            "items": selectors.review_queue_items(list(page.object_list)),
            "reason_max": REASON_MAX,
        },
        status=status,
    )


@require_GET
@moderators_only
def moderation_review_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@moderators_only
def moderation_review_decide(
    request: HttpRequest, pk: int, kind: str, decision: str
) -> HttpResponse:
    actor = request_member(request)
    reason = request.POST.get("reason", "")
    decide = review_approve if decision == "approve" else review_reject
    try:
        if kind == "thread":
            thread = selectors.thread_for_moderation(thread_id=pk)
            if thread is None:
                raise Http404(_("No such thread."))
            decide(actor=actor, thread=thread, reason=reason)
        else:
            post = selectors.post_for_moderation(post_id=pk)
            if post is None:
                raise Http404(_("No such answer."))
            decide(actor=actor, post=post, reason=reason)
    except (ValidationError, Conflict, PermissionDenied) as error:
        if is_htmx(request):
            return render(
                request,
                "support/moderation_done.html",
                {"message": _error_text(error), "error": True},
                status=_status_of(error),
            )
        return _page(request, status=_status_of(error), error=_error_text(error))
    if is_htmx(request):
        return render(request, "support/moderation_done.html", {"message": DONE[decision]})
    messages.success(request, str(DONE[decision]))
    # The thread's moderation page sends `next` to come back to it.
    return redirect(_next_or(request, reverse("moderation-review")))
