"""Reading PathSimR's network and calendar templates as a map (no Qt).

Service points become services, exits exits, each service point with external arrivals an
access point ("Arrivals to ...") with ``arrivals_per_year`` and a referral flow of share
100%, each transition above 0 a flow with ``share_pct`` (a transfer, or a discharge into an
exit) and its delay's mean as ``transfer_delay_days``; the service distribution gives
``length_of_stay_days``, ``los_distribution`` and ``los_sd_days``; the calendar's capacity
(its time-weighted mean) ``capacity`` in places, and a calendar of a day or a week the
``capacity_calendar`` (the arrivals' the access point's ``arrivals_calendar``:
:mod:`servicemap.io.pathsimr_calendars`); ``ext_queue`` the ``queue_limit`` (``Inf``:
none); a service point sending people to one whose ``int_queue`` is 0 has ``blocking`` (its
people wait in place while the next is full; each ``int_queue`` is kept in the notes). Rates
and times are converted from ``time_unit`` (hours or days) to days and people a year. What
the map has no field for (a calendar repeating other than daily or weekly, a Weibull
distribution, a delay's spread, the internal queue) is kept as one ``PathSimR ...`` line of
the item's notes (:mod:`servicemap.io.pathsimr`).

Every malformed row or cell is one problem naming the file, row and column; all are
collected and :class:`ImportProblems` is raised before anything is built. The map is laid
out with the layered layout so that it opens readable.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

from servicemap.errors import ValidationError
from servicemap.graph import layout
from servicemap.graph.document import Document
from servicemap.io import pathsimr as ps
from servicemap.io import pathsimr_calendars as pc
from servicemap.io.ids import Taken, unique
from servicemap.io.report import Imported, ImportProblems, listing
from servicemap.io.sheets import slug
from servicemap.model import EdgeKind, NodeKind
from servicemap.words import plural

MISSING = ("", "na", "nan")
NOT_UTF8 = "is not UTF-8 text (save it as 'CSV UTF-8' in Excel)"
SUM_TOLERANCE = 1e-6


def _letter(index: int) -> str:
    """A spreadsheet's column letter: 0 -> A, 26 -> AA."""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(65 + rest) + text
    return text


@dataclass
class _Sheet:
    """One CSV file's rows (cells trimmed) and the problems found in it."""

    path: Path
    rows: list[list[str]]
    problems: list[str]
    titles: list[str] = field(default_factory=list)  # what each column holds, for messages
    named_rows: bool = False  # a network: each row is named by its first cell

    @property
    def header(self) -> list[str]:
        return self.rows[0] if self.rows else []

    def cell(self, row: int, col: int) -> str:
        cells = self.rows[row]
        return cells[col] if col < len(cells) else ""

    def where(self, row: int, col: int | None = None) -> str:
        """``network.csv, row 3 ("Shock_room"), column K (serv_dist_param)``; rows count from 1
        at the header, as a spreadsheet shows them."""
        text = f"{self.path.name}, row {row + 1}"
        name = self.cell(row, 0) if row and self.named_rows else ""
        if name and col != 0:
            text += f" ({name!r})"
        if col is not None:
            titles = self.titles or self.header
            title = titles[col] if col < len(titles) else ""
            text += f", column {_letter(col)}" + (f" ({title})" if title else "")
        return text

    def problem(self, row: int, col: int | None, reason: str) -> None:
        self.problems.append(f"{self.where(row, col)}: {reason}")

    def number(self, row: int, col: int, *, missing_ok: bool = True, inf_ok: bool = False,
               whole: bool = False, at_least: float | None = None) -> float | None:
        """The cell as a number (None when empty or NA and ``missing_ok``), or None after
        recording the problem."""
        text = self.cell(row, col)
        if text.casefold() in MISSING:
            if not missing_ok:
                self.problem(row, col, "is empty; it needs a number")
            return None
        try:
            value = float(text)
        except ValueError:
            self.problem(row, col, f"must be a number (got {text!r})")
            return None
        if math.isnan(value) or (math.isinf(value) and not inf_ok):
            self.problem(row, col, f"must be a finite number (got {text!r})")
            return None
        if whole and math.isfinite(value) and not value.is_integer():
            self.problem(row, col, f"must be a whole number or Inf (got {text!r})")
            return None
        if at_least is not None and value < at_least:
            self.problem(row, col, f"must be at least {ps.number(at_least)} (got {text!r})")
            return None
        return value


