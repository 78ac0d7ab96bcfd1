"""Helpers for the case and SLA tests (tests/support/test_cases_*, test_sla_*,
test_api_cases*, test_pages_cases*).

Content is written through the community's services (without the posting limits), and cases
through support's, so every counter and flag is what the real code leaves behind. Threads
are made old with a queryset update of `created_at`, as the SLA scan reads it.
"""

from __future__ import annotations

import itertools
from datetime import datetime

from django.utils import timezone

from community.models import Member, Thread
from support.cases.models import Case
from support.cases.services import case_escalate

_numbers = itertools.count(1)


def escalate(thread: Thread, actor: Member | None = None, message: str = "") -> Case:
    case, _opened = case_escalate(thread=thread, actor=actor or thread.author, message=message)
    return case


def iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()
