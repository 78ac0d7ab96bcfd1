"""Who may do what with community content: one place for the API and the pages.

Staff roles grant Django permissions through their groups (migration 0005); ranks will grant
the same permissions to trusted members through an authentication backend, so every check
here is `has_perm`, never a role test.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import BaseExpression

from community.models import REVIEW_REASONS, Member, Post, Thread
from config.prepared import Prepared

Viewer = Member | AnonymousUser


def _member(viewer: Viewer) -> Member | None:
    if isinstance(viewer, Member) and viewer.is_active:
        return viewer
    return None


def can_edit_thread(viewer: Viewer, thread: Thread) -> bool:
    member = _member(viewer)
    return member is not None and (
        member.pk == thread.author_id or member.has_perm("community.edit_any_content")
    )


def can_retag_thread(viewer: Viewer, thread: Thread) -> bool:
    member = _member(viewer)
    return member is not None and (
        can_edit_thread(member, thread) or member.has_perm("community.retag_thread")
    )


def can_edit_post(viewer: Viewer, post: Post) -> bool:
    member = _member(viewer)
    return member is not None and (
        member.pk == post.author_id or member.has_perm("community.edit_any_content")
    )


def can_delete_thread(viewer: Viewer, thread: Thread) -> bool:
    member = _member(viewer)
    if member is None:
        return False
    if member.has_perm("community.delete_any_content"):
        return True
    return member.pk == thread.author_id and thread.answer_count == 0


def can_delete_post(viewer: Viewer, post: Post) -> bool:
    member = _member(viewer)
    return member is not None and (
        member.pk == post.author_id or member.has_perm("community.delete_any_content")
    )


def can_accept_solution(viewer: Viewer, thread: Thread) -> bool:
    member = _member(viewer)
    return member is not None and (
        member.pk == thread.author_id or member.has_perm("community.accept_any_solution")
    )


def can_lock_thread(viewer: Viewer) -> bool:
    member = _member(viewer)
    return member is not None and member.has_perm("community.lock_thread")


def can_close_duplicate(viewer: Viewer) -> bool:
    """Moderators, and members whose rank grants it (gamification's `close_duplicates`)."""
    member = _member(viewer)
    return member is not None and member.has_perm("community.close_duplicate")


def can_reopen_duplicate(viewer: Viewer) -> bool:
    """Undoing a duplicate reopens a locked thread: a moderator's call, as unlocking is."""
    return can_lock_thread(viewer)


def can_give_kudos(viewer: Viewer, author_id: int) -> bool:
    member = _member(viewer)
    return member is not None and member.pk != author_id


def can_see_hidden(viewer: Viewer, author_id: int, reason: str = "") -> bool:
    """Hidden content stays visible to its author (with a notice) and to staff; content
    waiting for review (`reason`) to its author and the moderators who decide on it only
    (docs/api.md: a thread pending review is 404 to everyone else)."""
    member = _member(viewer)
    if member is None:
        return False
    if member.pk == author_id:
        return True
    if reason in REVIEW_REASONS:
        return member.is_moderator
    return member.has_perm("community.view_hidden_content")


def hidden_visible_to(viewer: Viewer, prefix: str = "") -> Q:
    """The hidden content among `prefix`-reached rows the viewer may see, as can_see_hidden()
    decides one by one: none for visitors; their own; held content for staff, and content
    waiting for review for moderators."""
    member = _member(viewer)
    if member is None:
        return Q(pk__in=[])
    visible = Q(**{f"{prefix}author_id": member.pk})
    # The permission first: it is cached for the page, and only staff have it.
    if not member.has_perm("community.view_hidden_content"):
        return visible
    if member.is_moderator:
        return Q(pk__isnull=False)  # everything (an empty Q() would vanish in an OR)
    return visible | ~Q(**{f"{prefix}hidden_reason__in": REVIEW_REASONS})


def can_manage_announcements(viewer: Viewer) -> bool:
    """Staff post, edit, unpin and delete announcements (agents, moderators, admins)."""
    member = _member(viewer)
    return member is not None and member.has_perm("community.manage_announcements")


def _permissions_and_groups(member_id: int) -> QuerySet[Any]:
    """The member's own permissions, their groups' and their groups' names: one UNION of
    (kind, app label, codename or name) rows."""
    text = CharField()
    own = (
        Permission.objects.filter(user=member_id)
        .annotate(kind=Value("user", output_field=text), app=F("content_type__app_label"))
        .values_list("kind", "app", "codename")
        .order_by()
    )
    from_groups = (
        Permission.objects.filter(group__user=member_id)
        .annotate(kind=Value("group", output_field=text), app=F("content_type__app_label"))
        .values_list("kind", "app", "codename")
        .order_by()
    )
    groups = (
        Group.objects.filter(user=member_id)
        .annotate(kind=Value("name", output_field=text), app=Value("", output_field=text))
        .values_list("kind", "app", "name")
        .order_by()
    )
    return own.union(from_groups, groups, all=True)


# Compiled once per process: every page a member sees runs it (config/prepared.py).
_PERMISSIONS_AND_GROUPS = Prepared(_permissions_and_groups)

# Whether the member has a permission or a group of their own: most members have neither, and
# then the UNION above would find nothing. The session's member read brings it along
# (community.managers.bring_along, registered in CommunityConfig.ready).
ROLES_BROUGHT = "community_has_roles"


def roles_expression() -> BaseExpression:
    """Whether the member whose row is being read has a group or a permission of their own."""
    groups = Member.groups.through.objects.filter(member=OuterRef("pk"))
    own = Member.user_permissions.through.objects.filter(member=OuterRef("pk"))
    return ExpressionWrapper(Q(Exists(groups)) | Q(Exists(own)), output_field=BooleanField())


def viewer_prime(viewer: Viewer) -> None:
    """Load the viewer's groups and their permissions in one query, for a page that asks often.

    Django's ModelBackend would ask three times (the member's own permissions, their groups'
    permissions, and the groups for role checks); this fills the same per-object caches it
    keeps (``_user_perm_cache``, ``_group_perm_cache``, ``_perm_cache``) and ``group_names``
    from one UNION, so every has_perm() and role test after it is free. Other backends (rank
    privileges) keep their own caches. Does nothing for visitors; superusers pass every
    has_perm() without a lookup, so only their groups are loaded. A member whose read brought
    along that they have no group and no permission of their own (most) costs no query.
    """
    member = _member(viewer)
    if member is None or hasattr(member, "_perm_cache"):
        return
    found: dict[str, set[str]] = {"user": set(), "group": set(), "name": set()}
    # Nothing to look up for a member read with neither (brought along, or asked).
    rows = _PERMISSIONS_AND_GROUPS.rows(member.pk) if getattr(member, ROLES_BROUGHT, True) else []
    for kind, app, name in rows:
        found[kind].add(name if kind == "name" else f"{app}.{name}")
    member.group_names = frozenset(found["name"])
    if member.is_superuser:
        return
    member._user_perm_cache = found["user"]  # type: ignore[attr-defined]
    member._group_perm_cache = found["group"]  # type: ignore[attr-defined]
    member._perm_cache = found["user"] | found["group"]  # type: ignore[attr-defined]