def _read_sheet(path: Path, problems: list[str]) -> _Sheet:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(f"{path.name} {NOT_UTF8}")
        return _Sheet(path, [], problems)
    rows = [[c.strip() for c in r] for r in csv.reader(text.splitlines())]
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        problems.append(f"{path.name} is empty; it needs a header row and a row per node")
    return _Sheet(path, rows, problems)


@dataclass
class _Node:
    name: str
    row: int
    exit: bool = False
    transitions: list[float] = field(default_factory=list)
    dist: str = ""
    params: tuple[float, ...] = ()
    ext_queue: float = math.inf
    int_queue: float = math.inf
    delays: dict[int, tuple[str, tuple[float, ...]]] = field(default_factory=dict)
    calendar: dict[str, list[tuple[float, float | None, float]]] = field(default_factory=dict)


def _dist(sheet: _Sheet, row: int, dist_col: int, param_col: int,
          what: str) -> tuple[str, tuple[float, ...]] | None:
    """A distribution and its ``a;b`` parameters from two cells, or None (problem recorded)."""
    dist, text = sheet.cell(row, dist_col), sheet.cell(row, param_col)
    if dist not in ps.DISTRIBUTIONS:
        sheet.problem(row, dist_col, f"{what} must be one of {', '.join(ps.DISTRIBUTIONS)} "
                                     f"(got {dist!r})")
        return None
    try:
        params = tuple(float(p) for p in text.split(";"))
    except ValueError:
        params = ()
    reason = (ps.param_problem(dist, params) if params
              else "is empty" if text.casefold() in MISSING else "must be numbers")
    if reason:
        names = ";".join(ps.DISTRIBUTIONS[dist])
        sheet.problem(row, param_col, f"{reason}: {dist} is written {names} (got {text!r})")
        return None
    return dist, params


def _network(sheet: _Sheet) -> list[_Node]:
    """The nodes of a network template (problems recorded on ``sheet``)."""
    header, n = sheet.header, len(sheet.rows) - 1
    width = 3 * n + 5
    if n < 1:
        sheet.problem(0, None, "the network has no rows: it needs one per service point and "
                               "exit")
        return []
    if len([c for c in header if c]) > width or len(header) < width:
        sheet.problem(0, None, f"has {len(header)} columns, but a network of {n} nodes has "
                               f"{width}: the names, {n} transition columns, "
                               f"{', '.join(ps.TRANSITION_COLUMNS)}, {n} delay distributions "
                               f"and {n} delay parameters")
        return []
    names = [sheet.cell(r, 0) for r in range(1, n + 1)]
    sheet.named_rows = True
    sheet.titles = (["the names", *(f"to {m}" for m in names), *header[n + 1:n + 5],
                     *(f"delay distribution to {m}" for m in names),
                     *(f"delay parameters to {m}" for m in names)])
    nodes, seen = [], {}
    for row in range(1, n + 1):
        name = sheet.cell(row, 0)
        if not name:
            sheet.problem(row, 0, "has no node name")
        elif name in seen:
            sheet.problem(row, 0, f"names {name!r} again (row {seen[name] + 1} has it)")
        seen.setdefault(name, row)
        if header[row] != name:
            sheet.problem(0, row, f"must be the name of row {row + 1}, {name!r} (the "
                                  f"transition matrix lists the nodes in the rows' order)")
        extra = [c for c in range(width, len(sheet.rows[row])) if sheet.cell(row, c)]
        if extra:
            sheet.problem(row, extra[0], "is beyond the template's columns")
        nodes.append(_Node(name, row))
    for k, title in enumerate(ps.TRANSITION_COLUMNS):
        if header[n + 1 + k].casefold() != title:
            sheet.problem(0, n + 1 + k, f"must be {title} (got {header[n + 1 + k]!r})")
    for node in nodes:
        _node_row(sheet, node, n)
    return nodes


