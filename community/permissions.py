"""Who may do what with community content: one place for the API and the pages.

Staff roles grant Django permissions through their groups (migration 0005); ranks will grant
the same permissions to trusted members through an authentication backend, so every check
here is `has_perm`, never a role test.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from community.models import Member, Post, Thread

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


def can_give_kudos(viewer: Viewer, author_id: int) -> bool:
    member = _member(viewer)
    return member is not None and member.pk != author_id


def can_see_hidden(viewer: Viewer, author_id: int) -> bool:
    """Hidden content stays visible to its author (with a notice) and to staff."""
    member = _member(viewer)
    return member is not None and (
        member.pk == author_id or member.has_perm("community.view_hidden_content")
    )
