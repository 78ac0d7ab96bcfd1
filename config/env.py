"""Turn environment variables into Django settings values.

Pure functions, so the mapping from the environment to the configuration is tested without
re-importing the settings module. The settings module is the only caller.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ValueError(f"{name}={raw!r} must be at least {minimum}")
    return value


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number") from None
    if value <= 0:
        raise ValueError(f"{name}={raw!r} must be more than 0")
    return value


# Each process (a web worker, a Celery worker's child, the scheduler) keeps its own pool.
# Sized for one process of a small machine: the sum over processes must stay well under
# PostgreSQL's max_connections (100 by default).
DB_POOL_MIN_SIZE = 1
DB_POOL_MAX_SIZE = 8
# How long a request waits for a free connection before it is answered 503 (Retry-After).
DB_POOL_TIMEOUT = 10.0


# Addresses a server listens on that no browser can be sent to.
WILDCARD_HOSTS = {"0.0.0.0", "::", "[::]", ""}  # noqa: S104


def site_url(environ: Mapping[str, str]) -> str:
    """The site's public address, no trailing slash: SITE_URL, or where `make run` serves.

    Without SITE_URL it is http://HOST:PORT (127.0.0.1:8000 by default), with a wildcard
    HOST ("0.0.0.0", "::") read as localhost: the address a browser on this machine uses.
    """
    explicit = environ.get("SITE_URL", "").strip()
    if explicit:
        parts = urlsplit(explicit)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError(
                f"SITE_URL={explicit!r} must be an http(s) address, such as "
                "https://community.example.com"
            )
        return explicit.rstrip("/")
    host = environ.get("HOST", "").strip() or "127.0.0.1"
    if host in WILDCARD_HOSTS:
        host = "localhost"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    port = environ.get("PORT", "").strip() or "8000"
    return f"http://{host}:{port}"


def url_origins(urls: Iterable[str]) -> list[str]:
    """The scheme://host of each absolute http(s) URL among `urls` (for the CSP)."""
    origins = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in {"http", "https"} and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins


def database_pool_options() -> dict[str, Any] | None:
    """psycopg-pool's options for Django's PostgreSQL pool, from the environment.

    DB_POOL=off turns the pool off (one connection per request, closed after it: for a
    pooler in front of PostgreSQL such as PgBouncer in transaction mode).
    """
    if not env_bool("DB_POOL", default=True):
        return None
    min_size = env_int("DB_POOL_MIN_SIZE", DB_POOL_MIN_SIZE)
    max_size = env_int("DB_POOL_MAX_SIZE", max(DB_POOL_MAX_SIZE, min_size), minimum=1)
    if max_size < min_size:
        raise ValueError(f"DB_POOL_MAX_SIZE={max_size} is smaller than DB_POOL_MIN_SIZE={min_size}")
    return {
        "min_size": min_size,
        "max_size": max_size,
        "timeout": env_float("DB_POOL_TIMEOUT", DB_POOL_TIMEOUT),
        # Idle connections above min_size are closed after this long.
        "max_idle": 300.0,
    }


