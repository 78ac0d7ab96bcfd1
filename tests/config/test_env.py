"""config.env: the pure mapping from environment variables to settings values."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from django.core.cache.backends.redis import RedisCache
from django.utils.module_loading import import_string
from kombu import Connection

from config import env


@pytest.mark.parametrize("word", ["1", "true", "TRUE", "Yes", "on", " on "])
def test_env_bool_reads_the_usual_words_for_true(
    monkeypatch: pytest.MonkeyPatch, word: str
) -> None:
    monkeypatch.setenv("MUTUA_FLAG", word)
    assert env.env_bool("MUTUA_FLAG", default=False) is True


@pytest.mark.parametrize("word", ["0", "false", "False", "no", "OFF", ""])
def test_env_bool_reads_the_usual_words_and_the_empty_string_for_false(
    monkeypatch: pytest.MonkeyPatch, word: str
) -> None:
    monkeypatch.setenv("MUTUA_FLAG", word)
    assert env.env_bool("MUTUA_FLAG", default=True) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_falls_back_to_the_default_when_the_variable_is_unset(
    monkeypatch: pytest.MonkeyPatch, default: bool
) -> None:
    monkeypatch.delenv("MUTUA_FLAG", raising=False)
    assert env.env_bool("MUTUA_FLAG", default=default) is default


def test_env_bool_refuses_junk_with_a_message_naming_the_variable_and_the_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MUTUA_FLAG", "maybe")
    with pytest.raises(ValueError, match=r"MUTUA_FLAG='maybe' is not a boolean") as caught:
        env.env_bool("MUTUA_FLAG", default=False)
    assert "true/false" in str(caught.value)


def test_env_list_splits_on_commas_and_drops_blanks_and_spaces(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MUTUA_HOSTS", " a.example.com, ,b.example.com ,, c ")
    assert env.env_list("MUTUA_HOSTS", default=["x"]) == ["a.example.com", "b.example.com", "c"]


def test_env_list_falls_back_to_the_default_only_when_unset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MUTUA_HOSTS", raising=False)
    assert env.env_list("MUTUA_HOSTS", default=["localhost"]) == ["localhost"]
    monkeypatch.setenv("MUTUA_HOSTS", "")
    assert env.env_list("MUTUA_HOSTS", default=["localhost"]) == []


@pytest.mark.parametrize("url", [None, ""])
def test_without_a_database_url_the_database_is_sqlite_tuned_for_several_processes(
    tmp_path: Path, url: str | None
) -> None:
    path = tmp_path / "mutua.sqlite3"
    config = env.database_config(url, default_sqlite_path=path)

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(config["NAME"]) == path
    options = config["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] > 0


def test_the_sqlite_init_command_really_switches_a_database_to_wal(tmp_path: Path) -> None:
    config = env.database_config(None, default_sqlite_path=tmp_path / "db.sqlite3")
    connection = sqlite3.connect(config["NAME"])
    try:
        connection.executescript(config["OPTIONS"]["init_command"])
        (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
    finally:
        connection.close()
    assert mode == "wal"


def test_a_postgres_url_gives_the_postgresql_engine_with_every_part_of_the_url(
    tmp_path: Path,
) -> None:
    config = env.database_config(
        "postgres://mutua:s3cret@db.example.com:6543/community",
        default_sqlite_path=tmp_path / "unused.sqlite3",
    )

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "community"
    assert config["HOST"] == "db.example.com"
    assert int(config["PORT"]) == 6543
    assert config["USER"] == "mutua"
    assert config["PASSWORD"] == "s3cret"
    # SQLite's tuning must not leak into PostgreSQL, whose driver would reject it.
    assert "init_command" not in config.get("OPTIONS", {})
    assert "transaction_mode" not in config.get("OPTIONS", {})
    assert config["CONN_HEALTH_CHECKS"] is True
    assert not (tmp_path / "unused.sqlite3").exists()


def test_without_redis_the_cache_and_the_channel_layer_live_in_the_process() -> None:
    cache = env.cache_config(None)["default"]
    layer = env.channel_layers_config(None)["default"]

    assert cache["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert layer["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    import_string(cache["BACKEND"])
    import_string(layer["BACKEND"])


def test_with_a_redis_url_the_cache_and_the_channel_layer_use_redis() -> None:
    url = "redis://cache.example.com:6379/3"
    cache = env.cache_config(url)["default"]
    layer = env.channel_layers_config(url)["default"]

    # Django's Redis cache, made to treat an outage as a miss (config/cache.py).
    assert issubclass(import_string(cache["BACKEND"]), RedisCache)
    assert cache["LOCATION"] == url
    assert layer["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert [host["address"] for host in layer["CONFIG"]["hosts"]] == [url]
    import_string(cache["BACKEND"])
    import_string(layer["BACKEND"])


def test_with_a_redis_url_the_celery_broker_is_that_redis_and_no_folder_is_made(
    tmp_path: Path,
) -> None:
    url = "redis://broker.example.com:6379/1"
    broker = env.celery_broker_config(url, queue_dir=tmp_path / "celery")

    assert broker["url"] == url
    assert not (tmp_path / "celery").exists()


def test_without_redis_the_celery_broker_is_a_folder_that_exists(tmp_path: Path) -> None:
    broker = env.celery_broker_config(None, queue_dir=tmp_path / "celery")
    options = broker["transport_options"]

    assert broker["url"] == "filesystem://localhost//"
    # Producers write to data_folder_out and consumers read data_folder_in: on one machine
    # they must be the same folder or messages are never picked up.
    assert options["data_folder_in"] == options["data_folder_out"]
    # Kombu puts broadcast (remote control) messages in ./control of whatever the current
    # directory is unless told otherwise: every folder must live under the var dir.
    folders = {key: Path(value) for key, value in options.items() if key.endswith("_folder")}
    assert {"processed_folder", "control_folder"} <= folders.keys()
    for key, folder in [("data_folder_in", Path(options["data_folder_in"])), *folders.items()]:
        assert folder.is_dir(), key
        assert folder.is_relative_to(tmp_path), key


def test_the_folder_broker_names_a_host_so_kombu_does_not_warn(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broker = env.celery_broker_config(None, queue_dir=tmp_path / "celery")
    connection = Connection(broker["url"], transport_options=broker["transport_options"])

    with caplog.at_level(logging.WARNING, logger="kombu"):
        assert connection.as_uri().startswith("filesystem://")
        with connection:
            connection.default_channel  # noqa: B018 - connects

    assert connection.hostname == "localhost"
    assert not [r for r in caplog.records if "hostname" in r.getMessage()]


def test_the_folder_broker_carries_a_message_from_one_connection_to_another(
    tmp_path: Path,
) -> None:
    broker = env.celery_broker_config(None, queue_dir=tmp_path / "celery")

    with Connection(broker["url"], transport_options=broker["transport_options"]) as producer:
        producer.SimpleQueue("mutua-test").put({"hello": "worker"})
    with Connection(broker["url"], transport_options=broker["transport_options"]) as consumer:
        queue = consumer.SimpleQueue("mutua-test")
        message = queue.get(timeout=5)
        message.ack()
        queue.close()

    assert message.payload == {"hello": "worker"}


# --- SITE_URL: the public address every absolute link starts with ---------------------------


def test_site_url_is_taken_as_given_without_its_trailing_slash() -> None:
    environ = {"SITE_URL": "https://help.example.com/", "HOST": "0.0.0.0", "PORT": "9000"}  # noqa: S104

    assert env.site_url(environ) == "https://help.example.com"


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        (None, None, "http://127.0.0.1:8000"),
        ("127.0.0.1", "8123", "http://127.0.0.1:8123"),
        ("0.0.0.0", "9000", "http://localhost:9000"),  # noqa: S104
        ("::", "9000", "http://localhost:9000"),
        ("::1", "8000", "http://[::1]:8000"),
        ("mutua.local", "80", "http://mutua.local:80"),
    ],
)
def test_without_site_url_links_go_where_make_run_serves(
    host: str | None, port: str | None, expected: str
) -> None:
    environ = {k: v for k, v in {"HOST": host, "PORT": port}.items() if v is not None}

    assert env.site_url(environ) == expected


@pytest.mark.parametrize("value", ["community.example.com", "ftp://example.com", "https://"])
def test_a_site_url_that_is_not_an_http_address_is_refused_with_its_value(value: str) -> None:
    with pytest.raises(ValueError, match="SITE_URL="):
        env.site_url({"SITE_URL": value})


def test_url_origins_keeps_the_origin_of_absolute_addresses_only() -> None:
    urls = ["https://cdn.example.com/acme/logo.svg", "img/logo.svg", "/media/logo.png"]

    assert env.url_origins(urls) == ["https://cdn.example.com"]
