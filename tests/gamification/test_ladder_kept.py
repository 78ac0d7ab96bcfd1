"""gamification/ladder.py: with a cache every process shares, the ranks are read once per
change, not once per page; every change of a rank through the ORM, loaddata or a migrate is
seen at the next read, one behind them within KEPT_SECONDS; a transaction that changes them
keeps nothing another could read before it commits; the member's points and rank come with
their read."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models.signals import post_migrate
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community import pagecache
from community.extensions import PrivilegeLock, privilege_lock_for
from community.models import Member
from gamification import ladder
from gamification.models import RANKS, Rank, Reason
from gamification.privileges import privilege_lock, rank_privileges
from gamification.receivers import migrated
from gamification.services import ledger
from tests.builders import ask, board_make, member_make
from tests.concurrency import transactional

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shared(settings: Any) -> None:
    settings.COMMUNITY_SHARED_ROWS = True  # as with Redis; one process here


def ladder_rows() -> list[tuple[str, int, list[str]]]:
    return [(r.name, r.min_points, list(r.privileges)) for r in ladder.ranks()]


def stored_rows() -> list[tuple[str, int, list[str]]]:
    return [(r.name, r.min_points, list(r.privileges)) for r in Rank.objects.order_by("min_points")]


def reads_of(table: str, queries: CaptureQueriesContext) -> int:
    return sum(f'FROM "{table}"' in q["sql"] for q in queries.captured_queries)


def with_points(points: int) -> Member:
    member = member_make()
    ledger.points_award(
        member_id=member.pk, reason=Reason.KUDOS_ON_ANSWER, source="setup", points=points
    )
    return member


def test_the_ranks_are_read_once_then_kept() -> None:
    assert ladder_rows() == stored_rows()
    with CaptureQueriesContext(connection) as queries:
        assert ladder_rows() == stored_rows()
        kept = ladder.ranks()
    assert reads_of("gamification_rank", queries) == 1  # stored_rows() alone
    assert kept is ladder.ranks()


def _member_rank() -> Rank:
    return Rank.objects.get(name="Member")


def _save() -> None:
    rank = _member_rank()
    rank.privileges = ["flag"]
    rank.save()


def _update() -> None:
    Rank.objects.filter(name="Member").update(min_points=70)


def _bulk_update() -> None:
    rank = _member_rank()
    rank.name = "Regular"
    Rank.objects.bulk_update([rank], ["name"])


def _bulk_create() -> None:
    Rank.objects.bulk_create([Rank(name="Hall of Fame", level=99, min_points=999_999)])


def _delete() -> None:
    Rank.objects.order_by("-min_points").first().delete()  # type: ignore[union-attr]


def _queryset_delete() -> None:
    Rank.objects.filter(min_points__gte=1000).delete()


WRITES: dict[str, Callable[[], None]] = {
    "save": _save,
    "update": _update,
    "bulk_update": _bulk_update,
    "bulk_create": _bulk_create,
    "delete": _delete,
    "queryset_delete": _queryset_delete,
}


@pytest.mark.parametrize("write", WRITES)
def test_every_write_to_the_ranks_is_seen_at_the_next_read(write: str) -> None:
    before = ladder_rows()

    WRITES[write]()

    assert ladder_rows() == stored_rows() != before


def test_ranks_loaded_from_a_fixture_are_seen_at_the_next_read(tmp_path: Path) -> None:
    before = ladder_rows()
    rank = _member_rank()
    fixture = tmp_path / "ranks.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "gamification.rank",
                    "pk": rank.pk,
                    "fields": {"name": "Regular", "level": rank.level, "min_points": 70},
                }
            ]
        )
    )

    call_command("loaddata", str(fixture), verbosity=0)

    assert ladder_rows() == stored_rows() != before


def test_a_migrate_has_the_ranks_read_again() -> None:
    gamification_app = apps.get_app_config("gamification")
    ladder.ranks()
    with connection.cursor() as cursor:  # as a data migration's historical model writes
        cursor.execute("UPDATE gamification_rank SET name = %s WHERE name = %s", ["X", "Member"])

    assert migrated in post_migrate._live_receivers(gamification_app)[0]  # noqa: SLF001
    migrated(sender=gamification_app)

    assert "X" in [name for name, _points, _privileges in ladder_rows()]


@transactional
def test_a_transaction_changing_the_ranks_keeps_nothing_until_it_commits() -> None:
    before = ladder_rows()  # kept
    with pytest.raises(RuntimeError), transaction.atomic():
        _save()
        # This transaction reads its own change; nothing of it is kept where another process
        # would read it before the commit (nor after a rollback).
        assert ladder_rows() == stored_rows() != before
        assert pagecache.stored(_kept_key()) is None
        raise RuntimeError("rolled back")
    assert ladder_rows() == before == stored_rows()

    with transaction.atomic():
        _save()
    assert ladder_rows() == stored_rows() != before
    assert pagecache.stored(_kept_key()) == ladder.ranks()


def _kept_key() -> str:
    return pagecache.cache_key("ranks", pagecache.scope_version(RANKS))


def test_a_change_behind_the_orm_is_seen_within_the_kept_seconds() -> None:
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        before = ladder_rows()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE gamification_rank SET name = %s WHERE name = %s", ["X", "Member"]
            )
        assert ladder_rows() == before  # kept: nothing announced it
    with time_machine.travel(now + timedelta(seconds=ladder.KEPT_SECONDS), tick=False):
        assert ladder_rows() == stored_rows() != before


def test_a_members_page_reads_neither_the_ranks_nor_their_score() -> None:
    thread = ask(member_make("asker"), board_make(), title="My phone will not charge at all")
    client = Client()
    client.force_login(with_points(15))
    client.get(thread.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        html = client.get(thread.get_absolute_url()).content.decode()
    # What the newcomer's rank lacks, explained from the kept ranks and the brought points.
    assert "Images unlock at the Member rank: 35 more points." in html
    assert reads_of("gamification_rank", queries) == 0
    assert reads_of("gamification_memberscore", queries) == 1  # within the member's read
    member_read = next(
        q["sql"] for q in queries.captured_queries if "gamification_memberscore" in q["sql"]
    )
    assert 'FROM "community_member"' in member_read


def test_a_rank_staff_edit_shows_on_the_members_next_page() -> None:
    thread = ask(member_make("asker"), board_make(), title="My phone will not charge at all")
    client = Client()
    client.force_login(with_points(15))
    assert "35 more points" in client.get(thread.get_absolute_url()).content.decode()

    rank = _member_rank()
    rank.min_points = 100
    rank.save()

    assert "85 more points" in client.get(thread.get_absolute_url()).content.decode()


def test_points_earned_show_on_the_next_page() -> None:
    member = with_points(15)
    assert privilege_lock_for(Member.objects.get(pk=member.pk), "community.post_images") == (
        PrivilegeLock("Member", 35)
    )
    ledger.points_award(
        member_id=member.pk, reason=Reason.KUDOS_ON_ANSWER, source="more", points=40
    )
    read = Member.objects.get(pk=member.pk)
    assert privilege_lock_for(read, "community.post_images") is None
    assert read.has_perm("community.post_images")


def test_a_member_loaded_another_way_reads_their_score_once() -> None:
    member = with_points(15)
    ladder.ranks()
    loaded = Member.objects.filter(pk=member.pk).first()
    assert loaded is not None and not hasattr(loaded, ladder.POINTS_BROUGHT)
    with CaptureQueriesContext(connection) as queries:
        assert privilege_lock(loaded, "community.post_images") == PrivilegeLock("Member", 35)
        assert privilege_lock(loaded, "community.post_links") == PrivilegeLock("Member", 35)
        assert "post_images" not in rank_privileges(loaded)
    assert len(queries) == 1 and reads_of("gamification_memberscore", queries) == 1
    assert not loaded.has_perm("community.post_images")
