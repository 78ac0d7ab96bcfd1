"""Forms of the case pages: they check input shape; support.cases.services decides the rest."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from support.cases.models import CasePriority, CaseStatus
from support.cases.services import MESSAGE_MAX

ANSWER_MAX = 20000


class EscalateForm(forms.Form):
    message = forms.CharField(
        label=_("What should the agent know? (optional)"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only you and our agents will see this."),
    )


class CaseMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    internal = forms.BooleanField(label=_("Internal note (agents only)"), required=False)


class CaseUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CaseStatus.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=CasePriority.choices)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    root_cause = forms.ChoiceField(label=_("Root cause"), required=False)

    def __init__(
        self,
        *args: Any,
        agents: list[tuple[str, str]],
        labels: dict[str, list[tuple[str, str]]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["assignee"])
        field.choices = [("", _("Unassigned")), *agents]
        # The lists staff maintain (support.cases.taxonomy), active entries only.
        for kind in ("category", "root_cause"):
            choice = cast(forms.ChoiceField, self.fields[kind])
            choice.choices = [("", _("Not set")), *(labels or {}).get(kind, [])]


class StaffAnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Public answer on the thread"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Everyone can read it. Markdown works as in any answer."),
    )
    mark_solution = forms.BooleanField(label=_("Mark it as the solution"), required=False)
