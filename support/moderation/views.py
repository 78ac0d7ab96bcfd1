"""Moderation pages: the review queue, the tools for a thread and a member, the log, and the
members' flag form.

Moderator pages answer 404 to everyone else (signed-out visitors are sent to sign in
first): there is nothing there for them, not even a "not allowed". Each view turns a
request into one service or selector call; a refused action re-renders its page with the
reason and 400 (bad input), 403 (not allowed) or 409 (the state forbids it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import selectors as community_selectors
from community.errors import Conflict
from community.forms import StaffAccountDeleteForm
from community.http import is_htmx, request_member
from community.models import Board, Member, Post, Thread
from support.moderation import sanctions, selectors
from support.moderation import services as moderation
from support.moderation.models import FlagKind, ModerationAction, Sanction
from support.moderation.sanctions import SANCTION_DAYS_MAX
from support.moderation.services import NOTE_MAX, REASON_MAX

QUEUE_PER_PAGE = 20
LOG_PER_PAGE = 50

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def moderators_only(view: View) -> View:
    """Signed-out visitors sign in first; members who aren't moderators get a 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not moderation.is_moderator(request_member(request)):
            raise Http404(_("No such page."))
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, Conflict):
        return error.message
    return str(error) or _("You can't do that.")


def _status_of(error: Exception) -> int:
    if isinstance(error, ValidationError):
        return 400
    if isinstance(error, Conflict):
        return 409
    return 403


