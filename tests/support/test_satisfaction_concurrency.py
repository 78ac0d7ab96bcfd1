"""A double submission of "Did this solve your problem?" (PostgreSQL only): one score kept.

Both requests take the thread's row lock; the second finds the first's score and gets the
same 409 as a later one would, and the partial unique index backs that up.
"""

from __future__ import annotations

from functools import partial

from community import services
from community.errors import Conflict
from support.satisfaction.models import Satisfaction
from support.satisfaction.services import satisfaction_record
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
