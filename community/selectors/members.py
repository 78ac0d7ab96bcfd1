"""Reads that more than one caller needs. See docs/architecture.md."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from community import extensions
from community.models import (
    REVIEW_REASONS,
    Bookmark,
    Follow,
    Kudos,
    Member,
    Post,
    Subscription,
    Thread,
)
from community.permissions import Viewer
from community.selectors.follows import with_viewer_follows


def members_prime_groups(members: Iterable[Member]) -> None:
    """Set each member's ``group_names`` (their role badge) from one query for them all.

    A prefetch_related("groups") would build a queryset and Group instances per member, which
    costs more than the SQL on a page of a hundred; only the names are needed. Members whose
    names are already known are left alone.
    """
    pending = {m.pk: m for m in members if "group_names" not in m.__dict__}
    if not pending:
        return
    names: dict[int, set[str]] = {pk: set() for pk in pending}
    rows = Member.groups.through.objects.filter(member_id__in=list(pending))
    for member_id, name in rows.values_list("member_id", "group__name"):
        names[member_id].add(name)
    for pk, member in pending.items():
        member.group_names = frozenset(names[pk])


def member_get_by_username(*, username: str, viewer: Viewer | None = None) -> Member:
    """An active member by username, whatever its case; 404 otherwise. With a `viewer`,
    ``viewer_follows`` says (in the same query) whether they follow the member."""
    members = Member.objects.filter(username__iexact=username, is_active=True)
    member = with_viewer_follows(members, viewer, "author_id").prefetch_related("groups").first()
    if member is None:
        raise Http404(_("No such member."))
    return member


def member_answers(*, member: Member, with_own_pending: bool = False) -> QuerySet[Post]:
    """A member's answers for their profile, newest first, with their questions' titles.

    The profile is public: an answer that is hidden or held, or one under a question that
    is, stays out, as hidden questions stay out of every list. ``with_own_pending``: the
    member's own view, which also shows their answers (and answers under their questions)
    waiting for a moderator's review, or not approved.
    """
    reasons = ["", *REVIEW_REASONS] if with_own_pending else [""]
    return (
        Post.objects.filter(
            author=member, hidden_reason__in=reasons, thread__hidden_reason__in=reasons
        )
        .select_related("thread")
        .order_by("-created_at", "-pk")
    )


def member_email_verified(*, member: Member) -> bool:
    """Whether the member has confirmed an email address (the API asks for one)."""
    return bool(EmailAddress.objects.filter(user=member, verified=True).exists())


def iso(moment: datetime | None) -> str | None:
    """A time in the personal-data export: ISO 8601, or None."""
    return moment.isoformat() if moment is not None else None


def _community_personal_data(member: Member) -> dict[str, Any]:
    """The community's part of a member's export: profile, questions, answers, kudos given."""
    addresses = [
        {"email": a.email, "verified": a.verified, "primary": a.primary}
        for a in EmailAddress.objects.filter(user=member).order_by("pk")
    ]
    profile = {
        "id": member.pk,
        "username": member.username,
        "display_name": member.display_name,
        "bio": member.bio,
        "email": member.email,
        "email_addresses": addresses,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "date_joined": iso(member.date_joined),
        "last_login": iso(member.last_login),
        "rank": {"name": member.rank_name, "level": member.rank_level}
        if member.rank_name
        else None,
        "avatar_url": member.avatar_large.url if member.avatar_large else None,
        "url": member.get_absolute_url(),
    }
    threads = [
        {
            "id": t.pk,
            "board": t.board.slug,
            "title": t.title,
            "body": t.body,
            "tags": sorted(tag.slug for tag in t.tags.all()),
            "hidden_reason": t.hidden_reason,
            "created_at": iso(t.created_at),
            "edited_at": iso(t.edited_at),
            "url": t.get_absolute_url(),
        }
        for t in Thread.objects.filter(author=member)
        .select_related("board")
        .prefetch_related("tags")
        .order_by("created_at", "pk")
    ]
    posts = [
        {
            "id": p.pk,
            "thread_id": p.thread_id,
            "thread_title": p.thread.title,
            "body": p.body,
            "hidden_reason": p.hidden_reason,
            "created_at": iso(p.created_at),
            "edited_at": iso(p.edited_at),
            "url": p.get_absolute_url(),
        }
        for p in Post.objects.filter(author=member)
        .select_related("thread")
        .order_by("created_at", "pk")
    ]
    kudos_given = [
        {"thread_id": k.thread_id, "post_id": k.post_id, "created_at": iso(k.created_at)}
        for k in Kudos.objects.filter(giver=member).order_by("created_at", "pk")
    ]
    following = list(
        Subscription.objects.filter(member=member)
        .order_by("pk")
        .values_list("thread_id", flat=True)
    )
    bookmarks = [
        {"thread_id": b.thread_id, "created_at": iso(b.created_at)}
        for b in Bookmark.objects.filter(member=member).order_by("created_at", "pk")
    ]
    return {
        "profile": profile,
        "threads": threads,
        "posts": posts,
        "kudos_given": kudos_given,
        "following": following,
        "bookmarks": bookmarks,
        "follows": [
            {
                "board": f.board.slug if f.board else None,
                "tag": f.tag.slug if f.tag else None,
                "member": f.author.username if f.author else None,
                "created_at": iso(f.created_at),
            }
            for f in Follow.objects.filter(member=member)
            .select_related("board", "tag", "author")
            .order_by("created_at", "pk")
        ],
    }


def member_data_export(*, member: Member) -> dict[str, Any]:
    """Everything the community holds about a member, as JSON-able data (README, "Personal
    data"): the community's own sections, then every app's registered section."""
    return {
        "exported_at": iso(timezone.now()),
        **_community_personal_data(member),
        **extensions.personal_data_for(member),
    }