def _node_row(sheet: _Sheet, node: _Node, n: int) -> None:
    row = node.row
    cells = [sheet.cell(row, c) for c in range(1, n + 1)]
    node.exit = all(c.casefold() in MISSING or _is_zero(c) for c in cells)
    rest = range(n + 1, 3 * n + 5)
    if node.exit:
        given = [c for c in rest if sheet.cell(row, c).casefold() not in MISSING]
        if given:
            sheet.problem(row, given[0], "must be empty: the row has no transitions, so "
                                         f"{node.name!r} is an exit")
        return
    values = [sheet.number(row, c, missing_ok=False, at_least=0) for c in range(1, n + 1)]
    for c, v in zip(range(1, n + 1), values, strict=True):
        if v is not None and v > 1:
            sheet.problem(row, c, f"is a share of the people leaving, at most 1 (got {v:g})")
    node.transitions = [v or 0.0 for v in values]
    total = sum(node.transitions)
    if all(v is not None for v in values) and abs(total - 1) > SUM_TOLERANCE:
        sheet.problem(row, None, f"the transitions (columns B to {_letter(n)}) must sum to 1 "
                                 f"(they sum to {ps.number(round(total, 12))})")
    found = _dist(sheet, row, n + 1, n + 2, "the service distribution")
    if found:
        node.dist, node.params = found
    node.ext_queue = sheet.number(row, n + 3, missing_ok=False, inf_ok=True, whole=True,
                                  at_least=0) or 0.0
    node.int_queue = sheet.number(row, n + 4, missing_ok=False, inf_ok=True, whole=True,
                                  at_least=0) or 0.0
    for j in range(n):
        dist_col, param_col = n + 5 + j, 2 * n + 5 + j
        has_dist = sheet.cell(row, dist_col).casefold() not in MISSING
        has_params = sheet.cell(row, param_col).casefold() not in MISSING
        if has_dist != has_params:
            empty = param_col if has_dist else dist_col
            sheet.problem(row, empty, "is empty, but the delay's "
                          + ("distribution" if has_dist else "parameters") + " are given")
        elif has_dist:
            delay = _dist(sheet, row, dist_col, param_col, "a delay distribution")
            if delay:
                node.delays[j] = delay


def _tidy(value: float) -> float:
    """``value`` without the last digits' rounding noise (0.0162 x 100 is 1.62, not
    1.6199999999999999): 12 significant figures, far beyond any template's."""
    return float(f"{value:.12g}")


def _is_zero(text: str) -> bool:
    try:
        return float(text) == 0
    except ValueError:
        return False


def _calendar(sheet: _Sheet, nodes: list[_Node]) -> None:
    """Each service point's calendar steps from a calendar template (problems on ``sheet``)."""
    if not sheet.rows:
        return
    header = sheet.header
    for col, title in enumerate(ps.CALENDAR_COLUMNS):
        got = header[col] if col < len(header) else ""
        if got.casefold() != title:
            sheet.problem(0, col, f"must be {title} (got {got!r}): the calendar's columns are "
                                  f"{', '.join(ps.CALENDAR_COLUMNS)}")
    if sheet.problems:
        return
    by_name = {node.name: node for node in nodes}
    rows: dict[tuple[str, str], list[int]] = {}
    for row in range(1, len(sheet.rows)):
        if not any(sheet.rows[row]):
            continue
        metric, name = sheet.cell(row, 0), sheet.cell(row, 1)
        if metric not in ps.METRICS:
            sheet.problem(row, 0, f"must be cap or ext_arr (got {metric!r})")
            continue
        node = by_name.get(name)
        if node is None or node.exit:
            why = "an exit" if node else "not a node of the network"
            sheet.problem(row, 1, f"{name!r} is {why}; only service points have calendars")
            continue
        rows.setdefault((name, metric), []).append(row)
    for node in nodes:
        if node.exit:
            continue
        for metric in ps.METRICS:
            found = rows.get((node.name, metric))
            if not found:
                what = "capacity" if metric == "cap" else "external arrivals"
                sheet.problems.append(f"{sheet.path.name} has no {metric} row for service "
                                      f"point {node.name!r} (its {what}; 0 if none)")
                continue
            steps = _steps(sheet, found, metric)
            if steps is not None:
                node.calendar[metric] = steps


