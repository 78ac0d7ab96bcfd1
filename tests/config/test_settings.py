"""config.settings as a fresh process sees it, for each way Mutua is deployed.

Settings are read once per process, so each case starts its own interpreter (tests/config/
processes.py) from an environment with every Mutua variable removed.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from tests.processes import clean_environment, probe, run_manage, run_python

EMBEDDED_PROBE = """
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from channels.layers import get_channel_layer
from config.celery import app

with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal_mode = cursor.fetchone()[0]
    cursor.execute("PRAGMA busy_timeout")
    busy_timeout = cursor.fetchone()[0]
result = {
    "vendor": connection.vendor,
    "name": str(settings.DATABASES["default"]["NAME"]),
    "journal_mode": journal_mode,
    "busy_timeout": busy_timeout,
    "layer": type(get_channel_layer()).__name__,
    "cache": type(caches["default"]).__name__,
    "broker": settings.CELERY_BROKER_URL,
    "celery_broker": app.conf.broker_url,
    "queue": settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in"),
    "debug": settings.DEBUG,
    "session": settings.SESSION_ENGINE,
}
"""


def test_with_nothing_set_mutua_runs_on_sqlite_in_wal_mode_and_needs_no_server(
    tmp_path: Path,
) -> None:
    result = probe(EMBEDDED_PROBE, clean_environment(tmp_path))

    assert result["vendor"] == "sqlite"
    assert Path(result["name"]) == tmp_path / "mutua.sqlite3"
    assert (tmp_path / "mutua.sqlite3").exists()
    assert result["journal_mode"] == "wal"
    assert result["busy_timeout"] > 0
    assert result["layer"] == "InMemoryChannelLayer"
    assert result["cache"] == "LocMemCache"
    assert result["broker"].startswith("filesystem://")
    assert result["celery_broker"].startswith("filesystem://")
    assert Path(result["queue"]).is_relative_to(tmp_path)
    assert Path(result["queue"]).is_dir()
    assert result["debug"] is True
    # Sessions in the database only: each process's local-memory cache is its own.
    assert result["session"] == "django.contrib.sessions.backends.db"


def test_database_url_and_redis_url_switch_to_postgresql_and_redis(tmp_path: Path) -> None:
    code = """
from django.conf import settings
from django.core.cache import caches
from channels.layers import get_channel_layer
from config.celery import app

result = {
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": settings.DATABASES["default"]["NAME"],
    "host": settings.DATABASES["default"]["HOST"],
    "layer": type(get_channel_layer()).__name__,
    "cache": type(caches["default"]).__name__,
    "broker": settings.CELERY_BROKER_URL,
    "celery_broker": app.conf.broker_url,
    "session": settings.SESSION_ENGINE,
}
"""
    env = clean_environment(
        tmp_path,
        DATABASE_URL="postgres://mutua@db.invalid:5432/mutua_settings",
        REDIS_URL="redis://redis.invalid:6379/7",
    )
    result = probe(code, env)

    assert result["engine"] == "django.db.backends.postgresql"
    assert result["name"] == "mutua_settings"
    assert result["host"] == "db.invalid"
    assert result["layer"] == "RedisPubSubChannelLayer"
    assert result["cache"] == "ResilientRedisCache"  # Django's RedisCache, outage-tolerant
    assert result["broker"] == "redis://redis.invalid:6379/7"
    assert result["celery_broker"] == "redis://redis.invalid:6379/7"
    assert result["session"] == "django.contrib.sessions.backends.cached_db"  # read from Redis
    # Redis mode needs no broker folder.
    assert not (tmp_path / "celery").exists()


def production_environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    return clean_environment(
        tmp_path,
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(45),  # 60 characters
        ALLOWED_HOSTS="community.example.com",
        **overrides,
    )


def test_production_settings_pass_the_deploy_checks_without_a_single_warning(
    tmp_path: Path,
) -> None:
    done = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_environment(tmp_path)
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout + done.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path: Path) -> None:
    env = production_environment(tmp_path)
    del env["ALLOWED_HOSTS"]

    done = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert done.returncode != 0
    assert "ALLOWED_HOSTS must be set when DJANGO_ENV=production" in done.stderr


def test_production_refuses_to_lift_the_second_factor_for_staff(tmp_path: Path) -> None:
    env = production_environment(tmp_path, MFA_REQUIRED_FOR_STAFF="false")

    done = run_manage("check", env=env)

    assert done.returncode != 0
    assert "MFA_REQUIRED_FOR_STAFF cannot be turned off in production" in done.stderr


def test_staff_need_a_second_factor_unless_lifted_outside_production(tmp_path: Path) -> None:
    code = "from django.conf import settings\nresult = settings.MFA_REQUIRED_FOR_STAFF"

    assert probe(code, clean_environment(tmp_path)) is True
    assert probe(code, clean_environment(tmp_path, MFA_REQUIRED_FOR_STAFF="false")) is False


def test_production_turns_debug_off_and_the_hardening_on(tmp_path: Path) -> None:
    code = """
