"""The rank ladder every member's page reads: the ranks, kept by each process, and the
member's points and rank, brought along by the member's read.

A member's page asks what their rank grants (the rank backend's permissions) and what the
next ranks unlock (the notes beside a locked control). The ranks change only when staff edit
them, so with a cache every process shares (Redis: the setting COMMUNITY_SHARED_ROWS) each
process keeps them under the version of the page-cache scope RANKS. Every change of a rank
through the ORM (an instance's save or delete, a queryset's update, delete or bulk write,
loaddata) and every migrate replace that version once committed
(gamification.models.ranks_changed, gamification.receivers), and the next page of any
process reads the ranks again; the transaction making the change reads them from the
database and keeps nothing until it ends. A member's page reads that version with its own
scopes' versions, in the same cache call (pagecache.read_with_members_pages). A change made
behind the ORM (SQL by hand) is seen within KEPT_SECONDS. In the embedded mode every process
keeps its own cache, which a change in another would not reach: there the ranks are read on
every page, one query.

The member's points and rank come with their row (community.managers.bring_along), as fresh
as the member's read at the start of the request; a member loaded another way costs one
query on their score.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.expressions import BaseExpression

from community import pagecache
from gamification.models import RANKS, MemberScore, Rank, ranks_changing

KEPT_SECONDS = 60
POINTS_BROUGHT = "gamification_points"
RANK_BROUGHT = "gamification_rank_id"


def ranks() -> tuple[Rank, ...]:
    """Every rank, lowest first. Shared between readers: never change one."""
    if not getattr(settings, "COMMUNITY_SHARED_ROWS", False) or ranks_changing():
        # Without a cache every process sees; or in a transaction that changed a rank, whose
        # change no other process may see (nor keep) before it commits.
        return tuple(Rank.objects.order_by("min_points"))
    key = pagecache.cache_key("ranks", pagecache.scope_version(RANKS))
    return pagecache.shared(key, KEPT_SECONDS, lambda: tuple(Rank.objects.order_by("min_points")))


def _score() -> QuerySet[MemberScore]:
    return MemberScore.objects.filter(member_id=OuterRef("pk"))


def points_expression() -> BaseExpression:
    """The points of the member whose row is being read (None without a score yet)."""
    return Subquery(_score().values("points")[:1])


def rank_expression() -> BaseExpression:
    """The id of the rank the member whose row is being read holds (None without one)."""
    return Subquery(_score().values("rank_id")[:1])


def standing(member: Any) -> tuple[int, int | None]:
    """The member's points and the id of the rank their score holds (0 and None without a
    score yet): brought along by their read, or read once and kept on the member object."""
    if not (hasattr(member, POINTS_BROUGHT) and hasattr(member, RANK_BROUGHT)):
        found = MemberScore.objects.filter(member_id=member.pk).values_list("points", "rank_id")
        points, rank_id = found.first() or (None, None)
        setattr(member, POINTS_BROUGHT, points)
        setattr(member, RANK_BROUGHT, rank_id)
    return getattr(member, POINTS_BROUGHT) or 0, getattr(member, RANK_BROUGHT)
