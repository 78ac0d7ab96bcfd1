"""HTML pages. Each view turns a request into one service or selector call and a response.

HTMX requests (the `HX-Request` header) get the fragment they swap in; without JavaScript the
same URLs answer with a redirect or a full page, so every page works without scripts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, QuerySet, Window
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import extensions, pagecache, permissions, selectors, services
from community.errors import Conflict, RateLimited
from community.forms import AnswerForm, ProfileForm, ThreadForm
from community.http import is_htmx, request_member
from community.models import Post, Tag, Thread
from community.services.content import render as render_markdown
from config.clientip import client_ip

THREADS_PER_PAGE = 20
ANSWERS_PER_PAGE = 30
SEARCH_PER_PAGE = 20
# Deeper than this nobody reads, and an unbounded ?page= once overflowed PostgreSQL's LIMIT
# (bigint) into a 500.
SEARCH_MAX_PAGES = 50
BOARD_FILTERS = {"all": None, "unanswered": "unanswered", "solved": "solved", "open": "open"}
BOARD_SORTS = {"activity": "-last_activity_at", "newest": "-created_at", "kudos": "-kudos_count"}

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def _personal(request: HttpRequest) -> bool:
    """Whether the response just rendered holds something meant for this visitor only."""
    storage = getattr(request, "_messages", None)
    shown_messages = bool(getattr(storage, "used", False))
    # get_token() sets this when a template rendered {% csrf_token %}.
    return shown_messages or bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))


def public_when_anonymous(view: View) -> View:
    """Let shared caches keep anonymous pages for a minute; members' pages stay private.

    Anonymous pages carry no CSRF token (the language switcher is exempt), so nothing in
    them is personal, unless this render showed a flash message ("You have signed out.")
    or asked for a CSRF token: that page is for this visitor only, and a shared cache
    would show it to everyone for a minute.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not request.user.is_authenticated
            and not _personal(request)
        ):
            patch_cache_control(response, public=True, max_age=60)
        else:
            patch_cache_control(response, private=True)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response

    return wrapped  # type: ignore[return-value]


def _paginate(request: HttpRequest, items: Any, per_page: int) -> Page[Any]:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _paginate_with_total(request: HttpRequest, items: QuerySet[Any], per_page: int) -> Page[Any]:
    """_paginate() with the total counted in the same query as the rows (a window count).

    A page past the end (or an empty list) falls back to _paginate(), which shows the last page.
    """
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        number = 1
    if number < 1:
        number = 1
    bottom = (number - 1) * per_page
    if bottom > 2**31:  # no thread is that long; _paginate() keeps LIMIT/OFFSET in range
        return _paginate(request, items, per_page)
    rows = list(items.annotate(total_rows=Window(Count("pk")))[bottom : bottom + per_page])
    if not rows:
        return _paginate(request, items, per_page)
    paginator = Paginator(items, per_page)
    paginator.count = rows[0].total_rows  # a cached_property: set, it is not counted again
    return Page(rows, number, paginator)


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _limited(response: HttpResponse, error: RateLimited) -> HttpResponse:
    response.status_code = 429
    response["Retry-After"] = str(error.retry_after)
    return response


@require_GET
@public_when_anonymous
@pagecache.cache_for_visitors(lambda: pagecache.LISTS)
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "community/home.html",
        {
            "boards": selectors.board_list(),
            "recent": selectors.thread_list()[:10],
            "unanswered": selectors.thread_list(status="unanswered")[:5],
        },
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when this process can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_GET
@public_when_anonymous
@pagecache.cache_for_visitors(lambda: pagecache.LISTS)
def board_list(request: HttpRequest) -> HttpResponse:
    return render(request, "community/board_list.html", {"boards": selectors.board_list()})


def _thread_list_page(
    request: HttpRequest, template: str, context: dict[str, Any], **filters: Any
) -> HttpResponse:
    current_filter = request.GET.get("filter", "all")
    current_sort = request.GET.get("sort", "activity")
    if current_filter not in BOARD_FILTERS:
        current_filter = "all"
    if current_sort not in BOARD_SORTS:
        current_sort = "activity"
    threads = selectors.thread_list(
        status=filters.pop("status", BOARD_FILTERS[current_filter]),
        ordering=BOARD_SORTS[current_sort],
        **filters,
    )
    context |= {
        "page": _paginate(request, threads, THREADS_PER_PAGE),
        "current_filter": current_filter,
        "current_sort": current_sort,
        "filters": [("all", _("All")), ("unanswered", _("Unanswered")), ("solved", _("Solved"))],
        "sorts": [("activity", _("Activity")), ("newest", _("Newest")), ("kudos", _("Most kudos"))],
    }
    return render(request, template, context)