from django.conf import settings
from django.urls import Resolver404, resolve

try:
    resolve("/media/avatars/a.png")
    serves_media = True
except Resolver404:
    serves_media = False
result = {
    "debug": settings.DEBUG,
    "hosts": settings.ALLOWED_HOSTS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "email": settings.EMAIL_BACKEND,
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "serves_media": serves_media,
}
"""
    result = probe(code, production_environment(tmp_path))

    assert result["debug"] is False
    assert result["hosts"] == ["community.example.com"]
    assert result["ssl_redirect"] is True
    assert result["hsts"] >= 60 * 60 * 24 * 365
    assert result["session_secure"] is True
    assert result["csrf_secure"] is True
    assert result["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert result["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert result["serves_media"] is False


def test_the_development_site_serves_uploads_itself(tmp_path: Path) -> None:
    code = """
from django.urls import resolve
result = resolve("/media/avatars/a.png").func.__name__
"""
    assert probe(code, clean_environment(tmp_path)) == "serve"


def test_production_without_a_secret_key_refuses_to_start_and_says_why(tmp_path: Path) -> None:
    env = production_environment(tmp_path)
    del env["SECRET_KEY"]

    done = run_python("import django; django.setup()", env)

    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "SECRET_KEY must be set when DJANGO_ENV=production" in done.stderr


def test_an_unknown_django_env_refuses_to_start_and_says_why(tmp_path: Path) -> None:
    env = clean_environment(tmp_path, DJANGO_ENV="prod")

    done = run_python("import django; django.setup()", env)

    assert done.returncode != 0
    assert "DJANGO_ENV must be 'development' or 'production'" in done.stderr


def test_a_junk_boolean_in_the_environment_stops_the_settings_with_its_name(
    tmp_path: Path,
) -> None:
    env = clean_environment(tmp_path, DJANGO_DEBUG="sometimes")

    done = run_python("import django; django.setup()", env)

    assert done.returncode != 0
    assert "DJANGO_DEBUG='sometimes' is not a boolean" in done.stderr


SITE_AND_BRAND_PROBE = """
from django.conf import settings
result = {
    "site_url": settings.SITE_URL,
    "brand": [settings.BRAND_NAME, settings.BRAND_LOGO, settings.BRAND_ACCENT,
              settings.BRAND_CURRENCY],
    "from": settings.DEFAULT_FROM_EMAIL,
    "subject_prefix": settings.ACCOUNT_EMAIL_SUBJECT_PREFIX,
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
    "language": settings.LANGUAGE_CODE,
}
"""


def test_links_follow_host_and_port_when_no_site_url_is_set(tmp_path: Path) -> None:
    env = clean_environment(tmp_path, HOST="0.0.0.0", PORT="8765")  # noqa: S104

    assert probe(SITE_AND_BRAND_PROBE, env)["site_url"] == "http://localhost:8765"


def test_site_url_wins_over_host_and_port(tmp_path: Path) -> None:
    env = clean_environment(tmp_path, HOST="0.0.0.0", PORT="8765", SITE_URL="https://h.example")  # noqa: S104

    assert probe(SITE_AND_BRAND_PROBE, env)["site_url"] == "https://h.example"


def test_with_nothing_set_the_brand_is_mutua_in_pounds_and_british_english(
    tmp_path: Path,
) -> None:
    result = probe(SITE_AND_BRAND_PROBE, clean_environment(tmp_path))

    assert result["brand"] == ["Mutua", "img/logo.svg", "#0f766e", "GBP"]
    assert result["site_url"] == "http://127.0.0.1:8000"
    assert result["language"] == "en-gb"


def test_the_brand_comes_from_the_environment(tmp_path: Path) -> None:
    env = clean_environment(
        tmp_path,
        BRAND_NAME="Acme Help",
        BRAND_LOGO="https://cdn.example.com/acme.svg",
        BRAND_ACCENT="#7C3AED",
        BRAND_CURRENCY="eur",
    )

    result = probe(SITE_AND_BRAND_PROBE, env)

    assert result["brand"] == ["Acme Help", "https://cdn.example.com/acme.svg", "#7c3aed", "EUR"]
    assert result["from"] == "Acme Help <community@mutua.localhost>"
    assert result["subject_prefix"] == "[Acme Help] "
    # A logo on another host is allowed by the CSP, and only that host.
    assert result["img_src"] == ["'self'", "data:", "https://cdn.example.com"]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("BRAND_ACCENT", "teal", "BRAND_ACCENT='teal' is not a hex colour"),
        ("BRAND_ACCENT", "#fde047", "BRAND_ACCENT=#fde047 is too light"),
        ("BRAND_CURRENCY", "QQQ", "BRAND_CURRENCY='QQQ' is not an ISO 4217 code"),
    ],
)
def test_a_bad_brand_setting_refuses_to_start_and_says_why(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    done = run_python(
        "import django; django.setup()", clean_environment(tmp_path, **{variable: value})
    )

    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert message in done.stderr
