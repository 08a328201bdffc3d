"""Length of stay and occupancy: what turns beds and caseloads into people a year.

A stock capacity (beds, caseload, places) is a number of people held at once. With a mean
length of stay it becomes a throughput by Little's law, ``capacity x 365 / length of stay``
people a year, so its load can be judged like any other. Defined exactly in docs/analysis.md
(per service); pure functions, no Qt, no document.
"""

from __future__ import annotations

import math
import re

BEDS_OCCUPANCY_PCT = 85.0   # default target occupancy for beds (the NHS planning figure)
OTHER_OCCUPANCY_PCT = 100.0  # default for any other capacity
LENGTH_OF_STAY_TOLERANCE = 0.20  # a recorded length of stay this far from the implied one
_BEDS_RE = re.compile(r"\bbeds?\b")
# a capacity unit naming a period ("a year", "weekly") is a throughput, not people held at once
PERIOD_RE = re.compile(r"\b(?:per|a|an|each|every)\s+(day|evening|night|week|fortnight|month|"
                       r"quarter|year|annum)\b|\b(daily|weekly|monthly|yearly|annual|annually)\b")


def is_stock(unit: str | None) -> bool:
    """Whether a capacity unit counts people held at once (beds, caseload), not a throughput."""
    text = (unit or "").strip().casefold()
    return bool(text) and not PERIOD_RE.search(text)


def _r(value: float | None, places: int = 4) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, places)


def is_beds(unit: str | None) -> bool:
    """Whether a capacity unit counts beds ("beds", "inpatient beds", "bed")."""
    return bool(_BEDS_RE.search((unit or "").casefold()))


def target_occupancy(recorded: float | None, unit: str | None) -> tuple[float, str]:
    """The service's target occupancy in percent and where it comes from ("service" or
    "default": 85 for beds, 100 for anything else)."""
    if recorded is not None:
        return float(recorded), "service"
    return (BEDS_OCCUPANCY_PCT if is_beds(unit) else OTHER_OCCUPANCY_PCT), "default"


def stock_per_year(capacity: float, length_of_stay: float | None) -> tuple[float | None, str]:
    """People a year a stock of ``capacity`` places can take (Little's law), or why not."""
    if length_of_stay is None:
        return None, "record its length of stay to turn it into people a year"
    if length_of_stay <= 0:
        return None, "its length of stay is 0 days, so people a year cannot be worked out"
    return _r(float(capacity) * 365 / length_of_stay), ""


def occupancy(*, stock: bool, capacity: float | None, per_year: float | None,
              people_in: float | None, in_unknown: int, length_of_stay: float | None,
              target_pct: float) -> dict:
    """The occupancy fields of one ``per_service`` row (see docs/analysis.md)."""
    complete = people_in is not None and not in_unknown
    occ = None if people_in is None or not per_year else 100 * people_in / per_year
    over = None
    if occ is not None:
        over = True if occ > target_pct else (False if complete else None)
    required = None
    share = target_pct / 100  # a target of 5e-324 % is a share of 0: nothing can be required
    if length_of_stay is not None and people_in is not None and share > 0:
        required = people_in * length_of_stay / 365 / share
    implied = None
    if stock and capacity is not None and complete and people_in > 0:
        implied = capacity * 365 / people_in
    check = None
    if implied is not None and length_of_stay is not None:
        off = abs(length_of_stay - implied) / implied if implied > 0 else \
            (0.0 if length_of_stay == 0 else math.inf)
        check = off > LENGTH_OF_STAY_TOLERANCE
    return {"occupancy_pct": _r(occ, 2), "over_target_occupancy": over,
            "required_places": _r(required, 2),
            "required_places_is_lower_bound": required is not None and in_unknown > 0,
            "implied_length_of_stay_days": _r(implied, 2),
            "length_of_stay_flagged": check}
