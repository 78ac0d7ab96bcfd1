"""Who hears about what. Each receiver runs inside the transaction that announced the event,
writes notification rows there, and pushes after commit (notifications.realtime)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from community import events as community
from community.models import Kudos, Mention, Post, Subscription, Thread
from gamification import events as gamification
from gamification.models import REVERSAL_REASONS, Rank, Statement
from notifications.models import Kind
from notifications.realtime import send_event_on_commit, thread_group
from notifications.services import notify, notify_many
from support import events as support
from support.models import Case, CaseMessage, ModerationAction
from support.services.cases import team_for

AGENTS_GROUP = "agents.queue"


def _thread_event(thread_id: int, event: dict[str, Any]) -> None:
    """Tell open pages of the thread what changed (ids and counts; they fetch the rest)."""
    send_event_on_commit(thread_group(thread_id), {"type": "thread.event", "event": event})


# --- community ----------------------------------------------------------------------------


@receiver(community.post_created, dispatch_uid="notifications.post_created")
def post_created(*, post_id: int, thread_id: int, actor_id: int, **kwargs: Any) -> None:
    post = Post.objects.select_related("thread").get(pk=post_id)
    thread = post.thread
    if not post.is_hidden and not thread.is_hidden:
        data = {"title": thread.title}
        url = post.get_absolute_url()
        notify(
            recipient_id=thread.author_id, kind=Kind.ANSWER, actor_id=actor_id, url=url, data=data
        )
        mentioned = set(Mention.objects.filter(post=post).values_list("member_id", flat=True))
        followers = Subscription.objects.filter(thread=thread).exclude(
            member_id__in={thread.author_id, actor_id, *mentioned}
        )
        notify_many(
            recipient_ids=followers.values_list("member_id", flat=True),
            kind=Kind.REPLY,
            actor_id=actor_id,
            url=url,
            data=data,
        )
        _thread_event(
            thread_id,
            {"type": "post.created", "post_id": post_id, "answer_count": thread.answer_count},
        )


@receiver(community.post_updated, dispatch_uid="notifications.post_updated")
def post_updated(*, post_id: int, thread_id: int, **kwargs: Any) -> None:
    _thread_event(thread_id, {"type": "post.updated", "post_id": post_id})


@receiver(community.thread_updated, dispatch_uid="notifications.thread_updated")
def thread_updated(*, thread_id: int, **kwargs: Any) -> None:
    _thread_event(thread_id, {"type": "thread.updated", "thread_id": thread_id})


@receiver(community.member_mentioned, dispatch_uid="notifications.member_mentioned")
def member_mentioned(
    *, member_id: int, thread_id: int, post_id: int | None, actor_id: int, **kwargs: Any
) -> None:
    thread = Thread.objects.get(pk=thread_id)
    target = Post.objects.get(pk=post_id) if post_id else thread
    if target.is_hidden or thread.is_hidden:
        return
    notify(
        recipient_id=member_id,
        kind=Kind.MENTION,
        actor_id=actor_id,
        url=target.get_absolute_url(),
        data={"title": thread.title},
    )


def _kudos_changed(thread_id: int | None, post_id: int | None) -> None:
    if post_id:
        post = Post.objects.get(pk=post_id)
        event = {"type": "kudos.changed", "post_id": post_id, "kudos_count": post.kudos_count}
        _thread_event(post.thread_id, event)
    elif thread_id:
        count = Thread.objects.values_list("kudos_count", flat=True).get(pk=thread_id)
        _thread_event(
            thread_id, {"type": "kudos.changed", "thread_id": thread_id, "kudos_count": count}
        )


@receiver(community.kudos_given, dispatch_uid="notifications.kudos_given")
def kudos_given(*, kudos_id: int, receiver_id: int, actor_id: int, **kwargs: Any) -> None:
    kudos = Kudos.objects.select_related("thread", "post__thread").get(pk=kudos_id)
    target = kudos.post or kudos.thread
    thread = kudos.post.thread if kudos.post else kudos.thread
    if target is not None and thread is not None:
        notify(
            recipient_id=receiver_id,
            kind=Kind.KUDOS,
            actor_id=actor_id,
            url=target.get_absolute_url(),
            data={"title": thread.title},
            group_key=f"kudos:{'post' if kudos.post_id else 'thread'}:{target.pk}",
        )
    _kudos_changed(kudos.thread_id, kudos.post_id)


@receiver(community.kudos_withdrawn, dispatch_uid="notifications.kudos_withdrawn")
def kudos_withdrawn(*, thread_id: int | None, post_id: int | None, **kwargs: Any) -> None:
    _kudos_changed(thread_id, post_id)


@receiver(community.solution_accepted, dispatch_uid="notifications.solution_accepted")
def solution_accepted(*, thread_id: int, post_id: int, actor_id: int, **kwargs: Any) -> None:
    post = Post.objects.select_related("thread").get(pk=post_id)
    notify(
        recipient_id=post.author_id,
        kind=Kind.SOLUTION,
        actor_id=actor_id,
        url=post.get_absolute_url(),
        data={"title": post.thread.title},
    )
    _thread_event(
        thread_id, {"type": "solution.changed", "thread_id": thread_id, "post_id": post_id}
    )


@receiver(community.solution_withdrawn, dispatch_uid="notifications.solution_withdrawn")
def solution_withdrawn(*, thread_id: int, **kwargs: Any) -> None:
    _thread_event(thread_id, {"type": "solution.changed", "thread_id": thread_id, "post_id": None})


# --- gamification --------------------------------------------------------------------------


@receiver(gamification.badge_awarded, dispatch_uid="notifications.badge_awarded")
def badge_awarded(*, member_id: int, badge: str, **kwargs: Any) -> None:
    notify(
        recipient_id=member_id,
        kind=Kind.BADGE,
        url=f"/badges/{badge}/",
        data={"badge_slug": badge},
    )


@receiver(gamification.rank_changed, dispatch_uid="notifications.rank_changed")
def rank_changed(
    *, member_id: int, old_rank_id: int | None, new_rank_id: int | None, **kwargs: Any
) -> None:
    ranks = {r.pk: r for r in Rank.objects.filter(pk__in=[old_rank_id, new_rank_id])}
    new, old = ranks.get(new_rank_id or 0), ranks.get(old_rank_id or 0)
    if new is None or (old is not None and old.level >= new.level) or new.level <= 1:
        return  # only promotions, and not the starting rank
    notify(recipient_id=member_id, kind=Kind.RANK, url="/ranks/", data={"rank": new.name})


@receiver(gamification.points_changed, dispatch_uid="notifications.points_changed")
def points_changed(
    *, member_id: int, points: int, reason: str, entry_id: int, **kwargs: Any
) -> None:
    if reason not in REVERSAL_REASONS or points >= 0:
        return
    notify(
        recipient_id=member_id,
        kind=Kind.POINTS_REVERSED,
        url="",
        data={"points": -points, "reason_code": reason},
        group_key="",
    )


@receiver(gamification.statement_ready, dispatch_uid="notifications.statement_ready")
def statement_ready(*, statement_id: int, member_id: int, **kwargs: Any) -> None:
    statement = Statement.objects.get(pk=statement_id)
    notify(
        recipient_id=member_id,
        kind=Kind.STATEMENT,
        url="/rewards/",
        data={
            "amount": str(statement.amount),
            "currency": statement.currency,
            "points": statement.points,
        },
    )


# --- support -------------------------------------------------------------------------------


def _queue_changed(case_id: int) -> None:
    send_event_on_commit(AGENTS_GROUP, {"type": "queue.changed", "case_id": case_id})


@receiver(support.case_opened, dispatch_uid="notifications.case_opened")
def case_opened(*, case_id: int, actor_id: int | None, **kwargs: Any) -> None:
    case = Case.objects.get(pk=case_id)
    url = case.get_absolute_url()
    data = {"case": case.pk}
    notify(
        recipient_id=case.customer_id, kind=Kind.CASE_OPENED, actor_id=actor_id, url=url, data=data
    )
    if case.assignee_id:
        notify(
            recipient_id=case.assignee_id,
            kind=Kind.CASE_ASSIGNED,
            actor_id=actor_id,
            url=url,
            data=data,
        )
    _queue_changed(case_id)


@receiver(support.case_updated, dispatch_uid="notifications.case_updated")
def case_updated(*, case_id: int, actor_id: int, changes: list[str], **kwargs: Any) -> None:
    case = Case.objects.get(pk=case_id)
    url, data = case.get_absolute_url(), {"case": case.pk}
    if "assignee" in changes and case.assignee_id:
        notify(
            recipient_id=case.assignee_id,
            kind=Kind.CASE_ASSIGNED,
            actor_id=actor_id,
            url=url,
            data=data,
        )
    if "status" in changes and case.status == "resolved":
        notify(
            recipient_id=case.customer_id,
            kind=Kind.CASE_RESOLVED,
            actor_id=actor_id,
            url=url,
            data=data,
        )
    _queue_changed(case_id)


@receiver(support.case_message_posted, dispatch_uid="notifications.case_message_posted")
def case_message_posted(
    *, case_id: int, message_id: int, internal: bool, actor_id: int, **kwargs: Any
) -> None:
    if internal:
        return  # internal notes are for agents, and the customer never hears of them
    case = Case.objects.get(pk=case_id)
    message = CaseMessage.objects.get(pk=message_id)
    url, data = case.get_absolute_url(), {"case": case.pk}
    if message.author_id == case.customer_id:
        if case.assignee_id:
            notify(
                recipient_id=case.assignee_id,
                kind=Kind.CASE_REPLY,
                actor_id=actor_id,
                url=url,
                data=data,
            )
    else:
        notify(
            recipient_id=case.customer_id,
            kind=Kind.CASE_REPLY,
            actor_id=actor_id,
            url=url,
            data=data,
        )
    _queue_changed(case_id)


@receiver(support.case_sla_breached, dispatch_uid="notifications.case_sla_breached")
def case_sla_breached(*, case_id: int, **kwargs: Any) -> None:
    case = Case.objects.select_related("thread").get(pk=case_id)
    recipients = [case.assignee_id] if case.assignee_id else [a.pk for a in team_for(case.thread)]
    notify_many(
        recipient_ids=[r for r in recipients if r],
        kind=Kind.CASE_SLA,
        url=case.get_absolute_url(),
        data={"case": case.pk},
    )
    _queue_changed(case_id)


@receiver(support.moderation_action_taken, dispatch_uid="notifications.moderation")
def moderation_action_taken(
    *, action_id: int, member_id: int | None, actor_id: int | None, **kwargs: Any
) -> None:
    if not member_id:
        return
    action = ModerationAction.objects.get(pk=action_id)
    notify(
        recipient_id=member_id,
        kind=Kind.MODERATION,
        actor_id=actor_id,
        url=action.thread.get_absolute_url() if action.thread else "",
        data={"action_code": action.kind, "reason": action.reason},
    )


@receiver(support.satisfaction_requested, dispatch_uid="notifications.satisfaction")
def satisfaction_requested(
    *, member_id: int, thread_id: int | None = None, case_id: int | None = None, **kwargs: Any
) -> None:
    if thread_id:
        thread = Thread.objects.get(pk=thread_id)
        url, title = thread.get_absolute_url(), thread.title
    elif case_id:
        case = Case.objects.get(pk=case_id)
        url, title = case.get_absolute_url(), f"#{case.pk}"
    else:
        return
    notify(recipient_id=member_id, kind=Kind.SATISFACTION, url=url, data={"title": title})
