"""A brand set in the environment reaches what a browser paints: the accent through /brand.css
(after mutua.css, under the strict CSP), the name and the logo.

This module runs its own server (migrated, no demo data: the home page is enough) with the
brand set, since the shared server wears the default one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.processes import manage, server_environment, throwaway_database, web_server

ACME_ACCENT = "#7c3aed"


@pytest.fixture(scope="module")
def brand_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root: Path = tmp_path_factory.mktemp("brand-server")
    with throwaway_database(root, "mutua_brand") as database_url:
        env = server_environment(
            root,
            database_url,
            BRAND_NAME="Acme Help",
            BRAND_ACCENT=ACME_ACCENT,
            BRAND_CURRENCY="EUR",
        )
        manage(env, "migrate", "--no-input")
        with web_server(env, root / "server.log") as server:
            yield server.url


@pytest.fixture
def live_server_url(brand_server: str) -> str:
    return brand_server


def test_the_accent_name_and_title_follow_the_brand(page: Page) -> None:
    page.goto("/")

    expect(page).to_have_title("Acme Help community · Acme Help")
    expect(page.locator(".site-header .brand span")).to_have_text("Acme Help")
    join = page.locator(".header-actions a.button:not(.button-quiet)")
    # rgb(124, 58, 237) is #7c3aed: the brand's stylesheet won over mutua.css's default.
    expect(join).to_have_css("background-color", "rgb(124, 58, 237)")
    accent = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--brand').trim()"
    )
    assert accent == ACME_ACCENT