@require_GET
@public_when_anonymous
def board_detail(request: HttpRequest, slug: str) -> HttpResponse:
    board = selectors.board_get(slug=slug)
    return _thread_list_page(request, "community/board_detail.html", {"board": board}, board=board)


@require_GET
@public_when_anonymous
def unanswered(request: HttpRequest) -> HttpResponse:
    return _thread_list_page(request, "community/unanswered.html", {}, status="unanswered")


@require_GET
@public_when_anonymous
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = selectors.tag_get(slug=slug)
    return _thread_list_page(request, "community/tag_detail.html", {"tag": tag}, tag=tag)


@require_GET
@public_when_anonymous
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    try:
        page_number = min(max(1, int(request.GET.get("page", "1"))), SEARCH_MAX_PAGES)
    except ValueError:
        page_number = 1
    results = []
    if query:
        results = selectors.search(
            query=query, limit=SEARCH_PER_PAGE + 1, offset=(page_number - 1) * SEARCH_PER_PAGE
        )
    return render(
        request,
        "community/search.html",
        {
            "query": query,
            "results": results[:SEARCH_PER_PAGE],
            "page_number": page_number,
            "has_next": len(results) > SEARCH_PER_PAGE and page_number < SEARCH_MAX_PAGES,
        },
    )


def _board_choices() -> list[tuple[str, str]]:
    return [(b.slug, b.name) for b in selectors.board_list()]


def _tag_choices() -> list[tuple[str, str]]:
    return [(t.slug, t.name) for t in Tag.objects.all()]


@login_required
@require_http_methods(["GET", "POST"])
def thread_ask(request: HttpRequest) -> HttpResponse:
    status = 200
    retry_after = None
    form = ThreadForm(
        request.POST or None,
        boards=_board_choices(),
        tags=_tag_choices(),
        initial={"board": request.GET.get("board", ""), "title": request.GET.get("title", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_create(
                author=request_member(request),
                board=selectors.board_get_for_input(slug=form.cleaned_data["board"]),
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=form.cleaned_data["tags"],
            )
        except ValidationError as error:
            _add_errors(form, error)
            status = 400
        except RateLimited as error:
            form.add_error(None, error.message)
            status, retry_after = 429, error.retry_after
        else:
            messages.success(request, _("Your question is posted. We'll let you know of answers."))
            return redirect(thread)
    elif request.method == "POST":
        status = 400
    response = render(request, "community/thread_ask.html", {"form": form}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_GET
def thread_similar(request: HttpRequest) -> HttpResponse:
    similar = selectors.thread_similar(title=request.GET.get("title", "")[:150])
    return render(request, "community/_similar.html", {"similar": similar})


@login_required
@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    rendered = render_markdown(request.POST.get("body", "")[:20000], author=request.user)
    return render(request, "community/_preview.html", {"html": rendered.html})


@require_POST
def attachment_upload(request: HttpRequest) -> JsonResponse:
    # Called by fetch() from the editors: answer in JSON, not with a login redirect.
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("Sign in to upload images.")}, status=401)
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"detail": _("Choose an image to upload.")}, status=400)
    try:
        attachment = services.attachment_create(uploader=request_member(request), upload=upload)
    except ValidationError as error:
        return JsonResponse({"detail": " ".join(error.messages)}, status=400)
    except RateLimited as busy:  # every decoding slot taken (community.images)
        response = JsonResponse({"detail": busy.message, "code": "unavailable"}, status=503)
        response["Retry-After"] = str(busy.retry_after)
        return response
    alt = (upload.name or "image").rsplit(".", 1)[0][:80] or "image"
    url = attachment.image.url
    return JsonResponse({"url": url, "markdown": f"![{alt}]({url})"}, status=201)


def _with_query(request: HttpRequest, url: str) -> str:
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


