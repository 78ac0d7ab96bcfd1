"""The "Did this solve your problem?" form's pages: a thread's asker and a case's customer.

HTMX posts get the section back (the thanks, or the form with its errors and a 400/409);
without JavaScript the same URLs redirect to the thread (or case) with a message.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from community import selectors as community_selectors
from community.errors import Conflict
from community.http import is_htmx, request_member
from community.models import Thread
from support.cases.models import Case
from support.cases.selectors import case_get_for_viewer
from support.insights import selectors as dashboard
from support.satisfaction.models import NpsResponse, Satisfaction
from support.satisfaction.services import (
    COMMENT_MAX,
    NPS_MAX,
    NPS_MIN,
    SCORE_MAX,
    SCORE_MIN,
    nps_postpone,
    nps_record,
    satisfaction_record,
)

# The service's scale (SCORE_MIN to SCORE_MAX), its ends spelled out.
SCORE_LABELS = {SCORE_MIN: gettext_lazy("1, not at all"), SCORE_MAX: gettext_lazy("5, completely")}
SCORE_CHOICES = [(n, SCORE_LABELS.get(n, str(n))) for n in range(SCORE_MIN, SCORE_MAX + 1)]


class SatisfactionForm(forms.Form):
    score = forms.TypedChoiceField(
        label=gettext_lazy("Did this solve your problem?"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose a score from 1 to 5."),
            "invalid_choice": gettext_lazy("Choose a score from 1 to 5."),
        },
    )
    comment = forms.CharField(
        label=gettext_lazy("Anything to add? (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, dom_id: str = "satisfaction", **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{dom_id}-%s")
        super().__init__(*args, **kwargs)


def thread_context(
    thread: Thread, rating: Satisfaction | None, form: SatisfactionForm | None = None
) -> dict[str, Any]:
    """What support/_satisfaction_section.html needs (as `section`)."""
    dom_id = f"satisfaction-thread-{thread.pk}"
    return {
        "thread": thread,
        "rating": rating,
        "form": form or SatisfactionForm(dom_id=dom_id),
        "action": reverse("thread-feedback", kwargs={"pk": thread.pk}),
        "dom_id": dom_id,
    }


def case_context(
    case: Case, rating: Satisfaction | None, form: SatisfactionForm | None = None
) -> dict[str, Any]:
    """What support/_satisfaction_case_section.html needs (as `section`)."""
    dom_id = f"satisfaction-case-{case.pk}"
    return {
        "case": case,
        "rating": rating,
        "form": form or SatisfactionForm(dom_id=dom_id),
        "action": reverse("case-feedback", kwargs={"pk": case.pk}),
        "dom_id": dom_id,
    }


def _record(
    request: HttpRequest, form: SatisfactionForm, **target: Any
) -> tuple[Satisfaction | None, int]:
    """Run the service; errors go onto the form. The rating and the status to answer with."""
    if not form.is_valid():
        return None, 400
    member = request_member(request)
    try:
        rating = satisfaction_record(
            respondent=member,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
            **target,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            form.add_error(None, error.messages)
        return None, 400
    except Conflict as error:
        form.add_error(None, error.message)
        return None, 409
    return rating, 200


def _errors_as_messages(request: HttpRequest, form: forms.Form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


@login_required
@require_POST
def thread_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """The asker rates the accepted answer (PermissionDenied, a 403, for anyone else)."""
    thread = community_selectors.thread_get_for_viewer(thread_id=pk, viewer=request.user)
    dom_id = f"satisfaction-thread-{thread.pk}"
    form = SatisfactionForm(request.POST, dom_id=dom_id)
    rating, status = _record(request, form, thread=thread)
    if status == 409:
        # Already rated (another tab): show the thanks, not the form again.
        rating = dashboard.satisfaction_for_thread(
            thread_id=thread.pk, respondent_id=request_member(request).pk
        )
    if is_htmx(request):
        return render(
            request,
            "support/_satisfaction_section.html",
            {"section": thread_context(thread, rating, form)},
            status=status,
        )
    if status == 200:
        messages.success(request, _("Thanks for your feedback."))
    else:
        _errors_as_messages(request, form)
    return redirect(f"{thread.get_absolute_url()}#{dom_id}")


@login_required
@require_POST
def case_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer rates a resolved case."""
    case = case_get_for_viewer(case_id=pk, viewer=request.user)
    dom_id = f"satisfaction-case-{case.pk}"
    form = SatisfactionForm(request.POST, dom_id=dom_id)
    rating, status = _record(request, form, case=case)
    if status == 409:
        rating = dashboard.satisfaction_for_case(
            case_id=case.pk, respondent_id=request_member(request).pk
        )
    if is_htmx(request):
        return render(
            request,
            "support/_satisfaction_case_section.html",
            {"section": case_context(case, rating, form)},
            status=status,
        )
    if status == 200:
        messages.success(request, _("Thanks for your feedback."))
    else:
        _errors_as_messages(request, form)
    try:
        url = case.get_absolute_url()
    except NoReverseMatch:  # the case page is routed by the cases part of support
        url = reverse("home")
    return redirect(f"{url}#{dom_id}")


# ---------------------------------------------------------------------------- NPS
# The card at the top of the home page (support.satisfaction.receivers.home_section), for the
# members selectors.nps_due() says to ask. It is part of the page, never a pop-up; "Not now"
# postpones it. HTMX swaps the card for the thanks (or the form with its errors, 400/403/409)
# and removes it on "Not now"; without JavaScript both redirect home with a message.

NPS_DOM_ID = "nps-card"
NPS_SCORE_MESSAGE = gettext_lazy("Choose a score from 0 to 10.")


class NpsForm(forms.Form):
    score = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(NPS_MIN, NPS_MAX + 1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": NPS_SCORE_MESSAGE, "invalid_choice": NPS_SCORE_MESSAGE},
    )
    comment = forms.CharField(
        label=gettext_lazy("What is the main reason for your score? (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{NPS_DOM_ID}-%s")
        super().__init__(*args, **kwargs)


def nps_context(form: NpsForm | None = None, answer: NpsResponse | None = None) -> dict[str, Any]:
    """What support/_nps_card.html needs (as `section`)."""
    return {
        "form": form or NpsForm(),
        "answer": answer,
        "brand": settings.BRAND_NAME,
        "action": reverse("nps-answer"),
        "dismiss": reverse("nps-dismiss"),
        "dom_id": NPS_DOM_ID,
    }


@login_required
@require_POST
def nps_answer(request: HttpRequest) -> HttpResponse:
    form = NpsForm(request.POST)
    answer, status = None, 400
    if form.is_valid():
        try:
            answer = nps_record(
                respondent=request_member(request),
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
            status = 200
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        except (Conflict, PermissionDenied) as error:
            form.add_error(None, str(getattr(error, "message", "") or error))
            status = 409 if isinstance(error, Conflict) else 403
    if is_htmx(request):
        return render(
            request, "support/_nps_card.html", {"section": nps_context(form, answer)}, status=status
        )
    if answer is not None:
        messages.success(request, _("Thanks for your feedback."))
    else:
        _errors_as_messages(request, form)
    return redirect("home")


@login_required
@require_POST
def nps_dismiss(request: HttpRequest) -> HttpResponse:
    nps_postpone(member=request_member(request))
    if is_htmx(request):
        return HttpResponse("")
    messages.info(request, _("We won't ask again for a while."))
    return redirect("home")
