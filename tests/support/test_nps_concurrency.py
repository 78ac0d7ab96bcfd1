"""Two NPS answers sent at once by the same member (PostgreSQL only): one 201, one 409.

Both requests take the member's row lock; the second finds the first's answer and gets the
same 409 as a later one would (support.satisfaction.services.nps_record).
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.db import connections

from support.satisfaction.models import NpsResponse
from tests.builders import api_client, member_make
from tests.concurrency import requires_postgresql, run_at_once, transactional

pytestmark = [requires_postgresql, transactional]


def test_two_answers_at_once_give_one_201_and_one_409() -> None:
    member = member_make(joined_ago=timedelta(days=60))
    clients = [api_client(member), api_client(member)]

    def post(score: int) -> int:
        client = clients[score % 2]
        return client.post("/api/v1/nps/", {"score": score}, "json").status_code

    results, errors = run_at_once([lambda: post(9), lambda: post(2)])
    connections.close_all()

    assert errors == []
    assert sorted(results) == [201, 409]
    assert NpsResponse.objects.filter(respondent=member).count() == 1


def test_many_answers_at_once_keep_one() -> None:
    member = member_make(joined_ago=timedelta(days=60))
    client = api_client(member)

    def post(score: int) -> int:
        return client.post("/api/v1/nps/", {"score": score}, "json").status_code

    results, errors = run_at_once([partial(post, s) for s in range(6)])

    assert errors == []
    assert sorted(results) == [201, 409, 409, 409, 409, 409]
    assert NpsResponse.objects.filter(respondent=member).count() == 1
