"""Every write of the community app. See docs/architecture.md, "Where code goes"."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from community import extensions, permissions
from community.adapters import DELETED_USERNAME_PREFIX
from community.errors import Conflict
from community.images import Thumbnail
from community.models import Bookmark, Follow, Member, Mention, Post, Subscription, Thread
from community.services.posts import post_delete
from community.services.threads import thread_delete


def member_profile_update(
    *,
    member: Member,
    display_name: str,
    bio: str,
    avatar: dict[str, Thumbnail] | None = None,
    remove_avatar: bool = False,
) -> Member:
    """Change a member's public profile. `avatar` comes from `images.avatar_thumbnails`.

    The old avatar files are deleted only after the new profile has committed, so a failed
    save never leaves a member pointing at a file that is gone.
    """
    old_files = [f.name for f in (member.avatar_small, member.avatar_large) if f and f.name]
    with transaction.atomic():
        member.display_name = display_name.strip()
        member.bio = bio.strip()
        replaced = False
        if avatar is not None:
            small, large = avatar["small"], avatar["large"]
            member.avatar_small.save(small.name, small.content, save=False)
            member.avatar_large.save(large.name, large.content, save=False)
            replaced = True
        elif remove_avatar:
            member.avatar_small = None
            member.avatar_large = None
            replaced = True
        member.save(update_fields=["display_name", "bio", "avatar_small", "avatar_large"])
        if replaced and old_files:
            storage = member.avatar_large.storage

            def delete_old_files() -> None:
                for name in old_files:
                    storage.delete(name)

            transaction.on_commit(delete_old_files)
    return member


def sessions_clear_expired() -> int:
    """Delete expired sessions; returns how many went."""
    expired = Session.objects.filter(expire_date__lt=timezone.now())
    count, _ = expired.delete()
    return count


def api_token_issue(*, member: Member) -> str:
    """The member's API token, made on first request; the same key until it is revoked."""
    token, _created = Token.objects.get_or_create(user=member)
    return str(token.key)


def is_staff_account(member: Member) -> bool:
    """Agents, moderators and administrators: their accounts aren't deleted in self-service."""
    return member.is_staff or member.is_superuser or member.is_moderator or member.is_agent


def member_delete(
    *,
    member: Member,
    actor: Member,
    password: str | None = None,
    remove_content: bool = False,
) -> bool:
    """Delete a member's account: erase their personal data, keep their content as a
    "Deleted member" (README, "Personal data"). Returns False if it was already deleted.

    The member themself confirms with their password (ValidationError when wrong); a
    moderator may do it on the member's request (the caller records it in the audit log).
    Staff accounts must lose their staff roles first (Conflict). With `remove_content`,
    the member's questions that have no answers and their answers that aren't an accepted
    solution are deleted through the usual services, so their points go back as reversals.
    Every app's registered eraser runs in the same transaction, with the member's row
    locked: a second delete racing the first waits and then finds nothing left to do.
    """
    if actor.pk == member.pk:
        if not password or not member.check_password(password):
            raise ValidationError({"password": _("That is not your password.")})
    elif not (actor.is_active and actor.is_moderator):
        raise PermissionDenied(_("Only moderators can delete another member's account."))
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        if locked.deleted_at is not None:
            return False
        if is_staff_account(locked):
            raise Conflict(
                _("Staff accounts can't be deleted: remove the staff roles in the admin first.")
            )
        if remove_content:
            _member_content_remove(locked)
        old_files = [f.name for f in (locked.avatar_small, locked.avatar_large) if f and f.name]
        extensions.member_erasers_run(locked)
        Subscription.objects.filter(member=locked).delete()
        Bookmark.objects.filter(member=locked).delete()
        Follow.objects.filter(Q(member=locked) | Q(author=locked)).delete()
        Mention.objects.filter(member=locked).delete()
        EmailAddress.objects.filter(user=locked).delete()
        Token.objects.filter(user=locked).delete()
        # Second factors and sign-in providers' links go with the account.
        Authenticator.objects.filter(user=locked).delete()
        SocialAccount.objects.filter(user=locked).delete()
        locked.username = f"{DELETED_USERNAME_PREFIX}{locked.pk}"
        locked.display_name = ""
        locked.bio = ""
        locked.first_name = ""
        locked.last_name = ""
        locked.email = ""
        locked.avatar_small = None
        locked.avatar_large = None
        # A new unusable password also ends every session (their auth hash no longer
        # matches), and an inactive member can't sign in again.
        locked.set_unusable_password()
        locked.is_active = False
        locked.deleted_at = timezone.now()
        locked.save()
        if old_files:
            storage = locked.avatar_large.storage

            def delete_files() -> None:
                for name in old_files:
                    storage.delete(name)

            transaction.on_commit(delete_files)
    member.refresh_from_db()
    return True


def _member_content_remove(member: Member) -> None:
    """The member's questions without answers and answers that aren't a solution go."""
    for thread in Thread.objects.filter(author=member, answer_count=0).order_by("pk"):
        if permissions.can_delete_thread(member, thread):
            thread_delete(thread=thread, actor=member)
    for post in (
        Post.objects.filter(author=member, solution_of__isnull=True)
        .select_related("thread")
        .order_by("pk")
    ):
        post_delete(post=post, actor=member)
