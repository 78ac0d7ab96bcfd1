"""Applying the points rules to what happens in the community.

Called by gamification.receivers inside the transaction that wrote the community change.
Each function is idempotent: a repeated event writes nothing new.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Kudos, Member, Post, Thread
from gamification.models import (
    KUDOS_RULES,
    GamificationSettings,
    LedgerEntry,
    PointsRule,
    Reason,
    RuleKey,
)
from gamification.services.ledger import (
    active_awards,
    points_award,
    points_reverse,
    score_lock,
)

SOLUTION_REASONS = {Reason.SOLUTION_ANSWERER, Reason.SOLUTION_ASKER}


def rule_points(key: str) -> int | None:
    """Points a rule pays, or None when staff have switched it off."""
    rule = PointsRule.objects.filter(key=key).first()
    if rule is None or not rule.enabled:
        return None
    return rule.points


def on_thread_created(*, thread_id: int, actor_id: int) -> None:
    thread = Thread.objects.get(pk=thread_id)
    points = rule_points(RuleKey.QUESTION_ASKED)
    if points is None:
        return
    points_award(
        member_id=thread.author_id,
        reason=Reason.QUESTION_ASKED,
        source=f"thread:{thread.pk}",
        points=points,
        board_id=thread.board_id,
        source_url=thread.get_absolute_url(),
        actor_id=actor_id,
    )


def on_post_created(*, post_id: int, actor_id: int) -> None:
    post = Post.objects.select_related("thread").get(pk=post_id)
    thread = post.thread
    if post.author_id == thread.author_id:
        return  # answering your own question earns nothing
    url = post.get_absolute_url()
    points = rule_points(RuleKey.ANSWER_POSTED)
    if points is not None:
        points_award(
            member_id=post.author_id,
            reason=Reason.ANSWER_POSTED,
            source=f"post:{post.pk}",
            points=points,
            board_id=thread.board_id,
            source_url=url,
            actor_id=actor_id,
        )
    fast = rule_points(RuleKey.FAST_ANSWER)
    window = timedelta(minutes=GamificationSettings.current().fast_answer_minutes)
    # Earlier by id, not by created_at: post_create takes its timestamp before the thread's
    # row lock, so two answers racing can commit in the other order than their timestamps
    # (and both would look first). Ids are drawn under the lock, in the order of writing.
    is_first = (
        not Post.objects.filter(thread=thread, pk__lt=post.pk)
        .exclude(author_id=thread.author_id)
        .exists()
    )
    if fast is not None and is_first and post.created_at - thread.created_at <= window:
        points_award(
            member_id=post.author_id,
            reason=Reason.FAST_ANSWER,
            source=f"fast:{post.pk}",
            points=fast,
            board_id=thread.board_id,
            source_url=url,
            actor_id=actor_id,
        )


def on_kudos_given(*, kudos_id: int, actor_id: int) -> None:
    kudos = Kudos.objects.select_related("giver", "thread", "post__thread").get(pk=kudos_id)
    target: Thread | Post
    if kudos.post is not None:
        rule, target = RuleKey.KUDOS_ON_ANSWER, kudos.post
        board_id = kudos.post.thread.board_id
    elif kudos.thread is not None:
        rule, target = RuleKey.KUDOS_ON_QUESTION, kudos.thread
        board_id = kudos.thread.board_id
    else:
        return
    points = rule_points(rule)
    if points is None or kudos.receiver_id == kudos.giver_id:
        return
    settings = GamificationSettings.current()
    note = ""
    giver: Member = kudos.giver
    if timezone.now() - giver.date_joined < timedelta(hours=settings.new_account_hours):
        # Fresh accounts are the cheapest way to farm kudos; they thank, but pay nothing.
        points, note = 0, _("Kudos from an account younger than a day pay no points.")
    else:
        # Lock the receiver's total before reading today's kudos points: kudos on two
        # different answers don't queue on one answer's row, and without this both read the
        # same sum and both pay, past the cap. The lock is the one score_bump takes next.
        score_lock(member_id=kudos.receiver_id)
        earned_today = kudos_points_today(member_id=kudos.receiver_id)
        allowed = max(0, settings.kudos_daily_cap - earned_today)
        if points > allowed:
            points, note = allowed, _("Daily limit of points from kudos reached.")
    points_award(
        member_id=kudos.receiver_id,
        reason=rule,
        source=f"kudos:{kudos.pk}",
        points=points,
        board_id=board_id,
        source_url=target.get_absolute_url(),
        actor_id=actor_id,
        note=note,
    )


def kudos_points_today(*, member_id: int) -> int:
    """Points a member was paid for kudos since midnight (community time), before reversals."""
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        LedgerEntry.objects.filter(
            member_id=member_id, reason__in=KUDOS_RULES, created_at__gte=midnight
        ).aggregate(total=Sum("points"))["total"]
        or 0
    )


def on_kudos_withdrawn(*, kudos_id: int, receiver_id: int, actor_id: int) -> None:
    for award in active_awards(
        member_id=receiver_id, sources=[f"kudos:{kudos_id}"], reasons=set(KUDOS_RULES)
    ):
        points_reverse(award=award, reason=Reason.KUDOS_WITHDRAWN, actor_id=actor_id)


def _solution_source(post_id: int, member_id: int, reason: str) -> str | None:
    """The source for a new solution award, or None if an unreversed one already stands.

    A solution can be accepted, withdrawn and accepted again; each acceptance is a new
    generation ("solution:45#2") so it pays again, while a repeated event pays once.
    """
    base = f"solution:{post_id}#"
    previous = LedgerEntry.objects.filter(
        member_id=member_id, reason=reason, source__startswith=base
    )
    if previous.filter(reversed_by__isnull=True).exists():
        return None
    return f"{base}{previous.count() + 1}"


def on_solution_accepted(*, thread_id: int, post_id: int, actor_id: int) -> None:
    post = Post.objects.select_related("thread").get(pk=post_id)
    thread = post.thread
    if post.author_id == thread.author_id:
        return  # accepting your own answer earns nothing
    url = post.get_absolute_url()
    for member_id, rule in (
        (post.author_id, RuleKey.SOLUTION_ANSWERER),
        (thread.author_id, RuleKey.SOLUTION_ASKER),
    ):
        points = rule_points(rule)
        source = _solution_source(post.pk, member_id, rule)
        if points is None or source is None:
            continue
        points_award(
            member_id=member_id,
            reason=rule,
            source=source,
            points=points,
            board_id=thread.board_id,
            source_url=url,
            actor_id=actor_id,
        )


def on_solution_withdrawn(*, post_id: int, actor_id: int) -> None:
    awards = LedgerEntry.objects.filter(
        source__startswith=f"solution:{post_id}#",
        reason__in=SOLUTION_REASONS,
        reversed_by__isnull=True,
    )
    for award in awards:
        points_reverse(award=award, reason=Reason.SOLUTION_WITHDRAWN, actor_id=actor_id)


def _content_sources(*, post_ids: list[int], thread_id: int | None) -> tuple[list[str], list[str]]:
    """Exact sources and solution prefixes of everything a question or answer earned."""
    kudos = Kudos.objects.filter(post_id__in=post_ids)
    if thread_id is not None:
        kudos = kudos | Kudos.objects.filter(thread_id=thread_id)
    exact = [f"post:{pk}" for pk in post_ids] + [f"fast:{pk}" for pk in post_ids]
    exact += [f"kudos:{pk}" for pk in kudos.values_list("pk", flat=True)]
    if thread_id is not None:
        exact.append(f"thread:{thread_id}")
    return exact, [f"solution:{pk}#" for pk in post_ids]


def on_content_removed(*, post_ids: list[int], thread_id: int | None, actor_id: int) -> None:
    """Reverse everything the removed question and/or answers paid, to anyone.

    Called before the rows are deleted (the community sends post_deleted and
    thread_deleted first), so the kudos on them can still be found.
    """
    exact, prefixes = _content_sources(post_ids=post_ids, thread_id=thread_id)
    awards = list(
        LedgerEntry.objects.filter(
            source__in=exact, reversed_by__isnull=True, reverses__isnull=True
        )
    )
    for prefix in prefixes:
        awards += list(
            LedgerEntry.objects.filter(
                source__startswith=prefix, reversed_by__isnull=True, reverses__isnull=True
            )
        )
    for award in awards:
        if award.points:
            points_reverse(award=award, reason=Reason.CONTENT_REMOVED, actor_id=actor_id)
