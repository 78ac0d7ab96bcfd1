"""config/prepared.py: a queryset's SQL compiled once, run for each id, reads what the
queryset reads, for every member, whatever ran before; on PostgreSQL behind the pool it is
planned once per connection."""

from __future__ import annotations

import operator
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import ProgrammingError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import QuerySet, Subquery
from django.test.utils import CaptureQueriesContext

from community import permissions
from community.announcements.models import AnnouncementDismissal
from community.announcements.selectors import DISMISSED_BROUGHT
from community.announcements.services import announcement_create, announcement_dismiss
from community.models import MODERATORS_GROUP, Member
from config import prepared
from config.prepared import Prepared
from gamification import ladder
from gamification.models import MemberScore, Rank
from notifications import services
from notifications.models import Notification
from tests.builders import logged_in
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


def _rank_ladder(member_id: int) -> QuerySet[Rank]:
    """Every rank with the member's points and rank: a model with a JSON field, annotated."""
    score = MemberScore.objects.filter(member_id=member_id)
    return Rank.objects.annotate(
        member_points=Subquery(score.values("points")[:1]),
        member_rank_id=Subquery(score.values("rank_id")[:1]),
    ).order_by("min_points")


def test_a_models_instances_are_the_querysets_fields_converted_and_annotations(
    helper: Member, moderator: Member, agent: Member
) -> None:
    prepared = Prepared(_rank_ladder)
    for member in _members(helper, moderator, agent):
        expected = list(_rank_ladder(member.pk))
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


def _fields(member: Member) -> dict[str, Any]:
    return {field.attname: getattr(member, field.attname) for field in Member._meta.concrete_fields}


def test_the_sessions_member_is_the_querysets_row(helper: Member, moderator: Member) -> None:
    # What the authentication backends call on every signed-in request (MemberManager.get).
    for member in (helper, moderator, helper):
        expected = Member.objects.filter(pk=member.pk).get()
        found = Member.objects.get(pk=member.pk)
        assert _fields(found) == _fields(expected)
        assert not found._state.adding and found._state.db == "default"
        assert found.groups.count() == expected.groups.count()
    assert Member.objects.get(pk=str(helper.pk)) == helper
    for missing in ({"pk": helper.pk + moderator.pk + 100}, {"pk": None}):
        with pytest.raises(Member.DoesNotExist):
            Member.objects.get(**missing)
    with pytest.raises(ValueError, match="expected a number"):
        Member.objects.get(pk="abc")
    # Any other lookup is the queryset's.
    assert Member.objects.get(username=helper.username) == helper
    with pytest.raises(Member.DoesNotExist):
        Member.objects.get(pk=helper.pk, username="someone-else")


def test_a_migrations_member_read_is_the_querysets_and_brings_nothing(helper: Member) -> None:
    # What a data migration's RunPython would call: the tables other apps bring along from
    # may not exist yet at that point of the migrations.
    state = MigrationLoader(connection).project_state()
    historical = state.apps.get_model("community", "Member")
    assert type(historical.objects).__name__ == "MemberManager"
    with CaptureQueriesContext(connection) as queries:
        found = historical.objects.get(pk=helper.pk)
    assert found.username == helper.username
    assert not hasattr(found, services.UNREAD_BROUGHT)
    [read] = [q["sql"] for q in queries]
    assert "notifications_notification" not in read


def test_a_signed_in_request_reads_its_member_with_the_compiled_statement(helper: Member) -> None:
    client = logged_in(helper)
    client.get("/boards/")
    by_id = 'FROM "community_member" WHERE "community_member"."id" ='
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/boards/").status_code == 200
    member_reads = [q["sql"] for q in queries if by_id in q["sql"]]
    # Once, and not the queryset's get() (which asks for LIMIT 21).
    assert len(member_reads) == 1 and "LIMIT 21" not in member_reads[0]


def test_what_the_members_read_brings_along_is_what_its_own_query_finds(
    asker: Member, helper: Member, moderator: Member, agent: Member
) -> None:
    helper.user_permissions.add(Permission.objects.get(codename="flag_content"))  # own, no group
    for n in range(3):
        notify_answer(asker, helper, url=f"/threads/{n}/x/")
    notify_answer(moderator, asker)
    notice = announcement_create(
        actor=moderator, board=None, title="Outage", body="Mobile data is down."
    )
    announcement_dismiss(member=agent, announcement=notice)
    ranked = Rank.objects.order_by("min_points").last()
    assert ranked is not None
    MemberScore.objects.update_or_create(
        member_id=agent.pk, defaults={"points": 1234, "rank": ranked}
    )
    for member in (asker, helper, moderator, agent):
        read = Member.objects.get(pk=member.pk)
        has_roles = member.groups.exists() or member.user_permissions.exists()
        assert bool(getattr(read, permissions.ROLES_BROUGHT)) is has_roles
        brought = getattr(read, services.UNREAD_BROUGHT)
        assert brought == services.unread_count(member_id=member.pk)
        dismissed = AnnouncementDismissal.objects.filter(member=member).exists()
        assert bool(getattr(read, DISMISSED_BROUGHT)) is dismissed
        score = MemberScore.objects.filter(member=member).first()
        assert getattr(read, ladder.POINTS_BROUGHT) == (score.points if score else None)
        assert getattr(read, ladder.RANK_BROUGHT) == (score.rank_id if score else None)
    assert getattr(Member.objects.get(pk=asker.pk), services.UNREAD_BROUGHT) == 3
    assert getattr(Member.objects.get(pk=agent.pk), ladder.RANK_BROUGHT) == ranked.pk
    assert not getattr(Member.objects.get(pk=asker.pk), permissions.ROLES_BROUGHT)


