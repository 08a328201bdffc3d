"""Writing a map as PathSimR's network and calendar templates (no Qt).

The inverse of :mod:`servicemap.io.pathsimr_read`: every service is a service point (its
``length_of_stay_days``, ``los_distribution`` and ``los_sd_days`` its service distribution,
its ``capacity`` its ``cap``, ``queue_limit`` its ``ext_queue``; a service whose senders
block has an ``int_queue`` of 0), every exit a flow of a service reaches an exit, each flow's
``share_pct`` its transition and ``transfer_delay_days`` its delay; the access points'
``arrivals_per_year`` times their flows' shares are the ``ext_arr`` of the services they
feed; a ``capacity_calendar`` or ``arrivals_calendar`` is written as rows over a day or a
week. A ``PathSimR ...`` line of an item's notes (a calendar of another period, a Weibull, a
delay's spread, an internal queue) is written back while the fields still agree with it; a
planner's later change to the field wins. Times and rates are written per ``time_unit``.

The columns, their order and the layout are PathSimR's own (the names, the transition
matrix, ``serv_dist``, ``serv_dist_param``, ``ext_queue``, ``int_queue``, then
``NAME_delay_dist`` and ``NAME_delay_params`` per node; exits' rows ``NA``); names have
their spaces made underscores, as PathSimR makes them. What PathSimR cannot be given (a
service with no length of stay, capacity or shares summing to 100%) is an
:class:`ExportProblems` listing every one, and nothing is written.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

from servicemap import calendars
from servicemap.calendars import Calendar
from servicemap.errors import FileFormatError, SaveError
from servicemap.graph import rules, sim_calendars
from servicemap.graph.document import Document
from servicemap.io import pathsimr as ps
from servicemap.io import pathsimr_calendars as pc
from servicemap.io import safety
from servicemap.model import EdgeKind, NodeKind
from servicemap.words import plural

NA = "NA"


class ExportProblems(FileFormatError):
    """What keeps the map from PathSimR's templates; ``problems`` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        n = len(problems)
        self.summary = (f"the map cannot be written as PathSimR templates ("
                        f"{plural(n, 'problem')}), so nothing was written")
        shown = "; ".join(problems[:3]) + (f" (and {n - 3} more)" if n > 3 else "")
        super().__init__(f"{self.summary}: {shown}")


@dataclass
class _Point:
    """One service point's row and calendar, in the export's time unit."""

    node_id: str
    dist: str = "exp"
    params: tuple[float, ...] = (1.0,)
    ext_queue: float = math.inf
    int_queue: float = math.inf
    shares: dict[str, float] = field(default_factory=dict)  # node id -> transition
    delays: dict[str, tuple[str, tuple[float, ...]]] = field(default_factory=dict)
    cap: list[tuple[float, float | None, float]] = field(default_factory=list)
    arrivals: list[tuple[float, float | None, float]] = field(default_factory=list)


def _names(doc: Document, ids: list[str]) -> dict[str, str]:
    """PathSimR's name for each node: its name with spaces as underscores, made unique."""
    out, taken = {}, set()
    for node_id in ids:
        base = "_".join(str(doc.node(node_id)["name"] or node_id).split()) or node_id
        name, n = base, 2
        while name.casefold() in taken or name in ps.TRANSITION_COLUMNS:
            name, n = f"{base}_{n}", n + 1
        taken.add(name.casefold())
        out[node_id] = name
    return out


def _flows_out(doc: Document, node_id: str) -> list[tuple[str, str, dict]]:
    return [(eid, t, a) for _, t, eid, a in doc.graph.out_edges(node_id, keys=True, data=True)
            if a.get("kind") == EdgeKind.FLOW]


def _stay(attrs: dict, what: str, per_day: float, unit: str,
          problems: list[str]) -> tuple[str, tuple[float, ...]] | None:
    stay, sd = attrs.get("length_of_stay_days"), attrs.get("los_sd_days")
    noted = ps.noted_dist(attrs.get("notes"), "length of stay", unit)
    if noted is not None and stay is not None:
        kind, mean, spread = ps.los_of(*noted)
        mean /= per_day
        if ps.close(mean, stay) and (spread is None or sd is None
                                     or ps.close(spread / per_day, sd)):
            return noted
    if stay is None:
        problems.append(f"{what} has no length of stay")
        return None
    try:
        return ps.pathsimr_of(attrs.get("los_distribution"), stay * per_day,
                              None if sd is None else sd * per_day)
    except ValueError as exc:
        problems.append(f"{what}: {exc}")
        return None


