"""`manage.py seed_scale`: a large community in bulk, with the ledger the rules would write."""

from __future__ import annotations

import json
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from community.models import Board, Kudos, Member, Post, Subscription, Tag, Thread
from community.scale.vocabulary import SCALE_PASSWORD
from gamification.models import GamificationSettings, LeaderboardScore, LedgerEntry, MemberScore
from gamification.services import rules
from gamification.services.rebuild import gamification_rebuild

SIZES = {"members": 40, "threads": 60, "posts": 700, "kudos": 1500}


def seed(tmp_path: Path, *extra: str, **sizes: int) -> dict:
    out = tmp_path / "seed.json"
    sizes = {**SIZES, **sizes}
    args = [f"--{name}={value}" for name, value in sizes.items()]
    call_command("seed_scale", *args, f"--out={out}", "--no-progress", *extra, stdout=StringIO())
    return json.loads(out.read_text())


@pytest.mark.django_db
def test_a_small_run_has_the_requested_sizes_and_consistent_totals(tmp_path: Path) -> None:
    summary = seed(tmp_path)

    assert Member.objects.count() == SIZES["members"]
    assert Thread.objects.count() == SIZES["threads"]
    assert Post.objects.count() == SIZES["posts"]
    assert Kudos.objects.count() == SIZES["kudos"]
    assert summary["sizes"] == SIZES
    # The ledger is the truth, and every total, rank and leaderboard row agrees with it.
    assert LedgerEntry.objects.count() > SIZES["threads"] + SIZES["kudos"]
    assert gamification_rebuild(fix=False).total == 0
    # The counters the services keep are the ones the rows add up to.
    for thread in Thread.objects.all():
        assert thread.answer_count == thread.posts.count()
        assert thread.kudos_count == thread.kudos.count()
    for post in Post.objects.all()[:200]:
        assert post.kudos_count == post.kudos.count()
    for board in Board.objects.all():
        assert board.thread_count == board.threads.count()
        assert board.answer_count == Post.objects.filter(thread__board=board).count()
        assert board.solved_count == board.threads.exclude(solution=None).count()
    for tag in Tag.objects.all():
        assert tag.thread_count == tag.threads.count()
    # Askers and answerers follow their threads.
    asker = Thread.objects.earliest("pk").author_id
    assert Subscription.objects.filter(member_id=asker).exists()
    assert Subscription.objects.count() >= SIZES["threads"]
    # Every member can sign in with the published password.
    member = Member.objects.get(username=summary["logins"]["member"])
    assert member.check_password(SCALE_PASSWORD)


