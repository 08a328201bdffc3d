"""Calendars in the estimates (docs/analysis.md, "Calendars in the estimates"): the formulas
(derived volumes, queueing) need one figure for a service's places and an access point's
arrivals, so where the item has a calendar they use its time-weighted mean over the week from
a day, today unless one is given (:func:`servicemap.calendars.mean`); the plain field holds
wherever no entry applies, and the mean is unknown when that field is unknown for part of the
week. The simulation follows the calendars themselves (graph/sim_calendars.py). No Qt.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from servicemap import calendars

WEEK_DAYS = 7.0  # the span the mean is taken over


def calendar_of(text: object) -> calendars.Calendar | None:
    """The calendar a field holds, or None when it holds none (empty, or text that is not a
    calendar: a document never holds one, every edit and load checks it)."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        cal = calendars.parse(text)
    except calendars.CalendarError:
        return None
    return cal or None


def mean_of(text: object, plain: float | None,
            start: datetime.date | None = None) -> float | None:
    """The mean of the calendar ``text`` over the week from ``start`` (today), with ``plain``
    where no entry applies; ``plain`` itself when there is no calendar."""
    cal = calendar_of(text)
    if cal is None:
        return plain
    return calendars.mean(cal, plain, start or datetime.date.today(), WEEK_DAYS)


def capacity(attrs: Mapping[str, object], start: datetime.date | None = None) -> float | None:
    """A service's places for the formulas: its calendar's mean, else its ``capacity``."""
    return mean_of(attrs.get("capacity_calendar"), attrs.get("capacity"), start)


def arrivals(attrs: Mapping[str, object], start: datetime.date | None = None) -> float | None:
    """An access point's people a year for the formulas: its calendar's mean, else its
    ``arrivals_per_year``."""
    return mean_of(attrs.get("arrivals_calendar"), attrs.get("arrivals_per_year"), start)


def has_calendar(attrs: Mapping[str, object], name: str) -> bool:
    """Whether the item's calendar field ``name`` holds a calendar with entries."""
    return calendar_of(attrs.get(name)) is not None


def words(attrs: Mapping[str, object], name: str) -> str | None:
    """The item's calendar ``name`` for reading ("12 on weekdays 08:00-20:00, 4 at
    weekends"), arrivals "a year"; None when it has none."""
    cal = calendar_of(attrs.get(name))
    if cal is None:
        return None
    return calendars.describe(cal, " a year" if name == "arrivals_calendar" else "")
