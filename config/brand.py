"""The brand a deployment wears: its name, logo, accent colour and currency (README, "Brand").

Read once from the environment by the settings module (BRAND_NAME, BRAND_LOGO, BRAND_ACCENT,
BRAND_CURRENCY), checked here so a typo stops the start instead of showing on a page. Pages
get it through the `brand` context processor, emails through `email_context()`, and the accent
reaches the stylesheet through /brand.css, a few CSS custom properties generated from it (the
CSP forbids inline style).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from babel.numbers import list_currencies
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.http import require_GET

DEFAULT_NAME = "Mutua"
DEFAULT_LOGO = "img/logo.svg"
DEFAULT_ACCENT = "#0f766e"
DEFAULT_CURRENCY = "GBP"
# White text (buttons, chips) on the accent must stay readable: WCAG AA for normal text.
MIN_CONTRAST = 4.5
# The default palette, picked by hand (static/css/mutua.css declares the same).
DEFAULT_PALETTE = {"brand": DEFAULT_ACCENT, "brand-dark": "#115e59", "brand-soft": "#ccfbf1"}
# --brand-dark and --brand-soft: the accent this much of the way to black, and to white.
DARKEN = 0.25
SOFTEN = 0.8
HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def env_settings(environ: Mapping[str, str]) -> dict[str, str]:
    """BRAND_* settings from the environment, checked; ImproperlyConfigured names the culprit."""
    name = environ.get("BRAND_NAME", "").strip() or DEFAULT_NAME
    if len(name) > 60:
        raise ImproperlyConfigured("BRAND_NAME must be at most 60 characters.")
    logo = environ.get("BRAND_LOGO", "").strip() or DEFAULT_LOGO
    accent = environ.get("BRAND_ACCENT", "").strip() or DEFAULT_ACCENT
    if not HEX_COLOUR.match(accent):
        raise ImproperlyConfigured(
            f"BRAND_ACCENT={accent!r} is not a hex colour such as #0f766e or #c05."
        )
    accent = normalise_hex(accent)
    if contrast_with_white(accent) < MIN_CONTRAST:
        raise ImproperlyConfigured(
            f"BRAND_ACCENT={accent} is too light: buttons write white on it, which needs a "
            f"contrast of {MIN_CONTRAST}:1 (it has {contrast_with_white(accent):.1f}:1)."
        )
    currency = (environ.get("BRAND_CURRENCY", "").strip() or DEFAULT_CURRENCY).upper()
    if currency not in list_currencies():
        raise ImproperlyConfigured(f"BRAND_CURRENCY={currency!r} is not an ISO 4217 code.")
    return {
        "BRAND_NAME": name,
        "BRAND_LOGO": logo,
        "BRAND_ACCENT": accent,
        "BRAND_CURRENCY": currency,
    }


def normalise_hex(colour: str) -> str:
    """ "#C05" -> "#cc0055"."""
    digits = colour.lstrip("#").lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits}"


def contrast_with_white(colour: str) -> float:
    """WCAG 2's contrast ratio between `colour` ("#rrggbb") and white."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    digits = colour.lstrip("#")
    r, g, b = (channel(int(digits[i : i + 2], 16)) for i in (0, 2, 4))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


def _mix(colour: str, other: tuple[int, int, int], share: float) -> str:
    """`colour` moved `share` of the way towards `other`."""
    digits = colour.lstrip("#")
    rgb = [int(digits[i : i + 2], 16) for i in (0, 2, 4)]
    mixed = [round(c + (o - c) * share) for c, o in zip(rgb, other, strict=True)]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def palette(accent: str) -> dict[str, str]:
    """The accent and its darker and softer companions (the default's are picked by hand)."""
    if accent == DEFAULT_ACCENT:
        return dict(DEFAULT_PALETTE)
    return {
        "brand": accent,
        "brand-dark": _mix(accent, (0, 0, 0), DARKEN),
        "brand-soft": _mix(accent, (255, 255, 255), SOFTEN),
    }


def stylesheet(accent: str) -> str:
    """The custom properties mutua.css draws with, from one accent colour."""
    return ":root{" + "".join(f"--{k}:{v};" for k, v in palette(accent).items()) + "}\n"


def logo_url() -> str:
    logo: str = settings.BRAND_LOGO
    if logo.startswith(("http://", "https://", "/")):
        return logo
    return static(logo)


def context() -> dict[str, Any]:
    """What templates know of the brand, as `brand`."""
    accent: str = settings.BRAND_ACCENT
    return {
        "brand": {
            "name": settings.BRAND_NAME,
            "logo_url": logo_url(),
            "accent": accent,
            "accent_dark": palette(accent)["brand-dark"],
            "currency": settings.BRAND_CURRENCY,
            # Changes with the stylesheet, so browsers may keep each version for a year.
            "css_version": hashlib.sha256(stylesheet(accent).encode()).hexdigest()[:10],
        }
    }


def email_context() -> dict[str, Any]:
    """context(), with the logo's address absolute (an email has no site to be relative to)."""
    values = context()
    logo = values["brand"]["logo_url"]
    if logo.startswith("/"):
        values["brand"]["logo_url"] = settings.SITE_URL.rstrip("/") + logo
    return values


def context_processor(request: HttpRequest) -> dict[str, Any]:
    return context()


@require_GET
def stylesheet_view(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(stylesheet(settings.BRAND_ACCENT), content_type="text/css")
    # The URL carries the accent's hash (context()["brand"]["css_version"]).
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page with the brand: only the settings, no context processor that might touch
    the database that has just failed."""
    return HttpResponseServerError(loader.get_template("500.html").render(context()))
