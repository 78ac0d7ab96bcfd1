"""Reads of what members follow: boards, tags and other members."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Exists, Model, OuterRef, QuerySet

from community.models import Follow, Member
from community.permissions import Viewer

M = TypeVar("M", bound=Model)


def follow_list(*, member: Member) -> QuerySet[Follow]:
    """What the member follows, newest first, with the board, tag or member loaded."""
    return (
        Follow.objects.filter(member_id=member.pk)
        .select_related("board", "tag", "author")
        .order_by("-created_at", "-pk")
    )


def with_viewer_follows(qs: QuerySet[M], viewer: Viewer | None, field: str) -> QuerySet[M]:
    """Annotate ``viewer_follows``: whether the signed-in viewer follows each board, tag or
    member (`field` names it on Follow); visitors and callers without a viewer get nothing."""
    if viewer is None or not viewer.is_authenticated:
        return qs
    return qs.annotate(  # type: ignore[return-value]
        viewer_follows=Exists(Follow.objects.filter(member_id=viewer.pk, **{field: OuterRef("pk")}))
    )
