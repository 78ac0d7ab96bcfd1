"""notifications.selectors.member_for_unsubscribe_token: whom an email's link unsubscribes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from community.models import Member
from notifications import emails, selectors

pytestmark = pytest.mark.django_db


def test_a_token_names_its_active_member(asker: Member, helper: Member) -> None:
    token = emails.unsubscribe_token(asker.pk)

    assert selectors.member_for_unsubscribe_token(token=token) == asker


def test_a_forged_mangled_or_stale_token_names_nobody(asker: Member) -> None:
    token = emails.unsubscribe_token(asker.pk)
    forged = signing.dumps(asker.pk, salt="another-salt")

    assert selectors.member_for_unsubscribe_token(token=forged) is None
    assert selectors.member_for_unsubscribe_token(token=token[:-2] + "xx") is None
    with time_machine.travel(
        timezone.now() + timedelta(seconds=emails.UNSUBSCRIBE_MAX_AGE + 60), tick=False
    ):
        assert selectors.member_for_unsubscribe_token(token=token) is None


def test_a_deactivated_member_is_not_found(asker: Member) -> None:
    token = emails.unsubscribe_token(asker.pk)
    Member.objects.filter(pk=asker.pk).update(is_active=False)

    assert selectors.member_for_unsubscribe_token(token=token) is None
