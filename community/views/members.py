"""A member's public profile and their own profile settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from community import extensions, selectors, services
from community.forms import ProfileForm
from community.http import request_member
from community.views.common import MEMBER_TABS, THREADS_PER_PAGE, _paginate, public_when_anonymous


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
        items: Any = selectors.member_answers(member=member)
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
