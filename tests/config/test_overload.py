"""No database connection to be had (the pool's wait ran out, or PostgreSQL is full) is a
503 with Retry-After: JSON for the API, a small page otherwise; never a 500."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from psycopg_pool import PoolTimeout

from config import env
from config.overload import is_database_busy

pytestmark = pytest.mark.django_db


def database_full(exc: Exception) -> Any:
    """Every attempt to reach the database fails as a full pool or a full PostgreSQL would."""
    return mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=exc)


BUSY = [
    PoolTimeout("couldn't get a connection after 10.00 sec"),
    OperationalError("FATAL:  sorry, too many clients already"),
]


@pytest.mark.parametrize("exc", BUSY, ids=["pool timeout", "too many clients"])
def test_the_api_answers_503_json_with_retry_after(exc: Exception) -> None:
    with database_full(exc):
        response = Client(raise_request_exception=False).get("/api/v1/threads/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("The site is very busy right now.")


@pytest.mark.parametrize("exc", BUSY, ids=["pool timeout", "too many clients"])
def test_a_page_answers_a_small_503_page_with_retry_after(exc: Exception) -> None:
    with database_full(exc):
        response = Client(raise_request_exception=False).get("/boards/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    assert b"The site is very busy right now." in response.content


def test_a_database_error_of_another_kind_stays_a_500() -> None:
    with database_full(OperationalError("relation does not exist")):
        response = Client(raise_request_exception=False).get("/api/v1/threads/")

    assert response.status_code == 500


def test_other_database_errors_are_not_mistaken_for_a_busy_database() -> None:
    assert not is_database_busy(OperationalError("relation does not exist"))
    assert not is_database_busy(ValueError("too many clients already"))
    wrapped = OperationalError("couldn't get a connection")
    wrapped.__cause__ = PoolTimeout("couldn't get a connection after 10.00 sec")
    assert is_database_busy(wrapped)


def test_the_pool_is_sized_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_POOL_MIN_SIZE", "2")
    monkeypatch.setenv("DB_POOL_MAX_SIZE", "12")
    monkeypatch.setenv("DB_POOL_TIMEOUT", "4.5")
    options = env.database_pool_options()

    config = env.database_config(
        "postgres://mutua@db.example.com/community",
        default_sqlite_path=mock.MagicMock(),
        pool=options,
    )

    assert config["OPTIONS"]["pool"] == {
        "min_size": 2,
        "max_size": 12,
        "timeout": 4.5,
        "max_idle": 300.0,
    }
    assert config["CONN_MAX_AGE"] == 0  # Django refuses a pool with persistent connections


def test_the_pool_can_be_switched_off_and_refuses_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_POOL", "off")
    assert env.database_pool_options() is None
    monkeypatch.setenv("DB_POOL", "on")
    monkeypatch.setenv("DB_POOL_MIN_SIZE", "9")
    monkeypatch.setenv("DB_POOL_MAX_SIZE", "3")
    with pytest.raises(ValueError, match="smaller than"):
        env.database_pool_options()
    monkeypatch.setenv("DB_POOL_MAX_SIZE", "lots")
    with pytest.raises(ValueError, match="whole number"):
        env.database_pool_options()


def test_sqlite_gets_no_pool(tmp_path: Path) -> None:
    config = env.database_config(
        None,
        default_sqlite_path=tmp_path / "db.sqlite3",
        pool={"max_size": 4},
    )
    assert "pool" not in config["OPTIONS"]
