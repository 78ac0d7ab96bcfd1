"""Staff's forms for known issues; the services validate lengths and rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from community.forms import PlainLabelForm
from support.known_issues.models import KnownIssue, KnownIssueStatus

MARKDOWN_HELP = _("Markdown. Public: every member and visitor reads it.")


class KnownIssueForm(PlainLabelForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=150,
        help_text=_("What members see and what their questions are matched against."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Public description"),
        max_length=20000,
        required=False,
        help_text=MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=KnownIssueStatus.choices, required=False)
    boards = forms.MultipleChoiceField(
        label=_("Affected boards"), required=False, widget=forms.CheckboxSelectMultiple
    )
    tags = forms.MultipleChoiceField(
        label=_("Affected tags"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        boards: list[tuple[str, str]],
        tags: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (("boards", boards), ("tags", tags)):
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101 - narrows the type
            field.choices = choices

    @classmethod
    def for_issue(
        cls,
        issue: KnownIssue,
        *,
        boards: list[tuple[str, str]],
        tags: list[tuple[str, str]],
    ) -> KnownIssueForm:
        """The edit form, filled with the issue as it is (boards and tags prefetched)."""
        return cls(
            boards=boards,
            tags=tags,
            auto_id="edit_%s",
            initial={
                "title": issue.title,
                "description": issue.description,
                "status": issue.status,
                "boards": [b.slug for b in issue.boards.all()],
                "tags": [t.slug for t in issue.tags.all()],
            },
        )


class KnownIssueUpdateForm(PlainLabelForm):
    body = forms.CharField(
        label=_("Update"),
        max_length=20000,
        help_text=_("Markdown. Dated and public; members who have the issue are notified."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "update_%s")
        super().__init__(*args, **kwargs)


class KnownIssueLinkForm(PlainLabelForm):
    thread = forms.IntegerField(
        label=_("Question number"),
        min_value=1,
        max_value=2**63 - 1,
        help_text=_("The number in the question's address: /threads/<number>/…"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "link_%s")
        super().__init__(*args, **kwargs)
