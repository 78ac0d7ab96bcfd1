"""Staff's announcement form: the same fields as the API's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from community.announcements.services import BODY_MAX, TITLE_MAX
from community.models import Board


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Announcement"),
        max_length=BODY_MAX,
        help_text=_("Markdown: **bold**, lists, links."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    board = forms.ModelChoiceField(
        label=_("Where"),
        queryset=Board.objects.none(),
        required=False,
        empty_label=_("Site-wide: the home page and every board"),
        to_field_name="slug",
    )
    pinned_until = forms.DateTimeField(
        label=_("Pinned until"),
        required=False,
        help_text=_("Leave it empty to keep it pinned until you unpin it."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, boards: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["board"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = boards