def _steps(sheet: _Sheet, rows: list[int], metric: str) \
        -> list[tuple[float, float | None, float]] | None:
    before = len(sheet.problems)
    steps = []
    for k, row in enumerate(rows):
        start = sheet.number(row, 2, missing_ok=False, at_least=0)
        end = sheet.number(row, 3, missing_ok=len(rows) == 1)
        value = sheet.number(row, 4, missing_ok=False, at_least=0)
        if start is None:
            continue
        if k == 0 and start != 0:
            sheet.problem(row, 2, f"must be 0: a node's {metric} calendar starts at 0")
        elif k and steps and steps[-1][1] is not None and start != steps[-1][1]:
            sheet.problem(row, 2, f"must be {ps.number(steps[-1][1])}, where the row before "
                                  "ends (the steps meet end to start)")
        if end is not None and end <= start:
            sheet.problem(row, 3, f"must be after the start ({ps.number(start)})")
        steps.append((start, end, value or 0.0))
    if len(sheet.problems) > before:
        return None
    if metric == "cap" and all(v == 0 for _, _, v in steps):
        sheet.problem(rows[0], 4, "is 0 at every step: a service point needs some capacity")
        return None
    return steps


def import_pathsimr(network: Path, calendar: Path, time_unit: str) -> Imported:
    """The map of a PathSimR network template and calendar template, whose rates and times
    are per ``time_unit`` (``hours`` or ``days``), with notices on what was changed."""
    if time_unit not in ps.TIME_UNITS:
        raise ValueError(time_unit)
    problems: list[str] = []
    net = _read_sheet(Path(network), problems)
    nodes = _network(net) if net.rows else []
    cal = _read_sheet(Path(calendar), problems)
    if nodes and not problems:
        _calendar(cal, nodes)
    if problems:
        raise ImportProblems(f"{net.path.name} and {cal.path.name}", problems)
    notices: list[str] = []
    doc = _build(nodes, time_unit, notices, net.path, cal.path)
    positions = layout.layered(doc)
    if positions:
        doc.move_nodes(positions)
    return Imported(doc, notices)


def read_pathsimr(network: Path, calendar: Path, time_unit: str) -> Document:
    return import_pathsimr(network, calendar, time_unit).document


def _title(path: Path) -> str:
    stem = path.stem
    for tail in ("_network_template", " network template", "_network", "_template"):
        if stem.casefold().endswith(tail) and len(stem) > len(tail):
            stem = stem[:-len(tail)]
            break
    return stem.replace("_", " ").strip() or path.stem


def _build(nodes: list[_Node], unit: str, notices: list[str], net: Path,
           cal: Path) -> Document:
    per_day = ps.unit_factor(unit)
    doc = Document()
    doc.set_map_fields({
        "title": _title(net),
        "description": f"Imported from PathSimR's templates {net.name} and {cal.name}, whose "
                       f"times and rates are per {unit[:-1]}; here times are in days and "
                       "arrivals in people a year.",
        "source": f"PathSimR network template {net.name}, calendar template {cal.name}"})
    taken, ids = Taken(), []
    for node in nodes:
        ids.append(unique(slug(node.name, "node"), taken))
        taken.add(ids[-1])
    weibulls, unused = [], []
    for node, node_id in zip(nodes, ids, strict=True):
        name = node.name.replace("_", " ").strip() or node.name
        if node.exit:
            doc.add_node(NodeKind.EXIT, name, node_id)
            continue
        kind, mean, sd = ps.los_of(node.dist, node.params)
        notes = ""
        if node.dist == "weibull":
            weibulls.append(name)
            notes = ps.dist_line("length of stay", node.dist, node.params, unit)
        caps = node.calendar["cap"]
        calendar = _calendar_text(caps, unit, "cap", name, notices)
        if len(caps) > 1 and not calendar:
            notes = ps.with_line(notes, ps.calendar_line("cap", unit, caps))
        notes = ps.with_line(notes, ps.queue_line(node.int_queue))
        doc.add_node(
            NodeKind.SERVICE, name, node_id, capacity=_tidy(ps.mean_of(caps)),
            capacity_calendar=calendar,
            capacity_unit="places", length_of_stay_days=mean / per_day,
            los_distribution=kind, los_sd_days=None if sd is None else sd / per_day,
            queue_limit=None if math.isinf(node.ext_queue) else int(node.ext_queue),
            blocking=any(share > 0 and not nodes[j].exit and nodes[j].int_queue == 0
                         for j, share in enumerate(node.transitions)),
            notes=notes)
    for node, node_id in zip(nodes, ids, strict=True):
        if not node.exit:
            _arrivals(doc, node, node_id, unit, taken, notices)
            _flows(doc, node, node_id, nodes, ids, unit, unused, taken)
    if any(a.get("capacity_calendar") or a.get("arrivals_calendar")
           for _, a in doc.graph.nodes(data=True)):
        notices.append("PathSimR's calendars through the day or the week became calendars of "
                       "places and arrivals (its time 0 taken as midnight, on a Monday for a "
                       "week); the capacity and arrivals a year are their means")
    if weibulls:
        notices.append(f"PathSimR's Weibull length of service of {', '.join(weibulls)} became "
                       "a gamma distribution of the same mean and spread (the Weibull "
                       "parameters are kept in the notes, and exported again while the "
                       "length of stay is unchanged)")
    if unused:
        notices.append(f"{plural(len(unused), 'delay')} on routes no one takes (transition "
                       f"0) were left out: {listing(unused)}")
    return doc