def test_a_member_without_groups_or_permissions_of_their_own_costs_no_permissions_query(
    asker: Member, helper: Member, moderator: Member
) -> None:
    helper.user_permissions.add(Permission.objects.get(codename="lock_thread"))
    for member, looked_up in ((asker, False), (helper, True), (moderator, True)):
        read = Member.objects.get(pk=member.pk)
        with CaptureQueriesContext(connection) as queries:
            permissions.viewer_prime(read)
        assert any("auth_permission" in q["sql"] for q in queries) is looked_up
        # What Django's backend would find, whichever way it was primed.
        expected = Member.objects.filter(pk=member.pk).get()
        assert read.get_all_permissions() == expected.get_all_permissions()
        assert read.group_names == frozenset(expected.groups.values_list("name", flat=True))
    assert permissions.can_lock_thread(Member.objects.get(pk=helper.pk))
    assert not permissions.can_lock_thread(Member.objects.get(pk=asker.pk))


# ---------------------------------------------------------------- planned once per connection

on_postgresql_with_pool = pytest.mark.skipif(
    "not __import__('config.prepared').prepared.plans_once(__import__('django.db').db.connection)",
    reason="prepared statements: run with DATABASE_URL on PostgreSQL (with its pool)",
)


def _prepared_here(text: str) -> list[tuple[int, int]]:
    """(generic plans, custom plans) of this connection's prepared statements holding `text`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            [f"%{text}%"],
        )
        return list(cursor.fetchall())


@on_postgresql_with_pool
def test_an_every_page_read_is_planned_once_per_connection(helper: Member, asker: Member) -> None:
    # The member's permissions: PostgreSQL took longer to plan this UNION than to run it.
    assert _prepared_here("auth_permission") == []
    expected = sorted(permissions._permissions_and_groups(helper.pk))
    with CaptureQueriesContext(connection) as queries:
        for _ in range(8):
            assert sorted(permissions._PERMISSIONS_AND_GROUPS.rows(helper.pk)) == expected
    # Counted like any query (the page budgets still see it), prepared once, and after the
    # first runs planned no more: PostgreSQL's generic plan serves every later call.
    assert len(queries) == 8
    assert all("auth_permission" in query["sql"] for query in queries)
    [(generic, custom)] = _prepared_here("auth_permission")
    assert generic + custom == 8
    assert generic >= 1
    # Another member's id runs the same prepared statement.
    assert sorted(permissions._PERMISSIONS_AND_GROUPS.rows(asker.pk)) == sorted(
        permissions._permissions_and_groups(asker.pk)
    )
    assert len(_prepared_here("auth_permission")) == 1


@on_postgresql_with_pool
def test_a_prepared_statements_errors_are_djangos(helper: Member) -> None:
    with pytest.raises(ProgrammingError), transaction.atomic(), prepared.cursor() as cursor:
        cursor.execute("SELECT no_such_column FROM community_member WHERE id = %s", [helper.pk])


def test_statements_are_prepared_only_on_postgresql_behind_the_process_pool() -> None:
    def database(vendor: str, options: dict[str, object]) -> Any:
        return SimpleNamespace(vendor=vendor, settings_dict={"OPTIONS": options})

    assert prepared.plans_once(database("postgresql", {"pool": {"min_size": 1}}))
    # DB_POOL=off: PgBouncer in transaction mode may run the next statement on another
    # server connection, which never saw the statement prepared.
    assert not prepared.plans_once(database("postgresql", {}))
    assert not prepared.plans_once(database("sqlite", {}))


@on_postgresql_with_pool
def test_the_sessions_member_is_planned_once_per_connection(helper: Member) -> None:
    # With what it brings along (their LIMITs are parameters too, so the id's is not $1).
    member_row = 'FROM "community_member" WHERE "community_member"."id" = $'
    for _ in range(3):
        assert Member.objects.get(pk=helper.pk) == helper
    [(generic, custom)] = _prepared_here(member_row)
    assert generic + custom == 3