@require_GET
def thread_redirect(request: HttpRequest, pk: int) -> HttpResponseBase:
    # Keep ?page=: a short link to page 3 must still land on page 3.
    thread = selectors.thread_get_for_viewer(thread_id=pk, viewer=request.user)
    return redirect(_with_query(request, thread.get_absolute_url()), permanent=True)


def _viewer_key(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return f"m{request.user.pk}"
    raw = f"{client_ip(request)}|{request.META.get('HTTP_USER_AGENT', '')}"
    return "a" + hashlib.sha256(raw.encode()).hexdigest()[:24]


def _answer_context(request: HttpRequest, thread: Thread) -> dict[str, Any]:
    """What community/_post.html needs besides the answer, worked out once per page."""
    viewer = request.user
    member = viewer.is_authenticated
    return {
        "can_accept": permissions.can_accept_solution(viewer, thread),
        "can_edit_any": member and viewer.has_perm("community.edit_any_content"),
        "can_delete_any": member and viewer.has_perm("community.delete_any_content"),
        "kudos_login_url": f"{reverse('account_login')}?next={quote(request.path)}",
    }


def _thread_context(request: HttpRequest, thread: Thread, **extra: Any) -> dict[str, Any]:
    viewer = request.user
    if not hasattr(thread, "viewer_follows"):  # fetched for an action, not for the page
        thread = selectors.thread_get_for_page(thread_id=thread.pk, viewer=viewer)
    permissions.viewer_prime(viewer)
    page = _paginate_with_total(
        request,
        selectors.thread_answers(thread=thread, viewer=viewer, for_page=True),
        ANSWERS_PER_PAGE,
    )
    posts = list(page.object_list)
    return {
        "thread": thread,
        "page": page,
        "posts": posts,
        "given": selectors.answers_prime(thread=thread, posts=posts),
        "follows": getattr(thread, "viewer_follows", False),
        "can_edit": permissions.can_edit_thread(viewer, thread),
        "can_delete": permissions.can_delete_thread(viewer, thread),
        "can_lock": permissions.can_lock_thread(viewer),
        "answer_form": extra.pop("answer_form", None) or AnswerForm(),
        "sections": extensions.thread_sections_for(thread, viewer),
        **_answer_context(request, thread),
        **extra,
    }


def _count_cached_view(request: HttpRequest, pk: int, slug: str) -> None:
    # A stored page exists only for a thread visitors may see (hiding it replaces the
    # version), so the view counts as the rendered page's would; only the pk is used.
    services.thread_view_record(thread=Thread(pk=pk), viewer_key=_viewer_key(request))


@require_GET
@public_when_anonymous
@pagecache.cache_for_visitors(
    lambda pk, slug: pagecache.thread_scope(pk), on_hit=_count_cached_view
)
def thread_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponseBase:
    thread = selectors.thread_get_for_page(thread_id=pk, viewer=request.user)
    canonical = thread.get_absolute_url()
    if request.path != canonical:
        return redirect(_with_query(request, canonical), permanent=True)
    if services.thread_view_record(thread=thread, viewer_key=_viewer_key(request)):
        thread.view_count += 1
    return render(request, "community/thread_detail.html", _thread_context(request, thread))


@login_required
@require_POST
def post_create(request: HttpRequest, pk: int) -> HttpResponse:
    thread = selectors.thread_get_for_viewer(thread_id=pk, viewer=request.user)
    form = AnswerForm(request.POST)
    status, error_limit = 400, None
    if form.is_valid():
        try:
            post = services.post_create(
                author=request_member(request), thread=thread, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
            status = 409
        except RateLimited as error:
            form.add_error(None, error.message)
            status, error_limit = 429, error
        else:
            if is_htmx(request):
                post = selectors.thread_answers(thread=thread, viewer=request.user).get(pk=post.pk)
                return render(
                    request,
                    "community/_answer_created.html",
                    {
                        "thread": thread,
                        "post": post,
                        "answer_form": AnswerForm(),
                        "given": {},
                        **_answer_context(request, thread),
                    },
                )
            return redirect(post)
    if is_htmx(request):
        response = render(
            request, "community/_answer_form.html", {"thread": thread, "answer_form": form}
        )
        response.status_code = status
    else:
        response = render(
            request,
            "community/thread_detail.html",
            _thread_context(request, thread, answer_form=form),
            status=status,
        )
    return _limited(response, error_limit) if error_limit else response


def _kudos_toggle(
    request: HttpRequest, *, thread: Thread | None, post: Post | None
) -> HttpResponse:
    member = request_member(request)
    target: Thread | Post = thread or post  # type: ignore[assignment]
    if request.POST.get("action") == "withdraw":
        services.kudos_withdraw(giver=member, thread=thread, post=post)
        given = False
    else:
        services.kudos_give(giver=member, thread=thread, post=post)
        given = True
    target.refresh_from_db(fields=["kudos_count"])
    if is_htmx(request):
        return render(
            request,
            "community/_kudos_button.html",
            {"target": target, "kind": "thread" if thread else "post", "given": given},
        )
    return redirect(target)


@login_required
@require_POST
def thread_kudos(request: HttpRequest, pk: int) -> HttpResponse:
    thread = selectors.thread_get_for_viewer(thread_id=pk, viewer=request.user)
    return _kudos_toggle(request, thread=thread, post=None)


@login_required
@require_POST
def post_kudos(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_get_for_viewer(post_id=pk, viewer=request.user)
    return _kudos_toggle(request, thread=None, post=post)


@login_required
@require_POST
def solution(request: HttpRequest, pk: int) -> HttpResponse:
    thread = selectors.thread_get_for_viewer(thread_id=pk, viewer=request.user)
    try:
        if request.POST.get("action") == "withdraw":
            services.solution_withdraw(thread=thread, actor=request_member(request))
            messages.success(request, _("The solution mark is withdrawn; the question is open."))
        else:
            try:
                post_id = int(request.POST.get("post", ""))
            except ValueError:
                raise ValidationError(_("Choose the answer that solved it.")) from None
            post = selectors.post_get_for_viewer(post_id=post_id, viewer=request.user)
            services.solution_accept(thread=thread, post=post, actor=request_member(request))
            messages.success(request, _("Marked as the solution. Thank you for closing the loop!"))
    except (ValidationError, Conflict) as error:
        text = error.message if isinstance(error, Conflict) else " ".join(error.messages)
        messages.error(request, text)
    return redirect(thread)


@login_required
@require_POST
def thread_follow(request: HttpRequest, pk: int) -> HttpResponse:
    thread = selectors.thread_get_for_viewer(thread_id=pk, viewer=request.user)
    member = request_member(request)
    if request.POST.get("action") == "unfollow":
        services.subscription_delete(member=member, thread=thread)
        follows = False
    else:
        services.subscription_create(member=member, thread=thread)
        follows = True
    if is_htmx(request):
        return render(
            request, "community/_follow_button.html", {"thread": thread, "follows": follows}
        )
    return redirect(thread)


@login_required
@require_POST
def thread_lock(request: HttpRequest, pk: int) -> HttpResponse:
    thread = selectors.thread_get_for_viewer(thread_id=pk, viewer=request.user)
    locked = request.POST.get("action") != "unlock"
    services.thread_lock(thread=thread, actor=request_member(request), locked=locked)
    messages.success(request, _("The thread is locked.") if locked else _("The thread is open."))
    return redirect(thread)


@login_required
@require_http_methods(["GET", "POST"])
def thread_edit(request: HttpRequest, pk: int) -> HttpResponse:
    thread = selectors.thread_get_for_viewer(thread_id=pk, viewer=request.user)
    member = request_member(request)
    can_edit = permissions.can_edit_thread(member, thread)
    can_retag = permissions.can_retag_thread(member, thread)
    if not (can_edit or can_retag):
        raise PermissionDenied(_("You can't edit this question."))
    form = ThreadForm(
        request.POST or None,
        boards=[(thread.board.slug, thread.board.name)],
        tags=_tag_choices(),
        initial={
            "board": thread.board.slug,
            "title": thread.title,
            "body": thread.body,
            "tags": [t.slug for t in thread.tags.all()],
        },
    )
    form.fields["board"].disabled = True
    if not can_edit:
        form.fields["title"].disabled = True
        form.fields["body"].disabled = True
    if not can_retag:
        form.fields["tags"].disabled = True
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.thread_update(
                    thread=thread,
                    editor=member,
                    title=form.cleaned_data["title"] if can_edit else None,
                    body=form.cleaned_data["body"] if can_edit else None,
                    tags=form.cleaned_data["tags"] if can_retag else None,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect(thread)
    return render(
        request, "community/thread_edit.html", {"form": form, "thread": thread}, status=status
    )


@login_required
@require_POST
def thread_delete(request: HttpRequest, pk: int) -> HttpResponse:
    thread = selectors.thread_get_for_viewer(thread_id=pk, viewer=request.user)
    board = thread.board
    services.thread_delete(thread=thread, actor=request_member(request))
    messages.success(request, _("The question is deleted."))
    return redirect(board)


@require_GET
def thread_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    thread = selectors.thread_get_for_viewer(thread_id=pk, viewer=request.user)
    revisions = _paginate(
        request, selectors.thread_revisions(thread=thread, viewer=request.user), 20
    )
    return render(request, "community/thread_revisions.html", {"thread": thread, "page": revisions})


@require_GET
def post_card(request: HttpRequest, pk: int) -> HttpResponse:
    """One answer as it appears on its thread page, for pages that update live."""
    post = selectors.post_get_for_viewer(post_id=pk, viewer=request.user)
    thread = post.thread
    given = selectors.viewer_kudos(viewer=request.user, thread=thread, posts=[post])
    return render(
        request,
        "community/_post.html",
        {"thread": thread, "post": post, "given": given, **_answer_context(request, thread)},
    )


@require_GET
def post_detail(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """An answer's address: its thread, on the page that shows it."""
    post = selectors.post_get_for_viewer(post_id=pk, viewer=request.user)
    answers = selectors.thread_answers(thread=post.thread, viewer=request.user)
    ids = list(answers.values_list("pk", flat=True))
    page = ids.index(post.pk) // ANSWERS_PER_PAGE + 1
    url = post.thread.get_absolute_url()
    return redirect(f"{url}?page={page}#post-{post.pk}" if page > 1 else f"{url}#post-{post.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_get_for_viewer(post_id=pk, viewer=request.user)
    if not permissions.can_edit_post(request.user, post):
        raise PermissionDenied(_("You can't edit this answer."))
    form = AnswerForm(request.POST or None, initial={"body": post.body})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.post_update(
                    post=post, editor=request_member(request), body=form.cleaned_data["body"]
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect(post)
    return render(request, "community/post_edit.html", {"form": form, "post": post}, status=status)


@login_required
@require_POST
def post_delete(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_get_for_viewer(post_id=pk, viewer=request.user)
    thread = post.thread
    services.post_delete(post=post, actor=request_member(request))
    messages.success(request, _("The answer is deleted."))
    return redirect(thread)


MEMBER_TABS = ("questions", "answers", "solutions")


@require_GET
@public_when_anonymous
def member_detail(request: HttpRequest, username: str) -> HttpResponse:
    member = selectors.member_get_by_username(username=username)
    if member.username != username:
        return redirect(
            reverse("member-detail", kwargs={"username": member.username}), permanent=True
        )
    tab = request.GET.get("tab", "questions")
    if tab not in MEMBER_TABS:
        tab = "questions"
    if tab == "answers":
        items: Any = (
            Post.objects.filter(author=member).select_related("thread").order_by("-created_at")
        )
    elif tab == "solutions":
        items = selectors.thread_list(ordering="-created_at").filter(solution__author=member)
    else:
        items = selectors.thread_list(author=member, ordering="-created_at")
    return render(
        request,
        "community/member_detail.html",
        {
            "member": member,
            "stats": selectors.member_stats(member=member),
            "sections": extensions.profile_sections_for(member, request.user),
            "tab": tab,
            "tabs": [
                ("questions", _("Questions")),
                ("answers", _("Answers")),
                ("solutions", _("Solutions")),
            ],
            "page": _paginate(request, items, THREADS_PER_PAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    member = request_member(request)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            services.member_profile_update(
                member=member,
                display_name=form.cleaned_data["display_name"],
                bio=form.cleaned_data["bio"],
                avatar=form.cleaned_data["avatar"],
                remove_avatar=form.cleaned_data["remove_avatar"],
            )
            messages.success(request, _("Your profile has been saved."))
            return redirect(member)
    else:
        form = ProfileForm(initial={"display_name": member.display_name, "bio": member.bio})
    return render(request, "community/profile_edit.html", {"form": form, "member": member})