def _calendar_text(steps: list, unit: str, metric: str, name: str, notices: list[str]) \
        -> str | None:
    """A node's PathSimR calendar as calendar text, None for one row; a period that is not a
    day or a week is said in a notice (the caller keeps the notes line and the mean)."""
    if len(steps) < 2:
        return None
    cal, why = pc.to_calendar(steps, unit, metric)
    if cal is None:
        what = "capacity" if metric == "cap" else "arrivals"
        notices.append(f"PathSimR's {what} calendar of {name} {why}, so it is not a calendar "
                       f"here: its time-weighted mean is the {what} and the calendar is kept "
                       "in the notes (and exported again while the mean is unchanged)")
        return None
    return cal.text()


def _arrivals(doc: Document, node: _Node, node_id: str, unit: str, taken: Taken,
              notices: list[str]) -> None:
    steps = node.calendar["ext_arr"]
    if all(v == 0 for _, _, v in steps):
        return
    per_year = _tidy(ps.mean_of(steps) * ps.unit_factor(unit) * ps.DAYS_PER_YEAR)
    name = doc.node(node_id)["name"]
    calendar = _calendar_text(steps, unit, "ext_arr", f"Arrivals to {name}", notices)
    notes = ps.calendar_line("ext_arr", unit, steps) if len(steps) > 1 and not calendar \
        else ""
    access = unique(f"arrivals-{node_id}", taken)
    taken.add(access)
    doc.add_node(NodeKind.ACCESS_POINT, f"Arrivals to {name}", access,
                 category="external arrivals", arrivals_per_year=per_year,
                 arrivals_calendar=calendar, notes=notes)
    edge_id = unique(f"{access}-flow", taken)
    taken.add(edge_id)
    doc.add_edge(EdgeKind.FLOW, access, node_id, edge_id, flow_type="referral", share_pct=100.0)


def _flows(doc: Document, node: _Node, node_id: str, nodes: list[_Node], ids: list[str],
           unit: str, unused: list[str], taken: Taken) -> None:
    per_day = ps.unit_factor(unit)
    for j, share in enumerate(node.transitions):
        delay = node.delays.get(j)
        if share <= 0:
            if delay:
                unused.append(f"{node.name} → {nodes[j].name}")
            continue
        fields: dict[str, object] = {
            "flow_type": "discharge" if nodes[j].exit else "transfer",
            "share_pct": _tidy(share * 100)}
        if delay:
            kind, mean, _ = ps.los_of(*delay)
            fields["transfer_delay_days"] = mean / per_day
            if kind != "fixed":
                fields["notes"] = ps.dist_line("delay", *delay, unit)
        edge_id = unique(f"{node_id}-to-{ids[j]}", taken)
        taken.add(edge_id)
        try:
            doc.add_edge(EdgeKind.FLOW, node_id, ids[j], edge_id, **fields)
        except ValidationError as exc:  # nothing the checks above let through; said plainly
            raise ImportProblems(node.name, [str(exc)]) from None
