"""The notification emails: a subject, a plain-text body and an HTML body, and the one-click
unsubscribe link every one of them carries.

Language: emails are written in settings.LANGUAGE_CODE. Members don't store a language (the
site follows each request's cookie or browser), and the Celery worker that sends has no
request to ask; once members have a stored language, override with it here instead.

Links are absolute, built on settings.SITE_URL (the address members reach the site at).
Subjects, greetings and the header wear the brand (config/brand.py).
Every email links to /notifications/<id>/open/, which marks the notification read and goes
on to what it is about, and to a signed unsubscribe URL that works without signing in.
It also sends RFC 8058's headers, so mail clients can offer their own one-click
"Unsubscribe": `List-Unsubscribe: <url>` and `List-Unsubscribe-Post:
List-Unsubscribe=One-Click` (the client POSTs to the same URL).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import ngettext

from community.models import Member
from config import brand
from notifications.messages import message_for
from notifications.models import Notification

SUBJECT_MAX = 120
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# Old emails keep working for a season; after that the page sends members to their settings.
UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 180


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_token(member_id: int) -> str:
    """A signed, dated token naming the member: the only key the unsubscribe URL needs."""
    return signing.dumps(member_id, salt=UNSUBSCRIBE_SALT)


def member_id_for_unsubscribe_token(token: str) -> int | None:
    """The member a token was made for; None when it is forged, mangled or too old."""
    try:
        member_id = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    if not isinstance(member_id, int) or isinstance(member_id, bool):
        return None
    return member_id


def unsubscribe_url(member_id: int) -> str:
    return absolute_url(
        reverse("notification-unsubscribe", kwargs={"token": unsubscribe_token(member_id)})
    )


def _one_line(text: str) -> str:
    # Headers can't hold line breaks, and a title may hold anything a member typed.
    return Truncator(" ".join(text.split())).chars(SUBJECT_MAX)


def _build(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    member_id: int,
) -> EmailMultiAlternatives:
    unsubscribe = unsubscribe_url(member_id)
    context = {
        **context,
        **brand.email_context(),
        "site_url": settings.SITE_URL.rstrip("/"),
        "inbox_url": absolute_url(reverse("notification-inbox")),
        "preferences_url": absolute_url(reverse("notification-preferences")),
        "unsubscribe_url": unsubscribe,
    }
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    email = EmailMultiAlternatives(
        subject=f"[{settings.BRAND_NAME}] {_one_line(subject)}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # RFC 3834: machine-written, so out-of-office replies stay quiet.
            "Auto-Submitted": "auto-generated",
        },
    )
    email.attach_alternative(html, "text/html")
    return email


def _item(notification: Notification) -> dict[str, Any]:
    return {
        "message": message_for(notification),
        "url": absolute_url(
            reverse("notification-open", kwargs={"notification_id": notification.pk})
        ),
        "created_at": notification.created_at,
    }


def notification_message(*, notification: Notification, to: str) -> EmailMultiAlternatives:
    """One notification, emailed at once."""
    member: Member = notification.recipient
    with translation.override(settings.LANGUAGE_CODE):
        item = _item(notification)
        return _build(
            to=to,
            subject=item["message"],
            template="notification",
            context={"member": member, "item": item},
            member_id=member.pk,
        )


def digest_message(
    *, member: Member, notifications: Sequence[Notification], total: int, to: str
) -> EmailMultiAlternatives:
    """The daily digest: `notifications` listed (newest first), `total` in all."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext(
            "Your daily digest: %(count)d new notification",
            "Your daily digest: %(count)d new notifications",
            total,
        ) % {"count": total}
        return _build(
            to=to,
            subject=subject,
            template="digest",
            context={
                "member": member,
                "items": [_item(n) for n in notifications],
                "total": total,
                "more": max(0, total - len(notifications)),
            },
            member_id=member.pk,
        )
