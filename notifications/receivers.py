"""Who hears about what. Each receiver runs inside the transaction that announced the event,
writes notification rows there, and pushes after commit (notifications.realtime)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse

from community import events as community
from community.models import AGENTS_GROUP as AGENTS_ROLE
from community.models import (
    MODERATORS_GROUP,
    Board,
    Kudos,
    Member,
    Mention,
    Post,
    Revision,
    Subscription,
    Tag,
    Thread,
)
from gamification import events as gamification
from gamification.models import REVERSAL_REASONS, LedgerEntry, Rank, Reason, Statement
from notifications.follows import new_thread_notify
from notifications.models import Kind
from notifications.realtime import send_event_on_commit, thread_group
from notifications.services import notify, notify_many
from support import events as support
from support.cases.models import Case, CaseMessage
from support.cases.services import team_for
from support.moderation.models import ModerationAction

AGENTS_GROUP = "agents.queue"


def _thread_event(thread_id: int, event: dict[str, Any]) -> None:
    """Tell open pages of the thread what changed (ids and counts; they fetch the rest).

    About hidden content (a held or hidden question or answer) only those who may see it
    hear anything, not even its id: the message carries an `audience`, the members besides
    staff who may (the author), and the thread socket drops it for everyone else
    (notifications.consumers.ThreadConsumer). Read now, inside the transaction, so the
    audience is what the committed state will be.
    """
    message: dict[str, Any] = {"type": "thread.event", "event": event}
    audience = _hidden_audience(thread_id, event.get("post_id"))
    if audience is not None:
        message["audience"] = sorted(audience)
    send_event_on_commit(thread_group(thread_id), message)


def _hidden_audience(thread_id: int, post_id: int | None) -> set[int] | None:
    """None when everyone who sees the thread may hear of it; else who, besides staff."""
    audience: set[int] | None = None
    hidden = Thread.objects.filter(pk=thread_id).exclude(hidden_reason="")
    thread_author = hidden.values_list("author_id", flat=True).first()
    if thread_author is not None:
        audience = {thread_author}
    if post_id is not None:
        post_author = (
            Post.objects.filter(pk=post_id)
            .exclude(hidden_reason="")
            .values_list("author_id", flat=True)
            .first()
        )
        if post_author is not None:
            audience = {post_author} if audience is None else audience & {post_author}
    return audience


# --- community ----------------------------------------------------------------------------


def _mentions_notify(
    *,
    thread: Thread,
    post: Post | None,
    actor_id: int,
    since: datetime | None = None,
    told: frozenset[int] = frozenset(),
) -> set[int]:
    """Tell the members mentioned in a question or an answer; the ids of those mentioned.

    Called from the content events, not from `member_mentioned`: the community records
    mentions (and announces them) *before* its content checks run, and the personal-data
    check may hold the content. Delivering on `member_mentioned` told the members mentioned
    in a post that was about to be held, and linked them to it. The content events come
    after the checks (community.extensions.content_checks_run), so by now a held question
    or answer is hidden and nobody mentioned in it hears of it, whatever the order of the
    apps in INSTALLED_APPS.
    `since` (an edit's revision time) limits it to the mentions the edit added; `told` are
    members already told of this event another way (the asker, of an answer that mentions
    her): one event, one notification per person.
    """
    target: Thread | Post = post if post is not None else thread
    if target.is_hidden or thread.is_hidden:
        return set()
    mentions = Mention.objects.filter(thread=thread, post=post)
    if since is not None:
        mentions = mentions.filter(created_at__gte=since)
    mentioned = set(mentions.values_list("member_id", flat=True))
    notify_many(
        recipient_ids=sorted(mentioned - told),
        kind=Kind.MENTION,
        actor_id=actor_id,
        url=target.get_absolute_url(),
        data={"title": thread.title},
    )
    return mentioned


@receiver(community.thread_created, dispatch_uid="notifications.thread_created")
def thread_created(*, thread_id: int, actor_id: int, **kwargs: Any) -> None:
    thread = Thread.objects.select_related("board").get(pk=thread_id)
    mentioned = _mentions_notify(thread=thread, post=None, actor_id=actor_id)
    # Those it mentions heard of it already: one notification per person and question.
    new_thread_notify(thread=thread, actor_id=actor_id, told=mentioned)


@receiver(community.post_created, dispatch_uid="notifications.post_created")
def post_created(*, post_id: int, thread_id: int, actor_id: int, **kwargs: Any) -> None:
    post = Post.objects.select_related("thread").get(pk=post_id)
    thread = post.thread
    if not post.is_hidden and not thread.is_hidden:
        data = {"title": thread.title}
        url = post.get_absolute_url()
        told_asker = notify(
            recipient_id=thread.author_id, kind=Kind.ANSWER, actor_id=actor_id, url=url, data=data
        )
        # An asker the answer mentions hears of it once, as the answer (as a mention only if
        # she turned answers off).
        mentioned = _mentions_notify(
            thread=thread,
            post=post,
            actor_id=actor_id,
            told=frozenset({thread.author_id}) if told_asker is not None else frozenset(),
        )
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
        # The count readers see: the thread's, which leaves hidden answers out.
        _thread_event(
            thread_id,
            {"type": "post.created", "post_id": post_id, "answer_count": thread.answer_count},
        )


def _revision_time(revision_id: int | None) -> datetime | None:
    if revision_id is None:
        return None
    return Revision.objects.filter(pk=revision_id).values_list("created_at", flat=True).first()


@receiver(community.post_updated, dispatch_uid="notifications.post_updated")
def post_updated(
    *,
    post_id: int,
    thread_id: int,
    actor_id: int,
    revision_id: int | None = None,
    **kwargs: Any,
) -> None:
    since = _revision_time(revision_id)
    if since is not None:
        post = Post.objects.select_related("thread").get(pk=post_id)
        _mentions_notify(thread=post.thread, post=post, actor_id=actor_id, since=since)
    _thread_event(thread_id, {"type": "post.updated", "post_id": post_id})


@receiver(community.thread_updated, dispatch_uid="notifications.thread_updated")
def thread_updated(
    *, thread_id: int, actor_id: int, revision_id: int | None = None, **kwargs: Any
) -> None:
    since = _revision_time(revision_id)
    if since is not None:
        thread = Thread.objects.get(pk=thread_id)
        _mentions_notify(thread=thread, post=None, actor_id=actor_id, since=since)
    _thread_event(thread_id, {"type": "thread.updated", "thread_id": thread_id})


# `member_mentioned` is deliberately not heard here: see _mentions_notify.


@receiver(community.thread_marked_duplicate, dispatch_uid="notifications.thread_duplicate")
def thread_marked_duplicate(
    *, thread_id: int, original_id: int, author_id: int, actor_id: int, **kwargs: Any
) -> None:
    """The asker learns where the answers are (not when they closed it themselves)."""
    if author_id == actor_id:
        return
    titles = dict(Thread.objects.filter(pk__in=[thread_id, original_id]).values_list("pk", "title"))
    original = Thread(pk=original_id, title=titles.get(original_id, ""))
    notify(
        recipient_id=author_id,
        kind=Kind.DUPLICATE,
        actor_id=actor_id,
        url=original.get_absolute_url(),
        data={"title": titles.get(thread_id, ""), "original": original.title},
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
        url=reverse("badge-detail", args=[badge]),
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
    notify(
        recipient_id=member_id, kind=Kind.RANK, url=reverse("rank-list"), data={"rank": new.name}
    )


@receiver(gamification.points_changed, dispatch_uid="notifications.points_changed")
def points_changed(
    *, member_id: int, points: int, reason: str, entry_id: int, **kwargs: Any
) -> None:
    # Reversals, and payback clawbacks (staff taking back points found to be fraudulent).
    if (reason not in REVERSAL_REASONS and reason != Reason.CLAWBACK) or points >= 0:
        return
    actor_id = LedgerEntry.objects.values_list("actor_id", flat=True).get(pk=entry_id)
    if actor_id == member_id:
        return  # their own doing (a withdrawn acceptance, a deleted answer): no news to them
    username = Member.objects.values_list("username", flat=True).get(pk=member_id)
    notify(
        recipient_id=member_id,
        kind=Kind.POINTS_REVERSED,
        # Their points history, where the reversal and what it cancelled are listed.
        url=reverse("member-points", kwargs={"username": username}),
        data={"points": -points, "reason_code": reason},
        group_key="",
    )


@receiver(gamification.statement_ready, dispatch_uid="notifications.statement_ready")
def statement_ready(*, statement_id: int, member_id: int, **kwargs: Any) -> None:
    statement = Statement.objects.get(pk=statement_id)
    notify(
        recipient_id=member_id,
        kind=Kind.STATEMENT,
        url=reverse("rewards"),
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
    # A case is rated on the case's page (its thread, if any, comes along for context only):
    # the thread's page asks about the thread's solution, not about the case.
    if case_id:
        case = Case.objects.select_related("thread").get(pk=case_id)
        url = case.get_absolute_url()
        title = case.thread.title if case.thread else f"#{case.pk}"
    elif thread_id:
        thread = Thread.objects.get(pk=thread_id)
        url, title = thread.get_absolute_url(), thread.title
    else:
        return
    notify(recipient_id=member_id, kind=Kind.SATISFACTION, url=url, data={"title": title})


@receiver(support.expert_requested, dispatch_uid="notifications.expert_requested")
def expert_requested(*, thread_id: int, helper_id: int, **kwargs: Any) -> None:
    thread = Thread.objects.get(pk=thread_id)
    notify(
        recipient_id=helper_id,
        kind=Kind.EXPERT_REQUEST,
        url=thread.get_absolute_url(),
        data={"title": thread.title},
    )


def _staff_ids() -> list[int]:
    """Who watches the staff dashboard: active agents and moderators (and superusers)."""
    staff = Member.objects.filter(is_active=True).filter(
        Q(groups__name__in=[AGENTS_ROLE, MODERATORS_GROUP]) | Q(is_superuser=True)
    )
    return sorted(set(staff.values_list("pk", flat=True)))


@receiver(support.trending_problem_detected, dispatch_uid="notifications.trending")
def trending_problem_detected(
    *, board_id: int | None = None, tag_id: int | None = None, **kwargs: Any
) -> None:
    """A board or tag is suddenly asked about far more than usual: tell the staff.

    One unread alert per board or tag: a spike announced again the next hour replaces it.
    """
    place: Board | Tag | None
    if board_id:
        place, key = Board.objects.filter(pk=board_id).first(), f"trending:board:{board_id}"
    elif tag_id:
        place, key = Tag.objects.filter(pk=tag_id).first(), f"trending:tag:{tag_id}"
    else:
        return
    if place is None:
        return
    notify_many(
        recipient_ids=_staff_ids(),
        kind=Kind.TRENDING,
        url=place.get_absolute_url(),
        data={"what": place.name},
        group_key=key,
    )
