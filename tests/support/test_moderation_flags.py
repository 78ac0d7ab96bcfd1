"""Flags: who may flag, how much each flag weighs, hiding at the threshold, and the review."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community.errors import Conflict
from community.models import HiddenReason, Member, Post, Thread
from support.cases.models import Case, CaseReason
from support.moderation import sanctions
from support.moderation import services as moderation
from support.moderation.models import Flag, FlagStatus, ModerationAction
from tests.builders import answer, ask, board_make
from tests.support.moderation_factories import (
    EXPERT,
    HELPER,
    MEMBER,
    NEWCOMER,
    moderation_announced,
    rank,
    ranked,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(asker: Member) -> Thread:
    return ask(asker, board_make(), title="Roaming charges in Norway")


@pytest.fixture
def post(thread: Thread, helper: Member) -> Post:
    return answer(helper, thread, body="Buy followers at cheap-followers dot example!")


def past_flags(flagger: Member, *, upheld: int = 0, rejected: int = 0) -> None:
    """Give `flagger` a record of judged flags on other people's questions."""
    author = ranked(NEWCOMER)
    board = board_make()
    for status in [FlagStatus.UPHELD] * upheld + [FlagStatus.REJECTED] * rejected:
        Flag.objects.create(
            flagger=flagger, thread=ask(author, board), kind="spam", status=status, weight=1
        )


def test_a_member_of_member_rank_flags_an_answer(post: Post) -> None:
    flagger = ranked(MEMBER)

    flag = moderation.flag_create(flagger=flagger, post=post, kind="spam", note=" Spam link ")

    assert (flag.thread_id, flag.post_id, flag.kind, flag.note) == (
        post.thread_id,
        post.pk,
        "spam",
        "Spam link",
    )
    assert flag.status == FlagStatus.OPEN


def test_flagging_unlocks_at_the_member_rank(post: Post) -> None:
    newcomer = ranked(NEWCOMER)

    with pytest.raises(PermissionDenied, match="Flagging unlocks at the Member rank."):
        moderation.flag_create(flagger=newcomer, post=post, kind="spam")
    assert not Flag.objects.exists()


def test_staff_may_flag_whatever_their_points(post: Post, agent: Member) -> None:
    assert moderation.flag_create(flagger=agent, post=post, kind="offensive").pk


def test_nobody_flags_their_own_post(post: Post, helper: Member) -> None:
    helper = rank(helper, HELPER)

    with pytest.raises(PermissionDenied, match="own post"):
        moderation.flag_create(flagger=helper, post=post, kind="spam")


def test_a_second_flag_on_the_same_item_is_a_conflict(post: Post, thread: Thread) -> None:
    flagger = ranked(MEMBER)
    moderation.flag_create(flagger=flagger, post=post, kind="spam")

    with pytest.raises(Conflict, match="You already flagged this."):
        moderation.flag_create(flagger=flagger, post=post, kind="offensive")
    # The question is another item.
    assert moderation.flag_create(flagger=flagger, thread=thread, kind="off_topic").pk


