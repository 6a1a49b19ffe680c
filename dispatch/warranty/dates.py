"""Date arithmetic of the warranty: last covered day (R-WA-1/2) and downtime days (R-WA-3).

Counting downtime — "each started day counts as a whole day" means *calendar days in the
customer's time zone*: a period ``[from, to)`` counts every local date on which part of it
falls. So 2026-03-01 09:00 → 2026-03-02 08:00 (Asia/Shanghai) counts **2** days (1 and 2
March were both started), although it lasted only 23 hours; 2026-03-01 09:00 → 2026-03-02
00:00 counts 1 day (the period ends at midnight, so 2 March was never started). Periods
are merged as sets of dates, so overlapping or repeated periods never count a day twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, tzinfo

from dateutil.relativedelta import relativedelta

from dispatch.warranty.errors import WarrantyFactsError

DowntimePeriod = tuple[datetime, datetime]


def coverage_end(start: date, months: int, downtime_days: int = 0) -> date:
    """The last covered day: ``start + months`` calendar months − 1 day + ``downtime_days``.

    Month arithmetic clamps to the month's end like ``dateutil.relativedelta``
    (2023-11-30 + 3 months = 2024-02-29, so the last covered day is 2024-02-28).
    R-WA-1 (months per class), R-WA-2 (start date), R-WA-3 (downtime added).
    """
    if months < 0:
        raise ValueError(f"months must be ≥ 0, got {months}")
    if downtime_days < 0:
        raise ValueError(f"downtime_days must be ≥ 0, got {downtime_days}")
    return start + relativedelta(months=months) - timedelta(days=1) + timedelta(days=downtime_days)


def local_date(moment: datetime, tz: tzinfo, *, field: str) -> date:
    """The calendar date of an aware ``moment`` in ``tz``; naive datetimes are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise WarrantyFactsError(field, f"{moment.isoformat()} has no time zone")
    return moment.astimezone(tz).date()


def period_dates(period: DowntimePeriod, tz: tzinfo) -> frozenset[date]:
    """Local calendar dates touched by the half-open period ``[from, to)`` (R-WA-3)."""
    begin, end = period
    first = local_date(begin, tz, field="downtime")
    last = local_date(end, tz, field="downtime")
    if end < begin:
        raise WarrantyFactsError(
            "downtime", f"period ends ({end.isoformat()}) before it starts ({begin.isoformat()})"
        )
    if end == begin:
        return frozenset()
    if end.astimezone(tz).time() == time(0) and last > first:
        last -= timedelta(days=1)
    return frozenset(first + timedelta(days=n) for n in range((last - first).days + 1))


def downtime_dates(periods: Sequence[DowntimePeriod], tz: tzinfo) -> frozenset[date]:
    """Union of the local dates touched by ``periods`` (overlaps counted once)."""
    dates: set[date] = set()
    for period in periods:
        dates |= period_dates(period, tz)
    return frozenset(dates)


def downtime_days(periods: Sequence[DowntimePeriod], tz: tzinfo) -> int:
    """Number of distinct local calendar days on which the asset was down (R-WA-3).

    >>> from zoneinfo import ZoneInfo
    >>> sh = ZoneInfo("Asia/Shanghai")
    >>> down = (datetime(2026, 3, 1, 9, tzinfo=sh), datetime(2026, 3, 2, 8, tzinfo=sh))
    >>> downtime_days([down], sh)
    2
    """
    return len(downtime_dates(periods, tz))
