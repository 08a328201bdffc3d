"""Calendars in the simulation (docs/analysis.md, "Simulation with calendars"): a service's
``capacity_calendar`` as its places over time, an access point's ``arrivals_calendar`` as its
arrival rate over time, both as steps (time in days from the run's start, value) over the
warm-up and the days measured. The run starts ``warm_up`` days before the simulation's start
date, at midnight. No Qt.
"""

from __future__ import annotations

import datetime
import math

from servicemap import calendars
from servicemap.errors import ServiceMapError

Steps = list[tuple[float, float]]


def run_start(start: datetime.date, warm_up: float) -> datetime.datetime:
    """The moment a run's time 0 stands for: midnight on ``start``, less the warm-up."""
    return datetime.datetime.combine(start, datetime.time()) - datetime.timedelta(days=warm_up)


def has(text: str | None) -> bool:
    """Whether a stored calendar has any entry's worth of text."""
    return bool((text or "").replace(";", "").strip())


def read(text: str | None, name: str, field: str) -> calendars.Calendar:
    """A stored calendar (empty: none); one that cannot be read stops the run in a sentence."""
    try:
        return calendars.parse(text or "")
    except calendars.CalendarError as exc:
        raise ServiceMapError(f"{name}: the {field.replace('_', ' ')} cannot be read: "
                              f"{exc}") from None


def _merge(steps: list[tuple[float, float]]) -> Steps:
    out: Steps = []
    for t, v in steps:
        if out and out[-1][1] == v:
            continue
        out.append((t, v))
    return out


def places_steps(cal: calendars.Calendar, default_places: float, start: datetime.datetime,
                 horizon: float) -> Steps:
    """Places over time: a calendar's value's whole part (0: closed), ``default_places``
    (math.inf: no limit) where no entry holds."""
    raw = calendars.steps(cal, None, start, horizon)
    return _merge([(t, default_places if v is None else float(math.floor(v))) for t, v in raw])


def rate_steps(cal: calendars.Calendar, default_per_year: float | None,
               start: datetime.datetime, horizon: float) -> tuple[Steps, bool]:
    """An access point's arrivals per day over time, and whether part of the time has no rate
    (no entry holds and no ``arrivals_per_year``: no one arrives then)."""
    raw = calendars.steps(cal, None, start, horizon)
    fallback = default_per_year or 0.0
    return _merge([(t, (fallback if v is None else v) / 365) for t, v in raw]), \
        any(v is None for _, v in raw)


def add(parts: list[tuple[float, Steps]], constant: float) -> Steps:
    """``constant`` plus the sum of ``weight x steps`` for each part: one list of steps."""
    times = sorted(set().union(*({t for t, _ in steps} for _, steps in parts)) | {0.0})
    values = [constant] * len(times)
    for weight, steps in parts:
        k = 0
        for j, t in enumerate(times):
            while k + 1 < len(steps) and steps[k + 1][0] <= t:
                k += 1
            values[j] += weight * steps[k][1]
    return _merge([(t, max(0.0, v)) for t, v in zip(times, values, strict=True)])


def mean(steps: Steps, horizon: float) -> float:
    """The time-weighted mean of steps over [0, horizon)."""
    if horizon <= 0:
        return steps[0][1]
    total = 0.0
    for k, (t, v) in enumerate(steps):
        end = steps[k + 1][0] if k + 1 < len(steps) else horizon
        if v != 0:
            total += v * (min(end, horizon) - t)
    return total / horizon

