"""Escalations racing each other (PostgreSQL only): one active case per thread, whoever wins.

A double click, the asker and a moderator at once: every caller gets the same case, and the
partial unique index, not luck, is what guarantees it.
"""

from __future__ import annotations

from functools import partial

from community.models import Member
from support.cases.models import Case, CaseEvent
from support.cases.services import case_escalate
from tests.builders import agent_make, ask, moderator_make, new_member_make
from tests.concurrency import requires_postgresql, run_at_once, transactional


@requires_postgresql
@transactional
def test_concurrent_escalations_of_one_thread_open_one_case() -> None:
    agent_make()
    asker: Member = new_member_make()
    moderators = [moderator_make() for _ in range(3)]
    thread = ask(asker)
    actors = [asker, asker, asker, *moderators]

    results, errors = run_at_once(
        [partial(case_escalate, thread=thread, actor=actor) for actor in actors]
    )

    assert errors == []
    cases = {case.pk for case, _opened in results}
    assert len(cases) == 1
    assert sum(opened for _case, opened in results) == 1
    assert Case.objects.filter(thread=thread).count() == 1
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.OPENED).count() == 1
    thread.refresh_from_db()
    assert thread.is_escalated is True
