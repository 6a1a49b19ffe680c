"""The working-time calendar (docs/calendar.md, R-IN-4, R-IN-5, R-FU-3).

Working days come from China's published holiday notices, kept as data with their source
(``holidays_cn.toml`` in the package, imported ones in the database), and for a year without a
notice from the statutory rules, flagged ``estimated``; working time runs inside each plant's
working hours. Pure modules (``days``, ``notice``, ``estimate``, ``hours``, ``arithmetic``) do the
counting; ``service`` and ``status`` load what they need.
"""

from dispatch.calendar.arithmetic import Due, Elapsed, add_working_time, working_time_between
from dispatch.calendar.china import Origin, china_calendar
from dispatch.calendar.days import DayCalendar, WorkingCalendar, YearDays, add_working_days
from dispatch.calendar.errors import CalendarDataError, CalendarError, CalendarNotCovered
from dispatch.calendar.hours import WorkingHours, default_hours, parse_hours

__all__ = [
    "CalendarDataError",
    "CalendarError",
    "CalendarNotCovered",
    "DayCalendar",
    "Due",
    "Elapsed",
    "Origin",
    "WorkingCalendar",
    "WorkingHours",
    "YearDays",
    "add_working_days",
    "add_working_time",
    "china_calendar",
    "default_hours",
    "parse_hours",
    "working_time_between",
]
