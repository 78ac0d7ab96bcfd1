"""Charts for the staff dashboard, drawn on the server as inline SVG (no CDN, no script).

Python works out the geometry (scales, ticks, bars, line segments); the template
support/dashboard_chart.html writes the SVG, so Django escapes every label. Each chart has a
<title> and <desc> for screen readers and a data table under it as the text alternative.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 72, 20, 16, 44
MAX_X_LABELS = 7


@dataclass(frozen=True)
class Tick:
    at: float  # the coordinate in the SVG
    label: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # the tooltip: "12 May: 4 questions"


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


@dataclass
class Chart:
    slug: str
    title: str
    desc: str
    y_label: str
    value_heading: str
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # polyline "x,y x,y" runs between gaps
    points: list[Point] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)  # the data table
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    right: int = WIDTH - RIGHT
    bottom: int = HEIGHT - BOTTOM

    @property
    def x_label_y(self) -> int:
        return self.bottom + 22

    @property
    def x_tick_end(self) -> int:
        return self.bottom + 4

    @property
    def y_tick_x(self) -> int:
        return self.left - 8

    @property
    def y_label_x(self) -> float:
        # The axis title is rotated -90°, so its x is minus the vertical centre.
        return -(self.top + self.bottom) / 2

    @property
    def empty(self) -> bool:
        return not self.bars and not self.points


def nice_step(top: float, steps: int = 4, *, whole: bool = False) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) that covers `top` in `steps`."""
    if top <= 0:
        return 1.0
    raw = top / steps
    power = float(10 ** math.floor(math.log10(raw)))
    for multiple in (1, 2, 2.5, 5, 10):
        step = multiple * power
        if step >= raw and (not whole or step == int(step)):
            return max(step, 1.0) if whole else step
    return 10 * power  # pragma: no cover


def _y_scale(
    chart: Chart, top_value: float, *, whole: bool, fmt: Callable[[float], str]
) -> Callable[[float], float]:
    step = nice_step(top_value, whole=whole)
    ceiling = step * max(1, math.ceil(top_value / step)) if top_value > 0 else step * 4
    height = chart.bottom - chart.top

    def y(value: float) -> float:
        return round(chart.bottom - height * value / ceiling, 1)

    value = 0.0
    while value <= ceiling + step / 1000:
        chart.y_ticks.append(Tick(at=y(value), label=fmt(value)))
        value += step
    return y


def _x_slots(chart: Chart, days: Sequence[date]) -> list[float]:
    """The centre of each day's slot, and a label on every few days."""
    slot = (chart.right - chart.left) / max(1, len(days))
    centres = [round(chart.left + slot * (n + 0.5), 1) for n in range(len(days))]
    every = max(1, math.ceil(len(days) / MAX_X_LABELS))
    for n, day in enumerate(days):
        if n % every == 0:
            chart.x_ticks.append(Tick(at=centres[n], label=day_label(day)))
    return centres


def day_label(day: date) -> str:
    """ "3 Nov", "3 nov": short enough for seven labels under a chart, in the active language
    (the format itself is translated: Italian writes abbreviated months in lower case)."""
    return formats.date_format(day, pgettext("day and short month, a date format", "j M"))


def bar_chart(
    *,
    slug: str,
    title: str,
    desc: str,
    y_label: str,
    value_heading: str,
    days: Sequence[date],
    values: Sequence[int],
    describe: Callable[[int], str],
) -> Chart:
    """One bar a day (counts)."""
    chart = Chart(slug=slug, title=title, desc=desc, y_label=y_label, value_heading=value_heading)
    y = _y_scale(chart, max(values, default=0), whole=True, fmt=lambda v: f"{v:g}")
    centres = _x_slots(chart, days)
    slot = (chart.right - chart.left) / max(1, len(days))
    width = round(max(1.0, slot * 0.7), 1)
    for day, centre, value in zip(days, centres, values, strict=True):
        label = f"{day_label(day)}: {describe(value)}"
        chart.rows.append((day_label(day), describe(value)))
        if value:
            top = y(value)
            chart.bars.append(
                Bar(
                    x=round(centre - width / 2, 1),
                    y=top,
                    width=width,
                    height=round(chart.bottom - top, 1),
                    label=label,
                )
            )
    return chart


def line_chart(
    *,
    slug: str,
    title: str,
    desc: str,
    y_label: str,
    value_heading: str,
    days: Sequence[date],
    values: Sequence[float | None],
    fmt: Callable[[float], str],
    top_value: float | None = None,
    missing: str = "",
) -> Chart:
    """A line through the days that have a value; a day without one breaks the line."""
    chart = Chart(slug=slug, title=title, desc=desc, y_label=y_label, value_heading=value_heading)
    present = [v for v in values if v is not None]
    y = _y_scale(
        chart,
        top_value if top_value is not None else max(present, default=0),
        whole=False,
        fmt=fmt,
    )
    centres = _x_slots(chart, days)
    run: list[str] = []
    for day, centre, value in zip(days, centres, values, strict=True):
        if value is None:
            chart.rows.append((day_label(day), missing))
            if run:
                chart.lines.append(" ".join(run))
                run = []
            continue
        point = Point(x=centre, y=y(value), label=f"{day_label(day)}: {fmt(value)}")
        chart.points.append(point)
        chart.rows.append((day_label(day), fmt(value)))
        run.append(f"{point.x},{point.y}")
    if run:
        chart.lines.append(" ".join(run))
    return chart


def duration_text(value: timedelta | float | None) -> str:
    """A short, translated duration: "45 min", "3.5 h", "2.1 days"; "–" for none."""
    if value is None:
        return "–"
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    minutes = seconds / 60
    if minutes < 1:
        return _("%(n)d s") % {"n": round(seconds)}
    if minutes < 120:
        return _("%(n)s min") % {"n": formats.number_format(round(minutes))}
    hours = minutes / 60
    if hours < 48:
        return _("%(n)s h") % {"n": formats.number_format(round(hours, 1), 1)}
    days = hours / 24
    return _("%(n)s days") % {"n": formats.number_format(round(days, 1), 1)}


def percent_text(share: float | None) -> str:
    if share is None:
        return "–"
    return _("%(n)s%%") % {"n": formats.number_format(round(100 * share), 0)}


def questions_text(n: int) -> str:
    return ngettext("%(n)d question", "%(n)d questions", n) % {"n": n}
