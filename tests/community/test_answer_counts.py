"""A thread's and a board's answer counts are the public answers: they follow hiding,
restoring and deleting when these race, and the migration brings old counts in line."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from community import services
from community.models import Board, HiddenReason, Member, Post, Thread
from tests.builders import answer, ask, board_make
from tests.concurrency import requires_postgresql, run_at_once, transactional


def _counts(thread: Thread) -> tuple[int, int, int]:
    thread.refresh_from_db()
    board = Board.objects.get(pk=thread.board_id)
    public = Post.objects.filter(thread=thread, hidden_reason="").count()
    return thread.answer_count, board.answer_count, public


@requires_postgresql
@transactional
@pytest.mark.parametrize("second", ["hide", "delete", "answer"])
def test_hiding_an_answer_while_it_is_deleted_or_answered_counts_once(
    asker: Member, helper: Member, moderator: Member, second: str
) -> None:
    thread = ask(asker, board_make(), title="Counts under a crowd")
    post = answer(helper, thread)
    tasks = {
        "hide": lambda: services.content_hide(
            post=post, reason=HiddenReason.MODERATOR, actor_id=moderator.pk
        ),
        "delete": lambda: services.post_delete(post=post, actor=moderator),
        "answer": lambda: services.post_create(
            author=moderator, thread=thread, body="Try switching roaming off and on again."
        ),
    }

    results, errors = run_at_once(
        [
            lambda: services.content_hide(post=post, reason=HiddenReason.FLAGGED, actor_id=None),
            tasks[second],
        ]
    )

    assert errors == []
    shown, on_board, public = _counts(thread)
    assert shown == on_board == public


@pytest.mark.django_db
def test_the_migration_recounts_public_answers(asker: Member, helper: Member) -> None:
    thread = ask(asker, board_make(), title="Old counts from before")
    answer(helper, thread)
    held = answer(helper, thread)
    # As a community stored them before: every answer counted, held or not.
    Post.objects.filter(pk=held.pk).update(hidden_reason=HiddenReason.SENSITIVE)
    Thread.objects.filter(pk=thread.pk).update(answer_count=2)
    Board.objects.filter(pk=thread.board_id).update(answer_count=2)
    migration = import_module("community.migrations.0014_public_answer_counts")

    migration.public_counts(apps, None)
    assert _counts(thread) == (1, 1, 1)

    migration.every_answer(apps, None)
    thread.refresh_from_db()
    assert thread.answer_count == 2