def _next_or(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --------------------------------------------------------------------------- the queue


@require_GET
@moderators_only
def queue(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.flag_queue_rows(), QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    items = selectors.flag_queue_items(list(page.object_list))
    return render(
        request,
        "support/moderation_queue.html",
        {"page": page, "items": items, "threshold": moderation.AUTO_HIDE_THRESHOLD},
    )


# --------------------------------------------------------------------------- a thread


class MoveForm(forms.Form):
    board = forms.ChoiceField(label=gettext_lazy("Board"))
    reason = forms.CharField(label=gettext_lazy("Why"), max_length=REASON_MAX, required=False)

    def __init__(self, *args: Any, exclude: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["board"])
        field.choices = selectors.board_choices(exclude_id=exclude)


def _thread_page(
    request: HttpRequest, thread: Thread, *, status: int = 200, error: str = ""
) -> HttpResponse:
    if error:
        messages.error(request, error)
    answers = list(selectors.answers_for_moderation(thread_id=thread.pk))
    return render(
        request,
        "support/moderation_thread.html",
        {
            "thread": thread,
            "answers": answers,
            "move_form": MoveForm(exclude=thread.board_id),
            "thread_flags": list(
                selectors.open_flags(thread_id=thread.pk, post_id=None).select_related("flagger")
            ),
            "answer_flags": selectors.open_flag_counts_on_answers(thread_id=thread.pk),
            "log": _log_rows(selectors.action_log(thread_id=thread.pk)[:20]),
            "reason_max": REASON_MAX,
        },
        status=status,
    )


def _log_rows(actions: Iterable[ModerationAction]) -> list[tuple[ModerationAction, str]]:
    return [(action, selectors.reason_display(action)) for action in actions]


def _thread_or_404(pk: int) -> Thread:
    thread = selectors.thread_for_moderation(thread_id=pk)
    if thread is None:
        raise Http404(_("No such thread."))
    return thread


@require_GET
@moderators_only
def thread_tools(request: HttpRequest, pk: int) -> HttpResponse:
    return _thread_page(request, _thread_or_404(pk))


THREAD_ACTIONS = {"hide", "restore", "lock", "unlock", "move", "merge", "uphold", "reject"}
POST_ACTIONS = {"hide", "restore", "uphold", "reject"}


@require_POST
@moderators_only
def thread_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in THREAD_ACTIONS:
        raise Http404(_("No such action."))
    thread = _thread_or_404(pk)
    return _act(request, action, thread=thread, post=None)


@require_POST
@moderators_only
def post_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in POST_ACTIONS:
        raise Http404(_("No such action."))
    post = selectors.post_for_moderation(post_id=pk)
    if post is None:
        raise Http404(_("No such answer."))
    return _act(request, action, thread=None, post=post)


DONE = {
    "hide": gettext_lazy("Hidden."),
    "restore": gettext_lazy("Public again."),
    "lock": gettext_lazy("The thread is locked."),
    "unlock": gettext_lazy("The thread is open."),
    "move": gettext_lazy("The thread is moved."),
    "merge": gettext_lazy("The duplicate is merged."),
    "uphold": gettext_lazy("Flags upheld: the content is hidden."),
    "reject": gettext_lazy("Flags rejected."),
}


def _act(
    request: HttpRequest, action: str, *, thread: Thread | None, post: Post | None
) -> HttpResponse:
    actor = request_member(request)
    reason = request.POST.get("reason", "")
    about = thread if thread is not None else cast(Post, post).thread
    try:
        if action == "hide":
            moderation.moderation_content_hide(actor=actor, thread=thread, post=post, reason=reason)
        elif action == "restore":
            moderation.moderation_content_restore(
                actor=actor, thread=thread, post=post, reason=reason
            )
        elif action == "uphold":
            moderation.flags_uphold(actor=actor, thread=thread, post=post, reason=reason)
        elif action == "reject":
            moderation.flags_reject(actor=actor, thread=thread, post=post, reason=reason)
        elif action in {"lock", "unlock"}:
            moderation.moderation_thread_lock(
                actor=actor, thread=about, locked=action == "lock", reason=reason
            )
        elif action == "move":
            moderation.moderation_thread_move(
                actor=actor, thread=about, board=_board_from(request), reason=reason
            )
        elif action == "merge":
            moderation.moderation_thread_merge(
                actor=actor, duplicate=about, target=_merge_target(request), reason=reason
            )
    except (ValidationError, Conflict, PermissionDenied) as error:
        if is_htmx(request):
            return render(
                request,
                "support/moderation_done.html",
                {"message": _error_text(error), "error": True},
                status=_status_of(error),
            )
        return _thread_page(
            request, _thread_or_404(about.pk), status=_status_of(error), error=_error_text(error)
        )
    if is_htmx(request):
        return render(request, "support/moderation_done.html", {"message": DONE[action]})
    messages.success(request, str(DONE[action]))
    return redirect(_next_or(request, reverse("moderation-thread", args=[about.pk])))


def _board_from(request: HttpRequest) -> Board:
    board = selectors.board_by_slug(slug=request.POST.get("board", ""))
    if board is None:
        raise ValidationError({"board": _("Choose a board.")})
    return board


def _merge_target(request: HttpRequest) -> Thread:
    raw = request.POST.get("target", "").strip().rstrip("/")
    # A moderator may paste the thread's address as well as its number.
    number = raw.split("/threads/")[-1].split("/")[0] if "/threads/" in raw else raw.lstrip("#")
    if not number.isdigit() or len(number) > 18:
        raise ValidationError({"target": _("Give the number or the address of a thread.")})
    target = selectors.thread_for_moderation(thread_id=int(number))
    if target is None:
        raise ValidationError({"target": _("There is no thread number %(n)s.") % {"n": number}})
    return target


# --------------------------------------------------------------------------- members


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Sanction"), choices=Sanction.Kind.choices, widget=forms.RadioSelect
    )
    days = forms.IntegerField(
        label=gettext_lazy("For how many days"), min_value=1, max_value=SANCTION_DAYS_MAX
    )
    reason = forms.CharField(
        label=gettext_lazy("Why"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The member is told."),
    )


def _member_or_404(username: str) -> Member:
    member = selectors.member_for_moderation(username=username)
    if member is None:
        raise Http404(_("No such member."))
    return member


@require_http_methods(["GET", "POST"])
@moderators_only
def member_tools(request: HttpRequest, username: str) -> HttpResponse:
    member = _member_or_404(username)
    form = SanctionForm(request.POST or None, initial={"kind": Sanction.Kind.SILENCE, "days": 3})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                sanctions.sanction_create(
                    actor=request_member(request),
                    member=member,
                    kind=form.cleaned_data["kind"],
                    days=form.cleaned_data["days"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except (Conflict, PermissionDenied) as error:
                form.add_error(None, _error_text(error))
                status = _status_of(error)
            else:
                messages.success(request, _("The sanction is in force."))
                return redirect("moderation-member", username=member.username)
    return _member_page(request, member, form=form, status=status)


def _member_page(
    request: HttpRequest,
    member: Member,
    *,
    form: forms.Form | None = None,
    delete_form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    if form is None:
        form = SanctionForm(initial={"kind": Sanction.Kind.SILENCE, "days": 3})
    return render(
        request,
        "support/moderation_member.html",
        {
            "member": member,
            "form": form,
            "delete_form": delete_form or StaffAccountDeleteForm(),
            "in_force": list(selectors.sanctions_in_force(member_id=member.pk)),
            "past": list(selectors.sanction_history(member_id=member.pk)[:20]),
            "log": _log_rows(selectors.action_log(member=member)[:20]),
        },
        status=status,
    )


@require_POST
@moderators_only
def sanction_lift(request: HttpRequest, pk: int) -> HttpResponse:
    sanction = selectors.sanction_for_moderation(sanction_id=pk)
    if sanction is None:
        raise Http404(_("No such sanction."))
    try:
        sanctions.sanction_lift(
            actor=request_member(request),
            sanction=sanction,
            reason=request.POST.get("reason", ""),
        )
    except (ValidationError, Conflict) as error:
        messages.error(request, _error_text(error))
        return redirect("moderation-member", username=sanction.member.username)
    messages.success(request, _("The sanction is lifted."))
    return redirect("moderation-member", username=sanction.member.username)


# --------------------------------------------------------------------------- the log


class LogFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        choices=[("", gettext_lazy("Any")), *ModerationAction.Kind.choices],
    )
    actor = forms.CharField(label=gettext_lazy("By (username)"), required=False, max_length=30)
    member = forms.CharField(label=gettext_lazy("About (username)"), required=False, max_length=30)
    thread = forms.IntegerField(label=gettext_lazy("Thread number"), required=False, min_value=1)
    system = forms.BooleanField(label=gettext_lazy("Automatic only"), required=False)

    def clean_actor(self) -> Member | None:
        return self._member("actor")

    def clean_member(self) -> Member | None:
        return self._member("member")

    def _member(self, field: str) -> Member | None:
        username = self.cleaned_data.get(field, "").strip().lstrip("@")
        if not username:
            return None
        member = selectors.member_for_moderation(username=username)
        if member is None:
            raise ValidationError(
                _("There is no member called “%(username)s”.") % {"username": username}
            )
        return member


@require_GET
@moderators_only
def log(request: HttpRequest) -> HttpResponse:
    form = LogFilterForm(request.GET or None)
    status = 200
    filters: dict[str, Any] = {}
    if form.is_bound:
        if form.is_valid():
            filters = {
                "kind": form.cleaned_data["kind"] or None,
                "actor": form.cleaned_data["actor"],
                "member": form.cleaned_data["member"],
                "thread_id": form.cleaned_data["thread"],
                "system": form.cleaned_data["system"],
            }
        else:
            status = 400
    actions = selectors.action_log(**filters)
    if status != 200:
        actions = actions.none()
    page = Paginator(actions, LOG_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "support/moderation_log.html",
        {
            "form": form,
            "page": page,
            "rows": _log_rows(page.object_list),
            "extra_query": query.urlencode(),
        },
        status=status,
    )


# --------------------------------------------------------------------------- flagging


class FlagForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What's wrong?"), choices=FlagKind.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=gettext_lazy("Anything the moderators should know? (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _flag_page(request: HttpRequest, *, thread: Thread | None, post: Post | None) -> HttpResponse:
    member = request_member(request)
    target: Thread | Post = thread if thread is not None else cast(Post, post)
    if not member.has_perm("community.flag_content"):
        raise PermissionDenied(_("Flagging unlocks at the Member rank."))
    if target.author_id == member.pk:
        raise PermissionDenied(_("You can't flag your own post."))
    form = FlagForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                moderation.flag_create(
                    flagger=member,
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                    thread=thread,
                    post=post,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except Conflict as error:
                form.add_error(None, error.message)
                status = 409
            else:
                messages.success(request, _("Thank you: the moderators will take a look."))
                return redirect(target)
    return render(
        request,
        "support/moderation_flag.html",
        {"form": form, "target": target, "thread": thread or cast(Post, post).thread, "post": post},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def flag_thread(request: HttpRequest, pk: int) -> HttpResponse:
    thread = community_selectors.thread_get_for_viewer(thread_id=pk, viewer=request.user)
    return _flag_page(request, thread=thread, post=None)


@login_required
@require_http_methods(["GET", "POST"])
def flag_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = community_selectors.post_get_for_viewer(post_id=pk, viewer=request.user)
    return _flag_page(request, thread=None, post=post)
