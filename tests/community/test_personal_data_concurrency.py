"""Two deletions of one account at once (PostgreSQL only): the second waits on the member's
row, finds the account deleted and does nothing; the ledger stays consistent."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from community import services
from community.models import Member
from support.moderation import personal_data as moderation
from support.moderation.models import ModerationAction
from tests.builders import moderator_make
from tests.community.privacy_world import privacy_world
from tests.concurrency import requires_postgresql, run_at_once, transactional
from tests.factories import PASSWORD

pytestmark = [requires_postgresql, transactional]


def test_two_deletions_at_once_delete_once() -> None:
    world = privacy_world()
    member = world.member

    def own() -> tuple[str, bool]:
        return "own", services.member_delete(
            member=Member.objects.get(pk=member.pk),
            actor=Member.objects.get(pk=member.pk),
            password=PASSWORD,
            remove_content=True,
        )

    moderator = moderator_make("mona")

    def by_staff() -> tuple[str, bool]:
        return "staff", moderation.member_delete_on_request(
            actor=moderator, member=Member.objects.get(pk=member.pk), remove_content=True
        )

    results, errors = run_at_once([own, own, by_staff])

    assert errors == []
    assert sorted(deleted for _who, deleted in results) == [False, False, True]
    staff_deleted = dict(results)["staff"]
    deleted = Member.objects.get(pk=member.pk)
    assert deleted.is_deleted and deleted.username == f"deleted-{member.pk}"
    # The audit log records the staff's deletion only if theirs was the one that happened.
    assert ModerationAction.objects.filter(kind="account_delete").count() == int(staff_deleted)
    out = StringIO()
    call_command("gamification_rebuild", "--check", stdout=out)
    assert out.getvalue().strip() == "0 differences from the ledger."
