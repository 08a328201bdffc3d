"""PathSimR's calendars as servicemap's (servicemap.calendars) and back (no Qt).

A PathSimR calendar is a node's ``cap`` or ``ext_arr`` rows ``start, end, value``, repeating
with the period of its last ``end`` in the template's time unit. A period of a day (24 hours,
or 1 day) becomes hours of every day (``00:00-08:00 3; 08:00-20:00 6; 20:00-24:00 3``); a
period of a week (168 hours, or 7 days) becomes days of the week, PathSimR's time 0 taken as
Monday 00:00 (``Mon-Fri 10; Sat,Sun 4``). Any other period, or a step that does not fall on
a whole minute, has no calendar here: the reader keeps its mean and its notes line.

Back: a calendar whose entries all hold every day is written over a day, one with days of
the week over a week, from midnight (Monday's); a calendar of one value is one row ``0,NA``.
A dated step (``from YYYY-MM-DD``) has no PathSimR form. Values: ``cap`` in places as they
are; ``ext_arr`` per time unit here, people a year in the map.
"""

from __future__ import annotations

import datetime

from servicemap import calendars
from servicemap.calendars import ALL_DAYS, MINUTES_IN_DAY, Calendar, Entry
from servicemap.io import pathsimr as ps

MONDAY = datetime.datetime(2024, 1, 1)  # any Monday's midnight: PathSimR's time 0
_PERIODS = {1: "a day", 7: "a week"}  # period in days -> words


def period_days(steps: list[tuple[float, float | None, float]], unit: str) -> float | None:
    """A multi-row calendar's period in days (its last end), None when it runs for ever."""
    end = steps[-1][1]
    return None if end is None else end / ps.unit_factor(unit)


def to_calendar(steps: list[tuple[float, float | None, float]], unit: str, metric: str) \
        -> tuple[Calendar | None, str]:
    """The calendar of a node's PathSimR rows (two or more), or None and why not."""
    days = period_days(steps, unit)
    period = next((p for p in _PERIODS if days is not None and abs(days - p) < 1e-9), None)
    if period is None:
        shown = "for ever" if days is None else f"every {ps.number(steps[-1][1])} {unit}"
        return None, (f"repeats {shown}, neither a day nor a week")
    span = period * MINUTES_IN_DAY
    entries: list[Entry] = []
    for start, end, value in steps:
        a, b = (x / steps[-1][1] * span for x in (start, end))
        if abs(a - round(a)) > 1e-6 or abs(b - round(b)) > 1e-6:
            return None, "has a step that does not start or end on a whole minute"
        per = float(value) if metric == "cap" else _tidy(value * ps.unit_factor(unit)
                                                  * ps.DAYS_PER_YEAR)
        entries += _entries(round(a), round(b), per, period)
    return Calendar(tuple(entries)), ""


def _entries(a: int, b: int, value: float, period: int) -> list[Entry]:
    """Minutes [a, b) of a day or week as entries (whole days of a week as one day range)."""
    if period == 1:
        return [Entry(ALL_DAYS, a, b, None, value)]
    out, whole = [], []
    for day in range(a // MINUTES_IN_DAY, (b - 1) // MINUTES_IN_DAY + 1):
        lo = max(a, day * MINUTES_IN_DAY) - day * MINUTES_IN_DAY
        hi = min(b, (day + 1) * MINUTES_IN_DAY) - day * MINUTES_IN_DAY
        if (lo, hi) == (0, MINUTES_IN_DAY):
            whole.append(day)
        else:
            out.append(Entry(frozenset({day}), lo, hi, None, value))
    if whole:
        out.append(Entry(frozenset(whole), 0, MINUTES_IN_DAY, None, value))
    return sorted(out, key=lambda e: (min(e.days), e.start_minute))


def _tidy(value: float) -> float:
    return float(f"{value:.12g}")


def is_daily(cal: Calendar) -> bool:
    return all(e.days == ALL_DAYS for e in cal.entries)


def problem(cal: Calendar) -> str | None:
    """Why PathSimR cannot take a calendar, or None."""
    dated = next((e for e in cal.entries if e.from_date is not None), None)
    if dated is not None:
        return (f"a dated step (from {dated.from_date.isoformat()}), which PathSimR's "
                "repeating calendars cannot hold")
    return None


def day_steps(cal: Calendar, default: float | None, period: int) \
        -> list[tuple[float, float | None]]:
    """The values over one period (days) from midnight (Monday's for a week)."""
    return calendars.steps(cal, default, MONDAY, period)


def rows_of(steps: list[tuple[float, float]], period: int, unit: str, scale: float = 1.0) \
        -> list[tuple[float, float | None, float]]:
    """PathSimR rows of steps over ``period`` days (times in ``unit``; values x ``scale``);
    one value is one row for ever."""
    if len(steps) == 1:
        return [(0.0, None, steps[0][1] * scale)]
    per_day = ps.unit_factor(unit)
    ends = [t for t, _ in steps[1:]] + [float(period)]
    return [(t * per_day, e * per_day, v * scale) for (t, v), e in zip(steps, ends, strict=True)]
