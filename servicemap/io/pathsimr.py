"""Exchange with PathSimR, the NHS's open pathway simulator (no Qt).

PathSimR (``nhs-bnssg-analytics/PathSimR``, R/Shiny) reads two CSV templates:

* a **network template**: one row per node (service points, then exits), its first column the
  node's name, then the transition matrix (one column per node: the share of the people
  leaving the row's node who go to the column's node), ``serv_dist`` and ``serv_dist_param``
  (the length of service: ``exp`` rate, ``lnorm`` meanlog;sdlog, ``gamma`` shape;rate,
  ``unif`` min;max, ``weibull`` shape;scale), ``ext_queue`` and ``int_queue`` (the most people
  who may queue there from outside and from other service points: a whole number or
  ``Inf``), then one delay distribution column and one delay parameters column per node (the
  transfer delay from the row's node to the column's). A row whose transitions are all empty
  or 0 is an exit.
* a **calendar template**: rows ``metric,node,start,end,value``, ``metric`` being ``cap``
  (capacity) or ``ext_arr`` (external arrivals per time unit), each node's rows running from
  0 in steps that meet end to start and repeating; an empty or ``NA`` end means for ever.

PathSimR has no fixed time unit: every rate and time is per the template's own unit, so the
reader and writer take ``time_unit`` (``hours`` or ``days``); the map keeps days and people a
year. This module holds what both directions share: the distributions' conversions, the
numbers' spelling and the ``PathSimR ...`` lines kept in an item's notes for what the map has
no field for (docs/data-model.md, "Exchange with PathSimR"). Reading is
:mod:`servicemap.io.pathsimr_read`, writing :mod:`servicemap.io.pathsimr_write`.
"""

from __future__ import annotations

import math
import re

TIME_UNITS: dict[str, float] = {"hours": 24.0, "days": 1.0}  # time units in one day
DAYS_PER_YEAR = 365  # as the analysis counts a year (servicemap/graph/occupancy.py)
TRANSITION_COLUMNS = ("serv_dist", "serv_dist_param", "ext_queue", "int_queue")
CALENDAR_COLUMNS = ("metric", "node", "start", "end", "value")
METRICS = ("cap", "ext_arr")
# PathSimR's distributions, the number of parameters each takes and what they are called.
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "exp": ("rate",), "lnorm": ("meanlog", "sdlog"), "gamma": ("shape", "rate"),
    "unif": ("min", "max"), "weibull": ("shape", "scale")}
# servicemap's length-of-stay distributions (model.LOS_DISTRIBUTIONS) from PathSimR's names.
LOS_KINDS = {"exp": "exponential", "lnorm": "lognormal", "gamma": "gamma", "unif": "uniform"}
NETWORK_FILE = "network_template.csv"
CALENDAR_FILE = "calendar_template.csv"
NOTE_PREFIX = "PathSimR "


def number(value: float) -> str:
    """A number as the templates write it: ``20``, ``0.303030303``, ``Inf``."""
    if math.isinf(value):
        return "Inf"
    text = f"{value:.12g}"
    return "0" if text == "-0" else text


def unit_factor(time_unit: str) -> float:
    """Time units in a day for ``hours`` or ``days``."""
    return TIME_UNITS[time_unit]


def moments(dist: str, params: tuple[float, ...]) -> tuple[float, float | None]:
    """The mean and standard deviation of a PathSimR distribution (in its own time unit);
    the sd is None for ``exp``, whose spread its mean fixes."""
    if dist == "exp":
        return 1 / params[0], None
    a, b = params
    if dist == "lnorm":
        mean = math.exp(a + b * b / 2)
        return mean, mean * math.sqrt(math.expm1(b * b))
    if dist == "gamma":
        return a / b, math.sqrt(a) / b
    if dist == "unif":
        return (a + b) / 2, (b - a) / math.sqrt(12)
    if dist == "weibull":
        first, second = math.gamma(1 + 1 / a), math.gamma(1 + 2 / a)
        return b * first, b * math.sqrt(max(second - first * first, 0.0))
    raise ValueError(dist)


