"""Every write of the community app. See docs/architecture.md, "Where code goes"."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from community.images import Thumbnail
from community.models import Member


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
