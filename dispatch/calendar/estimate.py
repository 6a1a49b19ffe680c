"""A year without a published notice, estimated from the statutory holidays in force since 2025.

The State Council's 《全国年节及纪念日放假办法》 as revised in 2024 (in force 2025-01-01) gives
13 days: 元旦 1 (1 January); 春节 4 (除夕, Chinese New Year's Eve, and the first three days of
the first lunar month); 清明节 1 (the day of the Qingming solar term); 劳动节 2 (1–2 May); 端午节 1
(5th day of the 5th lunar month); 中秋节 1 (15th day of the 8th lunar month); 国庆节 3 (1–3
October). The yearly notice then moves days around weekends (调休) and adds make-up working days;
nobody can know those before it is published, so the estimate has none and says so
(``estimated``). Holidays that fall on a weekend are not moved either.

The lunar and solar-term dates come from the maintained ``holidays`` package (its Chinese
lunisolar tables, 1901–2099); none are computed or typed in here. Its public interface is a
country's holiday set with translated names, which also carries its own guesses for substitute
days; the lunisolar class beneath it is the date source without those guesses.
``tests/unit/calendar/test_estimate.py`` checks the two agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache

from holidays.calendars.chinese import _ChineseLunisolar

from dispatch.calendar.days import YearDays
from dispatch.calendar.errors import CalendarNotCovered

STATUTORY_SINCE = 2025
"""The first year of the rules above (the 2024 revision); earlier years had other rules."""
LUNAR_UNTIL = 2099
"""The last year of the ``holidays`` package's lunisolar tables."""
SOURCE = (
    "estimate: statutory holidays since 2025 (全国年节及纪念日放假办法, 2024 revision), "
    "lunar dates from the holidays package; no make-up working days"
)

_LUNISOLAR = _ChineseLunisolar()


@cache
def estimate_year(year: int) -> YearDays:
    """The statutory holidays of ``year``, without make-up working days (``estimated``)."""
    if not STATUTORY_SINCE <= year <= LUNAR_UNTIL:
        raise CalendarNotCovered(year)
    new_year, _ = _LUNISOLAR.lunar_new_year_date(year)
    dragon_boat, _ = _LUNISOLAR.dragon_boat_date(year)
    mid_autumn, _ = _LUNISOLAR.mid_autumn_date(year)
    qingming, guessed = _LUNISOLAR.qingming_date(year)
    if new_year is None or dragon_boat is None or mid_autumn is None or guessed:
        raise CalendarNotCovered(year)
    days = {
        date(year, 1, 1),
        new_year - timedelta(days=1),  # 除夕: the last day of the twelfth lunar month
        new_year,
        new_year + timedelta(days=1),
        new_year + timedelta(days=2),
        qingming,
        date(year, 5, 1),
        date(year, 5, 2),
        dragon_boat,
        mid_autumn,
        date(year, 10, 1),
        date(year, 10, 2),
        date(year, 10, 3),
    }
    return YearDays(year, tuple(_ranges(days)), (), SOURCE, estimated=True)


def _ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive dates as inclusive ranges (中秋 can touch 国庆: 3 October 2028)."""
    ranges: list[tuple[date, date]] = []
    for day in sorted(days):
        if ranges and ranges[-1][1] + timedelta(days=1) == day:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges
