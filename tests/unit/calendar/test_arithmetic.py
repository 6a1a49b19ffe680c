"""Working-time arithmetic (R-IN-4: 4 working hours; R-IN-5: 8), checked by examples and by
hypothesis against a brute-force minute-by-minute reference across nights, lunch breaks,
weekends, holidays and make-up Saturdays, in published (2026) and estimated (2027) years."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch.calendar import (
    DayCalendar,
    WorkingHours,
    add_working_time,
    china_calendar,
    default_hours,
    parse_hours,
    working_time_between,
)
from dispatch.calendar.arithmetic import SpanTooLong

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = china_calendar()
HOURS = default_hours()
MINUTE = timedelta(minutes=1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def due(start: str, hours: float, on: WorkingHours = HOURS) -> str:
    return add_working_time(at(start), timedelta(hours=hours), CAL, on).at.isoformat()


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        ("2026-11-23 13:30", 4, "2026-11-23T17:30:00+08:00"),  # ends exactly at the end: 17:30, not tomorrow
        ("2026-11-23 08:30", 3.5, "2026-11-23T12:00:00+08:00"),  # the end of the morning
        ("2026-11-23 11:00", 2, "2026-11-23T14:30:00+08:00"),  # across lunch
        ("2026-11-23 12:15", 0.5, "2026-11-23T14:00:00+08:00"),  # started in the lunch break
        ("2026-11-23 07:00", 0.5, "2026-11-23T09:00:00+08:00"),  # before work
        ("2026-11-23 16:00", 4, "2026-11-24T11:00:00+08:00"),  # across the night
        ("2026-11-20 16:00", 4, "2026-11-23T11:00:00+08:00"),  # across the weekend
        ("2026-11-21 10:00", 1, "2026-11-23T09:30:00+08:00"),  # started on a Saturday
        ("2026-02-13 16:00", 2, "2026-02-14T09:00:00+08:00"),  # make-up Saturday before 春节
        ("2026-02-14 17:00", 1, "2026-02-24T09:00:00+08:00"),  # then nine days of Spring Festival
        ("2026-09-30 17:00", 8, "2026-10-08T17:30:00+08:00"),  # 0.5 h, National Day week, 7.5 h (R-IN-5)
        ("2026-12-31 16:00", 2, "2027-01-04T09:00:00+08:00"),  # into estimated 2027: 元旦 off
        ("2026-11-23 10:00", 0, "2026-11-23T10:00:00+08:00"),  # nothing to add
    ],
)
def test_add_working_hours_r_in_4(start: str, hours: float, expected: str) -> None:
    assert due(start, hours) == expected


def test_due_is_expressed_in_the_plants_zone() -> None:
    start = datetime(2026, 11, 23, 5, 30, tzinfo=UTC)  # 13:30 in Shanghai
    found = add_working_time(start, timedelta(hours=4), CAL, HOURS)
    assert found.at.isoformat() == "2026-11-23T17:30:00+08:00"


def test_estimated_only_when_a_day_used_lies_in_an_estimated_year() -> None:
    assert not add_working_time(at("2026-12-30 09:00"), timedelta(hours=8), CAL, HOURS).estimated
    assert add_working_time(at("2026-12-31 16:00"), timedelta(hours=2), CAL, HOURS).estimated
    assert add_working_time(at("2027-03-01 09:00"), timedelta(hours=1), CAL, HOURS).estimated


def test_elapsed_between_two_instants_r_in_5() -> None:
    found = working_time_between(at("2026-11-20 16:00"), at("2026-11-23 11:00"), CAL, HOURS)
    assert found.working == timedelta(hours=4)
    assert not found.estimated
    assert working_time_between(
        at("2026-11-21 09:00"), at("2026-11-22 18:00"), CAL, HOURS
    ).working == timedelta(0)
    assert working_time_between(at("2026-12-31 17:00"), at("2027-01-04 09:30"), CAL, HOURS).estimated


def test_other_zones_count_in_their_own_local_time() -> None:
    """A plant in Urumqi working 10:00–14:00 and 15:30–19:30 local (UTC+6)."""
    urumqi = parse_hours("Asia/Urumqi", [["10:00", "14:00"], ["15:30", "19:30"]])
    start = datetime(2026, 11, 23, 12, 0, tzinfo=ZoneInfo("Asia/Urumqi"))
    found = add_working_time(start, timedelta(hours=4), CAL, urumqi)
    assert found.at.isoformat() == "2026-11-23T17:30:00+06:00"


def test_refusals() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_time(datetime(2026, 11, 23, 9), timedelta(hours=1), CAL, HOURS)
    with pytest.raises(ValueError, match="negative"):
        add_working_time(at("2026-11-23 09:00"), timedelta(hours=-1), CAL, HOURS)
    with pytest.raises(ValueError, match="before start"):
        working_time_between(at("2026-11-23 09:00"), at("2026-11-22 09:00"), CAL, HOURS)
    tiny = parse_hours("Asia/Shanghai", [["08:00", "08:01"]])
    with pytest.raises(SpanTooLong):
        add_working_time(at("2026-11-23 09:00"), timedelta(hours=100), CAL, tiny)


# -- property tests against a brute-force reference -----------------------------------------


def minute_is_working(minute: datetime, calendar: DayCalendar, hours: WorkingHours) -> bool:
    """Whether the minute starting at ``minute`` is working time: the plain definition."""
    local = minute.astimezone(hours.tz)
    if not calendar.is_working_day(local.date()):
        return False
    of_day = local.hour * 60 + local.minute
    return any(period.start <= of_day < period.end for period in hours.periods)


def brute_force_add(start: datetime, minutes: int, calendar: DayCalendar, hours: WorkingHours) -> datetime:
    """Walk minute by minute; the due instant is the end of the ``minutes``-th working minute."""
    if minutes == 0:
        return start
    cursor, counted = start, 0
    while True:
        if minute_is_working(cursor, calendar, hours):
            counted += 1
            if counted == minutes:
                return cursor + MINUTE
        cursor += MINUTE


def brute_force_between(start: datetime, end: datetime, calendar: DayCalendar, hours: WorkingHours) -> int:
    minutes, cursor = 0, start
    while cursor < end:
        minutes += minute_is_working(cursor, calendar, hours)
        cursor += MINUTE
    return minutes


def _periods(draw: st.DrawFn) -> WorkingHours:
    """One to three non-overlapping periods on a 15-minute grid (sometimes touching)."""
    cuts = sorted(draw(st.sets(st.integers(0, 96), min_size=2, max_size=6)))
    pairs = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
    periods = [[_hhmm(a * 15), _hhmm(b * 15)] for a, b in pairs]
    return parse_hours("Asia/Shanghai", periods)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


working_hours = st.one_of(st.just(HOURS), st.composite(lambda draw: _periods(draw))())
SPECIAL_DAYS = sorted(
    {d for y in (2026, 2027) for d in CAL.year(y).holiday_dates()} | set(CAL.year(2026).workdays)
)
"""Holidays and make-up Saturdays of a published (2026) and an estimated (2027) year."""
anywhere = st.datetimes(
    min_value=datetime(2025, 12, 20), max_value=datetime(2027, 12, 20), timezones=st.just(SHANGHAI)
)
near_special_days = st.builds(
    lambda day, shift, minute: (
        datetime(day.year, day.month, day.day, tzinfo=SHANGHAI) + timedelta(days=shift, minutes=minute)
    ),
    st.sampled_from(SPECIAL_DAYS),
    st.integers(-3, 1),
    st.integers(0, 24 * 60 - 1),
)
starts = st.one_of(anywhere, near_special_days).map(lambda d: d.replace(second=0, microsecond=0))
PROPERTY = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY
@given(start=starts, minutes=st.integers(0, 16 * 60), hours=working_hours)
def test_add_matches_the_minute_by_minute_reference(
    start: datetime, minutes: int, hours: WorkingHours
) -> None:
    found = add_working_time(start, timedelta(minutes=minutes), CAL, hours)
    assert found.at == brute_force_add(start, minutes, CAL, hours)
    assert found.at.utcoffset() == timedelta(hours=8)


@PROPERTY
@given(start=starts, span=st.integers(0, 6 * 24 * 60), hours=working_hours)
def test_elapsed_matches_the_minute_by_minute_reference(
    start: datetime, span: int, hours: WorkingHours
) -> None:
    end = start + timedelta(minutes=span)
    found = working_time_between(start, end, CAL, hours)
    assert found.working == timedelta(minutes=brute_force_between(start, end, CAL, hours))


@PROPERTY
@given(start=starts, seconds=st.integers(0, 40 * 3600), hours=working_hours)
def test_elapsed_until_the_due_instant_is_what_was_added(
    start: datetime, seconds: int, hours: WorkingHours
) -> None:
    """Fractional amounts too (0.5 h, or any second): add and elapsed are inverse."""
    amount = timedelta(seconds=seconds)
    found = add_working_time(start, amount, CAL, hours)
    assert working_time_between(start, found.at, CAL, hours).working == amount
    if amount:  # and no earlier instant would do
        earlier = found.at - timedelta(seconds=1)
        assert working_time_between(start, max(earlier, start), CAL, hours).working < amount
