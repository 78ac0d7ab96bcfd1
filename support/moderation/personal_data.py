"""Moderation's part of a member's personal data (README, "Personal data"): the flags they
filed and the sanctions they were given. Both are kept on deletion: the record of what
moderators did and why."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from community import selectors as community_selectors
from community import services as community_services
from community.models import Member
from community.selectors.members import iso
from support.moderation.models import Flag, ModerationAction, Sanction
from support.moderation.services import action_record, clean_reason, require_moderator


def moderation_personal_data(member: Member) -> dict[str, Any]:
    return {
        "flags": [
            {
                "kind": f.kind,
                "note": f.note,
                "thread_id": f.thread_id,
                "post_id": f.post_id,
                "status": f.status,
                "created_at": iso(f.created_at),
            }
            for f in Flag.objects.filter(flagger_id=member.pk).order_by("created_at", "pk")
        ],
        "sanctions": [
            {
                "kind": s.kind,
                "reason": s.reason,
                "until": iso(s.until),
                "lifted_at": iso(s.lifted_at),
                "created_at": iso(s.created_at),
            }
            for s in Sanction.objects.filter(member_id=member.pk).order_by("created_at", "pk")
        ],
    }


def member_data_export_on_request(*, actor: Member, member: Member, reason: str = "") -> Any:
    """A moderator downloads a member's data for them; the audit log records it."""
    require_moderator(actor)
    reason = clean_reason(reason)
    with transaction.atomic():
        data = community_selectors.member_data_export(member=member)
        action_record(
            kind=ModerationAction.Kind.DATA_EXPORT, actor=actor, member_id=member.pk, reason=reason
        )
    return data


def member_delete_on_request(
    *, actor: Member, member: Member, reason: str = "", remove_content: bool = False
) -> bool:
    """A moderator deletes a member's account at their request; the audit log records it.

    False if the account was already deleted (nothing is logged twice). The entry is written
    after the erasure, when the member's notifications are off: it notifies nobody.
    """
    require_moderator(actor)
    reason = clean_reason(reason)
    with transaction.atomic():
        deleted = community_services.member_delete(
            member=member, actor=actor, remove_content=remove_content
        )
        if deleted:
            action_record(
                kind=ModerationAction.Kind.ACCOUNT_DELETE,
                actor=actor,
                member_id=member.pk,
                reason=reason,
                data={"remove_content": remove_content},
            )
    return deleted
