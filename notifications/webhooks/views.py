"""The admins' webhook pages: the endpoints with a form to add one, an endpoint's delivery log
with its attempts, and the buttons to re-send a delivery, switch an endpoint back on or
delete it. Everyone but admins gets a 404 (the pages reveal nothing); anonymous visitors
are sent to sign in. The secret is shown once, on the page the creation leads to.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from community.http import request_member
from notifications.webhooks import selectors, services
from notifications.webhooks.models import WebhookEvent

NEW_SECRET_KEY = "webhook_new_secret"  # noqa: S105 - a session key, not a secret


class WebhookForm(forms.Form):
    url = forms.CharField(
        label=gettext_lazy("Endpoint URL"),
        max_length=500,
        help_text=gettext_lazy("Where to POST the events; it must start with https://."),
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/hooks/mutua"}),
    )
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one event.")},
    )
    secret = forms.CharField(
        label=gettext_lazy("Signing secret"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Leave it empty and one is generated for you."),
    )


def admin_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request_member(request).is_superuser:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@admin_only
@require_http_methods(["GET", "POST"])
def webhook_list(request: HttpRequest) -> HttpResponse:
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.webhook_endpoint_create(
                actor=request_member(request),
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                secret=form.cleaned_data["secret"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            request.session[NEW_SECRET_KEY] = {"id": endpoint.pk, "secret": endpoint.secret}
            messages.success(request, _("The webhook is registered."))
            return redirect("webhook-detail", pk=endpoint.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "notifications/webhook_list.html",
        {"endpoints": selectors.webhook_endpoint_list(), "form": form},
        status=status,
    )


@admin_only
@require_http_methods(["GET"])
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(endpoint_id=pk)
    new = request.session.get(NEW_SECRET_KEY)
    secret = None
    if new and new.get("id") == endpoint.pk:
        secret = new["secret"]
        del request.session[NEW_SECRET_KEY]
    deliveries = selectors.webhook_delivery_list(endpoint=endpoint)[: selectors.DELIVERIES_SHOWN]
    return render(
        request,
        "notifications/webhook_detail.html",
        {
            "endpoint": endpoint,
            "event_labels": [WebhookEvent(e).label for e in endpoint.events],
            "deliveries": deliveries,
            "secret": secret,
        },
    )


@admin_only
@require_POST
def webhook_enable(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(endpoint_id=pk)
    services.webhook_endpoint_enable(actor=request_member(request), endpoint=endpoint)
    messages.success(request, _("The webhook is switched on again."))
    return redirect("webhook-detail", pk=endpoint.pk)


@admin_only
@require_POST
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(endpoint_id=pk)
    services.webhook_endpoint_delete(actor=request_member(request), endpoint=endpoint)
    messages.success(request, _("The webhook is deleted."))
    return redirect("webhook-list")


@admin_only
@require_POST
def webhook_resend(request: HttpRequest, pk: int, delivery_id: int) -> HttpResponse:
    endpoint = selectors.webhook_endpoint_get(endpoint_id=pk)
    delivery = selectors.webhook_delivery_get(endpoint=endpoint, delivery_id=delivery_id)
    try:
        services.webhook_delivery_resend(actor=request_member(request), delivery=delivery)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The delivery is on its way again."))
    return redirect("webhook-detail", pk=endpoint.pk)
