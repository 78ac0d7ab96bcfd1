"""The canned replies page: an agent's own replies and the shared ones, to write, change and
remove. Agents only: anyone else signed in gets a 404, as in the rest of the agents'
workspace. Forms post and redirect; a form with errors comes back with them and a 400.
Using a reply happens on the case page (support.cases.views), which fills it in for the case.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from community.http import request_member
from community.models import Member
from support.canned import selectors, services
from support.canned.forms import CannedReplyForm
from support.canned.models import CannedReply
from support.canned.placeholders import PLACEHOLDERS
from support.cases.selectors import viewer_is_agent


def _require_agent(request: HttpRequest) -> Member:
    member = request_member(request)
    if not viewer_is_agent(member):
        raise Http404(_("No such page."))
    return member


def _add_errors(form: CannedReplyForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _editable(request: HttpRequest, pk: int) -> tuple[Member, CannedReply]:
    agent = _require_agent(request)
    reply = selectors.canned_reply_get_for_viewer(reply_id=pk, viewer=agent)
    if not services.canned_reply_can_edit(reply=reply, member=agent):
        raise PermissionDenied(_("Only its author or an admin can change this reply."))
    return agent, reply


def _list_page(
    request: HttpRequest, agent: Member, form: CannedReplyForm, status: int = 200
) -> HttpResponse:
    replies = [
        {"reply": reply, "can_edit": services.canned_reply_can_edit(reply=reply, member=agent)}
        for reply in selectors.canned_replies_for_agent(agent=agent)
    ]
    context: dict[str, Any] = {"replies": replies, "form": form, "placeholders": PLACEHOLDERS}
    return render(request, "support/canned_replies.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def canned_reply_list(request: HttpRequest) -> HttpResponse:
    agent = _require_agent(request)
    if request.method != "POST":
        return _list_page(request, agent, CannedReplyForm())
    form = CannedReplyForm(request.POST)
    if form.is_valid():
        try:
            services.canned_reply_create(author=agent, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The canned reply is saved."))
            return redirect("canned-reply-list")
    return _list_page(request, agent, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def canned_reply_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agent, reply = _editable(request, pk)
    if request.method != "POST":
        form = CannedReplyForm(
            initial={"title": reply.title, "body": reply.body, "shared": reply.shared}
        )
        return render(request, "support/canned_reply_edit.html", {"reply": reply, "form": form})
    form = CannedReplyForm(request.POST)
    if form.is_valid():
        try:
            services.canned_reply_update(reply=reply, actor=agent, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The canned reply is saved."))
            return redirect("canned-reply-list")
    return render(
        request, "support/canned_reply_edit.html", {"reply": reply, "form": form}, status=400
    )


@login_required
@require_POST
def canned_reply_delete(request: HttpRequest, pk: int) -> HttpResponse:
    agent, reply = _editable(request, pk)
    services.canned_reply_delete(reply=reply, actor=agent)
    messages.success(request, _("The canned reply is removed."))
    return redirect("canned-reply-list")
