"""Reading the inbox: the pages, the bell's dropdown and the API read through these.

Every read is scoped to one recipient, so no caller can reach another member's rows.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from community.models import Member
from notifications import emails
from notifications.models import EmailSettings, Notification

# The header's dropdown: enough to see what's new; the inbox has the rest.
DROPDOWN_SIZE = 8


def notification_list(
    *, member_id: int, unread_only: bool = False, actor_groups: bool = False
) -> QuerySet[Notification]:
    """A member's notifications, newest first, with the actor each message names.

    `actor_groups` loads the actors' groups too, for the API's member summary, which tells
    staff apart by them (one query for the whole page).
    """
    notifications = Notification.objects.filter(recipient_id=member_id)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    notifications = notifications.select_related("actor").order_by("-pk")
    if actor_groups:
        notifications = notifications.prefetch_related("actor__groups")
    return notifications


def notification_latest(*, member_id: int, limit: int = DROPDOWN_SIZE) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient_id=member_id)
        .select_related("actor")
        .order_by("-pk")[:limit]
    )


def notification_get_for_recipient(*, notification_id: int, member_id: int) -> Notification:
    """One of the member's own notifications; anyone else's is a 404, as if it did not exist."""
    notification = Notification.objects.filter(pk=notification_id, recipient_id=member_id).first()
    if notification is None:
        raise Http404(_("No such notification."))
    return notification


def email_settings_get(*, member_id: int) -> EmailSettings:
    """The member's email switches; the defaults (unsaved) for a member who never set any."""
    return EmailSettings.objects.filter(member_id=member_id).first() or EmailSettings(
        member_id=member_id
    )


def member_for_unsubscribe_token(*, token: str) -> Member | None:
    """The active member an email's unsubscribe link was made for; None when the token is
    forged, mangled or too old, or the member has gone."""
    member_id = emails.member_id_for_unsubscribe_token(token)
    if member_id is None:
        return None
    return Member.objects.filter(pk=member_id, is_active=True).first()
