"""Dates, numbers, money and rank names in British English and in Italian (config/formats/,
config/formatting.py), on the pages, notifications and charts that show them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.utils import formats, translation

from community.models import Member
from config.formatting import money, rank_label
from notifications.messages import message_for
from notifications.models import Kind, Notification
from support.insights.charts import day_label
from tests.builders import ask, logged_in, member_make
from tests.gamification.pages_factories import award

# 13:27 UTC on 12 April 2026 is 14:27 in London (British Summer Time).
MOMENT = datetime(2026, 4, 12, 13, 27, tzinfo=UTC)


def italian(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"
    return client


# --- dates and numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "short", "long", "day"),
    [
        ("en-gb", "12/04/2026 14:27", "12 Apr 2026, 14:27", "12 Apr 2026"),
        ("it", "12/04/2026 14:27", "12 Aprile 2026, 14:27", "12 Aprile 2026"),
    ],
)
def test_dates_are_day_first_on_the_24_hour_clock(
    language: str, short: str, long: str, day: str
) -> None:
    with translation.override(language):
        rendered = Template(
            "{% load tz %}{% timezone 'Europe/London' %}"
            "{{ t|date:'SHORT_DATETIME_FORMAT' }}|{{ t|date:'DATETIME_FORMAT' }}|{{ t|date }}"
            "{% endtimezone %}"
        ).render(Context({"t": MOMENT}))
    assert rendered == f"{short}|{long}|{day}"


@pytest.mark.parametrize(
    ("language", "expected"), [("en-gb", "1,234,567.5"), ("it", "1.234.567,5")]
)
def test_numbers_use_the_languages_separators(language: str, expected: str) -> None:
    with translation.override(language):
        assert formats.number_format(Decimal("1234567.5"), 1, force_grouping=True) == expected


@pytest.mark.django_db
def test_the_points_history_shows_british_then_italian_dates(client: Client) -> None:
    with time_machine.travel(MOMENT, tick=False):
        member = member_make("dated")
        award(member, 1500)
        page = logged_in(member)
        english = page.get(f"/members/{member.username}/points/").content.decode()
        italiano = italian(page).get(f"/members/{member.username}/points/").content.decode()

    assert ">12/04/2026 14:27</time>" in english
    assert 'title="12 Apr 2026, 14:27"' in english
    assert "p.m." not in english and "04/12/2026" not in english
    assert "1,500 points in total" in english
    assert ">12/04/2026 14:27</time>" in italiano
    assert 'title="12 Aprile 2026, 14:27"' in italiano
    assert "1.500 punti in totale" in italiano


@pytest.mark.django_db
def test_an_english_browser_gets_british_english(client: Client) -> None:
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})

    assert '<html lang="en-gb">' in response.content.decode()
    assert response["Content-Language"] == "en-gb"


@pytest.mark.django_db
def test_a_language_cookie_from_before_british_english_still_gets_it(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    assert '<html lang="en-gb">' in client.get("/").content.decode()


# --- money -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "amount", "currency", "expected"),
    [
        ("en-gb", "4.16", "GBP", "£4.16"),
        ("en-gb", "1234.5", "GBP", "£1,234.50"),
        ("en-gb", "0.29", "EUR", "€0.29"),
        ("it", "4.16", "GBP", "4,16\xa0£"),
        ("it", "1234.5", "EUR", "1.234,50\xa0€"),
        ("it", "0.29", "eur", "0,29\xa0€"),
    ],
)
def test_money_has_the_currencys_symbol_and_the_languages_separators(
    language: str, amount: str, currency: str, expected: str
) -> None:
    with translation.override(language):
        assert money(Decimal(amount), currency) == expected
        assert Template("{{ a|money:c }}").render(Context({"a": amount, "c": currency})) == (
            expected
        )


def test_money_without_a_currency_is_in_the_brands(settings: Any) -> None:
    settings.BRAND_CURRENCY = "EUR"
    with translation.override("en-gb"):
        assert money(Decimal("5")) == "€5.00"
        assert Template("{{ a|money }}").render(Context({"a": Decimal("5")})) == "€5.00"


def test_exact_money_keeps_a_points_fractions_of_a_penny() -> None:
    with translation.override("en-gb"):
        assert money(Decimal("0.0125"), "GBP", exact=True) == "£0.0125"
        assert money(Decimal("0.0100"), "GBP", exact=True) == "£0.01"
        assert money(Decimal("0.0125"), "GBP") == "£0.01"
    with translation.override("it"):
        assert Template("{{ a|money_exact:'GBP' }}").render(Context({"a": Decimal("0.0125")})) == (
            "0,0125\xa0£"
        )


def test_no_amount_shows_nothing_and_junk_shows_as_it_is() -> None:
    assert money(None, "GBP") == ""
    assert money("", "GBP") == ""
    assert money("n/a", "GBP") == "n/a"


@pytest.mark.django_db
def test_a_statement_notification_shows_money_in_the_readers_language(asker: Member) -> None:
    notification = Notification(
        recipient=asker,
        kind=Kind.STATEMENT,
        data={"amount": "1234.50", "currency": "GBP", "points": 123450},
    )

    assert message_for(notification) == (
        "Your payback statement is ready: £1,234.50 for 123,450 points."
    )
    with translation.override("it"):
        assert message_for(notification) == (
            "Il tuo rendiconto dei premi è pronto: 1.234,50\xa0£ per 123.450 punti."
        )


# --- rank names ------------------------------------------------------------------------------

ITALIAN_RANKS = {
    "Newcomer": "Nuovo arrivato",
    "Member": "Membro",
    "Helper": "Aiutante",
    "Expert": "Esperto",
    "Guru": "Guru",
    "Legend": "Leggenda",
}


@pytest.mark.parametrize(("english", "italiano"), ITALIAN_RANKS.items())
def test_every_default_rank_has_an_italian_name(english: str, italiano: str) -> None:
    assert rank_label(english) == english
    with translation.override("it"):
        assert rank_label(english) == italiano


def test_a_rank_staff_named_themselves_is_shown_as_written() -> None:
    with translation.override("it"):
        assert rank_label("Super Fan") == "Super Fan"
        assert rank_label("") == ""


@pytest.mark.django_db
def test_the_ranks_page_in_italian_names_every_rank_in_italian(client: Client) -> None:
    html = italian(client).get("/ranks/").content.decode()

    for english, italiano in ITALIAN_RANKS.items():
        assert f'<span class="rank-badge">{italiano}</span>' in html
        if english != italiano:
            assert f'<span class="rank-badge">{english}</span>' not in html


@pytest.mark.django_db
def test_the_rank_beside_a_name_in_a_thread_reads_in_italian(client: Client) -> None:
    member = member_make("climber")
    award(member, 60)  # Member, from 50
    thread = ask(member)

    english = client.get(thread.get_absolute_url()).content.decode()
    italiano = italian(Client()).get(thread.get_absolute_url()).content.decode()

    assert 'title="Community rank">Member</span>' in english
    assert ">Membro</span>" in italiano
    assert ">Member</span>" not in italiano


@pytest.mark.django_db
def test_the_profile_standing_names_the_next_rank_in_italian() -> None:
    member = member_make("climber")
    award(member, 60)

    html = italian(logged_in(member)).get(member.get_absolute_url()).content.decode()

    assert '<span class="rank-badge">Membro</span>' in html
    assert "140 punti al grado Aiutante" in html


@pytest.mark.django_db
def test_a_new_rank_notification_names_the_rank_in_the_readers_language(asker: Member) -> None:
    notification = Notification(recipient=asker, kind=Kind.RANK, data={"rank": "Legend"})

    assert message_for(notification) == "You reached the rank Legend."
    with translation.override("it"):
        assert message_for(notification) == "Hai raggiunto il grado Leggenda."


# --- chart labels ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en-gb", ["3 Jan", "3 May", "3 Aug", "3 Dec"]),
        ("it", ["3 gen", "3 mag", "3 ago", "3 dic"]),
    ],
)
def test_chart_day_labels_name_the_month_in_the_active_language(
    language: str, expected: list[str]
) -> None:
    days = [date(2026, month, 3) for month in (1, 5, 8, 12)]
    with translation.override(language):
        assert [day_label(day) for day in days] == expected


@pytest.mark.django_db
def test_the_dashboard_charts_label_their_days_in_italian(client: Client, agent: Member) -> None:
    with time_machine.travel(datetime(2026, 12, 20, 12, 0, tzinfo=UTC), tick=False):
        client.force_login(agent)
        html = italian(client).get("/support/dashboard/", {"days": "7"}).content.decode()

    assert ">14 dic</text>" in html
    assert "Dec" not in html
