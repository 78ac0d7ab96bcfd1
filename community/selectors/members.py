"""Reads that more than one caller needs. See docs/architecture.md."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from community.models import Member, Post


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


def member_answers(*, member: Member) -> QuerySet[Post]:
    """A member's answers for their profile, newest first, with their questions' titles.

    The profile is public: an answer that is hidden or held, or one under a question that
    is, stays out, as hidden questions stay out of every list.
    """
    return (
        Post.objects.filter(author=member, hidden_reason="", thread__hidden_reason="")
        .select_related("thread")
        .order_by("-created_at", "-pk")
    )


def member_email_verified(*, member: Member) -> bool:
    """Whether the member has confirmed an email address (the API asks for one)."""
    return bool(EmailAddress.objects.filter(user=member, verified=True).exists())
