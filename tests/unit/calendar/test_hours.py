"""A plant's working hours: checked, each refusal naming the field (R-IN-4, R-IN-5)."""

from __future__ import annotations

from typing import Any

import pytest

from dispatch.calendar.hours import default_hours, parse_hours
from dispatch.errors import InvalidInput


def test_the_default_is_half_past_eight_to_half_past_five_with_lunch() -> None:
    hours = default_hours()
    assert hours.zone == "Asia/Shanghai"
    assert hours.describe() == [["08:30", "12:00"], ["13:30", "17:30"]]
    assert hours.minutes_a_day == 450


def test_periods_are_kept_in_order_and_may_touch() -> None:
    hours = parse_hours("Asia/Urumqi", [["13:00", "24:00"], ["00:00", "06:00"], ["06:00", "07:00"]])
    assert hours.describe() == [["00:00", "06:00"], ["06:00", "07:00"], ["13:00", "24:00"]]


@pytest.mark.parametrize(
    ("zone", "periods", "field"),
    [
        ("Mars/Olympus_Mons", [["08:30", "12:00"]], "zone"),
        ("", [["08:30", "12:00"]], "zone"),
        ("America", [["08:30", "12:00"]], "zone"),  # a directory of zones, not a zone
        ("Asia/Shanghai", [["٠٨:٣٠", "12:00"]], "periods[0][0]"),  # digits, but not ASCII ones
        ("Asia/Shanghai", [], "periods"),
        ("Asia/Shanghai", [["08:30", "12:00"], ["11:30", "17:30"]], "periods[1]"),
        ("Asia/Shanghai", [["13:30", "17:30"], ["08:30", "14:00"]], "periods[0]"),
        ("Asia/Shanghai", [["12:00", "08:30"]], "periods[0]"),
        ("Asia/Shanghai", [["08:30", "08:30"]], "periods[0]"),
        ("Asia/Shanghai", [["8:30", "12:00"]], "periods[0][0]"),
        ("Asia/Shanghai", [["08:30", "12:60"]], "periods[0][1]"),
        ("Asia/Shanghai", [["24:00", "24:00"]], "periods[0][0]"),
        ("Asia/Shanghai", [["08:30"]], "periods[0]"),
        ("Asia/Shanghai", "08:30-12:00", "periods"),
    ],
)
def test_bad_hours_are_refused_naming_the_field(zone: str, periods: Any, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_hours(zone, periods)
    assert refused.value.field == field
