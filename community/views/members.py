"""A member's public profile and their own profile settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from community import extensions, selectors, services
from community.adapters import password_confirm
from community.errors import Conflict, RateLimited
from community.forms import AccountDeleteForm, ProfileForm
from community.http import personal_data_download, request_member
from community.views.common import MEMBER_TABS, THREADS_PER_PAGE, _paginate, public_when_anonymous


@require_GET
@public_when_anonymous
def member_detail(request: HttpRequest, username: str) -> HttpResponse:
    member = selectors.member_get_by_username(username=username, viewer=request.user)
    if member.username != username:
        return redirect(
            reverse("member-detail", kwargs={"username": member.username}), permanent=True
        )
    tab = request.GET.get("tab", "questions")
    if tab not in MEMBER_TABS:
        tab = "questions"
    # Their own profile shows a member what waits for a moderator's review, marked.
    own = request.user.pk == member.pk
    if tab == "answers":
        items: Any = selectors.member_answers(member=member, with_own_pending=own)
    elif tab == "solutions":
        items = selectors.thread_list(status="solved", ordering="-created_at").filter(
            solution__author=member
        )
    else:
        items = selectors.thread_list(author=member, ordering="-created_at", with_own_pending=own)
    return render(
        request,
        "community/member_detail.html",
        {
            "member": member,
            "follows_place": getattr(member, "viewer_follows", False),
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


@login_required
@require_GET
def data_export(request: HttpRequest) -> HttpResponse:
    member = request_member(request)
    return personal_data_download(selectors.member_data_export(member=member), member)


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    member = request_member(request)
    form = AccountDeleteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                password_confirm(request, member, form.cleaned_data["password"])
                services.member_delete(
                    member=member,
                    actor=member,
                    password=form.cleaned_data["password"],
                    remove_content=form.cleaned_data["remove_content"],
                )
            except ValidationError as error:
                form.add_error("password", error.message_dict.get("password", error.messages))
            except RateLimited as error:
                form.add_error(None, error.message)
                status = 429
            except Conflict as error:
                form.add_error(None, error.message)
                status = 409
            else:
                logout(request)
                messages.success(request, _("Your account has been deleted. Goodbye!"))
                return redirect("home")
    return render(
        request, "community/account_delete.html", {"form": form, "member": member}, status=status
    )
