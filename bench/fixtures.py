"""What every benchmark run needs in the bench database, whatever seeded the community.

Runs inside Django (`manage.py shell -c "from bench.fixtures import main; main()"`) after the
base community exists (`seed_scale`, or the demo community plus `grow_small` when
`seed_scale` is not available). Idempotent: a second run adds nothing and prints the same
JSON: the ids and tokens the load generator uses and the sizes of the community.
"""

from __future__ import annotations

import functools
import json
import random
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from community import services
from community.models import Board, Kudos, Member, Post, Thread

PASSWORD = "bench-password-1"  # noqa: S105 - local benchmark accounts on a throwaway database
READER = "bench_reader"
WRITERS = 256  # one member per write, so the 5-second posting gap never refuses a write
# The two thread pages measured: a short one and a long one ("20" and "200" in the results;
# the tiny scale of the smoke test makes them 5 and 40 answers long).
THREAD_TITLES = {
    # Asked by a helper, read by bench_reader: the crowd reading a question is not its asker
    # (whose own page adds the satisfaction question). New titles, so a bench database seeded
    # when the reader asked them gets the new threads.
    "20": "Benchmark: roaming data stops after the first day abroad, {n} answers",
    "200": "Benchmark: eSIM transfer keeps failing on a new phone, {n} answers",
}
ANSWER_BODY = (
    "Have you tried **turning data roaming off and on** again? In my case the APN was reset "
    "after the update: go to *Settings > Mobile network > Access point names* and check it "
    "reads `mutua.net`. Then restart the phone. Answer {n}, see also #{n} and @bench_reader."
)


@functools.cache
def _password_hash() -> str:
    # Hashing is slow on purpose; hundreds of members share one hash of the same password.
    return make_password(PASSWORD)


def _member(username: str, *, joined_days: int = 400) -> Member:
    member = Member.objects.filter(username=username).first()
    if member is None:
        member = Member.objects.create(
            username=username,
            email=f"{username}@bench.example.com",
            password=_password_hash(),
            date_joined=timezone.now() - timedelta(days=joined_days),
        )
        EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)
    return member


def _board() -> Board:
    board = Board.objects.order_by("pk").first()
    if board is None:
        board = Board.objects.create(name="Benchmarks", slug="benchmarks")
    return board


def _thread(label: str, answers: int, author: Member, helpers: list[Member]) -> Thread:
    title = THREAD_TITLES[label].format(n=answers)
    thread = Thread.objects.filter(title=title).first()
    if thread is None:
        thread = services.thread_create(
            author=author,
            board=_board(),
            title=title,
            body="My phone says it is connected but nothing loads. " * 4,
            check_limits=False,
        )
    have = Post.objects.filter(thread=thread).count()
    for n in range(have, answers):
        helper = helpers[n % len(helpers)]
        post = services.post_create(
            author=helper, thread=thread, body=ANSWER_BODY.format(n=n), check_limits=False
        )
        if n % 3 == 0:
            giver = helpers[(n + 1) % len(helpers)]
            services.kudos_give(giver=giver, post=post)
    return thread


def grow_small(threads: int = 300, answers_each: int = 3, seed: int = 7) -> None:
    """A small community on top of the demo one, through the services (so every derived
    table, points included, is what production would hold): members, questions with
    answers and kudos. Used only while `manage.py seed_scale` is not available."""
    rng = random.Random(seed)
    helpers = [_member(f"bench_helper{n}") for n in range(40)]
    boards = list(Board.objects.order_by("pk"))
    made = Thread.objects.filter(title__startswith="Bench question").count()
    topics = ["roaming", "eSIM", "billing", "top-up", "5G", "voicemail", "porting", "APN"]
    for n in range(made, threads):
        asker = helpers[n % len(helpers)]
        topic = rng.choice(topics)
        with transaction.atomic():
            thread = services.thread_create(
                author=asker,
                board=boards[n % len(boards)],
                title=f"Bench question {n}: {topic} problem after the update",
                body=f"Since the last update my {topic} does not work. What should I check? #{n}",
                check_limits=False,
            )
            for k in range(answers_each):
                helper = helpers[(n + k + 1) % len(helpers)]
                post = services.post_create(
                    author=helper,
                    thread=thread,
                    body=f"For {topic}, restart and check the settings page. Try {n}.{k}.",
                    check_limits=False,
                )
                if k == 0:
                    services.kudos_give(giver=asker, post=post)


def ensure(answers: tuple[int, int] = (20, 200), writers_count: int = WRITERS) -> dict[str, Any]:
    reader = _member(READER)
    helpers = [_member(f"bench_helper{n}") for n in range(40)]
    writers = [_member(f"bench_writer{n}") for n in range(writers_count)]
    threads = {
        label: _thread(label, size, helpers[-1], helpers)
        for label, size in zip(THREAD_TITLES, answers, strict=True)
    }
    tokens = {m.username: Token.objects.get_or_create(user=m)[0].key for m in [reader, *writers]}
    # A signed-in reader's session cookie, for the load generator's "logged in" pages.
    client = Client()
    client.force_login(reader)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {
        "reader": {"username": READER, "token": tokens[READER], "session": session},
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "writer_tokens": [tokens[w.username] for w in writers],
        "threads": {
            label: {"id": t.pk, "url": t.get_absolute_url(), "answers": size}
            for (label, t), size in zip(threads.items(), answers, strict=True)
        },
        "board_slug": _board().slug,
        "scale": {
            "members": Member.objects.count(),
            "threads": Thread.objects.count(),
            "posts": Post.objects.count(),
            "kudos": Kudos.objects.count(),
        },
    }


def main(grow: bool = False, answers: tuple[int, int] = (20, 200), writers: int = WRITERS) -> None:
    if grow:
        grow_small()
    print("BENCH-FIXTURES " + json.dumps(ensure(answers, writers)))
