"""Timings taken inside one Django process on the bench database (no HTTP in between):
Markdown rendering, the leaderboard, search, and the SQL queries of the thread page.

Run as `python -m bench.inproc '<fixtures JSON>'` with the bench environment; prints one
line `BENCH-INPROC {json}`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.load import percentile

MARKDOWN_5KB_PARAGRAPH = (
    "After the **update to 17.2** my phone shows *full signal* but no data when roaming. "
    "I tried the steps from [the help page](https://example.com/help/roaming):\n\n"
    "1. Turn data roaming off and on.\n2. Check the APN reads `mutua.net`.\n"
    "3. Restart the phone.\n\n> Still nothing. @bench_reader did this work for you?\n\n"
    "```\nAPN: mutua.net\nMCC: 222  MNC: 88\n```\n\n"
    "| setting | value |\n| --- | --- |\n| roaming | on |\n| 5G | auto |\n\n"
)


def markdown_source(size: int = 5 * 1024) -> str:
    text = ""
    while len(text) < size:
        text += MARKDOWN_5KB_PARAGRAPH
    return text[:size]


def timed(fn: Callable[[], object], *, rounds: int, warmup: int = 3) -> dict[str, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": percentile(samples, 50), "p95_ms": percentile(samples, 95)}


def _middle_member() -> Any:
    """The member at the median of the all-time board, or None on an empty board."""
    from community.models import Member
    from gamification.models import LeaderboardScore, Period

    scores = LeaderboardScore.objects.filter(period=Period.ALL, board_id__isnull=True)
    total = scores.count()
    if not total:
        return None
    row = scores.order_by("-points", "member_id").values_list("member_id", flat=True)[total // 2]
    return Member.objects.get(pk=row)


def measure(fixtures: dict[str, Any], rounds: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from community import selectors
    from community.markdown import render_markdown
    from community.models import Member
    from gamification import leaderboards

    results: dict[str, Any] = {}
    source = markdown_source()
    results["markdown_5kb"] = timed(lambda: render_markdown(source), rounds=rounds)

    reader = Member.objects.get(username=fixtures["reader"]["username"])
    results["leaderboard"] = timed(
        lambda: leaderboards.leaderboard(period="all", viewer=reader, size=100),
        rounds=rounds,
    )
    # A member in the middle of the all-time board: their place is counted, not read from
    # the top rows (the reader above has a few points and sits near the bottom).
    middle = _middle_member()
    if middle is not None:
        results["leaderboard_middle"] = timed(
            lambda: leaderboards.leaderboard(period="all", viewer=middle, size=100),
            rounds=rounds,
        )
    words = ["roaming", "esim transfer", "billing", "apn settings", "voicemail", "5g signal"]
    counter = iter(range(10**9))
    results["search"] = timed(
        lambda: selectors.search(query=words[next(counter) % len(words)]), rounds=rounds
    )
    # The same queries with the search cache off: the first reader after a change pays this.
    # A quarter of the rounds: each call is uncached, and the first ones of a process also
    # pay its start (URL patterns, a new pooled connection): a p95 of twenty calls was one
    # such call.
    with override_settings(COMMUNITY_SEARCH_CACHE_SECONDS=0):
        results["search_cold"] = timed(
            lambda: selectors.search(query=words[next(counter) % len(words)]),
            rounds=max(len(words), rounds // 4),
        )

    queries: dict[str, int] = {}
    for answers, thread in fixtures["threads"].items():
        for who in ("anon", "auth"):
            client = Client()
            if who == "auth":
                client.force_login(reader)
            client.get(
                thread["url"], secure=True, HTTP_HOST="127.0.0.1"
            )  # warm caches as a reader before
            with CaptureQueriesContext(connection) as captured:
                response = client.get(thread["url"], secure=True, HTTP_HOST="127.0.0.1")
            assert response.status_code == 200, response.status_code
            queries[f"{who}_{answers}"] = len(captured)
    results["queries"] = queries
    return results


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    fixtures = json.loads(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    print("BENCH-INPROC " + json.dumps(measure(fixtures, rounds)))


if __name__ == "__main__":
    main()