def param_problem(dist: str, params: tuple[float, ...]) -> str | None:
    """Why PathSimR would refuse these parameters, or None."""
    names = DISTRIBUTIONS[dist]
    if len(params) != len(names):
        spelled = ";".join(names)
        return (f"{dist} takes {len(names)} parameter{'s' if len(names) > 1 else ''} "
                f"({spelled})")
    if any(not math.isfinite(p) for p in params):
        return "its parameters must be finite numbers"
    if dist == "lnorm":
        return "sdlog must be at least 0" if params[1] < 0 else None
    if dist == "unif":
        if params[0] < 0:
            return "min must be at least 0"
        return "max must be at least min" if params[1] < params[0] else None
    if any(p <= 0 for p in params):
        return f"{' and '.join(names)} must be more than 0"
    return None


def rescaled(dist: str, params: tuple[float, ...], factor: float) -> tuple[float, ...]:
    """The same distribution with every time multiplied by ``factor`` (a unit change)."""
    if dist == "exp":
        return (params[0] / factor,)
    a, b = params
    return {"lnorm": (a + math.log(factor), b), "gamma": (a, b / factor),
            "unif": (a * factor, b * factor), "weibull": (a, b * factor)}[dist]


def los_of(dist: str, params: tuple[float, ...]) -> tuple[str, float, float | None]:
    """servicemap's distribution, mean and sd for PathSimR's (same time unit). ``unif`` with
    min = max is ``fixed``; a ``weibull`` becomes the ``gamma`` of the same mean and sd (the
    caller keeps the original in the notes)."""
    mean, sd = moments(dist, params)
    if dist == "unif" and params[0] == params[1]:
        return "fixed", mean, None
    if dist == "lnorm" and params[1] == 0:
        return "fixed", mean, None
    return LOS_KINDS.get(dist, "gamma"), mean, sd


def pathsimr_of(kind: str | None, mean: float, sd: float | None) -> tuple[str, tuple[float, ...]]:
    """PathSimR's distribution for servicemap's (same time unit); an empty kind is
    exponential, the queueing formulas' own assumption, and an empty spread equals the mean
    (as the queueing model reads it; a spread of 0 is fixed). Raises ValueError for what
    PathSimR cannot take."""
    kind = kind or "exponential"
    if mean <= 0 and kind != "fixed":
        raise ValueError("a length of stay of 0 cannot be exported except as fixed")
    if kind == "exponential":
        return "exp", (1 / mean,)
    if kind == "fixed":
        return "unif", (mean, mean)
    if sd is None:  # as the queueing model reads an empty spread (docs/data-model.md)
        sd = mean
    if sd <= 0:
        return "unif", (mean, mean)
    if kind == "lognormal":
        sigma2 = math.log1p((sd / mean) ** 2)
        return "lnorm", (math.log(mean) - sigma2 / 2, math.sqrt(sigma2))
    if kind == "gamma":
        return "gamma", ((mean / sd) ** 2, mean / (sd * sd))
    if kind == "uniform":  # its lower end kept at 0 or above, as the queueing model keeps it
        half = min(sd * math.sqrt(3), mean)
        return "unif", (mean - half, mean + half)
    raise ValueError(f"PathSimR has no {kind} distribution")


