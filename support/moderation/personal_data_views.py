"""Moderators acting on a member's personal data at their request: the export and the account
deletion, both recorded in the audit log (README, "Personal data")."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.errors import Conflict
from community.forms import StaffAccountDeleteForm
from community.http import personal_data_download, request_member
from support.moderation import personal_data as moderation
from support.moderation.views import (
    _error_text,
    _member_or_404,
    _member_page,
    _status_of,
    moderators_only,
)


@require_POST
@moderators_only
def moderation_member_export(request: HttpRequest, username: str) -> HttpResponse:
    """Download a member's data for them (at their request); the audit log records it."""
    member = _member_or_404(username)
    try:
        data = moderation.member_data_export_on_request(
            actor=request_member(request), member=member, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("moderation-member", username=member.username)
    return personal_data_download(data, member)


@require_POST
@moderators_only
def moderation_member_delete(request: HttpRequest, username: str) -> HttpResponse:
    """Delete a member's account at their request; the audit log records it."""
    member = _member_or_404(username)
    form = StaffAccountDeleteForm(request.POST)
    if not form.is_valid():
        return _member_page(request, member, delete_form=form, status=400)
    try:
        deleted = moderation.member_delete_on_request(
            actor=request_member(request),
            member=member,
            reason=form.cleaned_data["reason"],
            remove_content=form.cleaned_data["remove_content"],
        )
    except (ValidationError, Conflict, PermissionDenied) as error:
        form.add_error(None, _error_text(error))
        return _member_page(request, member, delete_form=form, status=_status_of(error))
    if deleted:
        messages.success(request, _("The account is deleted and the audit log records it."))
    else:
        messages.info(request, _("This account was already deleted."))
    return redirect("moderation-member", username=member.username)
