"""What a member keeps an eye on: bookmarking questions (and the Bookmarks page), following
boards, tags and members (and the Following page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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


def _follow_toggle(
    request: HttpRequest, *, place: dict[str, Any], action_url: str, back: str
) -> HttpResponse:
    member = request_member(request)
    follows = request.POST.get("action") != "unfollow"
    try:
        if follows:
            services.follow_create(member=member, **place)
        else:
            services.follow_delete(member=member, **place)
    except ValidationError as error:
        if is_htmx(request):
            return HttpResponse(" ".join(error.messages), status=400)
        messages.error(request, " ".join(error.messages))
        return _back(request, back)
    if is_htmx(request):
        return render(
            request,
            "community/_place_follow_button.html",
            {"action_url": action_url, "follows": follows, "next": request.POST.get("next", "")},
        )
    return _back(request, back)


@login_required
@require_POST
def board_follow(request: HttpRequest, slug: str) -> HttpResponse:
    board = selectors.board_get(slug=slug)
    url = reverse("board-follow", args=[board.slug])
    return _follow_toggle(
        request, place={"board": board}, action_url=url, back=board.get_absolute_url()
    )


@login_required
@require_POST
def tag_follow(request: HttpRequest, slug: str) -> HttpResponse:
    tag = selectors.tag_get(slug=slug)
    url = reverse("tag-follow", args=[tag.slug])
    return _follow_toggle(request, place={"tag": tag}, action_url=url, back=tag.get_absolute_url())


@login_required
@require_POST
def member_follow(request: HttpRequest, username: str) -> HttpResponse:
    author = selectors.member_get_by_username(username=username)
    url = reverse("member-follow", args=[author.username])
    return _follow_toggle(
        request, place={"author": author}, action_url=url, back=author.get_absolute_url()
    )


@login_required
@require_GET
def follow_list(request: HttpRequest) -> HttpResponse:
    follows = list(selectors.follow_list(member=request_member(request)))
    rows = []
    for follow in follows:
        if follow.board:
            rows.append(
                (
                    "board",
                    follow.board.name,
                    follow.board.get_absolute_url(),
                    reverse("board-follow", args=[follow.board.slug]),
                )
            )
        elif follow.tag:
            rows.append(
                (
                    "tag",
                    follow.tag.name,
                    follow.tag.get_absolute_url(),
                    reverse("tag-follow", args=[follow.tag.slug]),
                )
            )
        elif follow.author:
            rows.append(
                (
                    "member",
                    follow.author.name,
                    follow.author.get_absolute_url(),
                    reverse("member-follow", args=[follow.author.username]),
                )
            )
    return render(request, "community/following.html", {"rows": rows})
