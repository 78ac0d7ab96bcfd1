"""gamification_rebuild: the stored totals, ranks and leaderboard rows agree with the ledger
after a long random history of community actions, and corruption is found and fixed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from community import services
from community.errors import Conflict
from community.models import Kudos, Member, Post, Thread
from gamification.models import (
    LeaderboardScore,
    LedgerEntry,
    MemberScore,
    Period,
    Rank,
    Reason,
)
from gamification.periods import period_starts
from gamification.services import ledger
from gamification.services.rebuild import gamification_rebuild
from tests.builders import answer, ask, board_make, member_make, new_member_make

SEED = 20250611
# A thousand actions keep this to seconds on SQLite; the mix, not the count, finds bugs.
MEMBERS, THREADS, OPERATIONS = 40, 30, 1000


def random_history(rng: random.Random, moderator: Member) -> dict[str, int]:
    """Thousands of mixed actions through the community services, so the receivers run.

    Returns how often each kind of action happened (the test checks the mix was real).
    """
    boards = [board_make() for _ in range(4)]
    members = [member_make() for _ in range(MEMBERS - 3)] + [new_member_make() for _ in range(3)]
    threads: list[Thread] = [ask(rng.choice(members), rng.choice(boards)) for _ in range(THREADS)]
    posts: list[Post] = []
    given: list[tuple[Member, Post | None, Thread | None]] = []
    done: dict[str, int] = {}

    def did(kind: str) -> None:
        done[kind] = done.get(kind, 0) + 1

    for _ in range(OPERATIONS):
        roll = rng.random()
        if roll < 0.03 or not threads:
            threads.append(ask(rng.choice(members), rng.choice(boards)))
            did("ask")
        elif roll < 0.22:
            posts.append(answer(rng.choice(members), rng.choice(threads)))
            did("answer")
        elif roll < 0.55 and posts:
            post = rng.choice(posts)
            giver = rng.choice(members)
            if giver.pk != post.author_id and services.kudos_give(giver=giver, post=post)[1]:
                given.append((giver, post, None))
                did("kudos on answer")
        elif roll < 0.62:
            thread = rng.choice(threads)
            giver = rng.choice(members)
            if giver.pk != thread.author_id and services.kudos_give(giver=giver, thread=thread)[1]:
                given.append((giver, None, thread))
                did("kudos on question")
        elif roll < 0.74 and given:
            giver, on_post, on_thread = given.pop(rng.randrange(len(given)))
            # False when the content went first: deleting it took the kudos with it.
            if services.kudos_withdraw(giver=giver, post=on_post, thread=on_thread):
                did("kudos withdrawn")
        elif roll < 0.85 and posts:
            post = rng.choice(posts)
            thread = Thread.objects.get(pk=post.thread_id)
            actor = rng.choice([thread.author, moderator])
            had = thread.solution_id
            services.solution_accept(thread=thread, post=post, actor=actor)
            did("solution changed" if had and had != post.pk else "solution accepted")
        elif roll < 0.91:
            thread = rng.choice(threads)
            try:
                services.solution_withdraw(thread=thread, actor=thread.author)
                did("solution withdrawn")
            except Conflict:
                pass
        elif roll < 0.97 and posts:
            post = posts.pop(rng.randrange(len(posts)))
            actor = rng.choice([post.author, moderator])
            services.post_delete(post=post, actor=actor)
            did("answer deleted")
        elif threads and rng.random() < 0.5:
            thread = threads.pop(rng.randrange(len(threads)))
            posts = [p for p in posts if p.thread_id != thread.pk]
            services.thread_delete(thread=thread, actor=moderator)
            did("question deleted")
        else:
            # An award dated in an earlier week or month, as a history spans periods.
            member = rng.choice(members)
            moment = timezone.now() - timedelta(days=rng.randrange(1, 400))
            ledger._insert(
                LedgerEntry(
                    member=member,
                    points=rng.choice([1, 2, 10, 15]),
                    reason=Reason.KUDOS_ON_ANSWER,
                    source=f"import:{rng.random()}",
                    board_id=rng.choice([None, *(b.pk for b in boards)]),
                    created_at=moment,
                )
            )
            did("dated award")
    return done


def assert_awards_stand_exactly_for_what_still_exists() -> None:
    """Every unreversed award points at content that still exists, and everything that
    exists has its award: no reversal was missed, none was made twice.

    Awards that paid 0 (capped, or from a new account) are left out: removing content
    reverses only what paid something (rules.on_content_removed).
    """
    active = LedgerEntry.objects.filter(reverses__isnull=True, reversed_by__isnull=True)
    sources: dict[str, list[str]] = {}
    for source in active.exclude(source__startswith="import:").values_list("source", flat=True):
        kind, _, rest = source.partition(":")
        sources.setdefault(kind, []).append(rest)
    assert set(sources) <= {"thread", "post", "fast", "kudos", "solution"}

    threads = set(Thread.objects.values_list("pk", flat=True))
    posts = dict(Post.objects.values_list("pk", "author_id"))
    paying_kudos = active.filter(source__startswith="kudos:").exclude(points=0)
    kudos_paid = sorted(int(source[6:]) for source in paying_kudos.values_list("source", flat=True))
    kudos = set(Kudos.objects.values_list("pk", flat=True))
    assert sorted(int(pk) for pk in sources["thread"]) == sorted(threads)
    assert set(int(pk) for pk in sources.get("fast", [])) <= set(posts)
    assert len(sources["kudos"]) == len(set(sources["kudos"]))
    assert set(kudos_paid) <= kudos  # no kudos that is gone still pays
    assert {int(pk) for pk in sources["kudos"]} >= kudos  # every kudos that exists has its row
    answered_others = {
        pk
        for pk, author in Post.objects.exclude(author=F("thread__author")).values_list(
            "pk", "author_id"
        )
    }
    assert sorted(int(pk) for pk in sources["post"]) == sorted(answered_others)
    solved = set(
        Thread.objects.filter(solution__isnull=False)
        .exclude(solution__author=F("author"))
        .values_list("solution_id", flat=True)
    )
    standing = [int(s.split("#")[0]) for s in sources.get("solution", [])]
    assert sorted(standing) == sorted([*solved, *solved])  # the answerer's and the asker's


@dataclass
class Damage:
    wrong_rank: Rank
    week: date
    changed: LeaderboardScore
    board_row: LeaderboardScore
    stray: LeaderboardScore


def corrupt(top: MemberScore, second: MemberScore, third: MemberScore) -> Damage:
    """Damage three totals and three leaderboard rows the way bugs and hand edits do."""
    assert third.rank_id is not None
    MemberScore.objects.filter(pk=top.pk).update(points=top.points + 7)
    MemberScore.objects.filter(pk=second.pk).delete()
    # A stale rank with the right total (as after staff change a threshold).
    wrong_rank = Rank.objects.exclude(pk=third.rank_id).order_by("min_points").first()
    assert wrong_rank is not None
    MemberScore.objects.filter(pk=third.pk).update(rank=wrong_rank)
    week = period_starts(timezone.now())[Period.WEEK]
    changed = (
        LeaderboardScore.objects.filter(period=Period.WEEK, start=week, board_id__isnull=True)
        .order_by("-points")
        .first()
    )
    assert changed is not None
    LeaderboardScore.objects.filter(pk=changed.pk).update(points=changed.points - 5)
    board_row = (
        LeaderboardScore.objects.filter(period=Period.ALL, board_id__isnull=False)
        .exclude(points=0)
        .first()
    )
    assert board_row is not None
    board_row.delete()
    stray = LeaderboardScore.objects.create(
        member_id=top.member_id, period=Period.MONTH, start=date(2001, 1, 1), points=9
    )
    return Damage(wrong_rank, week, changed, board_row, stray)


def test_after_a_random_history_rebuild_finds_nothing_then_every_corruption_and_fixes_it(
    moderator: Member,
) -> None:
    history = random_history(random.Random(SEED), moderator)
    # The history really mixed every kind of action, many times.
    for kind in [
        "answer",
        "kudos on answer",
        "kudos on question",
        "kudos withdrawn",
        "solution accepted",
        "solution changed",
        "solution withdrawn",
        "answer deleted",
        "question deleted",
        "dated award",
    ]:
        assert history.get(kind, 0) >= 5, (kind, history)
    assert LedgerEntry.objects.filter(reverses__isnull=False).count() > 100
    assert LedgerEntry.objects.filter(points=0).exists()  # capped or new-account kudos
    assert_awards_stand_exactly_for_what_still_exists()

    report = gamification_rebuild(fix=False)

    assert report.score_differences == []
    assert report.leaderboard_differences == []
    assert report.total == 0
    # The ranks shown on members agree with their totals too.
    for score in MemberScore.objects.select_related("rank", "member"):
        assert score.member.rank_name == (score.rank.name if score.rank else "")

    # Now corrupt some derived rows: the report names each of them.
    top, second, third = MemberScore.objects.select_related("rank").order_by("-points")[:3]
    damage = corrupt(top, second, third)

    report = gamification_rebuild(fix=False)

    assert report.score_differences == sorted(
        [
            f"member {top.member_id}: total {top.points + 7}, ledger says {top.points}",
            f"member {second.member_id}: total 0, ledger says {second.points}",
            f"member {third.member_id}: rank {damage.wrong_rank}, ledger says {third.rank}",
        ],
        key=lambda line: int(line.split()[1].rstrip(":")),
    )
    changed, board_row, stray = damage.changed, damage.board_row, damage.stray
    assert len(report.leaderboard_differences) == 3
    text = "\n".join(report.leaderboard_differences)
    week = damage.week
    assert f"member {changed.member_id} week from {week}: {changed.points - 5}, ledger says" in text
    assert f"board {board_row.board_id}: 0, ledger says {board_row.points}" in text
    assert f"member {stray.member_id} month from 2001-01-01: 9, ledger says 0" in text
    assert gamification_rebuild(fix=False).total == 6  # checking changed nothing

    fixed = gamification_rebuild(fix=True)

    assert fixed.total == 6
    assert gamification_rebuild(fix=False).total == 0
    assert MemberScore.objects.get(pk=top.pk).points == top.points
    assert MemberScore.objects.get(pk=second.pk).points == second.points
    assert MemberScore.objects.get(pk=third.pk).rank_id == third.rank_id


@pytest.mark.django_db
def test_a_member_shown_with_the_wrong_rank_is_a_difference_and_is_fixed() -> None:
    member = member_make()
    ledger.points_award(member_id=member.pk, reason=Reason.KUDOS_ON_ANSWER, source="a", points=60)
    Member.objects.filter(pk=member.pk).update(rank_name="Legend", rank_level=6)

    assert gamification_rebuild(fix=False).score_differences == [
        f"member {member.pk}: shown as Legend, ledger says Member"
    ]
    gamification_rebuild(fix=True)

    member.refresh_from_db()
    assert (member.rank_name, member.rank_level) == ("Member", 2)
    assert gamification_rebuild(fix=False).total == 0


@pytest.mark.django_db
def test_a_changed_rank_threshold_is_found_and_applied_by_the_rebuild() -> None:
    member = member_make()
    ledger.points_award(member_id=member.pk, reason=Reason.KUDOS_ON_ANSWER, source="a", points=60)
    Rank.objects.filter(name="Member").update(min_points=100)

    report = gamification_rebuild(fix=True)

    assert report.score_differences == [
        f"member {member.pk}: rank Member, ledger says Newcomer",
        f"member {member.pk}: shown as Member, ledger says Newcomer",
    ]
    member.refresh_from_db()
    assert member.rank_name == "Newcomer"
    assert gamification_rebuild(fix=False).total == 0


@pytest.mark.django_db
def test_members_whose_kudos_all_paid_nothing_are_not_differences() -> None:
    member = member_make()
    ledger.points_award(member_id=member.pk, reason=Reason.KUDOS_ON_ANSWER, source="a", points=0)

    assert gamification_rebuild(fix=False).total == 0
