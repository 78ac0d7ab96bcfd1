"""New questions for the members who follow their board, one of their tags or their author.

A busy board may have thousands of followers, and the question's transaction must stay short
whatever their number. So the fan-out is one INSERT ... SELECT that writes every follower's
notification in the question's transaction (each member's channel for the kind read in the
same statement), one SELECT for the ids the pushes need, and the pushes after commit: a fixed
number of queries for 2 followers or 2,000 (tests/notifications/test_kinds_follows.py).
`bulk_create` would not do: SQLite splits it into one INSERT per 99 rows.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from community.models import Follow, Thread
from notifications.models import Channel, Kind, Notification, Preference, default_channel
from notifications.realtime import member_group, send_event_on_commit


def new_thread_notify(*, thread: Thread, actor_id: int, told: Collection[int] = ()) -> int:
    """Tell the followers of the question's board, tags and author; how many were told.

    One notification per member however many ways they follow it; never the author, nor
    anyone in `told` (those this question already notified, the members it mentions); nothing
    at all for a question others can't see (hidden, held, waiting for review: approving it
    announces it again, and then it is told).
    """
    if thread.is_hidden:
        return 0
    tag_ids = list(thread.tags.values_list("pk", flat=True))
    followers = (
        Follow.objects.filter(
            Q(board_id=thread.board_id) | Q(tag_id__in=tag_ids) | Q(author_id=thread.author_id),
            member__is_active=True,
            member__deleted_at__isnull=True,
        )
        .exclude(member_id__in={thread.author_id, actor_id, *told})
        .values("member_id")
        .distinct()
    )
    group_key = f"new_thread:{thread.pk}"
    _insert_for(
        followers.query.sql_with_params(),
        kind=Kind.NEW_THREAD,
        actor_id=actor_id,
        url=thread.get_absolute_url(),
        data={"title": thread.title, "board": thread.board.name},
        group_key=group_key,
    )
    stored = Notification.objects.filter(kind=Kind.NEW_THREAD, group_key=group_key)
    rows = list(stored.values_list("pk", "recipient_id", "read_at"))
    for pk, recipient_id, read_at in rows:
        if read_at is None:  # on the site: pushed; email only: history, left to the digest
            send_event_on_commit(member_group(recipient_id), {"type": "notification.new", "id": pk})
    return len(rows)


def _insert_for(
    members: tuple[str, tuple[Any, ...]],
    *,
    kind: str,
    actor_id: int,
    url: str,
    data: dict[str, Any],
    group_key: str,
) -> None:
    """One notification of `kind` for each member the query selects, as their channel says:
    none for "none", read at once for "email" (the digest sends it), unread otherwise."""
    members_sql, members_params = members
    fields = {f.name: f for f in Notification._meta.concrete_fields}
    now = fields["created_at"].get_db_prep_value(timezone.now(), connection)
    stored_data = fields["data"].get_db_prep_value(data, connection)
    notification, preference = Notification._meta.db_table, Preference._meta.db_table
    channel = "COALESCE(pref.channel, %s)"
    sql = (
        f"INSERT INTO {notification} "  # noqa: S608 - table names from the models, values bound
        "(recipient_id, kind, actor_id, group_key, count, url, data, read_at, created_at) "
        f"SELECT f.member_id, %s, %s, %s, 1, %s, %s, "
        f"CASE WHEN {channel} = %s THEN %s ELSE NULL END, %s "
        f"FROM ({members_sql}) f "
        f"LEFT JOIN {preference} pref ON pref.member_id = f.member_id AND pref.kind = %s "
        f"WHERE {channel} <> %s"
    )
    default = default_channel(kind)
    params = (
        kind,
        actor_id,
        group_key,
        url,
        stored_data,
        default,
        str(Channel.EMAIL),
        now,
        now,
        *members_params,
        kind,
        default,
        str(Channel.NONE),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
