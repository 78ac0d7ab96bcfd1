"""Closing a question as a duplicate: the page to choose the original, and reopening.

GET shows the similar questions to pick from (or any question's number or link); POST closes
it and goes back to the question, whose page now points readers to the original. POST with
`action=reopen` undoes it (moderators). Who may: community.permissions; anyone else gets 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from community import permissions, selectors, services
from community.errors import Conflict
from community.forms import DuplicateForm
from community.http import request_member
from community.models import Member, Thread
from community.views.common import _add_errors

CANDIDATES = 5


def _candidates(thread: Thread) -> list[tuple[int, str]]:
    similar = selectors.thread_similar(title=thread.title, limit=CANDIDATES + 1)
    return [(s.id, s.title) for s in similar if s.id != thread.pk][:CANDIDATES]


def _reopen(request: HttpRequest, thread: Thread, member: Member) -> HttpResponse:
    try:
        services.thread_reopen_duplicate(thread=thread, actor=member)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The question is open again."))
    return redirect(thread)


@login_required
@require_http_methods(["GET", "POST"])
def thread_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    thread = selectors.thread_get_for_viewer(thread_id=pk, viewer=request.user)
    member = request_member(request)
    if request.method == "POST" and request.POST.get("action") == "reopen":
        return _reopen(request, thread, member)
    if not permissions.can_close_duplicate(member):
        raise PermissionDenied(_("Your rank does not let you close questions as duplicates."))
    data = request.POST if request.method == "POST" else None
    form = DuplicateForm(data, candidates=_candidates(thread))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                original = selectors.thread_get_for_viewer(
                    thread_id=form.cleaned_data["original_id"], viewer=member
                )
                services.thread_close_duplicate(thread=thread, original=original, actor=member)
            except Http404:
                form.add_error(None, _("There is no question with that id."))
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request, _("Closed as a duplicate: readers are pointed to the original.")
                )
                return redirect(thread)
    context = {"thread": thread, "form": form, "can_reopen": permissions.can_lock_thread(member)}
    return render(request, "community/thread_duplicate.html", context, status=status)
