"""Known issues' pages: the public list and page of each issue, "I have this too", the
ask page's matching issues (HTMX), and the staff's forms (open, edit, update, link).

Staff forms answer anyone else with 404, as the staff dashboard does: they reveal nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.errors import Conflict
from community.http import is_htmx, request_member
from community.models import Member
from support.known_issues import selectors, services
from support.known_issues.forms import KnownIssueForm, KnownIssueLinkForm, KnownIssueUpdateForm
from support.known_issues.models import KnownIssue


def _staff_or_404(request: HttpRequest) -> Member:
    member = request.user
    if not isinstance(member, Member) or not selectors.viewer_is_known_issue_staff(member):
        raise Http404(_("No such page."))
    return member


def _form_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


@require_GET
def known_issue_list(request: HttpRequest) -> HttpResponse:
    issues = list(selectors.known_issue_list())
    return render(
        request,
        "support/known_issues/list.html",
        {
            "open_issues": [i for i in issues if i.is_open],
            "resolved_issues": [i for i in issues if not i.is_open],
            "is_staff": selectors.viewer_is_known_issue_staff(request.user),
        },
    )


def _detail_context(request: HttpRequest, issue: KnownIssue, **extra: Any) -> dict[str, Any]:
    is_staff = selectors.viewer_is_known_issue_staff(request.user)
    context: dict[str, Any] = {
        "issue": issue,
        "threads": selectors.known_issue_linked_threads(known_issue=issue),
        "given": selectors.me_too_given(known_issue=issue, viewer=request.user),
        "is_staff": is_staff,
    }
    if is_staff:
        context |= {
            "edit_form": extra.pop("edit_form", None)
            or KnownIssueForm.for_issue(
                issue, boards=selectors.board_choices(), tags=selectors.tag_choices()
            ),
            "update_form": extra.pop("update_form", None) or KnownIssueUpdateForm(),
            "link_form": extra.pop("link_form", None) or KnownIssueLinkForm(),
        }
    return context | extra


@require_GET
def known_issue_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponseBase:
    issue = selectors.known_issue_get(known_issue_id=pk)
    if slug != issue.get_absolute_url().rstrip("/").rsplit("/", 1)[1]:
        return redirect(issue, permanent=True)
    return render(request, "support/known_issues/detail.html", _detail_context(request, issue))


@require_GET
def known_issue_short(request: HttpRequest, pk: int) -> HttpResponseBase:
    return redirect(selectors.known_issue_get_for_write(known_issue_id=pk))


@login_required
@require_POST
def known_issue_me_too(request: HttpRequest, pk: int) -> HttpResponseBase:
    issue = selectors.known_issue_get_for_write(known_issue_id=pk)
    member = request_member(request)
    try:
        if request.POST.get("action") == "withdraw":
            services.known_issue_me_too_withdraw(known_issue=issue, member=member)
            given = False
        else:
            services.known_issue_me_too(known_issue=issue, member=member)
            given = True
    except Conflict as error:
        if is_htmx(request):
            return HttpResponse(error.message, status=409)
        messages.error(request, error.message)
        return redirect(issue)
    issue.refresh_from_db(fields=["me_too_count"])
    if is_htmx(request):
        return render(
            request,
            "support/known_issues/_me_too.html",
            {"issue": issue, "given": given, "can_me_too": True},
        )
    if given:
        messages.success(request, _("Noted: we'll let you know when it's fixed."))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts=None) and target.startswith("/"):
        return redirect(target)
    return redirect(issue)


@require_GET
def known_issue_banner(request: HttpRequest, pk: int) -> HttpResponse:
    """A question page's banner of the issue, for this viewer: what live.js fetches again
    when the issue changes. `?linked=1` on a question linked to it."""
    issue = selectors.known_issue_get(known_issue_id=pk)
    section = selectors.known_issue_banner(
        known_issue=issue, viewer=request.user, linked=request.GET.get("linked") == "1"
    )
    return render(request, "support/known_issues/_thread_banner_live.html", {"section": section})


@require_GET
def known_issue_banners(request: HttpRequest) -> HttpResponse:
    """The open known issues' banner of a board (`?board=<slug>`) or of the ask page."""
    section = selectors.known_issues_banner_list(board_slug=request.GET.get("board") or None)
    return render(request, "support/known_issues/_banners_live.html", {"section": section})


@require_GET
def known_issue_matching(request: HttpRequest) -> HttpResponse:
    """The ask page's HTMX: the open known issues matching the title being typed."""
    matches = selectors.known_issues_matching(title=request.GET.get("title", "")[:150])
    given = selectors.me_too_given_ids(
        viewer=request.user, issue_ids=[m.known_issue.pk for m in matches]
    )
    return render(
        request,
        "support/known_issues/_matching.html",
        {"matches": matches, "given": given, "can_me_too": request.user.is_authenticated},
    )


