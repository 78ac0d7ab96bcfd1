"""Following a board, a tag or a member: new questions there (or by them) are news to the
follower (notifications.follows fans them out)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from community.models import Board, Follow, Member, Tag


def _place(board: Board | None, tag: Tag | None, author: Member | None) -> dict[str, Any]:
    given = {k: v for k, v in (("board", board), ("tag", tag), ("author", author)) if v}
    if len(given) != 1:
        raise ValueError("Give exactly one of board, tag or author.")
    return given


def follow_create(
    *,
    member: Member,
    board: Board | None = None,
    tag: Tag | None = None,
    author: Member | None = None,
) -> bool:
    """Follow one board, tag or member; True if new. Members can't follow themselves.

    Two requests at once (a double tap) race on the unique constraint: one row, and the
    loser reports "already following".
    """
    place = _place(board, tag, author)
    if author is not None and author.pk == member.pk:
        raise ValidationError(_("You can't follow yourself."))
    try:
        with transaction.atomic():
            _follow, created = Follow.objects.get_or_create(member=member, **place)
    except IntegrityError:
        return False
    return created


def follow_delete(
    *,
    member: Member,
    board: Board | None = None,
    tag: Tag | None = None,
    author: Member | None = None,
) -> bool:
    """Stop following; True if the member was following."""
    deleted, _details = Follow.objects.filter(member=member, **_place(board, tag, author)).delete()
    return deleted > 0