def database_config(
    url: str | None,
    *,
    default_sqlite_path: Path,
    pool: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The `default` database: PostgreSQL from a URL, or SQLite tuned for several processes.

    SQLite serves the web server, the Celery worker and the beat scheduler at once in the
    embedded mode, so it runs in WAL mode (readers never block the writer), waits for a lock
    instead of failing at once, and opens write transactions with BEGIN IMMEDIATE so two
    writers queue on the busy timeout rather than deadlock on a lock upgrade.
    """
    config: dict[str, Any] = dict(
        dj_database_url.parse(
            url or f"sqlite:///{default_sqlite_path}", conn_max_age=0, conn_health_checks=True
        )
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif config["ENGINE"] == "django.db.backends.postgresql" and pool:
        # Django's connection pool (psycopg-pool): a request borrows a connection and gives
        # it back when it ends, so the number of connections is bounded per process and a
        # burst waits for a free one instead of opening more than PostgreSQL allows. Pooling
        # needs CONN_MAX_AGE=0 (a persistent connection would never go back to the pool).
        config["OPTIONS"] = {**config.get("OPTIONS", {}), "pool": dict(pool)}
    # CONN_MAX_AGE stays 0 either way: with the pool it must; without it, under ASGI,
    # Django's persistent connections are not safe (each request may run on another thread).
    return config


# Redis is a courtesy layer (cache, live pushes, the task queue); the database is the truth.
# Short timeouts keep a dead or hanging Redis from stalling requests: refused connections
# fail at once, but an unreachable host would otherwise wait for the kernel's TCP timeout.
REDIS_CONNECT_TIMEOUT = 0.5
REDIS_CACHE_TIMEOUT = 0.5


def cache_config(redis_url: str | None) -> dict[str, Any]:
    """The default cache; with Redis, one that treats an outage as a miss (config/cache.py)."""
    if redis_url:
        return {
            "default": {
                "BACKEND": "config.cache.ResilientRedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": "mutua",
                "OPTIONS": {
                    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                    "socket_timeout": REDIS_CACHE_TIMEOUT,
                },
            }
        }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def channel_layers_config(redis_url: str | None) -> dict[str, Any]:
    """The channel layer that carries live pushes between processes.

    Redis pub/sub: one PUBLISH per push, which Redis fans out to every process with a
    subscribed socket, instead of the list-based layer's one queue write per socket
    (BENCHMARKS.md, "Notification fan-out"). Pub/sub delivers at most once, to whoever is
    listening: the database is the truth and a socket that missed a push replays on
    reconnect. Only a connect timeout: a subscriber's read waits on Redis by design.
    """
    if redis_url:
        return {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {
                    "hosts": [
                        {"address": redis_url, "socket_connect_timeout": REDIS_CONNECT_TIMEOUT}
                    ],
                    "prefix": "mutua",
                },
            }
        }
    return {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


BROKER_VISIBILITY_TIMEOUT = 300


def celery_broker_config(redis_url: str | None, *, queue_dir: Path) -> dict[str, Any]:
    """The Celery broker: Redis when configured, otherwise a folder on disk.

    Kombu's filesystem transport needs no server and is shared by every process on the
    machine, so `make run` still runs a separate worker and beat scheduler.
    """
    if redis_url:
        # A publish (`.delay()`) during an outage must fail fast rather than hang the request
        # that schedules it: callers catch the error and log it. Refused connections fail in
        # under a second with Celery's default publish retries (3, 0.2 s apart); these bound
        # an unreachable or hanging server. BRPOP waits 1 s, well within the read timeout.
        # visibility_timeout: a task a worker reserved and never acknowledged (the worker was
        # killed) goes back to the queue after this long; Celery's default is an hour. Tasks
        # are idempotent, so one that merely ran longer than this and ran twice is harmless.
        return {
            "url": redis_url,
            "transport_options": {
                "socket_connect_timeout": 1.0,
                "socket_timeout": 5.0,
                "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
            },
        }
    for sub in ("queue", "processed", "control"):
        (queue_dir / sub).mkdir(parents=True, exist_ok=True)
    return {
        # The transport ignores the host, but kombu warns "No hostname was supplied" on every
        # connection that names none.
        "url": "filesystem://localhost//",
        "transport_options": {
            "data_folder_in": str(queue_dir / "queue"),
            "data_folder_out": str(queue_dir / "queue"),
            "processed_folder": str(queue_dir / "processed"),
            # Broadcast (remote control) messages; kombu's default is ./control in the cwd.
            "control_folder": str(queue_dir / "control"),
            "store_processed": False,
        },
    }


def social_providers(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """SOCIALACCOUNT_PROVIDERS for the sign-in providers the environment configures.

    A brand's own identity provider through OpenID Connect (OIDC_SERVER_URL, OIDC_CLIENT_ID,
    OIDC_CLIENT_SECRET, OIDC_BUTTON_LABEL, OIDC_PROVIDER_ID), Google (GOOGLE_CLIENT_ID,
    GOOGLE_CLIENT_SECRET) and Apple (APPLE_CLIENT_ID, APPLE_TEAM_ID, APPLE_KEY_ID,
    APPLE_PRIVATE_KEY). A provider appears on the sign-in page only when it is configured; one
    half-configured stops the settings with the names of what is missing.
    """
    environ = os.environ if environ is None else environ

    def read(*names: str) -> dict[str, str] | None:
        values = {name: environ.get(name, "").strip() for name in names}
        if not any(values.values()):
            return None
        missing = [name for name, value in values.items() if not value]
        if missing:
            raise ValueError(f"{', '.join(missing)} must be set too (or none of {names[0]}...)")
        return values

    providers: dict[str, Any] = {}
    oidc = read("OIDC_SERVER_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")
    if oidc:
        provider_id = environ.get("OIDC_PROVIDER_ID", "").strip() or "sso"
        if not provider_id.replace("-", "").isalnum():
            raise ValueError(f"OIDC_PROVIDER_ID={provider_id!r}: letters, digits and - only")
        providers["openid_connect"] = {
            "APPS": [
                {
                    "provider_id": provider_id,
                    "name": environ.get("OIDC_BUTTON_LABEL", "").strip() or "Single sign-on",
                    "client_id": oidc["OIDC_CLIENT_ID"],
                    "secret": oidc["OIDC_CLIENT_SECRET"],
                    "settings": {"server_url": oidc["OIDC_SERVER_URL"]},
                }
            ]
        }
    google = read("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET")
    if google:
        providers["google"] = {
            "APPS": [
                {"client_id": google["GOOGLE_CLIENT_ID"], "secret": google["GOOGLE_CLIENT_SECRET"]}
            ],
            "SCOPE": ["profile", "email"],
        }
    apple = read("APPLE_CLIENT_ID", "APPLE_TEAM_ID", "APPLE_KEY_ID", "APPLE_PRIVATE_KEY")
    if apple:
        providers["apple"] = {
            "APPS": [
                {
                    "client_id": apple["APPLE_CLIENT_ID"],
                    "secret": apple["APPLE_KEY_ID"],
                    "key": apple["APPLE_TEAM_ID"],
                    "settings": {
                        "certificate_key": apple["APPLE_PRIVATE_KEY"].replace("\\n", "\n")
                    },
                }
            ]
        }
    return providers


PROVIDER_ORIGINS = {"google": "https://accounts.google.com", "apple": "https://appleid.apple.com"}


def sign_in_origins(providers: Mapping[str, Any]) -> list[str]:
    """Where a sign-in form's redirect may take the browser (CSP form-action): the origin of
    each configured provider's authorization page."""
    origins = [PROVIDER_ORIGINS[name] for name in providers if name in PROVIDER_ORIGINS]
    for app in providers.get("openid_connect", {}).get("APPS", []):
        parts = urlsplit(app["settings"]["server_url"])
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins
