"""A double submission of "Did this solve your problem?" (PostgreSQL only): one score kept;
two schedulers sending the questions that are due: each asked once.

Both requests take the thread's row lock; the second finds the first's score and gets the
same 409 as a later one would, and the partial unique index backs that up.
"""

from __future__ import annotations

from functools import partial

from django.utils import timezone

from community import services
from community.errors import Conflict
from support import events
from support.satisfaction.models import Satisfaction
from support.satisfaction.services import ask_after, satisfaction_ask_due, satisfaction_record
from tests import builders
from tests.builders import AN_HOUR, ask
from tests.concurrency import requires_postgresql, run_at_once, transactional
from tests.factories import MemberFactory

pytestmark = [requires_postgresql, transactional]


def test_two_simultaneous_ratings_keep_one_score_and_refuse_the_other() -> None:
    asker, helper = MemberFactory.create(), MemberFactory.create()
    thread = ask(author=asker, ago=AN_HOUR)
    answer = builders.answer(thread=thread, author=helper, ago=AN_HOUR)
    services.solution_accept(thread=thread, post=answer, actor=asker)

    results, errors = run_at_once(
        [
            partial(satisfaction_record, thread=thread, respondent=asker, score=score)
            for score in (1, 2, 3, 4)
        ]
    )

    assert len(results) == 1
    assert len(errors) == 3 and all(isinstance(error, Conflict) for error in errors)
    assert Satisfaction.objects.filter(thread=thread).count() == 1


def test_two_schedulers_at_once_ask_each_asker_once() -> None:
    helper = MemberFactory.create()
    askers = [MemberFactory.create() for _ in range(6)]
    for asker in askers:
        thread = ask(author=asker, ago=AN_HOUR)
        answer = builders.answer(thread=thread, author=helper, ago=AN_HOUR)
        services.solution_accept(thread=thread, post=answer, actor=asker)
    asked: list[int] = []

    def hear(signal: object, sender: object, **kwargs: object) -> None:
        asked.append(int(kwargs["member_id"]))  # type: ignore[call-overload]

    events.satisfaction_requested.connect(hear, dispatch_uid="test-two-schedulers")
    try:
        later = timezone.now() + ask_after()
        results, errors = run_at_once([partial(satisfaction_ask_due, now=later)] * 3)
    finally:
        events.satisfaction_requested.disconnect(dispatch_uid="test-two-schedulers")

    assert errors == []
    assert sum(results) == len(askers)
    assert sorted(asked) == sorted(a.pk for a in askers)
