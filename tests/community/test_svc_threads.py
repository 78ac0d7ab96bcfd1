"""community.services for questions: ask, edit, delete, lock, follow and count views."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import resolve
from django.utils import timezone

from community import events, pagecache, services
from community.models import Board, Member, Mention, Revision, Subscription, Tag, Thread
from community.services import threads as thread_services
from tests.builders import QUESTION_BODY, answer, board_make
from tests.community.svc_factories import capture_events, make_tag
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def board() -> Board:
    return board_make()


@pytest.fixture
def tags() -> dict[str, Tag]:
    return {slug: make_tag(slug) for slug in ("billing", "roaming", "sim", "esim", "5g", "wifi")}


def create(author: Member, board: Board, **kwargs: Any) -> Thread:
    kwargs.setdefault("title", "How do I top up my card?")
    kwargs.setdefault("body", QUESTION_BODY)
    kwargs.setdefault("check_limits", False)
    return services.thread_create(author=author, board=board, **kwargs)


def field_error(caught: pytest.ExceptionInfo[ValidationError], name: str) -> str:
    return " ".join(caught.value.message_dict[name])


# --- thread_create: validation -------------------------------------------------------------


def test_asking_folds_the_whitespace_of_the_title_and_strips_the_body(
    asker: Member, board: Board
) -> None:
    thread = create(
        asker, board, title="  How   do I\n\ttop up  my card? ", body=f"\n {QUESTION_BODY} \n"
    )
    thread.refresh_from_db()
    assert thread.title == "How do I top up my card?"
    assert thread.body == QUESTION_BODY
    assert thread.body_text == QUESTION_BODY
    assert thread.author == asker and thread.board == board


@pytest.mark.parametrize("title", ["x" * 10, "y" * 150, "  a b c d e f   "])
def test_titles_of_10_to_150_characters_after_folding_are_accepted(
    asker: Member, board: Board, title: str
) -> None:
    assert create(asker, board, title=title).title == " ".join(title.split())


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("x" * 9, "at least 10"),
        # Eleven characters typed, five left once the runs of spaces are folded.
        ("a    b   c", "at least 10"),
        ("y" * 151, "150 characters at most"),
    ],
)
def test_a_title_outside_10_to_150_characters_is_refused(
    asker: Member, board: Board, title: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        create(asker, board, title=title)
    assert message in field_error(caught, "title")


@pytest.mark.parametrize(
    ("body", "message"),
    [("x" * 19, "at least 20"), ("  " + "x" * 19 + "  ", "at least 20"), ("x" * 20001, "20000")],
)
def test_a_question_body_outside_20_to_20000_characters_is_refused(
    asker: Member, board: Board, body: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        create(asker, board, body=body)
    assert message in field_error(caught, "body")


@pytest.mark.parametrize("length", [20, 20000])
def test_question_bodies_at_both_limits_are_accepted(
    asker: Member, board: Board, length: int
) -> None:
    assert len(create(asker, board, body="x" * length).body) == length


def test_five_tags_are_accepted_and_a_sixth_is_refused(
    asker: Member, board: Board, tags: dict[str, Tag]
) -> None:
    five = ["billing", "roaming", "sim", "esim", "5g"]
    thread = create(asker, board, tags=five)
    assert sorted(t.slug for t in thread.tags.all()) == sorted(five)

    with pytest.raises(ValidationError) as caught:
        create(asker, board, title="Another question here", tags=[*five, "wifi"])
    assert "at most 5" in field_error(caught, "tags")


def test_tags_are_matched_case_insensitively_and_counted_once(
    asker: Member, board: Board, tags: dict[str, Tag]
) -> None:
    thread = create(asker, board, tags=["Billing", " billing ", "SIM", ""])
    assert sorted(t.slug for t in thread.tags.all()) == ["billing", "sim"]
    assert Tag.objects.get(slug="billing").thread_count == 1


def test_unknown_tags_are_refused_and_named(
    asker: Member, board: Board, tags: dict[str, Tag]
) -> None:
    with pytest.raises(ValidationError) as caught:
        create(asker, board, tags=["billing", "zzz-nope", "made-up"])
    message = field_error(caught, "tags")
    assert "made-up" in message and "zzz-nope" in message
    assert "billing" not in message


@pytest.mark.parametrize(
    "kwargs",
    [
        {"title": "short"},
        {"body": "too short"},
        {"tags": ["unknown-tag"]},
        {"tags": ["billing", "roaming", "sim", "esim", "5g", "wifi"]},
    ],
)
def test_nothing_is_written_or_announced_when_a_question_is_refused(
    asker: Member, helper: Member, board: Board, tags: dict[str, Tag], kwargs: dict[str, Any]
) -> None:
    kwargs.setdefault("body", f"Hello @{helper.username}, {QUESTION_BODY}")
    with capture_events() as sent, pytest.raises(ValidationError):
        create(asker, board, **kwargs)
    assert sent.calls == []
    assert not Thread.objects.exists()
    assert not Subscription.objects.exists()
    assert not Mention.objects.exists()
    board.refresh_from_db()
    assert (board.thread_count, board.last_activity_at) == (0, None)
    assert set(Tag.objects.values_list("thread_count", flat=True)) == {0}


# --- thread_create: what it writes ---------------------------------------------------------


def test_asking_counts_the_question_on_its_board_and_tags(
    asker: Member, board: Board, tags: dict[str, Tag]
) -> None:
    other_board = board_make(name="Roaming")
    first = create(asker, board, tags=["billing", "sim"])
    second = create(asker, board, title="A second question here", tags=["billing"])

    board.refresh_from_db()
    other_board.refresh_from_db()
    assert board.thread_count == 2
    assert board.last_activity_at == second.created_at
    assert first.last_activity_at == first.created_at
    assert (other_board.thread_count, other_board.last_activity_at) == (0, None)
    counts = dict(Tag.objects.values_list("slug", "thread_count"))
    assert counts == {"billing": 2, "sim": 1, "roaming": 0, "esim": 0, "5g": 0, "wifi": 0}


def test_the_asker_follows_their_question(asker: Member, board: Board) -> None:
    thread = create(asker, board)
    assert list(Subscription.objects.values_list("member", "thread")) == [(asker.pk, thread.pk)]


def test_mentions_in_a_question_are_recorded_once_and_never_for_the_asker(
    asker: Member, helper: Member, outsider: Member, board: Board
) -> None:
    body = (
        f"@{helper.username} and @{helper.username.upper()} again, @{asker.username} myself, "
        "and @nobody-by-that-name: my card was charged twice."
    )
    with capture_events() as sent:
        thread = create(asker, board, body=body)

    mention = Mention.objects.get()
    assert (mention.member, mention.thread, mention.post) == (helper, thread, None)
    assert sent.of("member_mentioned") == [
        {
            "mention_id": mention.pk,
            "member_id": helper.pk,
            "thread_id": thread.pk,
            "post_id": None,
            "actor_id": asker.pk,
        }
    ]


def test_asking_announces_thread_created_with_ids_and_the_actor(
    asker: Member, board: Board
) -> None:
    with capture_events() as sent:
        thread = create(asker, board)
    assert sent.calls == [
        ("thread_created", {"thread_id": thread.pk, "board_id": board.pk, "actor_id": asker.pk})
    ]


def test_thread_created_is_sent_inside_the_transaction_so_a_failing_receiver_undoes_it(
    asker: Member, board: Board, tags: dict[str, Tag]
) -> None:
    def refuse(**kwargs: Any) -> None:
        raise RuntimeError("the ledger is down")

    events.thread_created.connect(refuse, weak=False, dispatch_uid="svc-refuse")
    try:
        with pytest.raises(RuntimeError):
            create(asker, board, tags=["billing"])
    finally:
        events.thread_created.disconnect(dispatch_uid="svc-refuse")
    assert not Thread.objects.exists()
    assert not Subscription.objects.exists()
    board.refresh_from_db()
    assert board.thread_count == 0
    assert Tag.objects.get(slug="billing").thread_count == 0


def test_after_commit_work_is_dropped_when_the_question_rolls_back(
    asker: Member,
    board: Board,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    pushed: list[int] = []

    def push_later(*, thread_id: int, **kwargs: Any) -> None:
        transaction.on_commit(lambda: pushed.append(thread_id))

    def refuse(**kwargs: Any) -> None:
        raise RuntimeError("the ledger is down")

    events.thread_created.connect(push_later, weak=False, dispatch_uid="svc-push-later")
    events.thread_created.connect(refuse, weak=False, dispatch_uid="svc-refuse")
    try:
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
            create(asker, board)
    finally:
        events.thread_created.disconnect(dispatch_uid="svc-push-later")
        events.thread_created.disconnect(dispatch_uid="svc-refuse")
    assert pushed == []
    assert not Thread.objects.exists()


# --- thread_update --------------------------------------------------------------------------


def test_editing_a_question_keeps_a_revision_of_title_body_and_tags(
    asker: Member, board: Board, tags: dict[str, Tag]
) -> None:
    thread = create(asker, board, tags=["sim", "billing"])
    assert thread.edited_at is None
    new_body = "Edited: my phone stopped charging after the update to 14.2."
    with capture_events() as sent:
        services.thread_update(
            thread=thread,
            editor=asker,
            title="  Phone stops   charging after update ",
            body=new_body,
            tags=["roaming", "billing"],
        )

    revision = Revision.objects.get()
    assert (revision.thread, revision.post, revision.editor) == (thread, None, asker)
    assert revision.title_before == "How do I top up my card?"
    assert revision.title_after == "Phone stops charging after update"
    assert (revision.body_before, revision.body_after) == (QUESTION_BODY, new_body)
    assert (revision.tags_before, revision.tags_after) == ("billing, sim", "billing, roaming")
    thread.refresh_from_db()
    assert thread.title == "Phone stops charging after update"
    assert thread.body == new_body and thread.body_text == new_body
    assert thread.edited_at == revision.created_at
    assert sorted(t.slug for t in thread.tags.all()) == ["billing", "roaming"]
    assert sent.calls == [
        (
            "thread_updated",
            {"thread_id": thread.pk, "actor_id": asker.pk, "revision_id": revision.pk},
        )
    ]


def test_saving_a_question_unchanged_keeps_no_revision(
    asker: Member, board: Board, tags: dict[str, Tag]
) -> None:
    thread = create(asker, board, tags=["sim", "billing"])
    with capture_events() as sent:
        services.thread_update(
            thread=thread,
            editor=asker,
            title=" How do I  top up my card? ",
            body=f"{QUESTION_BODY}\n",
            tags=["billing", "SIM"],
        )
    assert sent.calls == []
    assert not Revision.objects.exists()
    thread.refresh_from_db()
    assert thread.edited_at is None


def test_another_member_may_not_edit_a_question(
    asker: Member, outsider: Member, board: Board, tags: dict[str, Tag]
) -> None:
    thread = create(asker, board, tags=["sim"])
    for kwargs in ({"title": "Hijacked title here"}, {"body": "x" * 40}, {"tags": ["billing"]}):
        with pytest.raises(PermissionDenied):
            services.thread_update(thread=thread, editor=outsider, **kwargs)
    thread.refresh_from_db()
    assert thread.title == "How do I top up my card?"
    assert [t.slug for t in thread.tags.all()] == ["sim"]
    assert not Revision.objects.exists()


def test_a_moderator_may_edit_anyones_question(
    asker: Member, moderator: Member, board: Board
) -> None:
    thread = create(asker, board)
    services.thread_update(thread=thread, editor=moderator, title="Clearer title by a mod")
    revision = Revision.objects.get()
    assert revision.editor == moderator
    assert revision.body_before == revision.body_after == QUESTION_BODY
    thread.refresh_from_db()
    assert thread.title == "Clearer title by a mod"


def test_a_member_allowed_only_to_retag_changes_tags_but_not_title_or_body(
    asker: Member, board: Board, tags: dict[str, Tag]
) -> None:
    retagger = MemberFactory.create(username="retagger")
    retagger.user_permissions.add(
        Permission.objects.get(content_type__app_label="community", codename="retag_thread")
    )
    thread = create(asker, board, tags=["sim"])

    services.thread_update(thread=thread, editor=retagger, tags=["esim", "roaming"])
    thread.refresh_from_db()
    assert sorted(t.slug for t in thread.tags.all()) == ["esim", "roaming"]
    revision = Revision.objects.get()
    assert (revision.tags_before, revision.tags_after) == ("sim", "esim, roaming")
    assert revision.title_before == revision.title_after == thread.title

    for kwargs in (
        {"title": "Retagger rewrites title"},
        {"body": "x" * 40},
        {"title": "Retagger rewrites title", "tags": ["sim"]},
    ):
        with pytest.raises(PermissionDenied):
            services.thread_update(thread=thread, editor=retagger, **kwargs)
    thread.refresh_from_db()
    assert (thread.title, thread.body) == ("How do I top up my card?", QUESTION_BODY)
    assert Revision.objects.count() == 1


def test_retagging_moves_the_tag_counts(asker: Member, board: Board, tags: dict[str, Tag]) -> None:
    thread = create(asker, board, tags=["sim", "billing"])
    create(asker, board, title="Another question here", tags=["billing"])
    services.thread_update(thread=thread, editor=asker, tags=["billing", "esim"])
    counts = dict(Tag.objects.values_list("slug", "thread_count"))
    assert counts == {"billing": 2, "sim": 0, "esim": 1, "roaming": 0, "5g": 0, "wifi": 0}


def test_an_edit_that_mentions_someone_new_records_that_mention_once(
    asker: Member, helper: Member, board: Board
) -> None:
    thread = create(asker, board, body=f"Hi @{helper.username}, {QUESTION_BODY}")
    with capture_events() as sent:
        services.thread_update(
            thread=thread,
            editor=asker,
            body=f"Hi @{helper.username}, still broken: {QUESTION_BODY}",
        )
    assert Mention.objects.filter(member=helper, thread=thread).count() == 1
    assert sent.names == ["thread_updated"]


# --- thread_delete --------------------------------------------------------------------------


def test_the_asker_may_delete_a_question_without_answers(
    asker: Member, board: Board, tags: dict[str, Tag]
) -> None:
    thread = create(asker, board, tags=["sim"])
    with capture_events() as sent:
        services.thread_delete(thread=thread, actor=asker)
    assert not Thread.objects.exists()
    board.refresh_from_db()
    assert board.thread_count == 0
    assert Tag.objects.get(slug="sim").thread_count == 0
    assert sent.calls == [
        (
            "thread_deleted",
            {
                "thread_id": thread.pk,
                "board_id": board.pk,
                "author_id": asker.pk,
                "actor_id": asker.pk,
            },
        )
    ]


def test_the_asker_may_not_delete_a_question_that_has_answers(
    asker: Member, helper: Member, board: Board
) -> None:
    thread = create(asker, board)
    answer(helper, thread)
    with pytest.raises(PermissionDenied, match="has answers"):
        services.thread_delete(thread=thread, actor=asker)
    assert Thread.objects.filter(pk=thread.pk).exists()


def test_the_asker_may_not_delete_a_question_answered_since_it_was_loaded(
    asker: Member, helper: Member, board: Board
) -> None:
    thread = create(asker, board)
    loaded = Thread.objects.get(pk=thread.pk)  # the page the asker had open: no answers yet
    answer(helper, Thread.objects.get(pk=thread.pk))
    with pytest.raises(PermissionDenied):
        services.thread_delete(thread=loaded, actor=asker)
    assert Thread.objects.filter(pk=thread.pk).exists()
    board.refresh_from_db()
    assert (board.thread_count, board.answer_count) == (1, 1)


def test_another_member_may_not_delete_a_question(
    asker: Member, outsider: Member, board: Board
) -> None:
    thread = create(asker, board)
    with pytest.raises(PermissionDenied):
        services.thread_delete(thread=thread, actor=outsider)
    assert Thread.objects.filter(pk=thread.pk).exists()


def test_a_moderator_may_delete_a_solved_question_and_the_counters_follow(
    asker: Member, helper: Member, moderator: Member, board: Board, tags: dict[str, Tag]
) -> None:
    kept = create(asker, board, title="This question stays", tags=["billing"])
    answer(helper, kept)
    thread = create(asker, board, tags=["billing", "sim"])
    solution = answer(helper, thread)
    answer(helper, thread)
    services.solution_accept(thread=thread, post=solution, actor=asker)
    board.refresh_from_db()
    assert (board.thread_count, board.answer_count, board.solved_count) == (2, 3, 1)

    services.thread_delete(thread=thread, actor=moderator)

    board.refresh_from_db()
    assert (board.thread_count, board.answer_count, board.solved_count) == (1, 1, 0)
    assert dict(
        Tag.objects.filter(slug__in=["billing", "sim"]).values_list("slug", "thread_count")
    ) == {
        "billing": 1,
        "sim": 0,
    }
    assert list(Thread.objects.all()) == [kept]


# --- thread_lock ----------------------------------------------------------------------------


def test_only_a_moderator_may_lock_a_question(
    asker: Member, moderator: Member, board: Board
) -> None:
    thread = create(asker, board)
    with pytest.raises(PermissionDenied):
        services.thread_lock(thread=thread, actor=asker, locked=True)
    services.thread_lock(thread=thread, actor=moderator, locked=True)
    thread.refresh_from_db()
    assert thread.is_locked


# --- subscriptions and views ----------------------------------------------------------------


def test_following_and_unfollowing_are_idempotent(
    asker: Member, helper: Member, board: Board
) -> None:
    thread = create(asker, board)
    assert services.subscription_create(member=helper, thread=thread) is True
    assert services.subscription_create(member=helper, thread=thread) is False
    assert Subscription.objects.filter(member=helper, thread=thread).count() == 1

    assert services.subscription_delete(member=helper, thread=thread) is True
    assert services.subscription_delete(member=helper, thread=thread) is False
    assert not Subscription.objects.filter(member=helper, thread=thread).exists()
    # The asker's own subscription is untouched.
    assert Subscription.objects.filter(member=asker, thread=thread).exists()


def test_a_view_counts_once_per_viewer_key_per_hour(asker: Member, board: Board) -> None:
    thread = create(asker, board)
    # Unique keys: the cache may be a shared Redis that outlives the test database.
    first, second = f"member:{uuid.uuid4().hex}", f"session:{uuid.uuid4().hex}"
    assert services.thread_view_record(thread=thread, viewer_key=first) is True
    assert services.thread_view_record(thread=thread, viewer_key=first) is False
    assert services.thread_view_record(thread=thread, viewer_key=second) is True
    thread.refresh_from_db()
    assert thread.view_count == 2


def test_a_counted_view_is_remembered_by_each_process_until_it_stops_counting(
    asker: Member, board: Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    thread = create(asker, board)
    viewer = f"member:{uuid.uuid4().hex}"
    key = pagecache.cache_key("thread-view", str(thread.pk), viewer)
    asked: list[str] = []
    for name in ("add", "get"):
        real = getattr(cache, name)

        def counting(k: str, *args: Any, _name: str = name, _real: Any = real, **kw: Any) -> Any:
            if k == key:
                asked.append(_name)
            return _real(k, *args, **kw)

        monkeypatch.setattr(cache, name, counting)

    def view() -> bool:
        return services.thread_view_record(thread=thread, viewer_key=viewer)

    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert view() is True
        assert asked == ["add"]
        assert view() is False
        assert asked == ["add"]  # remembered by this process: nothing asked of the cache
        thread_services._views_counted.forget()  # another process: asks once, then remembers
        assert view() is False and view() is False
        assert asked == ["add", "add", "get"]
        clock.shift(thread_services.VIEW_DEDUP_SECONDS + 1)
        cache.delete(key)  # as the cache lets it expire (Redis keeps its own time)
        assert view() is True
    thread.refresh_from_db()
    assert thread.view_count == 2


def test_a_view_without_a_viewer_key_is_not_counted(asker: Member, board: Board) -> None:
    thread = create(asker, board)
    assert services.thread_view_record(thread=thread, viewer_key="") is False
    thread.refresh_from_db()
    assert thread.view_count == 0


@pytest.mark.parametrize("title", ["Edit..........", "Revisions!!!!!", "LOCK!!!!!!!!"])
def test_a_title_that_slugifies_to_an_action_gets_a_url_that_is_not_the_action(
    db: None, title: str
) -> None:
    thread = Thread(pk=7, title=title)
    url = thread.get_absolute_url()
    assert url.startswith("/threads/7/") and url.endswith("-thread/")
    assert resolve(url).url_name == "thread-detail"
