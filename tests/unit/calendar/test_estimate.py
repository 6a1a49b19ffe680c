"""A year without a notice is estimated from the statutory holidays in force since 2025, with
the lunar dates of the ``holidays`` package, and flagged (R-IN-4, R-IN-5, R-FU-3)."""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from dispatch.calendar.errors import CalendarNotCovered
from dispatch.calendar.estimate import estimate_year
from dispatch.calendar.notice import packaged_notices


def _dates(year: int) -> set[date]:
    return set(estimate_year(year).holiday_dates())


def test_2027_is_estimated_from_the_statutory_days() -> None:
    estimate = estimate_year(2027)
    assert estimate.estimated
    assert estimate.workdays == ()  # make-up days cannot be guessed
    assert "estimate" in estimate.source
    assert _dates(2027) == {
        date(2027, 1, 1),  # 元旦
        date(2027, 2, 5),  # 除夕 (Chinese New Year's Eve)
        date(2027, 2, 6),  # 春节, first day of the first lunar month
        date(2027, 2, 7),
        date(2027, 2, 8),
        date(2027, 4, 5),  # 清明
        date(2027, 5, 1),  # 劳动节
        date(2027, 5, 2),
        date(2027, 6, 9),  # 端午
        date(2027, 9, 15),  # 中秋
        date(2027, 10, 1),  # 国庆
        date(2027, 10, 2),
        date(2027, 10, 3),
    }


@pytest.mark.parametrize("year", range(2025, 2041))
def test_thirteen_statutory_days_a_year_or_twelve_when_mid_autumn_meets_national_day(year: int) -> None:
    assert len(_dates(year)) in (12, 13)


def test_mid_autumn_on_national_day_is_one_day_off_not_two() -> None:
    """中秋 2028 is 3 October: the ranges merge and no extra day is invented."""
    assert len(_dates(2028)) == 12
    assert estimate_year(2028).holidays[-1] == (date(2028, 10, 1), date(2028, 10, 3))


@pytest.mark.parametrize("year", range(2025, 2036))
def test_estimate_agrees_with_the_holidays_package_public_interface(year: int) -> None:
    """Our rules on its lunisolar tables vs. the package's own China set: every day we estimate
    is a holiday there too (it adds substitute days of its own, which we do not guess)."""
    public = set(holidays.China(years=year))
    assert _dates(year) <= public


@pytest.mark.parametrize("year", [2025, 2026])
def test_estimate_is_inside_the_published_notice(year: int) -> None:
    """A published year moves days around weekends but never drops a statutory holiday."""
    published = set(packaged_notices()[year].holiday_dates())
    assert _dates(year) <= published


@pytest.mark.parametrize("year", [1999, 2024, 2100, 99999])
def test_years_outside_the_rules_or_the_lunar_tables_are_not_guessed(year: int) -> None:
    with pytest.raises(CalendarNotCovered) as refused:
        estimate_year(year)
    assert refused.value.year == year