@pytest.mark.django_db
def test_the_community_looks_like_a_real_one(tmp_path: Path) -> None:
    summary = seed(tmp_path, members=300, threads=400, posts=2400, kudos=6000)

    answers = sorted(Thread.objects.values_list("answer_count", flat=True))
    assert answers[len(answers) // 2] <= 5  # most questions get a few answers
    assert answers.count(0) > 0  # some get none
    assert max(answers) >= 40  # and a few draw a crowd
    assert summary["bench_threads"]["answers_20"]["answers"] == 20
    bench = Thread.objects.get(pk=summary["bench_threads"]["answers_20"]["id"])
    assert bench.answer_count == 20
    solved = Thread.objects.exclude(solution=None).count()
    assert 0.2 * len(answers) < solved < 0.9 * len(answers)
    # Ranks spread like a community's: most members at the bottom, a few near the top.
    levels = Counter(Member.objects.values_list("rank_level", flat=True))
    assert len(levels) >= 3
    assert levels[0] + levels[1] > len(answers) * 0 + 0.5 * sum(levels.values())
    assert max(levels) >= 3
    # Dates spread over the year.
    first = Member.objects.earliest("date_joined")
    last = Member.objects.latest("date_joined")
    assert (last.date_joined - first.date_joined).days > 200
    # Rendered bodies, with their plain text, are present.
    post = Post.objects.earliest("pk")
    assert post.body_html.strip() and post.body_text.strip()


@pytest.mark.django_db
def test_thread_pages_render(tmp_path: Path) -> None:
    summary = seed(tmp_path)
    client = Client()
    bench = summary["bench_threads"]["answers_20"]
    samples = [bench["url"]]
    for thread in Thread.objects.order_by("-answer_count", "pk")[:2]:
        samples.append(thread.get_absolute_url())
    samples.append(Thread.objects.filter(answer_count=0).earliest("pk").get_absolute_url())
    for url in samples:
        response = client.get(url)
        assert response.status_code == 200, url
    assert client.get("/").status_code == 200
    member = Member.objects.get(username=summary["logins"]["top_helper"])
    client.force_login(member)
    assert client.get(bench["url"]).status_code == 200
    assert client.get(member.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_it_refuses_a_database_with_content_unless_forced(tmp_path: Path) -> None:
    seed(tmp_path, members=10, threads=5, posts=20, kudos=30)
    threads = list(Thread.objects.values_list("pk", flat=True))

    with pytest.raises(CommandError, match="already has content"):
        seed(tmp_path, members=10, threads=5, posts=20, kudos=30)
    assert list(Thread.objects.values_list("pk", flat=True)) == threads

    seed(tmp_path, "--force", members=12, threads=6, posts=25, kudos=40)
    assert Member.objects.count() == 12
    assert Thread.objects.count() == 6
    assert Kudos.objects.count() == 40
    assert gamification_rebuild(fix=False).total == 0


@pytest.mark.django_db
def test_impossible_sizes_are_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="raise --members"):
        seed(tmp_path, members=3, threads=2, posts=2, kudos=50)
    assert not Member.objects.exists()


LEDGER_FIELDS = (
    "member_id", "reason", "source", "points", "board_id", "actor_id", "source_url", "note",
    "created_at",
)  # fmt: skip


@pytest.mark.django_db
def test_the_ledger_is_what_the_rules_write_when_it_all_happens_live(tmp_path: Path) -> None:
    # A low daily cap so that it bites; the fast-answer window and day-old accounts occur.
    GamificationSettings.objects.filter(pk=1).update(kudos_daily_cap=25)
    GamificationSettings.current()
    seed(tmp_path, members=30, threads=40, posts=300, kudos=900)
    seeded = set(LedgerEntry.objects.values_list(*LEDGER_FIELDS))
    scores = set(MemberScore.objects.values_list("member_id", "points", "rank_id"))
    boards = set(
        LeaderboardScore.objects.values_list("member_id", "period", "start", "board_id", "points")
    )
    ranks = set(Member.objects.values_list("pk", "rank_name", "rank_level"))
    reasons = Counter(row[1] for row in seeded)
    notes = Counter(row[7] for row in seeded if row[7])
    assert reasons["fast_answer"] and reasons["solution_answerer"] and reasons["kudos_on_question"]
    assert len(notes) == 2  # both the cap and day-old accounts occurred

    LeaderboardScore.objects.all().delete()
    MemberScore.objects.all().delete()
    LedgerEntry.objects.all().delete()
    Member.objects.update(rank_name="", rank_level=0)
    # Replay every event through the rules, at the moment it happened, in order.
    events = []
    for pk, author, at in Thread.objects.values_list("pk", "author_id", "created_at"):
        events.append(
            (at, 0, pk, lambda pk=pk, a=author: rules.on_thread_created(thread_id=pk, actor_id=a))
        )
    for pk, author, at in Post.objects.values_list("pk", "author_id", "created_at"):
        events.append(
            (at, 1, pk, lambda pk=pk, a=author: rules.on_post_created(post_id=pk, actor_id=a))
        )
    for pk, post_id, solved_at in Thread.objects.exclude(solution=None).values_list(
        "pk", "solution_id", "solved_at"
    ):
        assert solved_at is not None
        events.append(
            (
                solved_at,
                2,
                pk,
                lambda pk=pk, post_id=post_id: rules.on_solution_accepted(
                    thread_id=pk, post_id=post_id, actor_id=Thread.objects.get(pk=pk).author_id
                ),
            )
        )
    for pk, giver, at in Kudos.objects.values_list("pk", "giver_id", "created_at"):
        events.append(
            (
                at,
                3,
                pk,
                lambda pk=pk, giver=giver: rules.on_kudos_given(kudos_id=pk, actor_id=giver),
            )
        )
    for at, _kind, _pk, apply in sorted(events, key=lambda e: e[:3]):
        with time_machine.travel(at, tick=False):
            apply()
    live = set(LedgerEntry.objects.values_list(*LEDGER_FIELDS))

    assert live == seeded
    assert set(MemberScore.objects.values_list("member_id", "points", "rank_id")) == scores
    assert (
        set(
            LeaderboardScore.objects.exclude(points=0).values_list(
                "member_id", "period", "start", "board_id", "points"
            )
        )
        == boards
    )
    assert set(Member.objects.values_list("pk", "rank_name", "rank_level")) == ranks