def _point(doc: Document, node_id: str, unit: str, problems: list[str]) -> _Point:
    attrs, per_day = doc.node(node_id), ps.unit_factor(unit)
    what = rules.describe_node(node_id, attrs)
    point = _Point(node_id)
    stay = _stay(attrs, what, per_day, unit, problems)
    if stay:
        point.dist, point.params = stay
    capacity = attrs.get("capacity")
    calendar = _calendar(attrs.get("capacity_calendar"), what, problems)
    if calendar is not None:
        period = 1 if pc.is_daily(calendar) else 7
        steps = pc.day_steps(calendar, capacity, period)
        if any(v is None for _, v in steps):
            problems.append(f"{what} has no capacity for the times its calendar leaves out")
        elif all(v == 0 for _, v in steps):
            problems.append(f"{what} has a capacity of 0 at all times; PathSimR needs some")
        else:
            point.cap = pc.rows_of(steps, period, unit)
    elif capacity is None or capacity <= 0:
        problems.append(f"{what} has no capacity" if capacity is None
                        else f"{what} has a capacity of 0; PathSimR needs some")
    else:
        noted = ps.noted_calendar(attrs.get("notes"), "cap", unit)
        point.cap = noted if noted and ps.close(ps.mean_of(noted), capacity) \
            else [(0.0, None, float(capacity))]
    limit = attrs.get("queue_limit")
    point.ext_queue = math.inf if limit is None else float(limit)
    point.int_queue = _internal_queue(doc, node_id, attrs)
    flows = _flows_out(doc, node_id)
    if not flows:
        problems.append(f"{what} has no flows out; PathSimR would read it as an exit")
    for eid, target, a in flows:
        share = a.get("share_pct")
        if share is None:
            problems.append(f"{doc.describe(eid)} has no share of the people leaving")
            continue
        point.shares[target] = point.shares.get(target, 0.0) + share / 100
        delay = _delay(a, per_day, unit)
        if delay is not None:
            if target in point.delays and point.delays[target] != delay:
                problems.append(f"{what} has two flows to {doc.describe(target)} with different "
                                "transfer delays; PathSimR has one delay per route")
            point.delays[target] = delay
    total = sum(point.shares.values())
    if flows and len(point.shares) == len({t for _, t, _ in flows}) \
            and abs(total - 1) > 1e-6:
        problems.append(f"{what}: the shares of its flows out sum to "
                        f"{ps.number(round(total * 100, 9))}%, not 100%")
    return point


def _calendar(text: str | None, what: str, problems: list[str]) -> Calendar | None:
    """A stored calendar PathSimR can take (None: none, or a problem said)."""
    if not (text or "").replace(";", "").strip():
        return None
    try:
        calendar = calendars.parse(text)
    except calendars.CalendarError as exc:
        problems.append(f"{what}: its calendar cannot be read: {exc}")
        return None
    why = pc.problem(calendar)
    if why:
        problems.append(f"{what}'s calendar has {why}")
        return None
    return calendar


def _internal_queue(doc: Document, node_id: str, attrs: dict) -> float:
    """PathSimR's ``int_queue``: 0 when a service sending people here blocks (they wait in
    place while this one is full), else none (``Inf``); the notes' value while it still
    agrees (a 0 where no sender blocks any more does not)."""
    senders = [s for s, _, a in doc.graph.in_edges(node_id, data=True)
               if a.get("kind") == EdgeKind.FLOW and doc.node(s)["kind"] == NodeKind.SERVICE
               and s != node_id]
    blocked = any(doc.node(s).get("blocking") for s in senders)
    noted = ps.noted_queue(attrs.get("notes"))
    if noted is not None and (noted != 0 or blocked or not senders):
        return noted
    return 0.0 if blocked else math.inf


def _delay(attrs: dict, per_day: float, unit: str) -> tuple[str, tuple[float, ...]] | None:
    days = attrs.get("transfer_delay_days")
    if days is None:
        return None
    noted = ps.noted_dist(attrs.get("notes"), "delay", unit)
    if noted is not None and ps.close(ps.moments(*noted)[0] / per_day, days):
        return noted
    return "unif", (days * per_day, days * per_day)


