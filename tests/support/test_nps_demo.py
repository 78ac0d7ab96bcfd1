"""The demo's NPS answers (support.satisfaction.demo): months of them, one member still due;
and its cases, classified by category and root cause (support.demo)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from community.models import Member
from support.cases.models import Case
from support.satisfaction.demo import DEMO_NPS
from support.satisfaction.models import NpsResponse
from support.satisfaction.selectors import nps_due, nps_trend

pytestmark = pytest.mark.django_db


def test_the_demo_has_nps_answers_over_months_and_tom_is_asked_again() -> None:
    cache.clear()
    call_command("seed_demo", "--no-progress", stdout=StringIO(), stderr=StringIO())
    call_command("seed_demo", "--no-progress", stdout=StringIO(), stderr=StringIO())

    assert NpsResponse.objects.count() == len(DEMO_NPS)
    assert not NpsResponse.objects.filter(created_at__gt=timezone.now()).exists()
    months_with_answers = [month for month, nps in nps_trend() if nps.responses]
    assert len(months_with_answers) >= 4
    tom = Member.objects.get(username="tom")
    tom.last_login = timezone.now()
    assert nps_due(viewer=tom)
    assert not nps_due(viewer=Member.objects.get(username="sofia"))
    # Every demo case is classified, from lists of more than one entry each.
    cases = Case.objects.all()
    assert cases.exists() and not cases.filter(category__isnull=True).exists()
    assert not cases.filter(root_cause__isnull=True).exists()
    assert cases.values("category").distinct().count() > 1
