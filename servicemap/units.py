"""Waits and targets in hours, days or weeks, and percentages: how people read and type them.

The map keeps every wait and target in days (a float: a 4-hour crisis target is 0.1667 days);
the fields are those whose ``unit`` is ``"days"`` in :mod:`servicemap.model` (their names end in
``_days``). People see each in the unit that reads best (under a day in hours, whole weeks in
weeks, else days) or in the unit they chose, and may type "4 hours", "4h", "2 weeks", "10 days",
"3d" or a plain number in the unit shown. Percentages (``unit`` ``"%"``, 0-100) show as "85%" or
"87.5%" and accept "85%" or "85". Numbers are rounded for reading (two decimals, at least two
significant figures), never to the point of changing what a figure says.

Plain Python, no Qt, in the bottom layer.
"""

from __future__ import annotations

import math
import re

HOURS, DAYS, WEEKS = "hours", "days", "weeks"
UNITS: tuple[str, ...] = (HOURS, DAYS, WEEKS)
DAYS_IN: dict[str, float] = {HOURS: 1 / 24, DAYS: 1.0, WEEKS: 7.0}
SINGULAR = {HOURS: "hour", DAYS: "day", WEEKS: "week"}
DURATION, PERCENT = "days", "%"  # the ``unit`` of a Field in servicemap.model

_WORDS = {
    HOURS: ("h", "hr", "hrs", "hour", "hours"),
    DAYS: ("d", "day", "days"),
    WEEKS: ("w", "wk", "wks", "week", "weeks"),
}
UNIT_OF_WORD = {word: unit for unit, words in _WORDS.items() for word in words}
_NUMBER = r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?"
_DURATION = re.compile(rf"^({_NUMBER})\s*([a-z]*)\.?$", re.IGNORECASE)
_PERCENT = re.compile(rf"^({_NUMBER})\s*%?$", re.IGNORECASE)

DURATION_HINT = 'a number, optionally with a unit: "4 hours", "3 days", "2 weeks"'


def is_duration(field) -> bool:
    """Whether a :class:`servicemap.model.Field` is a wait or target kept in days."""
    return getattr(field, "unit", "") == DURATION


def is_percentage(field) -> bool:
    """Whether a :class:`servicemap.model.Field` is a percentage (0-100)."""
    return getattr(field, "unit", "") == PERCENT


# ----- numbers --------------------------------------------------------------------------------
def decimals(x: float) -> int:
    """How many decimals :func:`number_text` shows for ``x``: two, or more for small numbers
    so that at least two significant figures show."""
    if x == 0 or not math.isfinite(x) or abs(x) >= 0.1:
        return 2
    return 1 - math.floor(math.log10(abs(x)))


def number_text(x: float) -> str:
    """A number for reading: "4", "0.17", "1,250", "87.5", "0.024" (no "0.16666666")."""
    if not math.isfinite(x):
        return str(x)
    text = f"{x:,.{decimals(x)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def whole(x: float) -> float | int:
    """``x`` as an int when it is whole (how the map stores whole numbers)."""
    return int(x) if isinstance(x, float) and x.is_integer() and abs(x) < 2**53 else x


def _number(text: str) -> float:
    return float(text.replace(",", ""))


# ----- durations ------------------------------------------------------------------------------
def best_unit(days: float | None) -> str:
    """The unit a duration reads best in: hours under a day, weeks for whole weeks, else days."""
    if days is None or days == 0 or not math.isfinite(days):
        return DAYS
    if abs(days) < 1:
        return HOURS
    weeks = days / 7
    if abs(days) >= 7 and abs(weeks - round(weeks)) < 1e-9:
        return WEEKS
    return DAYS


def in_unit(days: float, unit: str) -> float:
    """A duration in days, as a number of ``unit``."""
    return days / DAYS_IN[unit]


def to_days(number: float, unit: str) -> float:
    """A number of ``unit`` as days."""
    return number * DAYS_IN[unit]


def unit_word(unit: str, number_shown: str) -> str:
    """ "hour" after "1", "hours" after anything else."""
    return SINGULAR[unit] if number_shown == "1" else unit


def format_duration(days: float | None, unit: str | None = None) -> str:
    """ "4 hours", "1 day", "10 days", "2 weeks", "1.5 days"; in ``unit`` when given, else in
    :func:`best_unit`; "unknown" for None."""
    if days is None:
        return "unknown"
    unit = unit or best_unit(days)
    number = number_text(in_unit(days, unit))
    return f"{number} {unit_word(unit, number)}"


def parse_duration(text: str, unit: str = DAYS) -> tuple[float | None, str | None]:
    """What a person typed as a wait or target: ``(days, unit typed)``. A plain number is in
    ``unit``; the unit typed is None then. Empty text is unknown: ``(None, None)``.
    Raises ValueError("must be ...") for anything else."""
    text = text.strip()
    if not text:
        return None, None
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"must be {DURATION_HINT}")
    word = match.group(2).lower()
    typed = UNIT_OF_WORD.get(word) if word else None
    if word and typed is None:
        raise ValueError(f"must be in hours, days or weeks (got “{match.group(2)}”)")
    try:
        number = _number(match.group(1))
    except ValueError:
        raise ValueError(f"must be {DURATION_HINT}") from None
    if not math.isfinite(number):
        raise ValueError("must be a finite number")
    return whole(to_days(number, typed or unit)), typed


# ----- percentages ----------------------------------------------------------------------------
def format_percent(value: float | None) -> str:
    """ "85%", "87.5%"; "unknown" for None."""
    return "unknown" if value is None else f"{number_text(value)}%"


def parse_percent(text: str) -> float | None:
    """ "85%", "85 %" or "85" -> 85; empty text is unknown (None). Raises
    ValueError("must be ...") for anything else."""
    text = text.strip()
    if not text:
        return None
    match = _PERCENT.match(text)
    if match is None:
        raise ValueError("must be a number, such as 85 or 85%")
    number = _number(match.group(1))
    if not math.isfinite(number):
        raise ValueError("must be a finite number")
    return whole(number)
