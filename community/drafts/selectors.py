"""Reading a member's draft."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from community.drafts.models import Draft
from community.models import Member


def draft_get(*, member: Member, key: str) -> Draft:
    draft = Draft.objects.filter(member=member, key=key).first()
    if draft is None:
        raise Http404(_("No draft of this form."))
    return draft
