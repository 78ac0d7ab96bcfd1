"""Reads that more than one caller needs. See docs/architecture.md."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from community.models import Member


def member_get_by_username(*, username: str) -> Member:
    """An active member by username, whatever its case; 404 otherwise."""
    member = (
        Member.objects.filter(username__iexact=username, is_active=True)
        .prefetch_related("groups")
        .first()
    )
    if member is None:
        raise Http404(_("No such member."))
    return member
