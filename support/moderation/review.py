"""The review queue's decisions on new members' first posts (community.services.review holds
them): approve, and the post appears and is announced; reject, and it stays visible to its
author only. Either way the decision joins the moderation log and its author is told (the
notifications app hears `moderation_action_taken`), with the moderator's reason if given.

One click each, and safe to click twice: the content's state is changed under its thread's
row lock, so of two moderators deciding at once one decides and the other gets 409.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from community import services as community_services
from community.errors import Conflict
from community.models import HiddenReason, Member, Post, Thread
from support.moderation.models import ModerationAction
from support.moderation.services import action_record, clean_reason, require_moderator


def review_approve(
    *, actor: Member, thread: Thread | None = None, post: Post | None = None, reason: str = ""
) -> ModerationAction:
    """Let a question or answer waiting for review through: public, counted, announced."""
    return _decide(actor, thread, post, reason, approve=True)


def review_reject(
    *, actor: Member, thread: Thread | None = None, post: Post | None = None, reason: str = ""
) -> ModerationAction:
    """Keep a question or answer waiting for review from everyone but its author, for good."""
    return _decide(actor, thread, post, reason, approve=False)


def _decide(
    actor: Member, thread: Thread | None, post: Post | None, reason: str, *, approve: bool
) -> ModerationAction:
    require_moderator(actor)
    reason = clean_reason(reason)
    if post is not None and thread is None:
        target: Thread | Post = post
        about = post.thread
    elif thread is not None and post is None:
        target = about = thread
    else:
        raise ValueError("Give exactly one of thread or post.")
    with transaction.atomic():
        if approve:
            # A rejected post may still be approved (a moderator's second thought).
            done = community_services.content_approve(thread=thread, post=post)
        else:
            done = community_services.content_reject(thread=thread, post=post, actor_id=actor.pk)
        if not done:
            target.refresh_from_db(fields=["hidden_reason"])
            if target.hidden_reason == HiddenReason.REJECTED:
                raise Conflict(_("A moderator has already rejected this."))
            raise Conflict(_("This isn't waiting for review."))
        return action_record(
            kind=ModerationAction.Kind.REVIEW_APPROVE
            if approve
            else ModerationAction.Kind.REVIEW_REJECT,
            actor=actor,
            member_id=target.author_id,
            thread=about,
            post_id=target.pk if isinstance(target, Post) else None,
            reason=reason,
        )
