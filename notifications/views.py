"""The inbox pages: the inbox, the bell's dropdown, opening a notification, the member's
delivery preferences, and the unsubscribe page that email links to.

Each view turns a request into a selector or service call and a response; every page works
without JavaScript (the bell is a link to the inbox; HTMX turns it into a dropdown).

Choices made here:
- Opening a notification (/notifications/<id>/open/) is a GET, because it is a link, in the
  inbox and in emails: it marks that one read and redirects to what it is about (the inbox
  if it is about nothing, or if its url isn't on this site). Someone else's is a 404.
- The inbox shows 25 a page; ?unread=1 shows only the unread ones.
- The unsubscribe link needs no sign-in: its signed token is the key. GET only asks, with a
  button, because mail scanners follow links; POST unsubscribes (and is what RFC 8058's
  one-click clients send, without a CSRF token). A forged or expired token is a 400 page
  that points to the preferences page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.http import is_htmx, request_member
from notifications import selectors, services
from notifications.messages import message_for
from notifications.models import IMMEDIATE_EMAIL_KINDS, Channel, Kind
from support.experts.selectors import helper_settings_for

INBOX_PER_PAGE = 25


def _with_messages(notifications: Any) -> list[dict[str, Any]]:
    return [{"notification": n, "message": message_for(n)} for n in notifications]


# ---------------------------------------------------------------------------- the inbox


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") in {"1", "true"}
    page = Paginator(
        selectors.notification_list(member_id=request_member(request).pk, unread_only=unread_only),
        INBOX_PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "items": _with_messages(page.object_list),
            "unread_only": unread_only,
            "extra_query": "unread=1" if unread_only else "",
        },
    )


def dropdown(request: HttpRequest) -> HttpResponseBase:
    """The bell's dropdown: the latest few, for HTMX. Anyone else is sent to the inbox."""
    if not request.user.is_authenticated:
        if is_htmx(request):
            # A session that expired under an open page: go to sign in, not into the bell.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("account_login")
            return response
        return redirect_to_login(reverse("notification-inbox"))
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    if not is_htmx(request):
        return redirect("notification-inbox")
    return _dropdown_response(request)


def _dropdown_response(request: HttpRequest, *, unread: int | None = None) -> HttpResponse:
    latest = selectors.notification_latest(member_id=request_member(request).pk)
    context: dict[str, object] = {"items": _with_messages(latest)}
    if unread is not None:  # changed since the member's read brought the count along
        context["notifications_unread"] = unread
    response = render(request, "notifications/_dropdown.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponseBase:
    notification = selectors.notification_get_for_recipient(
        notification_id=notification_id, member_id=request_member(request).pk
    )
    if not notification.read:
        services.notifications_mark_read(
            member_id=request_member(request).pk, ids=[notification.pk]
        )
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("notification-inbox")
    return redirect(target)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponseBase:
    unread = services.notifications_mark_read(member_id=request_member(request).pk, everything=True)
    if is_htmx(request):
        return _dropdown_response(request, unread=unread)
    messages.success(request, _("All your notifications are marked as read."))
    return redirect("notification-inbox")


# ---------------------------------------------------------------------------- preferences


def _kind_field_name(kind: str) -> str:
    return f"kind_{kind}"


class PreferencesForm(forms.Form):
    digest = forms.BooleanField(
        label=gettext_lazy("Send me a daily digest"),
        required=False,
        help_text=gettext_lazy(
            "Once a day, one email listing what is still unread on the site. Kinds you get "
            "by email come once a day either way."
        ),
    )
    unsubscribed = forms.BooleanField(
        label=gettext_lazy("Unsubscribe from all email"),
        required=False,
        help_text=gettext_lazy(
            "No notification emails at all, whatever you choose above. Account emails "
            "(such as password resets) still arrive."
        ),
    )

    def __init__(self, *args: Any, channels: dict[str, str], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        kind_fields = {}
        for kind, label in Kind.choices:
            kind_fields[_kind_field_name(kind)] = forms.ChoiceField(
                label=label,
                choices=Channel.choices,
                initial=channels[kind],
                widget=forms.RadioSelect,
                help_text=(
                    gettext_lazy("Emailed at once.")
                    if kind in IMMEDIATE_EMAIL_KINDS
                    else gettext_lazy("By email: once a day, in one email.")
                ),
            )
        # The kinds first, then the email switches.
        self.fields = {**kind_fields, **self.fields}

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[_kind_field_name(kind)] for kind in Kind.values]

    def email_fields(self) -> list[forms.BoundField]:
        return [self["digest"], self["unsubscribed"]]

    def channels(self) -> dict[str, str]:
        return {kind: self.cleaned_data[_kind_field_name(kind)] for kind in Kind.values}


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    member_id = request_member(request).pk
    email_settings = selectors.email_settings_get(member_id=member_id)
    initial = {
        "digest": email_settings.digest,
        "unsubscribed": email_settings.unsubscribed_at is not None,
    }
    channels = services.channels_for(member_id=member_id)
    form = PreferencesForm(request.POST or None, channels=channels, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.preferences_update(member_id=member_id, channels=form.channels())
            services.email_settings_update(
                member_id=member_id,
                digest=form.cleaned_data["digest"],
                unsubscribed=form.cleaned_data["unsubscribed"],
            )
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notification-preferences")
        status = 400
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "channel_choices": Channel.choices,
            "has_address": services.verified_address(member_id=member_id) is not None,
            "expert_settings": helper_settings_for(member_id=member_id),
        },
        status=status,
    )


# ---------------------------------------------------------------------------- unsubscribe


@csrf_exempt  # the token is the credential; RFC 8058 clients POST without a CSRF token
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    member = selectors.member_for_unsubscribe_token(token=token)
    if member is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        services.email_settings_update(member_id=member.pk, unsubscribed=True)
        return render(request, "notifications/unsubscribe_done.html", {"member": member})
    return render(
        request, "notifications/unsubscribe_confirm.html", {"member": member, "token": token}
    )
