"""`make bench` end to end, in its tiny mode: the harness seeds a fresh database, starts the
production server command, loads it, and writes results.json with every figure the issue
names as a number. The figures themselves are not judged here (BENCHMARKS.md does that on a
quiet machine); only that the harness runs and reports them all."""

from __future__ import annotations

import json
import math
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import dj_database_url
import pytest

from bench import infra
from bench.server import cpu_used
from tests.processes import REPO_ROOT, clean_environment

REQUIRED_NUMBERS = (
    "thread_anon_rps",
    "thread_auth_rps",
    "thread_anon_p99_ms",
    "floor_rps",
    "errors",
    "thread_queries_20",
    "thread_queries_200",
    "fanout_p50_ms",
    "fanout_p99_ms",
    "fanout_lost",
    "markdown_5kb_p95_ms",
    "leaderboard_p95_ms",
    "search_p95_ms",
    "search_cold_p95_ms",
    "rss_mb_per_process",
)


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A database the harness must create and seed itself: PostgreSQL when the suite runs on
    it (dropped afterwards), otherwise a SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if not url or dj_database_url.parse(url)["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path / 'bench.sqlite3'}"
        return
    fresh = url.rsplit("/", 1)[0] + f"/mutua_benchsmoke_{secrets.token_hex(4)}"
    try:
        yield fresh
    finally:
        infra.drop_database(fresh)


def test_the_tiny_bench_writes_every_figure_as_a_number(tmp_path: Path, database_url: str) -> None:
    out = tmp_path / "results.json"
    env = clean_environment(tmp_path / "var")
    finished = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--scale",
            "tiny",
            "--seconds",
            "1",
            "--no-wrk",
            "--port",
            "0",
            "--sockets",
            "20",
            "--processes",
            "1",
            "--threads",
            "2",
            "--database-url",
            database_url,
            "--redis-url",
            os.environ.get("REDIS_URL", ""),
            "--out",
            str(out),
        ],  # fmt: skip
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-4000:]
    results = json.loads(out.read_text())
    for key in REQUIRED_NUMBERS:
        value = results[key]
        assert isinstance(value, int | float) and not isinstance(value, bool), (key, value)
        assert math.isfinite(value), (key, value)
    # What was seeded, and the table the command printed.
    assert set(results["scale"]) >= {"members", "threads", "posts", "kudos"}
    assert all(isinstance(v, int) and v > 0 for v in results["scale"].values())
    assert "thread 20 anonymous" in finished.stdout
    # Pages were served and measured (errors are a figure here: a busy test machine may
    # time a request out), each page ran its SQL, and every socket heard the event.
    assert results["thread_anon_rps"] > 0 and results["floor_rps"] > 0
    assert results["thread_queries_20"] > 0 and results["fanout_lost"] == 0
    # Each row says what a request cost the web server and the database in CPU.
    for row in results["rows"]:
        assert set(row["cpu_ms"]) == {"server", "database"}, row
        assert all(math.isfinite(ms) and ms >= 0 for ms in row["cpu_ms"].values()), row
    assert any(row["cpu_ms"]["server"] > 0 for row in results["rows"])


def test_cpu_per_side_counts_each_process_between_two_readings() -> None:
    before = {("server", "1"): 2.0, ("database", "7"): 5.0, ("database", "8"): 9.0}
    # Process 8 ended during the run (another client's connection closing): a sum over the
    # processes alive at each reading would fall by its 9 s. Process 9 started: from zero.
    after = {("server", "1"): 2.5, ("database", "7"): 5.25, ("database", "9"): 0.5}
    assert cpu_used(before, after) == {"server": 0.5, "database": 0.75}
    # A pid reused by a younger process never counts back.
    assert cpu_used({("database", "7"): 5.0}, {("database", "7"): 1.0})["database"] == 0.0
