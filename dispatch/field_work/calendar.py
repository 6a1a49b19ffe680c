"""The engineer's report deadline of R-FU-3 (3 working days), on the working calendar.

Which days are working days is the calendar's business (``dispatch/calendar``: published
notices, imported ones, estimates for other years); this module only counts the days.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dispatch.calendar.days import WorkingCalendar, add_working_days

CHINA_TZ = ZoneInfo("Asia/Shanghai")
REPORT_WORKING_DAYS = 3
"""R-FU-3: the written report is due within 3 working days of the return."""


def report_due(
    completed_at: datetime,
    calendar: WorkingCalendar,
    *,
    working_days: int = REPORT_WORKING_DAYS,
    tz: ZoneInfo = CHINA_TZ,
) -> date:
    """R-FU-3: the last day (local to ``tz``) on which the written report is on time.

    The day of completion does not count: completed on a Friday, the report is due by the
    end of the third working day after it (Wednesday, if no holiday intervenes).
    """
    if completed_at.tzinfo is None or completed_at.utcoffset() is None:
        raise ValueError(f"completed_at must be timezone-aware, got {completed_at!r}")
    return add_working_days(completed_at.astimezone(tz).date(), working_days, calendar)
