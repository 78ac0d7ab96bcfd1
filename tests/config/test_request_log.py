"""The request log: a refused request is one warning line; a server error keeps its traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from config import urls as project_urls


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("You can't edit this question.")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


# The project's pages too: the 403 and 500 pages link to them.
urlpatterns = [path("forbidden/", forbidden), path("broken/", broken), *project_urls.urlpatterns]


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def request_log() -> Iterator[list[logging.LogRecord]]:
    """What reaches django.request's handlers (after its filters), as the console sees it."""
    handler = Records()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)


def console_text(record: logging.LogRecord) -> str:
    console = logging.getLogger("django").handlers[0]
    return console.format(record)


@pytest.mark.urls(__name__)
def test_a_403_is_one_warning_line_without_a_traceback(
    client: Client, request_log: list[logging.LogRecord], db: None
) -> None:
    response = client.get("/forbidden/")

    assert response.status_code == 403
    [record] = request_log
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert console_text(record) == (
        "WARNING django.request: Forbidden (Permission denied): /forbidden/"
    )


@pytest.mark.urls(__name__)
def test_a_500_keeps_its_traceback(request_log: list[logging.LogRecord], db: None) -> None:
    response = Client(raise_request_exception=False).get("/broken/")

    assert response.status_code == 500
    [record] = request_log
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert "RuntimeError: a bug" in console_text(record)
