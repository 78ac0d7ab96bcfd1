"""config/prepared.py: a queryset's SQL compiled once, run for each id, reads what the
queryset reads, for every member, whatever ran before."""

from __future__ import annotations

import operator

import pytest
from django.contrib.auth.models import Permission

from community import permissions
from community.models import MODERATORS_GROUP, Member
from config.prepared import Prepared
from gamification import privileges
from gamification.models import MemberScore, Rank
from notifications import services
from notifications.models import Notification
from tests.notifications.inbox_factories import notify_answer

pytestmark = pytest.mark.django_db


def _members(helper: Member, moderator: Member, agent: Member) -> list[Member]:
    helper.user_permissions.add(Permission.objects.get(codename="flag_content"))
    ranked = Rank.objects.order_by("min_points").last()
    assert ranked is not None
    MemberScore.objects.create(member_id=agent.pk, points=ranked.min_points + 5, rank=ranked)
    return [helper, moderator, agent]


def test_the_members_permissions_and_groups_are_the_querysets_rows(
    helper: Member, moderator: Member, agent: Member
) -> None:
    prepared = Prepared(permissions._permissions_and_groups)
    # Each member in turn, and again: the compiled SQL takes each call's id, not the first's.
    for member in [*_members(helper, moderator, agent), helper]:
        expected = sorted(permissions._permissions_and_groups(member.pk))
        assert sorted(prepared.rows(member.pk)) == expected
    assert any(row[0] == "user" for row in prepared.rows(helper.pk))
    assert ("name", "", MODERATORS_GROUP) in prepared.rows(moderator.pk)


def test_the_rank_ladder_is_the_querysets_instances(
    helper: Member, moderator: Member, agent: Member
) -> None:
    prepared = Prepared(privileges._rank_ladder)
    for member in _members(helper, moderator, agent):
        expected = list(privileges._rank_ladder(member.pk))
        found = prepared.instances(Rank, member.pk)
        assert [(r.pk, r.name, r.privileges, r.min_points) for r in found] == [
            (r.pk, r.name, r.privileges, r.min_points) for r in expected
        ]
        member_score = operator.attrgetter("member_points", "member_rank_id")
        assert [member_score(r) for r in found] == [member_score(r) for r in expected]
    agent_ladder = prepared.instances(Rank, agent.pk)
    assert agent_ladder and agent_ladder[0].member_points > 0


def test_a_queryset_that_does_not_take_the_id_is_refused() -> None:
    with pytest.raises(ValueError, match="does not take the id"):
        Prepared(lambda _pk: Rank.objects.all()).sql(1)


def test_the_bells_count_is_the_querysets_count(asker: Member, helper: Member) -> None:
    for n in range(3):
        notify_answer(asker, helper, url=f"/threads/{n}/x/")
    notify_answer(helper, asker)
    first = Notification.objects.filter(recipient=asker).values_list("pk", flat=True)[:1]
    services.notifications_mark_read(member_id=asker.pk, ids=list(first))
    for member in (asker, helper, Member(pk=asker.pk + helper.pk + 1)):
        expected = Notification.objects.filter(recipient_id=member.pk, read_at__isnull=True)
        assert services.unread_count(member_id=member.pk) == expected.count()
    assert services.unread_count(member_id=asker.pk) == 2
