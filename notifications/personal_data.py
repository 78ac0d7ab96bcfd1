"""Notifications' part of a member's personal data (README, "Personal data"): the inbox
and the preferences are exported, and deleted with the account (pending emails with them).

A deleted member's preferences become "none" for every kind, so kudos on the answers they
left, or the audit entry of their deletion, notify nobody: no new inbox rows, no emails.
"""

from __future__ import annotations

from typing import Any

from community.models import Member
from community.selectors.members import iso
from notifications.messages import message_for
from notifications.models import Channel, EmailSettings, Kind, Notification, Preference
from notifications.services import channels_for


def notifications_personal_data(member: Member) -> dict[str, Any]:
    inbox = (
        Notification.objects.filter(recipient_id=member.pk)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    email = EmailSettings.objects.filter(member_id=member.pk).first()
    return {
        "notifications": [
            {
                "id": n.pk,
                "kind": n.kind,
                "message": message_for(n),
                "url": n.url,
                "created_at": iso(n.created_at),
                "read_at": iso(n.read_at),
                "emailed_at": iso(n.emailed_at),
            }
            for n in inbox
        ],
        "preferences": {
            "channels": channels_for(member_id=member.pk),
            "email_digest": email.digest if email else True,
            "email_unsubscribed_at": iso(email.unsubscribed_at) if email else None,
        },
    }


def notifications_erase(member: Member) -> None:
    # The outbox rows go with their notifications (on_delete=CASCADE).
    Notification.objects.filter(recipient_id=member.pk).delete()
    Preference.objects.filter(member_id=member.pk).delete()
    Preference.objects.bulk_create(
        [Preference(member_id=member.pk, kind=kind, channel=Channel.NONE) for kind in Kind.values]
    )
    EmailSettings.objects.filter(member_id=member.pk).delete()
