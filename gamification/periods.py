"""The calendar of points: weeks, months, all time and payback periods."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from gamification.models import ALL_TIME_START, Period

# Payback periods run 1 December - 31 May and 1 June - 30 November.
PAYBACK_START_MONTHS = (6, 12)


def payback_period_bounds(day: date) -> tuple[date, date]:
    """First and last day of the payback period that contains `day`."""
    if 6 <= day.month <= 11:
        return date(day.year, 6, 1), date(day.year, 11, 30)
    start_year = day.year if day.month == 12 else day.year - 1
    end = date(start_year + 1, 6, 1) - timedelta(days=1)
    return date(start_year, 12, 1), end


def period_start(period: str, day: date) -> date:
    if period == Period.WEEK:
        return day - timedelta(days=day.weekday())
    if period == Period.MONTH:
        return day.replace(day=1)
    if period == Period.PAYBACK:
        return payback_period_bounds(day)[0]
    return ALL_TIME_START


def period_starts(moment: datetime) -> dict[str, date]:
    """The start of every leaderboard period that `moment` falls in (community time zone)."""
    day = timezone.localdate(moment)
    return {period: period_start(period, day) for period in Period.values}


def days_window(first: date, last: date) -> tuple[datetime, datetime]:
    """[start, end) in the community's time zone: from the first day's midnight to the
    midnight after the last day. A payback period's ledger is the rows in it."""
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return start, end