def _arrivals(doc: Document, points: dict[str, _Point], unit: str,
              problems: list[str]) -> None:
    """Each service point's external arrivals from the access points that feed it: their
    rates, or through the day or week when one of them has a calendar."""
    per_day = ps.unit_factor(unit)
    feeds: dict[str, list[tuple[str, float]]] = {}
    timed: dict[str, Calendar] = {}
    for access in doc.nodes_of_kind(NodeKind.ACCESS_POINT):
        flows = [(t, a) for _, t, a in _flows_out(doc, access) if t in points]
        if not flows:
            continue
        attrs = doc.node(access)
        what = rules.describe_node(access, attrs)
        per_year = attrs.get("arrivals_per_year")
        calendar = _calendar(attrs.get("arrivals_calendar"), what, problems)
        if calendar is not None:
            timed[access] = calendar
            if any(v is None for _, v in pc.day_steps(calendar, per_year, 7)):
                problems.append(f"{what} has no arrivals per year for the times its calendar "
                                "leaves out")
                continue
        elif per_year is None:
            problems.append(f"{what} has no arrivals per year")
            continue
        for target, a in flows:
            share = a.get("share_pct")
            if share is None and len(_flows_out(doc, access)) > 1:
                problems.append(f"{what}: its flow to {doc.describe(target)} has no share")
                continue
            feeds.setdefault(target, []).append((access, 1.0 if share is None else share / 100))
    if problems:
        return
    to_unit = 1 / ps.DAYS_PER_YEAR / per_day  # people a year -> per time unit
    for node_id, point in points.items():
        fed = feeds.get(node_id, [])
        if any(a in timed for a, _ in fed):
            period = 1 if all(pc.is_daily(timed[a]) for a, _ in fed if a in timed) else 7
            parts = [(share, pc.day_steps(timed[a], doc.node(a)["arrivals_per_year"], period))
                     for a, share in fed if a in timed]
            constant = sum(doc.node(a)["arrivals_per_year"] * s for a, s in fed
                           if a not in timed)
            point.arrivals = pc.rows_of(sim_calendars.add(parts, constant), period, unit,
                                        to_unit)
            continue
        rate = sum(doc.node(a)["arrivals_per_year"] * s for a, s in fed) * to_unit
        noted = ps.noted_calendar(doc.node(fed[0][0]).get("notes"), "ext_arr", unit) \
            if len(fed) == 1 and fed[0][1] == 1 else None
        point.arrivals = noted if noted and ps.close(ps.mean_of(noted), rate) \
            else [(0.0, None, rate)]


def pathsimr_tables(doc: Document, time_unit: str = "days") \
        -> tuple[list[list[str]], list[list[str]]]:
    """The network template's rows and the calendar template's, per ``time_unit``; raises
    :class:`ExportProblems` naming everything PathSimR could not be given."""
    problems: list[str] = []
    services = doc.nodes_of_kind(NodeKind.SERVICE)
    if not services:
        raise ExportProblems(["the map has no services"])
    points = {s: _point(doc, s, time_unit, problems) for s in services}
    reached = {t for p in points.values() for t in p.shares}
    exits = [e for e in doc.nodes_of_kind(NodeKind.EXIT) if e in reached]
    _arrivals(doc, points, time_unit, problems)
    if problems:
        raise ExportProblems(problems)
    order = [*services, *exits]
    names = _names(doc, order)
    header = ["", *(names[n] for n in order), *ps.TRANSITION_COLUMNS,
              *(f"{names[n]}_delay_dist" for n in order),
              *(f"{names[n]}_delay_params" for n in order)]
    network = [header]
    for node_id in order:
        point = points.get(node_id)
        if point is None:
            network.append([names[node_id], *[NA] * (len(header) - 1)])
            continue
        delays = [point.delays.get(n) for n in order]
        network.append([
            names[node_id], *(ps.number(point.shares.get(n, 0.0)) for n in order),
            point.dist, ";".join(ps.number(p) for p in point.params),
            ps.number(point.ext_queue), ps.number(point.int_queue),
            *(d[0] if d else NA for d in delays),
            *(";".join(ps.number(p) for p in d[1]) if d else NA for d in delays)])
    calendar = [list(ps.CALENDAR_COLUMNS)]
    for metric in ps.METRICS:
        for node_id in services:
            point = points[node_id]
            for start, end, value in (point.cap if metric == "cap" else point.arrivals):
                calendar.append([metric, names[node_id], ps.number(start),
                                 NA if end is None else ps.number(end), ps.number(value)])
    return network, calendar


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    try:
        return buffer.getvalue().encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SaveError(f"The PathSimR templates could not be written: some text is not "
                        f"valid Unicode ({exc.reason}).") from None


def write_pathsimr(doc: Document, folder: Path, time_unit: str = "days") -> list[Path]:
    """Write ``network_template.csv`` and ``calendar_template.csv`` into ``folder`` (made if
    missing); returns their paths. Nothing is written when the map cannot be exported."""
    network, calendar = pathsimr_tables(doc, time_unit)
    folder = Path(folder)
    folder.mkdir(exist_ok=True)
    paths = [folder / ps.NETWORK_FILE, folder / ps.CALENDAR_FILE]
    for path, data in zip(paths, (_csv(network), _csv(calendar)), strict=True):
        safety.write_atomically(path, lambda fh, data=data: fh.write(data))
    return paths
