"""The demo's canned replies: seeded once each, shared ones for every agent and a personal one,
and each fills in for a demo case without a placeholder left over."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from community.models import Member
from support.canned.models import CannedReply
from support.canned.selectors import canned_replies_for_case
from support.cases.models import Case
from support.demo import DEMO_CANNED_REPLIES

pytestmark = pytest.mark.django_db


def test_seeding_twice_leaves_each_demo_canned_reply_once_ready_for_a_case() -> None:
    for _ in range(2):
        call_command("seed_demo", "--no-progress", stdout=StringIO(), stderr=StringIO())

    assert CannedReply.objects.count() == len(DEMO_CANNED_REPLIES)
    assert {True, False} <= set(CannedReply.objects.values_list("shared", flat=True))
    agent = Member.objects.get(username="agnes")
    case = Case.objects.select_related("customer", "thread").exclude(thread=None).first()
    assert case is not None
    filled = canned_replies_for_case(agent=agent, case=case)
    assert len(filled) == len(DEMO_CANNED_REPLIES)
    assert any(case.customer.name in item.text for item in filled)
    assert all("{" not in item.text for item in filled)
