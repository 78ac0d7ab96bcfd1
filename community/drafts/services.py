"""Saving and discarding drafts. Limits are checked before the write and held by the table:
one draft per member and form (a unique constraint), and at most MAX_DRAFTS a member."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.drafts.models import Draft
from community.models import Member

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}\Z")
TITLE_MAX, BODY_MAX = 150, 20000
# A member writes a handful of forms at once; this many is a script, not a person.
MAX_DRAFTS = 100
# The forms' keys (their data-draft-key): the ask form's, and each thread's answer form's.
ASK_DRAFT_KEY = "ask"


def answer_draft_key(thread_id: int) -> str:
    return f"thread-{thread_id}"


def draft_key_check(key: str) -> str:
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise ValidationError(
            {"key": _("Name the form with up to 64 lower-case letters, digits, - and _.")}
        )
    return key


def draft_save(*, member: Member, key: str, body: str, title: str = "") -> Draft:
    """Keep what the member typed in the form `key`, replacing their earlier draft of it."""
    draft_key_check(key)
    if len(title) > TITLE_MAX:
        raise ValidationError(
            {"title": _("A draft's title takes %(n)d characters at most.") % {"n": TITLE_MAX}}
        )
    if len(body) > BODY_MAX:
        raise ValidationError(
            {"body": _("A draft takes %(n)d characters at most.") % {"n": BODY_MAX}}
        )
    now = timezone.now()
    with transaction.atomic():
        # Under the member's row lock: two saves at once of a new form count the drafts in turn.
        Member.objects.select_for_update().filter(pk=member.pk).values_list("pk").get()
        updated = Draft.objects.filter(member=member, key=key).update(
            title=title, body=body, updated_at=now
        )
        if updated:
            return Draft.objects.get(member=member, key=key)
        if Draft.objects.filter(member=member).count() >= MAX_DRAFTS:
            raise ValidationError(
                {
                    "key": _("You have %(n)d drafts already: post or discard some.")
                    % {"n": MAX_DRAFTS}
                }
            )
        try:
            with transaction.atomic():
                return Draft.objects.create(
                    member=member, key=key, title=title, body=body, updated_at=now
                )
        except IntegrityError:  # saved meanwhile by a request that didn't take the lock
            Draft.objects.filter(member=member, key=key).update(
                title=title, body=body, updated_at=now
            )
            return Draft.objects.get(member=member, key=key)


def draft_discard(*, member_id: int, key: str) -> bool:
    """Forget the member's draft of `key`; False if there was none. Inside a posting
    transaction it goes or stays with the post."""
    deleted, _rows = Draft.objects.filter(member_id=member_id, key=key).delete()
    return bool(deleted)
