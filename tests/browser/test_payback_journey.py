"""Payback review in a real browser: a moderator approves hannah's statement in place, marks
it paid with finance's reference, and exports the period's payouts for finance.

The demo community (seed_demo) gives hannah a statement awaiting review in the period that
closed last; she chooses how to be paid first, as a member would before the deadline.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.harness import log_in

REFERENCE = "BACS-2026-0042"


def test_a_moderator_approves_marks_paid_and_exports_the_payouts(
    new_page: Callable[[], Page],
) -> None:
    hannah, marco = new_page(), new_page()
    log_in(hannah, "hannah")
    log_in(marco, "marco")

    # hannah chooses cash for her statement.
    hannah.goto("/rewards/")
    statement = hannah.locator("li.statement", has_text="Awaiting review")
    statement.get_by_label("Payout method").select_option("cash")
    statement.get_by_role("button", name="Save").click()
    expect(hannah.locator(".messages")).to_contain_text("Your payout method is saved.")

    # marco finds the page from the staff navigation and approves her statement in place.
    marco.goto("/")
    marco.get_by_role("navigation", name="Main").get_by_role("link", name="Payback").click()
    expect(marco.get_by_role("heading", level=1)).to_have_text("Payback statements")
    row = marco.locator("tr[data-statement]", has_text="@hannah")
    expect(row.locator("[data-status]")).to_have_text("Awaiting review")
    expect(row).to_contain_text("Cash (bank transfer)")
    url_before = marco.url
    row.get_by_role("button", name="Approve").click()
    expect(row.locator("[data-status]")).to_have_text("Approved")
    assert marco.url == url_before  # swapped in place, no reload

    # The review: the ledger it came from, then the payment with its reference.
    row.get_by_role("link", name="Review").click()
    expect(marco.get_by_role("heading", name="Where the points came from")).to_be_visible()
    assert marco.locator("tr[data-ledger-entry]").count() > 0
    panel = marco.locator("#payback-panel")
    panel.get_by_label("Payout reference").fill(REFERENCE)
    panel.get_by_role("button", name="Mark as paid").click()
    panel = marco.locator("#payback-panel")
    expect(panel.locator("[data-status]")).to_have_text("Paid")
    expect(panel.locator("[data-reference]")).to_have_text(REFERENCE)
    expect(panel).to_contain_text("Statement marked as paid.")

    # Finance's export of the period: hannah's payout with its reference.
    marco.get_by_role("link", name="All statements of the period").click()
    with marco.expect_download() as download_info:
        marco.get_by_role("link", name="Export payouts (CSV)").click()
    download = download_info.value
    assert re.fullmatch(r"mutua-payouts-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    path = download.path()
    assert path is not None
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    paid = [r for r in rows if r["username"] == "hannah"]
    assert len(paid) == 1
    assert (paid[0]["status"], paid[0]["payout_method"], paid[0]["payout_reference"]) == (
        "paid",
        "cash",
        REFERENCE,
    )
