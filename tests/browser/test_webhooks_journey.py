"""Webhooks in a real browser: the admin adds an endpoint, an event happens, and the delivery
shows in its log after reaching a receiver this test runs on loopback, correctly signed."""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable

from playwright.sync_api import Page, expect

from notifications.webhooks.signing import webhook_signature_valid
from tests.browser.harness import log_in
from tests.notifications.webhook_helpers import receiver_server

THREAD_URL = re.compile(r"/threads/\d+/[\w-]+/$")
WEBHOOK_URL = re.compile(r"/support/webhooks/(\d+)/$")


def test_the_admin_adds_an_endpoint_and_sees_a_signed_delivery(
    new_page: Callable[[], Page],
) -> None:
    admin = new_page()
    log_in(admin, "admin")
    with receiver_server() as receiver:
        admin.get_by_role("banner").locator("details.menu summary").click()
        admin.get_by_role("menuitem", name="Webhooks").click()
        expect(admin.get_by_role("heading", level=1)).to_have_text("Webhooks")

        form = admin.get_by_role("main").locator("form")
        # A bad URL first: a clear error, nothing registered.
        form.get_by_label("Endpoint URL").fill("http://hooks.example.com/in")
        form.get_by_label("A case was opened").check()
        form.get_by_role("button", name="Add the endpoint").click()
        expect(admin.get_by_role("main")).to_contain_text("Webhooks need https://")

        form = admin.get_by_role("main").locator("form")
        form.get_by_label("Endpoint URL").fill(receiver.url)
        form.get_by_label("A case was opened").check()
        form.get_by_role("button", name="Add the endpoint").click()
        expect(admin).to_have_url(WEBHOOK_URL)
        webhook_page = admin.url
        secret = admin.locator("[data-webhook-secret] code").inner_text().strip()
        assert len(secret) >= 32

        # An event: the admin asks a question and hands it to an agent.
        title = f"Webhook journey: no data after the update {secrets.token_hex(3)}"
        admin.goto("/ask/")
        ask = admin.get_by_role("main").locator("form")
        ask.get_by_label("Board").select_option(label="SIM & eSIM")
        ask.get_by_label("Title").fill(title)
        ask.get_by_label("Details").fill("Since the update the phone shows no mobile data.")
        ask.get_by_role("button", name="Post your question").click()
        expect(admin).to_have_url(THREAD_URL)
        section = admin.locator("#ask-an-agent")
        section.locator("summary").click()
        section.get_by_role("button", name="Ask an agent").click()
        expect(admin).to_have_url(re.compile(r"/support/cases/\d+/"))

        deadline = time.monotonic() + 10
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(receiver.requests) == 1
        request = receiver.requests[0]
        assert json.loads(request.body)["event"] == "case.created"
        assert webhook_signature_valid(
            secret=secret,
            header=request.headers["Mutua-Signature"],
            body=request.body,
            now=int(time.time()),
        )

        admin.goto(webhook_page)
        row = admin.locator("[data-deliveries] tbody tr").first
        expect(row).to_contain_text("case.created")
        expect(row).to_contain_text("Delivered (HTTP 200)")
        # The secret was shown once only.
        expect(admin.locator("[data-webhook-secret]")).to_have_count(0)

        row.get_by_role("button", name="Send again").click()
        expect(admin.get_by_role("status")).to_contain_text("The delivery is on its way again.")
        assert len(receiver.requests) == 2
