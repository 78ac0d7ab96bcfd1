"""Display helpers every page, email, export and API message shares, in the active language.

- `money(amount, currency)`: "£4.16" in British English, "4,16 £" in Italian (Babel's CLDR
  data). Every place that shows an amount goes through it (template filter `money`).
- `rank_label(name)`: a rank's name in the reader's language. Ranks are rows staff may rename;
  the default ladder's names are translated here, any other name is shown as written
  (template filter `rank_label`).

Dates and plain numbers need nothing of their own: Django's formats for the active language
(with config/formats/ for British English and Italian) do them.

The template filters are built in (TEMPLATES' "builtins"): no {% load %} needed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency
from django import template
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

register = template.Library()

# The ranks gamification's defaults create (gamification/migrations/0002_defaults.py).
RANK_NAMES: dict[str, Promise] = {
    "Newcomer": pgettext_lazy("rank", "Newcomer"),
    "Member": pgettext_lazy("rank", "Member"),
    "Helper": pgettext_lazy("rank", "Helper"),
    "Expert": pgettext_lazy("rank", "Expert"),
    "Guru": pgettext_lazy("rank", "Guru"),
    "Legend": pgettext_lazy("rank", "Legend"),
}


def current_locale() -> str:
    """The active language as a CLDR locale: "en-gb" -> "en_GB"."""
    return translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE)


Amount = Decimal | int | float | str | None


def money(amount: Amount, currency: str | None = None, *, exact: bool = False) -> str:
    """An amount of money for the reader: its currency's symbol, separators and decimals.

    `currency` is an ISO 4217 code; without one, the brand's (settings.BRAND_CURRENCY).
    Rounded to the currency's minor unit, unless `exact` (a point's value, "£0.0125").
    """
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    if exact:
        value = value.normalize()
    return format_currency(
        value,
        (currency or settings.BRAND_CURRENCY).upper(),
        locale=current_locale(),
        decimal_quantization=not exact,
    )


def rank_label(name: str) -> str:
    """A rank's name in the active language; "" for no rank."""
    if not name:
        return ""
    label = RANK_NAMES.get(name)
    return str(label) if label is not None else name


@register.filter(name="money")
def money_filter(amount: Amount, currency: str | None = None) -> str:
    """`{{ statement.amount|money:statement.currency }}`, `{{ amount|money }}` (brand's)."""
    return money(amount, currency)


@register.filter(name="money_exact")
def money_exact_filter(amount: Amount, currency: str | None = None) -> str:
    """money() without rounding to the minor unit: `{{ config.point_value|money_exact }}`."""
    return money(amount, currency, exact=True)


@register.filter(name="rank_label")
def rank_label_filter(name: str | None) -> str:
    """`{{ member.rank_name|rank_label }}`."""
    return rank_label(name or "")
