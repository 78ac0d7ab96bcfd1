"""The canned replies page's form: it checks shape; support.canned.services decides the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from support.canned.models import BODY_MAX, TITLE_MAX


class CannedReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "{customer_name} and {thread_title} are filled in for the case when you insert it."
        ),
    )
    shared = forms.BooleanField(label=_("Share with every agent"), required=False)
