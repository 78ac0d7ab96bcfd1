"""Mutua in other processes, with an environment the test controls.

The settings module reads the environment once per process, so every test of "what the
settings become when X is set" starts its own interpreter (`probe`, `run_python`,
`run_manage`). Tests that need the product really serving (the browser journeys, the live
delivery across servers and through outages) start the web server here too: `throwaway_database`
gives the servers a database of their own, `server_environment` their settings, `manage`
prepares it and `web_server` serves it on a loopback port, healthy before the test starts and
ended whatever the test does.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import psycopg
import pytest
from psycopg import sql

REPO_ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 30.0

# Every variable config/settings.py reads (README.md, "Configuration"), plus the ones that
# steer Django itself: a test starts from none of them and sets what it means to test.
SETTINGS_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ENV",
    "SECRET_KEY",
    "DJANGO_DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "MUTUA_VAR_DIR",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "SERVE_MEDIA",
    "TIME_ZONE",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_FILE_PATH",
    "DEFAULT_FROM_EMAIL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "CELERY_TASK_ALWAYS_EAGER",
    "LOG_LEVEL",
    "WEB_CONCURRENCY",
    "WEB_THREADS",
    "HOST",
    "PORT",
    "SITE_URL",
    "BRAND_NAME",
    "BRAND_LOGO",
    "BRAND_ACCENT",
    "BRAND_CURRENCY",
    "NEW_MEMBER_REVIEW_POSTS",
    "NEW_MEMBER_HOURS",
)


def clean_environment(var_dir: Path, **overrides: str) -> dict[str, str]:
    """os.environ without any Mutua setting, pointed at `var_dir`, plus `overrides`."""
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["MUTUA_VAR_DIR"] = str(var_dir)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(overrides)
    return env


def run_python(
    code: str, env: dict[str, str], *, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`python -c code` from the repository root; never raises on a non-zero exit."""
    return _run(["-c", code], env, timeout)


def run_manage(
    *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`python manage.py *args` from the repository root; never raises on a non-zero exit."""
    return _run(["manage.py", *args], env, timeout)


def _run(args: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def probe(code: str, env: dict[str, str]) -> Any:
    """Set Django up in a new process, run `code` and return what it assigned to `result`.

    `result` travels back as JSON on the last line of stdout.
    """
    script = f"import django, json\ndjango.setup()\n{code}\nprint()\nprint(json.dumps(result))\n"
    done = run_python(script, env)
    assert done.returncode == 0, f"probe failed:\n{done.stdout}\n{done.stderr}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """`manage.py *args` for a server's database; its stdout, or the test fails."""
    finished = run_manage(*args, env=env, timeout=timeout)
    if finished.returncode != 0:
        pytest.fail(
            f"manage.py {args[0]} failed with code {finished.returncode}:\n"
            f"{(finished.stdout + finished.stderr)[-3000:]}",
            pytrace=False,
        )
    return finished.stdout


# --- Servers ----------------------------------------------------------------------------------


@contextmanager
def throwaway_database(root: Path, prefix: str = "mutua_server") -> Iterator[str]:
    """A database URL for servers started by a test, dropped afterwards.

    A fresh PostgreSQL database on the server DATABASE_URL names (rather than pytest-django's
    test database, so the servers' migrations and writes stay away from the in-process
    tests), or a SQLite file under `root` when DATABASE_URL is unset or not PostgreSQL.
    """
    url = os.environ.get("DATABASE_URL")
    if not url or dj_database_url.parse(url)["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{root / 'server.sqlite3'}"
        return
    # libpq understands postgresql:// URLs, not dj-database-url's aliases (pgsql://, ...).
    admin_url = urlsplit(url)._replace(scheme="postgresql")
    name = f"{prefix}_{secrets.token_hex(6)}"
    # CREATE/DROP DATABASE cannot run in a transaction: autocommit on the maintenance database.
    with psycopg.connect(admin_url.geturl(), dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield admin_url._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin_url.geturl(), dbname="postgres", autocommit=True) as conn:
            # FORCE: a connection a server left behind must not keep the database alive.
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def server_environment(root: Path, database_url: str, **overrides: str) -> dict[str, str]:
    """The development configuration with everything under `root`, whatever the developer's
    shell exports, on `database_url`, writing mail to files in `root / "mail"`."""
    settings = {
        "DATABASE_URL": database_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(root / "mail"),
        "LOG_LEVEL": "WARNING",
        # One process per server, so a test knows which process holds which socket; the
        # scale-out tests cross processes by starting several servers.
        "WEB_CONCURRENCY": "1",
        # As in-process tests (tests/conftest.py): the journeys' members are new, and their
        # posts go public unless a test turns the review of new members' posts back on.
        "NEW_MEMBER_REVIEW_POSTS": "0",
    }
    return clean_environment(root / "var", **(settings | overrides))


@dataclass(frozen=True)
class Server:
    url: str
    log_path: Path

    @property
    def ws_url(self) -> str:
        return "ws" + self.url.removeprefix("http")

    def log_tail(self, lines: int = 80) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return f"({self.log_path} was never written)"
        return "\n".join(text.splitlines()[-lines:])


@contextmanager
def refused_port() -> Iterator[int]:
    """A loopback port that refuses every connection for as long as it is held: a "Redis that
    is down". It stays bound, never listening, so nothing else can take it meanwhile; a port
    bound and released at once could be handed to the next socket bound to port 0 (a test's
    own web server), whose HTTP the Redis client would then read."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        yield int(holder.getsockname()[1])


@contextmanager
def web_server(env: dict[str, str], log_path: Path) -> Iterator[Server]:
    """The production web server (`python -m config.serve`, as `make run` and the Procfile
    start it) on a free loopback port, healthy when this yields. WEB_CONCURRENCY in `env`
    sets its processes."""
    # We bind the port ourselves and hand the server the listening socket: picking a "free"
    # port and letting the server bind it later races with anything else starting on this
    # machine, and the health check would then happily talk to the other server.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "config.serve", "--fd", str(listener.fileno())],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=[listener.fileno()],
        )
    # The child holds its own copy; ours would only keep the port open after it exits.
    listener.close()
    server = Server(url=url, log_path=log_path)
    try:
        _wait_until_healthy(process, server)
        yield server
    finally:
        # SIGTERM to the server: uvicorn's supervisor stops its worker processes too.
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# Straight to 127.0.0.1, never through a proxy a developer's shell may export.
local_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _wait_until_healthy(process: subprocess.Popen[bytes], server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            pytest.fail(
                f"The Mutua server exited with code {process.returncode} during startup. "
                f"Its log ({server.log_path}):\n{server.log_tail()}",
                pytrace=False,
            )
        try:
            with local_opener.open(f"{server.url}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass  # Not ready yet (or 503 while the database is unreachable): try again.
        if time.monotonic() > deadline:
            pytest.fail(
                f"The Mutua server did not answer /healthz with 200 within "
                f"{STARTUP_SECONDS:.0f} s. Its log ({server.log_path}):\n{server.log_tail()}",
                pytrace=False,
            )
        time.sleep(0.1)
