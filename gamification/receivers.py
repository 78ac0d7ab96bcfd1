"""What gamification does when the community announces something.

Each receiver runs inside the community's transaction (the ledger commits with the action)
and is idempotent. Badge evaluation, which reads a lot, is scheduled after commit.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from community import events as community_events
from community.models import Post
from gamification.models import Rank, ranks_changed
from gamification.services import rules

logger = logging.getLogger(__name__)


def _evaluate_badges_after_commit(*member_ids: int | None) -> None:
    for member_id in {m for m in member_ids if m}:
        transaction.on_commit(partial(_queue_badges, member_id))


def _queue_badges(member_id: int) -> None:
    """Queue a badge evaluation; a broker outage is logged, never the request's failure
    (the next action of the member, or badges_backfill, catches up)."""
    from gamification.tasks import badges_evaluate

    try:
        badges_evaluate.delay(member_id)
    except Exception:  # noqa: BLE001 - any broker failure
        logger.warning("could not queue badge evaluation for member %s", member_id, exc_info=True)


@receiver(community_events.thread_created, dispatch_uid="gamification.thread_created")
def thread_created(*, thread_id: int, actor_id: int, **kwargs: Any) -> None:
    rules.on_thread_created(thread_id=thread_id, actor_id=actor_id)
    _evaluate_badges_after_commit(actor_id)


@receiver(community_events.post_created, dispatch_uid="gamification.post_created")
def post_created(*, post_id: int, actor_id: int, **kwargs: Any) -> None:
    rules.on_post_created(post_id=post_id, actor_id=actor_id)
    _evaluate_badges_after_commit(actor_id)


@receiver(community_events.kudos_given, dispatch_uid="gamification.kudos_given")
def kudos_given(*, kudos_id: int, receiver_id: int, actor_id: int, **kwargs: Any) -> None:
    rules.on_kudos_given(kudos_id=kudos_id, actor_id=actor_id)
    _evaluate_badges_after_commit(receiver_id)


@receiver(community_events.kudos_withdrawn, dispatch_uid="gamification.kudos_withdrawn")
def kudos_withdrawn(*, kudos_id: int, receiver_id: int, actor_id: int, **kwargs: Any) -> None:
    rules.on_kudos_withdrawn(kudos_id=kudos_id, receiver_id=receiver_id, actor_id=actor_id)


@receiver(community_events.solution_accepted, dispatch_uid="gamification.solution_accepted")
def solution_accepted(*, thread_id: int, post_id: int, actor_id: int, **kwargs: Any) -> None:
    rules.on_solution_accepted(thread_id=thread_id, post_id=post_id, actor_id=actor_id)
    post = Post.objects.select_related("thread").get(pk=post_id)
    _evaluate_badges_after_commit(post.author_id, post.thread.author_id)


@receiver(community_events.solution_withdrawn, dispatch_uid="gamification.solution_withdrawn")
def solution_withdrawn(*, post_id: int, actor_id: int, **kwargs: Any) -> None:
    rules.on_solution_withdrawn(post_id=post_id, actor_id=actor_id)


@receiver(community_events.post_deleted, dispatch_uid="gamification.post_deleted")
def post_deleted(*, post_id: int, actor_id: int, **kwargs: Any) -> None:
    rules.on_content_removed(post_ids=[post_id], thread_id=None, actor_id=actor_id)


@receiver(community_events.thread_deleted, dispatch_uid="gamification.thread_deleted")
def thread_deleted(*, thread_id: int, actor_id: int, **kwargs: Any) -> None:
    post_ids = list(Post.objects.filter(thread_id=thread_id).values_list("pk", flat=True))
    rules.on_content_removed(post_ids=post_ids, thread_id=thread_id, actor_id=actor_id)


# The ranks every process keeps (gamification/ladder.py) are read again after a change: an
# instance's save or delete (loaddata's raw saves and a queryset's delete included; a
# queryset's update and bulk writes: RankQuerySet), and any migrate, whose data migrations
# write through historical models and whose new fields an older release's copies lack.
@receiver(post_save, sender=Rank, dispatch_uid="gamification.rank_saved")
@receiver(post_delete, sender=Rank, dispatch_uid="gamification.rank_deleted")
def rank_changed(**kwargs: Any) -> None:
    ranks_changed()


@receiver(post_migrate, dispatch_uid="gamification.migrated")
def migrated(*, sender: AppConfig, **kwargs: Any) -> None:
    if sender.name == "gamification":
        ranks_changed()
