"""Last covered day (R-WA-1, R-WA-2) and downtime counting (R-WA-3)."""

from __future__ import annotations

import doctest
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from dispatch.warranty import WarrantyFactsError, coverage_end, dates, downtime_days

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=SH)


@pytest.mark.parametrize(
    ("start", "months", "last_day"),
    [
        (date(2025, 3, 10), 3, date(2025, 6, 9)),
        (date(2025, 3, 10), 6, date(2025, 9, 9)),
        (date(2025, 3, 10), 12, date(2026, 3, 9)),
        (date(2025, 1, 1), 12, date(2025, 12, 31)),
        # leap years: the start day does not exist next year → clamp to 28 Feb, minus one day
        (date(2024, 2, 29), 12, date(2025, 2, 27)),
        (date(2024, 2, 29), 48, date(2028, 2, 28)),
        # 30 Nov + 3 months = 29 Feb 2024 (clamped, leap) → last covered day 28 Feb
        (date(2023, 11, 30), 3, date(2024, 2, 28)),
        (date(2024, 11, 30), 3, date(2025, 2, 27)),
        (date(2024, 1, 31), 1, date(2024, 2, 28)),
        (date(2024, 1, 30), 1, date(2024, 2, 28)),
    ],
)
def test_r_wa_1_last_covered_day(start: date, months: int, last_day: date) -> None:
    assert coverage_end(start, months) == last_day


def test_r_wa_3_downtime_days_are_added_after_the_clamp() -> None:
    assert coverage_end(date(2023, 11, 30), 3, downtime_days=2) == date(2024, 3, 1)
    assert coverage_end(date(2025, 6, 15), 12, downtime_days=3) == date(2026, 6, 17)


def test_coverage_end_rejects_negative_numbers() -> None:
    with pytest.raises(ValueError, match="months"):
        coverage_end(date(2025, 1, 1), -1)
    with pytest.raises(ValueError, match="downtime_days"):
        coverage_end(date(2025, 1, 1), 3, -1)


@pytest.mark.parametrize(
    ("begin", "end", "days"),
    [
        # the documented example: 23 hours over two calendar days → both days started → 2
        (at(2026, 3, 1, 9), at(2026, 3, 2, 8), 2),
        (at(2026, 3, 1, 9), at(2026, 3, 1, 10), 1),
        # ends exactly at midnight: 2 March was never started
        (at(2026, 3, 1, 9), at(2026, 3, 2, 0), 1),
        (at(2026, 3, 1, 0), at(2026, 3, 4, 0), 3),
        (at(2026, 3, 1, 23, 59), at(2026, 3, 2, 0, 1), 2),
        (at(2026, 3, 1, 9), at(2026, 3, 1, 9), 0),
        (at(2026, 2, 28, 12), at(2026, 3, 1, 12), 2),
    ],
)
def test_r_wa_3_each_started_local_day_counts(begin: datetime, end: datetime, days: int) -> None:
    assert downtime_days([(begin, end)], SH) == days


def test_r_wa_3_days_are_counted_in_the_customer_zone() -> None:
    # 16:30–17:30 UTC is 00:30–01:30 next day in Shanghai: one local day, the next one
    begin = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)
    end = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
    assert downtime_days([(begin, end)], SH) == 2
    assert downtime_days([(begin, end)], UTC) == 1


def test_r_wa_3_overlapping_periods_are_not_double_counted() -> None:
    periods = [
        (at(2026, 3, 1, 9), at(2026, 3, 2, 8)),
        (at(2026, 3, 2, 7), at(2026, 3, 3, 1)),
        (at(2026, 3, 1, 10), at(2026, 3, 1, 11)),
    ]
    assert downtime_days(periods, SH) == 3
    assert downtime_days([*periods, periods[0]], SH) == 3
    assert downtime_days([], SH) == 0


def test_r_wa_3_naive_or_reversed_periods_are_refused() -> None:
    with pytest.raises(WarrantyFactsError, match="no time zone") as naive:
        downtime_days([(datetime(2026, 3, 1, 9), at(2026, 3, 2))], SH)
    assert naive.value.field == "downtime"
    with pytest.raises(WarrantyFactsError, match="before it starts"):
        downtime_days([(at(2026, 3, 2), at(2026, 3, 1))], SH)


def test_dates_module_examples_run() -> None:
    result = doctest.testmod(dates)
    assert result.attempted > 0
    assert result.failed == 0
