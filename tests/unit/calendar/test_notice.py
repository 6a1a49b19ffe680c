"""Holiday notices as data: the packaged file passes the import checks, and each malformed
notice is refused naming the field (R-IN-4, R-IN-5, R-FU-3 count working days from these)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from dispatch.calendar.errors import CalendarDataError
from dispatch.calendar.notice import as_document, packaged_notices, parse_notice_text, parse_notices


def _year(**section: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "source": "国务院办公厅关于2027年部分节假日安排的通知",
        "holidays": [],
        "workdays": [],
    }
    return {"years": {"2027": {**base, **section}}}


def test_packaged_notices_pass_the_checks_and_name_their_source() -> None:
    notices = packaged_notices()
    assert {2025, 2026} <= set(notices)
    assert all(notice.source and not notice.estimated for notice in notices.values())
    assert (date(2026, 2, 15), date(2026, 2, 23)) in notices[2026].holidays
    assert date(2026, 2, 28) in notices[2026].workdays


def test_a_valid_notice_round_trips_through_the_stored_document() -> None:
    raw = _year(
        holidays=[["2027-02-05", "2027-02-11"], ["2027-01-01", "2027-01-01"]], workdays=["2027-02-20"]
    )
    (notice,) = parse_notices(raw)
    assert notice.year == 2027
    assert notice.holidays[0] == (date(2027, 1, 1), date(2027, 1, 1))  # sorted
    assert parse_notices({"years": {"2027": as_document(notice)}}) == [notice]


def test_toml_dates_may_be_bare_or_quoted() -> None:
    text = """
[years.2027]
source = "notice"
holidays = [[2027-01-01, "2027-01-01"]]
workdays = [2027-02-20]
"""
    (notice,) = parse_notice_text(text)
    assert notice.workdays == (date(2027, 2, 20),)


def test_a_range_may_reach_into_the_previous_december() -> None:
    """元旦 2024 was 2023-12-30 … 2024-01-01 (and 2023-12-29? no: a Friday, worked as usual)."""
    (notice,) = parse_notices(
        {"years": {"2024": {"source": "notice", "holidays": [["2023-12-30", "2024-01-01"]], "workdays": []}}}
    )
    assert notice.holidays == ((date(2023, 12, 30), date(2024, 1, 1)),)


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        ({"years": {"27": {}}}, "years.27", "unknown year format"),
        ({"years": {"year2027": {}}}, "years.year2027", "unknown year format"),
        ({"years": {"1899": {}}}, "years.1899", "within"),
        ({"years": {}}, "years", "at least one"),
        ({"calendar": {}}, "calendar", "unknown key"),
        (_year(source=""), "years.2027.source", "required"),
        (_year(note="x"), "years.2027.note", "unknown key"),
        (
            _year(holidays=[["2027-01-01", "2027-01-03"], ["2027-01-03", "2027-01-05"]]),
            "years.2027.holidays[1]",
            "overlaps holidays[0]",
        ),
        (
            _year(
                holidays=[
                    ["2027-10-01", "2027-10-07"],
                    ["2027-02-05", "2027-02-11"],
                    ["2027-10-05", "2027-10-06"],
                ]
            ),
            "years.2027.holidays[2]",
            "overlaps holidays[0]",
        ),
        (_year(holidays=[["2027-02-11", "2027-02-05"]]), "years.2027.holidays[0]", "before it starts"),
        (_year(holidays=[["2027-02-05"]]), "years.2027.holidays[0]", "range"),
        (_year(holidays=[["2027-02-30", "2027-03-01"]]), "years.2027.holidays[0][0]", "YYYY-MM-DD"),
        (_year(holidays=[["2026-10-01", "2026-10-07"]]), "years.2027.holidays[0]", "no day in 2027"),
        (_year(holidays=[["2026-11-01", "2027-01-01"]]), "years.2027.holidays[0][0]", "outside 2027"),
        (
            _year(holidays=[["2027-02-05", "2027-02-11"]], workdays=["2027-02-06"]),
            "years.2027.workdays[0]",
            "also a holiday",
        ),
        (_year(workdays=["2027-02-22"]), "years.2027.workdays[0]", "is a Monday"),
        (_year(workdays=["2027-02-20", "2027-02-20"]), "years.2027.workdays[1]", "twice"),
        (_year(workdays="2027-02-20"), "years.2027.workdays", "a list"),
        (_year(holidays=None), "years.2027.holidays", "required"),
    ],
)
def test_a_malformed_notice_is_refused_naming_the_field(raw: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(CalendarDataError) as refused:
        parse_notices(raw)
    assert refused.value.field == field
    assert words in str(refused.value)


def test_bad_toml_is_refused_with_its_position() -> None:
    with pytest.raises(CalendarDataError) as refused:
        parse_notice_text("[years.2027\n")
    assert refused.value.field == "toml"
