"""Run Django in a fresh process, with an environment the test controls.

The settings module reads the environment once per process, so every test of "what the
settings become when X is set" starts its own interpreter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]

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
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_manage(
    *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`python manage.py *args` from the repository root; never raises on a non-zero exit."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
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