def close(a: float, b: float) -> bool:
    """Equal but for rounding (a note's number against a field's)."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


# ----- the notes' lines -------------------------------------------------------------------
# What PathSimR says and the map has no field for is kept as one line of the item's notes,
# read back by export when the fields still agree with it (else the fields win: the planner
# changed them). Times in a line are in the unit it names.
_CALENDAR_RE = re.compile(r"^PathSimR (capacity|arrivals) calendar \((hours|days)\): (.+)$")
_STEP_RE = re.compile(r"^\s*(\S+) to (\S+): (\S+)\s*$")
_DIST_RE = re.compile(r"^PathSimR (length of stay|delay): (\w+) (\S+) \((hours|days)\)$")
_QUEUE_RE = re.compile(r"^PathSimR internal queue: (\d+|Inf)$")


def calendar_line(metric: str, unit: str, steps: list[tuple[float, float, float]]) -> str:
    """``PathSimR capacity calendar (hours): 0 to 8: 3; 8 to 20: 6; 20 to 24: 3``."""
    what = "capacity" if metric == "cap" else "arrivals"
    body = "; ".join(f"{number(s)} to {number(e)}: {number(v)}" for s, e, v in steps)
    return f"{NOTE_PREFIX}{what} calendar ({unit}): {body}"


def dist_line(what: str, dist: str, params: tuple[float, ...], unit: str) -> str:
    """``PathSimR delay: exp 0.5 (hours)`` (``what``: ``length of stay`` or ``delay``)."""
    return f"{NOTE_PREFIX}{what}: {dist} {';'.join(number(p) for p in params)} ({unit})"


def queue_line(size: float) -> str:
    """``PathSimR internal queue: 0`` (or ``Inf``): the people from other service points who
    may wait for this one (servicemap's ``blocking`` is on the service they leave)."""
    return f"{NOTE_PREFIX}internal queue: {number(size)}"


def with_line(notes: str, line: str) -> str:
    return f"{notes}\n{line}" if notes else line


def noted_calendar(notes: str | None, metric: str, to_unit: str) \
        -> list[tuple[float, float, float]] | None:
    """The calendar steps a ``PathSimR ... calendar`` line keeps, times in ``to_unit``
    (arrival rates per ``to_unit``), or None when there is none or it does not parse."""
    want = "capacity" if metric == "cap" else "arrivals"
    for line in (notes or "").splitlines():
        found = _CALENDAR_RE.match(line.strip())
        if not found or found[1] != want:
            continue
        factor = unit_factor(to_unit) / unit_factor(found[2])
        steps = []
        for part in found[3].split(";"):
            step = _STEP_RE.match(part)
            try:
                start, end, value = (float(step[i]) for i in (1, 2, 3)) if step else (0, 0, -1)
            except ValueError:
                return None
            if value < 0:
                return None
            if metric == "ext_arr":
                value /= factor
            steps.append((start * factor, end * factor, value))
        return steps
    return None


def noted_dist(notes: str | None, what: str, to_unit: str) \
        -> tuple[str, tuple[float, ...]] | None:
    """The distribution a ``PathSimR length of stay:`` or ``delay:`` line keeps, rescaled to
    ``to_unit``, or None."""
    for line in (notes or "").splitlines():
        found = _DIST_RE.match(line.strip())
        if not found or found[1] != what or found[2] not in DISTRIBUTIONS:
            continue
        try:
            params = tuple(float(p) for p in found[3].split(";"))
        except ValueError:
            return None
        if param_problem(found[2], params):
            return None
        factor = unit_factor(to_unit) / unit_factor(found[4])
        return found[2], rescaled(found[2], params, factor)
    return None


def noted_queue(notes: str | None) -> float | None:
    """The internal queue a ``PathSimR internal queue:`` line keeps (``Inf`` is infinity), or
    None."""
    for line in (notes or "").splitlines():
        found = _QUEUE_RE.match(line.strip())
        if found:
            return float(found[1])
    return None


def mean_of(steps: list[tuple[float, float | None, float]]) -> float:
    """A calendar's time-weighted mean, as PathSimR's own summary takes it:
    ``sum(value x (end - start)) / last end``; one step for ever is its value."""
    if len(steps) == 1:
        return steps[0][2]
    return sum(v * (e - s) for s, e, v in steps) / steps[-1][1]
