"""What a member keeps an eye on: bookmarking questions and the Bookmarks page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from community import selectors, services
from community.http import is_htmx, request_member
from community.views.common import THREADS_PER_PAGE, _paginate


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Without JavaScript, back where the button was (a local `next`), else to `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def thread_bookmark(request: HttpRequest, pk: int) -> HttpResponse:
    """Bookmark a question, or remove the bookmark (`action=remove`)."""
    thread = selectors.thread_get_for_viewer(thread_id=pk, viewer=request.user)
    member = request_member(request)
    if request.POST.get("action") == "remove":
        services.bookmark_delete(member=member, thread=thread)
        bookmarked = False
    else:
        services.bookmark_create(member=member, thread=thread)
        bookmarked = True
    if is_htmx(request):
        return render(
            request,
            "community/_bookmark_button.html",
            {"thread": thread, "bookmarked": bookmarked, "next": request.POST.get("next", "")},
        )
    return _back(request, thread.get_absolute_url())


@login_required
@require_GET
def bookmark_list(request: HttpRequest) -> HttpResponse:
    page = _paginate(
        request, selectors.bookmark_list(member=request_member(request)), THREADS_PER_PAGE
    )
    return render(request, "community/bookmarks.html", {"page": page})
