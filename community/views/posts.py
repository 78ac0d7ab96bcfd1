"""An answer's pages: answering, the answer card for live updates, kudos, editing, deleting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import permissions, selectors, services
from community.errors import Conflict, RateLimited
from community.forms import AnswerForm
from community.http import is_htmx, request_member
from community.views.common import ANSWERS_PER_PAGE, _add_errors, _limited
from community.views.threads import _answer_context, _kudos_toggle, _thread_context


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


@login_required
@require_POST
def post_kudos(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_get_for_viewer(post_id=pk, viewer=request.user)
    return _kudos_toggle(request, thread=None, post=post)


@require_GET
def post_card(request: HttpRequest, pk: int) -> HttpResponse:
    """One answer as it appears on its thread page, for pages that update live."""
    post = selectors.post_get_for_viewer(post_id=pk, viewer=request.user)
    thread = post.thread
    given = selectors.viewer_kudos(viewer=request.user, thread=thread, posts=[post])
    return render(
        request,
        "community/_answer.html",
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
