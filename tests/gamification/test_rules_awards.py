"""What each points rule pays, to whom, and that it commits or rolls back with the action."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from community import events as community_events
from community import services
from community.models import Board, Kudos, Member
from gamification.models import LedgerEntry, PointsRule, Reason, RuleKey
from gamification.services import rules
from tests.builders import answer, ask, board_make, member_make
from tests.gamification.helpers import entries, ledger_sum, reasons, score


@pytest.fixture
def board(db: None) -> Board:
    return board_make()


@pytest.fixture
def asker(db: None) -> Member:
    return member_make(username="asker")


@pytest.fixture
def helper(db: None) -> Member:
    return member_make(username="helper")


@pytest.fixture
def giver(db: None) -> Member:
    return member_make(username="giver")


def rule_set(key: str, *, points: int | None = None, enabled: bool = True) -> None:
    rule = PointsRule.objects.get(key=key)
    rule.enabled = enabled
    if points is not None:
        rule.points = points
    rule.save()


class Boom(Exception):
    pass


# --- what each rule pays --------------------------------------------------------------------


def test_asking_a_question_pays_the_asker_one_point_on_the_questions_board(
    asker: Member, board: Board
) -> None:
    thread = ask(asker, board)

    [entry] = entries(asker)
    assert (entry.reason, entry.points, entry.source) == (
        Reason.QUESTION_ASKED,
        1,
        f"thread:{thread.pk}",
    )
    assert entry.board_id == board.pk
    assert entry.actor_id == asker.pk
    assert entry.source_url == thread.get_absolute_url()
    assert score(asker) == 1


def test_answering_pays_two_points_and_a_fast_first_answer_five_more(
    asker: Member, helper: Member, board: Board
) -> None:
    thread = ask(asker, board)
    post = answer(helper, thread)

    assert reasons(helper) == [(Reason.ANSWER_POSTED, 2), (Reason.FAST_ANSWER, 5)]
    assert {e.source for e in entries(helper)} == {f"post:{post.pk}", f"fast:{post.pk}"}
    assert score(helper) == 7
    assert score(asker) == 1  # the asker's question only


def test_kudos_on_an_answer_pay_its_author_ten_points(
    asker: Member, helper: Member, giver: Member, board: Board
) -> None:
    post = answer(helper, ask(asker, board))
    before = score(helper)

    kudos, created = services.kudos_give(giver=giver, post=post)

    assert created
    [entry] = entries(helper, reason=Reason.KUDOS_ON_ANSWER)
    assert (entry.points, entry.source, entry.actor_id) == (10, f"kudos:{kudos.pk}", giver.pk)
    assert entry.board_id == board.pk
    assert score(helper) == before + 10
    assert ledger_sum(giver) == 0  # giving is free and earns nothing


def test_kudos_on_a_question_pay_its_asker_five_points(
    asker: Member, giver: Member, board: Board
) -> None:
    thread = ask(asker, board)

    kudos, _created = services.kudos_give(giver=giver, thread=thread)

    [entry] = entries(asker, reason=Reason.KUDOS_ON_QUESTION)
    assert (entry.points, entry.source) == (5, f"kudos:{kudos.pk}")
    assert score(asker) == 1 + 5


def test_accepting_a_solution_pays_the_answerer_fifteen_and_the_asker_two(
    asker: Member, helper: Member, board: Board
) -> None:
    thread = ask(asker, board)
    post = answer(helper, thread)
    before_asker, before_helper = score(asker), score(helper)

    services.solution_accept(thread=thread, post=post, actor=asker)

    [paid_helper] = entries(helper, reason=Reason.SOLUTION_ANSWERER)
    [paid_asker] = entries(asker, reason=Reason.SOLUTION_ASKER)
    assert (paid_helper.points, paid_helper.source) == (15, f"solution:{post.pk}#1")
    assert (paid_asker.points, paid_asker.source) == (2, f"solution:{post.pk}#1")
    assert score(helper) == before_helper + 15
    assert score(asker) == before_asker + 2


def test_a_moderator_accepting_the_solution_pays_the_answerer_and_the_asker_not_the_moderator(
    asker: Member, helper: Member, moderator: Member, board: Board
) -> None:
    thread = ask(asker, board)
    post = answer(helper, thread)

    services.solution_accept(thread=thread, post=post, actor=moderator)

    assert ledger_sum(helper, reason=Reason.SOLUTION_ANSWERER) == 15
    assert ledger_sum(asker, reason=Reason.SOLUTION_ASKER) == 2
    assert entries(moderator) == []


# --- the configured rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        RuleKey.QUESTION_ASKED,
        RuleKey.ANSWER_POSTED,
        RuleKey.FAST_ANSWER,
        RuleKey.KUDOS_ON_ANSWER,
        RuleKey.KUDOS_ON_QUESTION,
        RuleKey.SOLUTION_ANSWERER,
        RuleKey.SOLUTION_ASKER,
    ],
)
def test_a_disabled_rule_pays_nothing_while_the_others_still_pay(
    key: str, asker: Member, helper: Member, giver: Member, board: Board
) -> None:
    rule_set(key, enabled=False)

    thread = ask(asker, board)
    post = answer(helper, thread)
    services.kudos_give(giver=giver, post=post)
    services.kudos_give(giver=giver, thread=thread)
    services.solution_accept(thread=thread, post=post, actor=asker)

    paid = set(LedgerEntry.objects.values_list("reason", flat=True))
    assert key not in paid
    assert paid == {k.value for k in RuleKey} - {key}


@pytest.mark.parametrize(
    ("key", "who", "points"),
    [
        (RuleKey.QUESTION_ASKED, "asker", 3),
        (RuleKey.ANSWER_POSTED, "helper", 4),
        (RuleKey.FAST_ANSWER, "helper", 8),
        (RuleKey.KUDOS_ON_ANSWER, "helper", 25),
        (RuleKey.KUDOS_ON_QUESTION, "asker", 7),
        (RuleKey.SOLUTION_ANSWERER, "helper", 40),
        (RuleKey.SOLUTION_ASKER, "asker", 6),
    ],
)
def test_changed_points_in_a_rule_are_what_it_pays_from_then_on(
    key: str, who: str, points: int, asker: Member, helper: Member, giver: Member, board: Board
) -> None:
    rule_set(key, points=points)

    thread = ask(asker, board)
    post = answer(helper, thread)
    services.kudos_give(giver=giver, post=post)
    services.kudos_give(giver=giver, thread=thread)
    services.solution_accept(thread=thread, post=post, actor=asker)

    member = {"asker": asker, "helper": helper}[who]
    assert ledger_sum(member, reason=key) == points


def test_a_rule_switched_off_after_an_award_leaves_the_award_standing(
    asker: Member, board: Board
) -> None:
    ask(asker, board)
    rule_set(RuleKey.QUESTION_ASKED, enabled=False)

    ask(asker, board)

    assert reasons(asker) == [(Reason.QUESTION_ASKED, 1)]


# --- nothing for your own content -----------------------------------------------------------


def test_answering_your_own_question_earns_nothing(asker: Member, board: Board) -> None:
    thread = ask(asker, board)

    answer(asker, thread)

    assert reasons(asker) == [(Reason.QUESTION_ASKED, 1)]


def test_accepting_your_own_answer_pays_neither_side(asker: Member, board: Board) -> None:
    thread = ask(asker, board)
    own = answer(asker, thread)

    services.solution_accept(thread=thread, post=own, actor=asker)

    assert reasons(asker) == [(Reason.QUESTION_ASKED, 1)]


def test_your_own_answer_does_not_stop_the_first_answer_by_someone_else_being_fast(
    asker: Member, helper: Member, board: Board
) -> None:
    thread = ask(asker, board)
    answer(asker, thread)  # a follow-up by the asker

    answer(helper, thread)

    assert ledger_sum(helper, reason=Reason.FAST_ANSWER) == 5


def test_kudos_to_yourself_sent_as_an_event_pay_nothing(
    asker: Member, helper: Member, board: Board
) -> None:
    # The service refuses it; the rule must not pay even if such a row got written.
    post = answer(helper, ask(asker, board))
    kudos = Kudos.objects.create(giver=helper, receiver=helper, post=post)

    rules.on_kudos_given(kudos_id=kudos.pk, actor_id=helper.pk)

    assert entries(helper, reason=Reason.KUDOS_ON_ANSWER) == []


# --- the same transaction as the action ----------------------------------------------------


def test_kudos_rolled_back_by_a_later_receivers_error_leave_no_ledger_row(
    asker: Member, helper: Member, giver: Member, board: Board
) -> None:
    post = answer(helper, ask(asker, board))
    before = score(helper)

    def fail(**kwargs: Any) -> None:
        raise Boom

    # Connected after gamification's receiver, so it runs after the ledger row was written.
    community_events.kudos_given.connect(fail, weak=False, dispatch_uid="test-boom")
    try:
        with pytest.raises(Boom):
            services.kudos_give(giver=giver, post=post)
    finally:
        community_events.kudos_given.disconnect(dispatch_uid="test-boom")

    assert not Kudos.objects.exists()
    assert entries(helper, reason=Reason.KUDOS_ON_ANSWER) == []
    assert score(helper) == before


@pytest.mark.parametrize("action", ["ask", "answer", "kudos", "solution"])
def test_an_action_rolled_back_by_its_caller_takes_its_points_with_it(
    action: str, asker: Member, helper: Member, giver: Member, board: Board
) -> None:
    thread = ask(asker, board)
    post = answer(helper, thread)
    ledger_before = LedgerEntry.objects.count()
    totals_before = (score(asker), score(helper))

    with pytest.raises(Boom), transaction.atomic():
        if action == "ask":
            ask(asker, board)
        elif action == "answer":
            answer(giver, thread)
        elif action == "kudos":
            services.kudos_give(giver=giver, post=post)
        else:
            services.solution_accept(thread=thread, post=post, actor=asker)
        assert LedgerEntry.objects.count() > ledger_before  # paid inside the transaction
        raise Boom

    assert LedgerEntry.objects.count() == ledger_before
    assert (score(asker), score(helper)) == totals_before
    assert score(giver) == 0


# --- idempotency ----------------------------------------------------------------------------


def test_each_rule_called_twice_with_the_same_ids_pays_once(
    asker: Member, helper: Member, giver: Member, board: Board
) -> None:
    thread = ask(asker, board)
    post = answer(helper, thread)
    kudos, _ = services.kudos_give(giver=giver, post=post)
    services.solution_accept(thread=thread, post=post, actor=asker)
    paid = LedgerEntry.objects.count()
    totals = (score(asker), score(helper))

    rules.on_thread_created(thread_id=thread.pk, actor_id=asker.pk)
    rules.on_post_created(post_id=post.pk, actor_id=helper.pk)
    rules.on_kudos_given(kudos_id=kudos.pk, actor_id=giver.pk)
    rules.on_solution_accepted(thread_id=thread.pk, post_id=post.pk, actor_id=asker.pk)

    assert LedgerEntry.objects.count() == paid
    assert (score(asker), score(helper)) == totals


def test_the_same_community_events_sent_twice_pay_once(
    asker: Member, helper: Member, giver: Member, board: Board
) -> None:
    thread = ask(asker, board)
    post = answer(helper, thread)
    kudos, _ = services.kudos_give(giver=giver, post=post)
    services.solution_accept(thread=thread, post=post, actor=asker)
    paid = LedgerEntry.objects.count()
    totals = (score(asker), score(helper))

    for _ in range(2):
        community_events.thread_created.send(
            sender=None, thread_id=thread.pk, board_id=board.pk, actor_id=asker.pk
        )
        community_events.post_created.send(
            sender=None, post_id=post.pk, thread_id=thread.pk, actor_id=helper.pk
        )
        community_events.kudos_given.send(
            sender=Kudos,
            kudos_id=kudos.pk,
            thread_id=None,
            post_id=post.pk,
            receiver_id=helper.pk,
            actor_id=giver.pk,
        )
        community_events.solution_accepted.send(
            sender=None, thread_id=thread.pk, post_id=post.pk, actor_id=asker.pk
        )

    assert LedgerEntry.objects.count() == paid
    assert (score(asker), score(helper)) == totals


def test_accepting_the_same_solution_again_changes_nothing(
    asker: Member, helper: Member, board: Board
) -> None:
    thread = ask(asker, board)
    post = answer(helper, thread)
    services.solution_accept(thread=thread, post=post, actor=asker)
    paid = LedgerEntry.objects.count()

    services.solution_accept(thread=thread, post=post, actor=asker)

    assert LedgerEntry.objects.count() == paid