@pytest.mark.parametrize(
    ("kind", "note", "field"),
    [("rude", "", "kind"), ("", "", "kind"), ("spam", "x" * 501, "note")],
)
def test_an_unknown_kind_or_a_long_note_is_refused(
    post: Post, kind: str, note: str, field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        moderation.flag_create(flagger=ranked(MEMBER), post=post, kind=kind, note=note)
    assert field in error.value.message_dict


@pytest.mark.parametrize(("level", "weight"), [(MEMBER, 2.0), (HELPER, 2.5), (EXPERT, 3.0)])
def test_the_weight_of_a_first_flag_grows_with_the_rank(level: int, weight: float) -> None:
    assert moderation.flag_weight(flagger=ranked(level)) == weight


def test_staff_weigh_at_least_as_much_as_a_helper(moderator: Member) -> None:
    assert moderation.flag_weight(flagger=moderator) == 2.5


@pytest.mark.parametrize(
    ("upheld", "rejected", "weight"),
    [
        (0, 0, 2.0),  # no record: accuracy 1
        (3, 0, 3.2),  # 2 * 4/5 = 1.6
        (0, 3, 0.8),  # 2 * 1/5 = 0.4
        (5, 5, 2.0),  # half right: 1
    ],
)
def test_past_accuracy_scales_the_weight(upheld: int, rejected: int, weight: float) -> None:
    flagger = ranked(MEMBER)
    past_flags(flagger, upheld=upheld, rejected=rejected)

    assert moderation.flag_weight(flagger=flagger) == pytest.approx(weight)


def test_two_trusted_flags_hide_an_answer_and_open_a_case_for_its_author(
    post: Post, helper: Member
) -> None:
    first, second = ranked(HELPER), ranked(HELPER)

    with moderation_announced() as announced:
        moderation.flag_create(flagger=first, post=post, kind="spam")
        post.refresh_from_db()
        assert not post.is_hidden  # 2.5 < 3
        moderation.flag_create(flagger=second, post=post, kind="spam")

    post.refresh_from_db()
    assert post.hidden_reason == HiddenReason.FLAGGED
    action = ModerationAction.objects.get()
    assert (action.kind, action.actor, action.member, action.post_id, action.reason) == (
        ModerationAction.Kind.HIDE,
        None,
        helper,
        post.pk,
        "flags",
    )
    assert action.data["score"] == 5.0
    assert [call["action_id"] for call in announced.calls] == [action.pk]
    case = Case.objects.get()
    assert (case.reason, case.customer, case.thread) == (CaseReason.FLAGGED, helper, None)


def test_one_expert_with_a_clean_record_hides_a_question_alone(
    thread: Thread, asker: Member
) -> None:
    moderation.flag_create(flagger=ranked(EXPERT), thread=thread, kind="offensive")

    thread.refresh_from_db()
    assert thread.hidden_reason == HiddenReason.FLAGGED
    case = Case.objects.get()
    assert (case.reason, case.customer, case.thread) == (CaseReason.FLAGGED, asker, thread)


def test_an_expert_whose_flags_were_mostly_rejected_cannot_hide_alone(thread: Thread) -> None:
    expert = ranked(EXPERT)
    past_flags(expert, upheld=1, rejected=3)  # accuracy 2 * 2/6: weight 2.0

    moderation.flag_create(flagger=expert, thread=thread, kind="offensive")

    thread.refresh_from_db()
    assert not thread.is_hidden


def test_flags_from_members_below_helper_never_hide_however_many(post: Post) -> None:
    for _ in range(5):
        moderation.flag_create(flagger=ranked(MEMBER), post=post, kind="spam")

    post.refresh_from_db()
    assert not post.is_hidden
    assert moderation.trusted_score(thread_id=post.thread_id, post_id=post.pk) == 0


def test_a_personal_data_flag_opens_a_sensitive_case_at_once(thread: Thread, asker: Member) -> None:
    flagger = ranked(MEMBER)

    moderation.flag_create(flagger=flagger, thread=thread, kind="sensitive", note="a phone no.")

    case = Case.objects.get()
    assert (case.reason, case.customer, case.thread) == (CaseReason.SENSITIVE, asker, thread)
    thread.refresh_from_db()
    assert not thread.is_hidden  # an agent decides


def test_a_silenced_member_cannot_flag(post: Post, moderator: Member) -> None:
    flagger = ranked(MEMBER)
    sanctions.sanction_create(
        actor=moderator, member=flagger, kind="silence", days=2, reason="Flag spam"
    )

    with pytest.raises(PermissionDenied, match="silenced"):
        moderation.flag_create(flagger=flagger, post=post, kind="spam")


# --- review --------------------------------------------------------------------------------


def test_upholding_hides_the_item_and_raises_the_flaggers_accuracy(
    post: Post, moderator: Member
) -> None:
    flagger = ranked(MEMBER)
    moderation.flag_create(flagger=flagger, post=post, kind="spam")

    action = moderation.flags_uphold(actor=moderator, post=post, reason="Link spam")

    post.refresh_from_db()
    assert post.hidden_reason == HiddenReason.MODERATOR
    flag = Flag.objects.get()
    assert (flag.status, flag.reviewed_by) == (FlagStatus.UPHELD, moderator)
    assert flag.reviewed_at is not None
    assert (action.kind, action.actor, action.reason) == (
        ModerationAction.Kind.FLAG_UPHELD,
        moderator,
        "Link spam",
    )
    assert moderation.flag_weight(flagger=flagger) > 2.0


def test_rejecting_restores_what_the_flags_hid_and_lowers_accuracy(
    post: Post, moderator: Member
) -> None:
    flaggers = [ranked(HELPER), ranked(HELPER)]
    for flagger in flaggers:
        moderation.flag_create(flagger=flagger, post=post, kind="offensive")
    post.refresh_from_db()
    assert post.hidden_reason == HiddenReason.FLAGGED

    moderation.flags_reject(actor=moderator, post=post, reason="A fair complaint")

    post.refresh_from_db()
    assert not post.is_hidden
    assert set(Flag.objects.values_list("status", flat=True)) == {FlagStatus.REJECTED}
    assert moderation.flag_weight(flagger=flaggers[0]) < 2.5


def test_rejecting_flags_leaves_a_moderators_hide_alone(post: Post, moderator: Member) -> None:
    moderation.moderation_content_hide(actor=moderator, post=post, reason="Rude")
    moderation.flag_create(flagger=ranked(MEMBER), post=post, kind="spam")

    moderation.flags_reject(actor=moderator, post=post)

    post.refresh_from_db()
    assert post.hidden_reason == HiddenReason.MODERATOR


def test_only_moderators_review_flags(post: Post, agent: Member) -> None:
    moderation.flag_create(flagger=ranked(MEMBER), post=post, kind="spam")

    for reviewer in (agent, ranked(EXPERT)):
        with pytest.raises(PermissionDenied):
            moderation.flags_uphold(actor=reviewer, post=post)
        with pytest.raises(PermissionDenied):
            moderation.flags_reject(actor=reviewer, post=post)
    assert Flag.objects.get().status == FlagStatus.OPEN


def test_reviewing_an_item_without_open_flags_is_a_conflict(post: Post, moderator: Member) -> None:
    with pytest.raises(Conflict):
        moderation.flags_uphold(actor=moderator, post=post)


def test_flags_on_the_question_and_on_an_answer_are_reviewed_apart(
    thread: Thread, post: Post, moderator: Member
) -> None:
    flagger = ranked(MEMBER)
    moderation.flag_create(flagger=flagger, thread=thread, kind="off_topic")
    moderation.flag_create(flagger=flagger, post=post, kind="spam")

    moderation.flags_reject(actor=moderator, thread=thread)

    assert Flag.objects.get(post=post).status == FlagStatus.OPEN
    assert Flag.objects.get(post=None).status == FlagStatus.REJECTED
