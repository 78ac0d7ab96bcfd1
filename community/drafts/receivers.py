"""Posting deletes the draft it came from, inside the posting transaction: the ask form's
("ask") when a question is posted, the thread's answer form's ("thread-<id>") when an answer
is. Were the post rolled back, the draft would stay."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from community import events
from community.drafts.services import ASK_DRAFT_KEY, answer_draft_key, draft_discard


@receiver(events.thread_created, dispatch_uid="community.drafts.thread_created")
def question_posted(*, actor_id: int, **kwargs: Any) -> None:
    draft_discard(member_id=actor_id, key=ASK_DRAFT_KEY)


@receiver(events.post_created, dispatch_uid="community.drafts.post_created")
def answer_posted(*, thread_id: int, actor_id: int, **kwargs: Any) -> None:
    draft_discard(member_id=actor_id, key=answer_draft_key(thread_id))
