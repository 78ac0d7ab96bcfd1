"""What `make bench` needs before it measures: PostgreSQL and Redis up, the bench database
seeded, static files collected, and the environment the server runs with (production
settings, DEBUG off, on loopback)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.server import REPO_ROOT

VAR = REPO_ROOT / "var" / "bench"
# BENCH_SCALE names a `manage.py seed_scale --size` preset (community/scale/vocabulary.py:
# full is 100,000 members, 200,000 threads, 1,000,000 posts, 5,000,000 kudos); tiny (the smoke
# test) seeds nothing but the bench fixtures.
SCALES = ("full", "small", "tiny")
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/mutua_bench"


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def ensure_services(database_url: str, redis_url: str | None) -> None:
    """Start the local PostgreSQL and Redis if they are down (as .ci/run does)."""
    pg_isready = ["pg_isready", "-q", "-h", "127.0.0.1"]
    if (
        database_url.startswith("postgres")
        and shutil.which("pg_isready")
        and subprocess.run(pg_isready, check=False).returncode
    ):
        version = sorted(os.listdir("/etc/postgresql"))[0]
        log(f"starting PostgreSQL {version}")
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
            check=True,
        )
    if redis_url and shutil.which("redis-cli"):
        ping = ["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"]
        if subprocess.run(ping, capture_output=True, check=False).returncode:
            log("starting Redis")
            subprocess.run(
                ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379",
                 "--save", "", "--appendonly", "no"],
                check=True,
            )  # fmt: skip
    for _ in range(30):
        if _postgres_ready(database_url):
            return
        time.sleep(1)
    raise SystemExit(f"PostgreSQL at {database_url} does not answer")


def _postgres_ready(database_url: str) -> bool:
    if not database_url.startswith("postgres"):
        return True
    import psycopg

    try:
        psycopg.connect(_admin_url(database_url), dbname="postgres", connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True


def _admin_url(database_url: str) -> str:
    return urlsplit(database_url)._replace(scheme="postgresql").geturl()


def server_env(
    database_url: str, redis_url: str | None, var_dir: Path, *, production: bool = True
) -> dict[str, str]:
    """Production settings on loopback: DEBUG off, hashed static files, no TLS redirect.

    `production=False` (the tiny smoke run) keeps DEBUG off but skips the production-only
    static files manifest, so no collectstatic is needed."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EMAIL_", "SECURE_", "DB_POOL_"))
        and key not in {"DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "MUTUA_VAR_DIR"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="production" if production else "development",
        DJANGO_DEBUG="0",
        SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        MUTUA_VAR_DIR=str(var_dir),
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        CELERY_TASK_ALWAYS_EAGER="1",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 3600) -> str:
    finished = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if finished.returncode:
        raise SystemExit(f"manage.py {args[0]} failed:\n{finished.stderr[-4000:]}")
    return finished.stdout


def has_seed_scale(env: dict[str, str]) -> bool:
    return "seed_scale" in manage(env, "help", "--commands")


def database_exists(database_url: str) -> bool:
    if not database_url.startswith("postgres"):
        path = Path(urlsplit(database_url).path)
        return path.exists()
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(_admin_url(database_url), dbname="postgres", autocommit=True) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def create_database(database_url: str) -> None:
    if not database_url.startswith("postgres"):
        return
    import psycopg
    from psycopg import sql

    name = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(_admin_url(database_url), dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(database_url: str) -> None:
    if not database_url.startswith("postgres"):
        return
    import psycopg
    from psycopg import sql

    name = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(_admin_url(database_url), dbname="postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def seed(env: dict[str, str], scale: str) -> None:
    """The base community: `manage.py seed_scale` at the scale's sizes when the product has
    it; otherwise the demo community grown through the services (bench.fixtures). The tiny
    scale (the smoke test) has only what bench.fixtures makes."""
    manage(env, "migrate", "--no-input")
    if scale == "tiny":
        return
    if has_seed_scale(env):
        log(f"seeding with seed_scale --size={scale}")
        manage(env, "seed_scale", f"--size={scale}", "--no-progress")
    else:
        log("seed_scale is not available: demo community plus a small grown one")
        manage(env, "seed_demo", "--no-progress")
        manage(env, "shell", "-c", "from bench.fixtures import grow_small; grow_small()")


def prepare(env: dict[str, str], database_url: str, scale: str) -> dict[str, Any]:
    """Seed the bench database if it is missing; collect static files; the fixtures."""
    if not database_exists(database_url):
        log(f"creating and seeding the bench database ({scale})")
        create_database(database_url)
        try:
            seed(env, scale)
        except BaseException:
            drop_database(database_url)  # never leave a half-seeded database behind
            raise
    else:
        manage(env, "migrate", "--no-input")
    if env["DJANGO_ENV"] == "production":
        manage(env, "collectstatic", "--no-input", "-v0")
    answers, writers = ((5, 40), 32) if scale == "tiny" else ((20, 200), 256)
    log("bench members and threads")
    output = manage(
        env,
        "shell",
        "-c",
        f"from bench.fixtures import main; main(answers={answers!r}, writers={writers})",
    )
    line = next(x for x in output.splitlines() if x.startswith("BENCH-FIXTURES "))
    fixtures: dict[str, Any] = json.loads(line.removeprefix("BENCH-FIXTURES "))
    return fixtures
