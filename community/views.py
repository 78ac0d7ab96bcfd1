from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from community import selectors, services
from community.forms import ProfileForm
from community.models import Member


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "community/home.html")


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
def member_detail(request: HttpRequest, username: str) -> HttpResponse:
    member = selectors.member_get_by_username(username=username)
    if member.username != username:
        return redirect(member, permanent=True)
    return render(request, "community/member_detail.html", {"member": member})


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    member: Member = request.user  # type: ignore[assignment]
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