@login_required
@require_http_methods(["GET", "POST"])
def known_issue_create(request: HttpRequest) -> HttpResponse:
    actor = _staff_or_404(request)
    boards, tags = selectors.board_choices(), selectors.tag_choices()
    initial = {
        "title": request.GET.get("title", ""),
        "boards": request.GET.getlist("board"),
        "tags": request.GET.getlist("tag"),
    }
    form = KnownIssueForm(request.POST or None, boards=boards, tags=tags, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.known_issue_create(
                actor=actor,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                boards=selectors.boards_get_for_input(slugs=form.cleaned_data["boards"]),
                tags=selectors.tags_get_for_input(slugs=form.cleaned_data["tags"]),
            )
        except ValidationError as error:
            _form_errors(form, error)
            status = 400
        else:
            messages.success(request, _("The known issue is open: members see it now."))
            return redirect(issue)
    elif request.method == "POST":
        status = 400
    return render(request, "support/known_issues/create.html", {"form": form}, status=status)


@login_required
@require_POST
def known_issue_from_trending(request: HttpRequest) -> HttpResponse:
    """The dashboard's one click: a known issue about a trending board or tag, at once."""
    actor = _staff_or_404(request)
    kind, slug = request.POST.get("kind", ""), request.POST.get("slug", "")[:100]
    try:
        if kind == "board":
            boards, tags = selectors.boards_get_for_input(slugs=[slug]), []
            name = boards[0].name
        elif kind == "tag":
            boards, tags = [], selectors.tags_get_for_input(slugs=[slug])
            name = tags[0].name
        else:
            raise ValidationError(_("Choose a board or a tag."))
        issue = services.known_issue_create(
            actor=actor,
            title=_("Problems with %(name)s") % {"name": name},
            boards=boards,
            tags=tags,
            from_alert=selectors.trending_alert_latest(kind=kind, slug=slug),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("staff-dashboard")
    messages.success(
        request, _("The known issue is open: give it a clear title and a description.")
    )
    return redirect(issue)


@login_required
@require_POST
def known_issue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _staff_or_404(request)
    issue = selectors.known_issue_get(known_issue_id=pk)
    form = KnownIssueForm(
        request.POST,
        boards=selectors.board_choices(),
        tags=selectors.tag_choices(),
        auto_id="edit_%s",
    )
    if form.is_valid():
        try:
            services.known_issue_edit(
                known_issue=issue,
                actor=actor,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                status=form.cleaned_data["status"] or None,
                boards=selectors.boards_get_for_input(slugs=form.cleaned_data["boards"]),
                tags=selectors.tags_get_for_input(slugs=form.cleaned_data["tags"]),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The known issue is saved."))
            return redirect(issue)
    context = _detail_context(request, issue, edit_form=form)
    return render(request, "support/known_issues/detail.html", context, status=400)


@login_required
@require_POST
def known_issue_update_post(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _staff_or_404(request)
    issue = selectors.known_issue_get(known_issue_id=pk)
    form = KnownIssueUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.known_issue_update_post(
                known_issue=issue, actor=actor, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The update is posted; its followers are told."))
            return redirect(issue)
    context = _detail_context(request, issue, update_form=form)
    return render(request, "support/known_issues/detail.html", context, status=400)


@login_required
@require_POST
def known_issue_thread_link(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _staff_or_404(request)
    issue = selectors.known_issue_get(known_issue_id=pk)
    form = KnownIssueLinkForm(request.POST)
    if form.is_valid():
        try:
            thread = selectors.thread_get_for_link(thread_id=form.cleaned_data["thread"])
            services.known_issue_thread_link(known_issue=issue, thread=thread, actor=actor)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The question is linked."))
            return redirect(issue)
    context = _detail_context(request, issue, link_form=form)
    return render(request, "support/known_issues/detail.html", context, status=400)


@login_required
@require_POST
def known_issue_thread_unlink(request: HttpRequest, pk: int, thread_id: int) -> HttpResponse:
    actor = _staff_or_404(request)
    issue = selectors.known_issue_get_for_write(known_issue_id=pk)
    if not selectors.known_issue_has_thread(known_issue=issue, thread_id=thread_id):
        raise Http404(_("This question is not linked to the known issue."))
    thread = selectors.thread_get_for_link(thread_id=thread_id)
    services.known_issue_thread_unlink(known_issue=issue, thread=thread, actor=actor)
    messages.success(request, _("The question is unlinked."))
    return redirect(issue)
