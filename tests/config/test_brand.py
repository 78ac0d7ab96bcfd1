"""The brand (config/brand.py): its name, logo, accent and currency reach every page, email,
the stylesheet and payback. Reading and checking the environment: tests/config/test_settings.py."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.test import Client

from community.models import Member
from config import brand, urls
from gamification.models import LedgerEntry, Reason, RewardPeriodStatus
from gamification.services import ledger
from gamification.services.payback import reward_period_close, reward_period_for
from tests.builders import ask, logged_in, member_make
from tests.gamification.helpers import local_time
from tests.notifications.inbox_factories import notify_answer

OnCommit = Callable[..., AbstractContextManager[Any]]
ACME = {
    "BRAND_NAME": "Acme Help",
    "BRAND_LOGO": "img/acme.svg",
    "BRAND_ACCENT": "#7c3aed",
    "BRAND_CURRENCY": "EUR",
}


@pytest.fixture
def acme(settings: Any) -> None:
    for name, value in ACME.items():
        setattr(settings, name, value)


# --- the settings ----------------------------------------------------------------------------


def test_defaults_when_nothing_is_set() -> None:
    assert brand.env_settings({}) == {
        "BRAND_NAME": "Mutua",
        "BRAND_LOGO": "img/logo.svg",
        "BRAND_ACCENT": "#0f766e",
        "BRAND_CURRENCY": "GBP",
    }


def test_a_short_accent_and_a_lower_case_currency_are_normalised() -> None:
    values = brand.env_settings({"BRAND_ACCENT": "#A05", "BRAND_CURRENCY": " chf "})

    assert values["BRAND_ACCENT"] == "#aa0055"
    assert values["BRAND_CURRENCY"] == "CHF"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"BRAND_ACCENT": "purple"}, "is not a hex colour"),
        ({"BRAND_ACCENT": "#12345"}, "is not a hex colour"),
        ({"BRAND_ACCENT": "#ffffff"}, "is too light"),
        ({"BRAND_CURRENCY": "POUNDS"}, "is not an ISO 4217 code"),
        ({"BRAND_NAME": "x" * 61}, "at most 60 characters"),
    ],
)
def test_bad_values_are_refused_with_a_reason(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        brand.env_settings(environ)


def test_an_accent_dark_enough_for_white_text_passes() -> None:
    assert brand.contrast_with_white("#0f766e") >= brand.MIN_CONTRAST
    assert brand.contrast_with_white("#7c3aed") >= brand.MIN_CONTRAST
    assert brand.contrast_with_white("#fde047") < brand.MIN_CONTRAST


def _contrast(one: str, other: str) -> float:
    def luminance(colour: str) -> float:
        # contrast_with_white(c) = 1.05 / (L + 0.05), so L = 1.05 / ratio - 0.05.
        return 1.05 / brand.contrast_with_white(colour) - 0.05

    high, low = sorted([luminance(one), luminance(other)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_accepted_accent_keeps_its_dark_text_on_soft_readable() -> None:
    # Badges and chips write --brand-dark on --brand-soft.
    steps = range(0, 256, 17)
    for r, g, b in itertools.product(steps, steps, steps):
        accent = f"#{r:02x}{g:02x}{b:02x}"
        if brand.contrast_with_white(accent) < brand.MIN_CONTRAST:
            continue
        colours = brand.palette(accent)
        assert _contrast(colours["brand-dark"], colours["brand-soft"]) >= 4.5, accent
        assert brand.contrast_with_white(colours["brand-dark"]) >= 4.5, accent


# --- the stylesheet --------------------------------------------------------------------------


def test_the_default_stylesheet_is_the_hand_picked_palette(client: Client) -> None:
    response = client.get("/brand.css")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "immutable" in response["Cache-Control"]
    assert response.content.decode() == (
        ":root{--brand:#0f766e;--brand-dark:#115e59;--brand-soft:#ccfbf1;}\n"
    )


@pytest.mark.usefixtures("acme")
def test_the_stylesheet_follows_the_accent(client: Client) -> None:
    css = client.get("/brand.css").content.decode()

    assert css == ":root{--brand:#7c3aed;--brand-dark:#5d2cb2;--brand-soft:#e5d8fb;}\n"


@pytest.mark.django_db
def test_pages_link_the_stylesheet_under_an_address_that_changes_with_the_accent(
    settings: Any,
) -> None:
    # Signed in: a visitor's page may come from the page cache for a minute.
    client = logged_in(member_make("reader"))
    link = re.compile(r'<link rel="stylesheet" href="(/brand\.css\?v=\w+)">')
    default = link.search(client.get("/").content.decode())
    settings.BRAND_ACCENT = "#7c3aed"
    acme = link.search(client.get("/").content.decode())

    assert default and acme
    assert default.group(1) != acme.group(1)
    assert "--brand:#7c3aed;" in client.get(acme.group(1)).content.decode()


# --- pages -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("acme")
def test_pages_wear_the_brands_name_and_logo(client: Client) -> None:
    html = client.get("/").content.decode()

    assert re.search(r"<title>[^<]* · Acme Help</title>", html)
    assert '<img src="/static/img/acme.svg" alt="" width="32" height="32">' in html
    assert "<span>Acme Help</span>" in html
    assert "Mutua" not in html


@pytest.mark.django_db
def test_a_logo_elsewhere_is_linked_as_given(client: Client, settings: Any) -> None:
    settings.BRAND_LOGO = "https://cdn.example.com/acme.svg"

    assert '<img src="https://cdn.example.com/acme.svg"' in client.get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("acme")
def test_the_dashboard_charts_draw_in_the_accent(
    client: Client, agent: Member, asker: Member
) -> None:
    ask(asker)  # a bar on today
    client.force_login(agent)
    html = client.get("/support/dashboard/").content.decode()

    assert "<rect" in html and 'fill="#7c3aed" rx="1"' in html
    assert "#0f766e" not in html


# --- emails ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("acme")
def test_notification_emails_wear_the_brand(
    django_capture_on_commit_callbacks: OnCommit, asker: Member, helper: Member
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify_answer(asker, helper, title="Roaming")

    [message] = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    [(html, _mimetype)] = message.alternatives
    assert message.subject == "[Acme Help] Hugo Helper answered your question “Roaming”."
    assert "notification settings on Acme Help." in message.body
    assert "notification settings on Acme Help." in str(html)
    assert "color:#7c3aed;" in str(html)
    assert '<img src="http://127.0.0.1:8000/static/img/acme.svg"' in str(html)
    assert "Mutua" not in message.body + str(html)


@pytest.mark.django_db
@pytest.mark.usefixtures("acme")
def test_account_emails_wear_the_brand(client: Client) -> None:
    member_make("forgetful", email="forgetful@example.com")

    client.post("/accounts/password/reset/", {"email": "forgetful@example.com"})

    [message] = mail.outbox
    assert message.body.startswith("Hello from Acme Help!")
    assert "Thank you for being part of the Acme Help community." in message.body


# --- payback ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("acme")
def test_payback_is_paid_and_shown_in_the_brands_currency() -> None:
    earner = member_make("earner")
    entry = ledger._insert(
        LedgerEntry(
            member=earner,
            points=700,
            reason=Reason.KUDOS_ON_ANSWER,
            source="test:brand",
            created_at=local_time(2025, 2, 1, 12, 0),
        )
    )
    assert entry is not None
    period = reward_period_for(date(2025, 1, 15))

    [statement] = reward_period_close(period=period, today=date(2025, 6, 1))

    period.refresh_from_db()
    assert (period.status, period.currency) == (RewardPeriodStatus.CLOSED, "EUR")
    assert (statement.amount, statement.currency) == (Decimal("7.00"), "EUR")
    html = logged_in(earner).get("/rewards/").content.decode()
    assert "<dd>€7.00</dd>" in html


@pytest.mark.django_db
def test_a_statement_keeps_the_currency_it_was_paid_in(settings: Any) -> None:
    earner = member_make("earner")
    ledger._insert(
        LedgerEntry(
            member=earner,
            points=700,
            reason=Reason.KUDOS_ON_ANSWER,
            source="test:brand",
            created_at=local_time(2025, 2, 1, 12, 0),
        )
    )
    reward_period_close(period=reward_period_for(date(2025, 1, 15)), today=date(2025, 6, 1))
    settings.BRAND_CURRENCY = "EUR"  # the brand changes currency later

    html = logged_in(earner).get("/rewards/").content.decode()

    assert "<dd>£7.00</dd>" in html  # the closed period's statement
    assert "Worth about €0.00 at today's value." in html  # the running period


@pytest.mark.django_db
@pytest.mark.usefixtures("acme")
def test_the_server_error_page_wears_the_brand(rf: Any) -> None:
    assert urls.handler500 == "config.brand.server_error"
    response = brand.server_error(rf.get("/"))

    html = response.content.decode()
    assert response.status_code == 500
    assert "<title>Acme Help</title>" in html
    assert "/brand.css?v=" in html
