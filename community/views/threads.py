"""A question's pages: asking, the thread page, kudos, the solution, following, locking,
editing, deleting and its history."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import (
    answercache,
    extensions,
    memberpage,
    pagecache,
    permissions,
    privileges,
    selectors,
    services,
    threadpage,
)
from community.announcements.selectors import announcements_shown
from community.errors import Conflict, RateLimited
from community.forms import AnswerForm, ThreadForm
from community.http import is_htmx, request_member
from community.models import Post, Thread
from community.services.content import render as render_markdown
from community.views.common import (
    ANSWERS_PER_PAGE,
    _add_errors,
    _paginate,
    _paginate_with_total,
    page_number,
    public_when_anonymous,
)
from config.clientip import client_ip


def _board_choices() -> list[tuple[str, str]]:
    return [(b.slug, b.name) for b in selectors.board_list()]


def _tag_choices() -> list[tuple[str, str]]:
    return [(t.slug, t.name) for t in selectors.tag_list()]


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
    # The announcements banner follows the board chosen (static/js/live.js).
    form.fields["board"].widget.attrs["data-announcements-board"] = ""
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
            thread.refresh_from_db(fields=["hidden_reason"])
            if not thread.is_hidden:  # a held question says so on its page, once
                messages.success(
                    request, _("Your question is posted. We'll let you know of answers.")
                )
            return redirect(thread)
    elif request.method == "POST":
        status = 400
    # The board the question is for (?board=, or the form sent back): its announcements
    # with the site-wide ones, from the cache (an outage may answer the question).
    chosen = form.data.get("board") if form.is_bound else form.initial.get("board")
    board = selectors.board_chosen(slug=str(chosen or ""))
    context = {
        "form": form,
        "sections": extensions.ask_sections_for(request.user),
        "announcements": announcements_shown(board=board, viewer=request.user),
        "announcements_board": board,
        "announcements_next": reverse("thread-ask"),
    }
    response = render(request, "community/thread_ask.html", context, status=status)
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
    refused = privileges.privilege_note(request.user, privileges.IMAGES)
    if refused:  # the editors offer no upload then; say why to anyone who calls it anyway
        return JsonResponse({"detail": refused, "code": "permission_denied"}, status=403)
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
    """What community/_post_actions.html needs besides the answer, worked out once per page."""
    viewer = request.user
    member = viewer.is_authenticated
    return {
        "viewer_id": viewer.pk if member else None,
        "can_accept": permissions.can_accept_solution(viewer, thread),
        "can_edit_any": member and viewer.has_perm("community.edit_any_content"),
        "can_delete_any": member and viewer.has_perm("community.delete_any_content"),
        "can_flag": member and viewer.has_perm(privileges.FLAG),
        "kudos_login_url": f"{reverse('account_login')}?next={quote(request.path)}",
    }


def _thread_context(
    request: HttpRequest,
    thread: Thread,
    *,
    reader: threadpage.ReaderPage | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The thread page's context; `reader`: the page's rows from the shared cache."""
    viewer = request.user
    permissions.viewer_prime(viewer)
    if reader is not None:
        paginator = Paginator(reader.posts, ANSWERS_PER_PAGE)
        paginator.count = reader.count  # a cached_property: set, it is not counted again
        page = Page(reader.posts, reader.number, paginator)
        posts, given = reader.posts, reader.given
    else:
        if not hasattr(thread, "viewer_follows"):  # fetched for an action, not for the page
            thread = selectors.thread_get_for_page(thread_id=thread.pk, viewer=viewer)
        page = _paginate_with_total(
            request,
            selectors.thread_answers(thread=thread, viewer=viewer, for_page=True),
            ANSWERS_PER_PAGE,
        )
        posts = list(page.object_list)
        given = selectors.answers_prime(thread=thread, posts=posts)
    answercache.prime(posts, thread)
    sections = extensions.thread_sections_for(thread, viewer)
    # What this reader sees, consistently: the answers they may see (counted with the page),
    # and no "Solved" when the accepted answer is hidden from them.
    thread.answer_count = page.paginator.count
    solution = thread.solution if thread.solution_id else None
    if solution is not None and solution.is_hidden:
        thread.solution_hidden_from_reader = not permissions.can_see_hidden(
            viewer, solution.author_id, solution.hidden_reason
        )
    return {
        "thread": thread,
        "page": page,
        "posts": posts,
        "given": given,
        "follows": getattr(thread, "viewer_follows", False),
        "can_edit": permissions.can_edit_thread(viewer, thread),
        "can_delete": permissions.can_delete_thread(viewer, thread),
        "can_lock": permissions.can_lock_thread(viewer),
        "can_close_duplicate": permissions.can_close_duplicate(viewer),
        "answer_form": extra.pop("answer_form", None) or AnswerForm(),
        "sections": sections,
        # A section that explains why the question is held (support's personal-data hold,
        # with its case) replaces the page's own short notice: one notice, not two.
        "hidden_explained": any(s.context.get("explains_hidden") for s in sections),
        # The site-wide announcements and the board's, from the cache: no query once kept.
        "announcements": announcements_shown(board=thread.board, viewer=viewer),
        "announcements_board": thread.board,
        "announcements_next": thread.get_absolute_url(),
        **_answer_context(request, thread),
        **extra,
    }


THREAD_TEMPLATE = "community/thread_detail.html"


def _count_cached_view(request: HttpRequest, pk: int, slug: str) -> None:
    # A stored page exists only for a thread visitors may see (hiding it replaces the
    # version), so the view counts as the rendered page's would; only the pk is used.
    services.thread_view_record(thread=Thread(pk=pk), viewer_key=_viewer_key(request))


@require_GET
@public_when_anonymous
@pagecache.cache_for_visitors(
    lambda pk, slug: (pagecache.thread_scope(pk), pagecache.ANNOUNCEMENTS),
    on_hit=_count_cached_view,
)
def thread_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponseBase:
    permissions.viewer_prime(request.user)
    reader = threadpage.reader_page(
        thread_id=pk, viewer=request.user, number=page_number(request), per_page=ANSWERS_PER_PAGE
    )
    if reader is not None:
        thread = reader.thread
    else:
        thread = selectors.thread_get_for_page(thread_id=pk, viewer=request.user)
    canonical = thread.get_absolute_url()
    if request.path != canonical:
        return redirect(_with_query(request, canonical), permanent=True)
    if services.thread_view_record(thread=thread, viewer_key=_viewer_key(request)):
        thread.view_count += 1
    context = _thread_context(request, thread, reader=reader)
    if (
        reader is not None  # no hidden answer on the page, for this reader or any other
        and request.user.is_authenticated
        and not thread.is_hidden
        and memberpage.keepable(request)
    ):
        # What every member sees alike; the rest is the {% part %}s' (community/memberpage.py).
        shared = {"thread": threadpage.unmarked(thread), "page": context["page"]}
        return memberpage.render(
            request, THREAD_TEMPLATE, context, shared=shared, scope=pagecache.thread_scope(pk)
        )
    return render(request, THREAD_TEMPLATE, context)


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
