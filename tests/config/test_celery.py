"""Celery: the broker really crosses processes, and the scheduled work is really there."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from community.tasks import sessions_clear_expired
from tests.processes import REPO_ROOT, clean_environment, probe, run_manage

WORKER_DEADLINE = 60.0

CREATE_SESSIONS = """
from datetime import timedelta
from django.contrib.sessions.models import Session
from django.utils import timezone
now = timezone.now()
Session.objects.create(
    session_key="{expired}", session_data="", expire_date=now - timedelta(days=1)
)
Session.objects.create(session_key="{live}", session_data="", expire_date=now + timedelta(days=1))
"""

SEND_TASK = """
from community.tasks import sessions_clear_expired
sessions_clear_expired.apply_async(queue="{queue}")
"""


def session_keys(database: Path) -> set[str]:
    connection = sqlite3.connect(database, timeout=20)
    try:
        rows = connection.execute("SELECT session_key FROM django_session").fetchall()
    finally:
        connection.close()
    return {key for (key,) in rows}


def stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)  # a warm shutdown, as `make run` asks on Ctrl-C
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


def test_a_task_sent_by_one_process_is_run_by_a_separate_worker_process(
    tmp_path: Path,
) -> None:
    """The embedded filesystem broker (or Redis, when REDIS_URL is set, as in CI).

    The database is always the SQLite file in the temporary var dir, so the test can watch
    the row disappear without a server. A queue of its own keeps any other worker on the
    same Redis from taking the task.
    """
    env = clean_environment(tmp_path)
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    database = tmp_path / "mutua.sqlite3"
    queue = f"mutua-test-{uuid.uuid4().hex}"
    expired, live = f"expired{uuid.uuid4().hex}", f"live{uuid.uuid4().hex}"

    migrated = run_manage("migrate", "--no-input", env=env, timeout=300)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    created = run_manage("shell", "-c", CREATE_SESSIONS.format(expired=expired, live=live), env=env)
    assert created.returncode == 0, created.stdout + created.stderr
    assert {expired, live} <= session_keys(database)

    # The worker runs from an empty folder, so anything it writes outside MUTUA_VAR_DIR
    # (such as kombu's default ./control folder) shows up there.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    worker_env = {
        **env,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--queues",
                queue,
                "--hostname",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=elsewhere,
            env=worker_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            sent = run_manage("shell", "-c", SEND_TASK.format(queue=queue), env=env)
            assert sent.returncode == 0, sent.stdout + sent.stderr

            deadline = time.monotonic() + WORKER_DEADLINE
            while expired in session_keys(database):
                assert worker.poll() is None, "the worker died:\n" + log_path.read_text()
                assert time.monotonic() < deadline, (
                    f"no worker ran the task within {WORKER_DEADLINE:.0f} s:\n"
                    + log_path.read_text()
                )
                time.sleep(0.2)
        finally:
            stop(worker)

    assert live in session_keys(database)
    assert not list(elsewhere.iterdir()), "the worker wrote outside MUTUA_VAR_DIR"
    worker_log = log_path.read_text()
    assert re.search(r"Task community\.sessions_clear_expired\[[^]]+\] succeeded", worker_log)
    broker = "redis://" if env.get("REDIS_URL") else "filesystem://"
    assert broker in worker_log
    assert "No hostname was supplied" not in worker_log


@pytest.mark.django_db
def test_clearing_expired_sessions_deletes_only_the_expired_ones_and_can_run_twice() -> None:
    now = timezone.now()
    Session.objects.create(
        session_key="gone-yesterday", session_data="", expire_date=now - timedelta(days=1)
    )
    Session.objects.create(
        session_key="gone-a-second-ago", session_data="", expire_date=now - timedelta(seconds=1)
    )
    Session.objects.create(
        session_key="still-valid", session_data="", expire_date=now + timedelta(hours=1)
    )

    assert sessions_clear_expired.delay().get() == 2
    assert list(Session.objects.values_list("session_key", flat=True)) == ["still-valid"]
    assert sessions_clear_expired.delay().get() == 0
    assert Session.objects.filter(session_key="still-valid").exists()


def test_the_task_is_registered_under_the_name_the_beat_schedule_uses() -> None:
    assert sessions_clear_expired.name == "community.sessions_clear_expired"
    assert any(
        entry["task"] == sessions_clear_expired.name
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
    )


def test_every_beat_entry_names_a_task_a_fresh_worker_discovers_on_its_own(
    tmp_path: Path,
) -> None:
    # A fresh process: in this one some test may already have imported the tasks by hand.
    code = """
from django.conf import settings
from config.celery import app
app.loader.import_default_modules()
result = {
    "registered": sorted(app.tasks),
    "schedule": {name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()},
    "intervals": [
        float(entry["schedule"])
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if isinstance(entry["schedule"], (int, float))
    ],
}
"""
    result = probe(code, clean_environment(tmp_path))

    assert result["schedule"], "the beat schedule is empty"
    missing = set(result["schedule"].values()) - set(result["registered"])
    assert not missing, f"beat would send tasks no worker knows: {sorted(missing)}"
    assert all(interval > 0 for interval in result["intervals"])


def test_daily_and_hourly_jobs_run_at_fixed_times_of_the_community_day() -> None:
    # An interval of 86,400 s counts from whenever beat started, and starts again from zero
    # at every restart: a beat restarted at 06:59 every day would never send the digest.
    schedule = settings.CELERY_BEAT_SCHEDULE
    for name in ("notifications-digest", "correct-serial-voting"):
        job = schedule[name]["schedule"]
        assert isinstance(job, crontab), name
        assert len(vars(job)["hour"]) == 1 and len(vars(job)["minute"]) == 1, name
    for name in ("close-payback-periods", "clear-expired-sessions"):
        job = schedule[name]["schedule"]
        assert isinstance(job, crontab), name
        assert len(vars(job)["hour"]) == 24 and len(vars(job)["minute"]) == 1, name
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE
    for entry in schedule.values():
        interval = entry["schedule"]
        if not isinstance(interval, crontab):
            assert isinstance(interval, float) and interval < 3600, "an hourly or daily interval"
