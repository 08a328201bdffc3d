"""Derived volumes: the traffic equations of an open queueing network, over plain records.

People into a service = the arrivals its access points send it + the sum, over its flows in
from other services, of the upstream service's people in x the flow's share. Access points
hold ``arrivals_per_year``; flows hold ``share_pct``, their share of the people leaving their
source; an access point with an ``arrivals_calendar`` sends its calendar's mean over the week
from today (graph/calendar_means.py) unless asked for the plain field. Defined exactly in
docs/analysis.md (derived volumes); in short:

* a flow's volume is **derived** when it has a share and its source's people are known (an
  access point's arrivals, or a service's people in, derived or from recorded volumes);
  otherwise its recorded
  ``volume_per_year`` stands, and unknown stays unknown;
* a service's derived people in is known when every flow into it has a volume (derived or
  recorded) and at least one of them is derived;
* the equations are solved strongly connected part by part in flow order (Tarjan, iterative):
  a part without a loop in one step, a loop by Gauss-Seidel sweeps. A loop whose shares keep
  everyone inside (100% or more going round) has no finite solution: its services' derived
  people in are unknown, and why;
* a recorded volume more than :data:`DISAGREE_SHARE` (5%, and more than one person a year)
  from the derived one is flagged;
* a service or access point whose flows out carry shares that do not sum to 100% (within half a
  point), or that leaves some flows out without a share, is reported.

Plain Python (no networkx, igraph or numpy), linear in the map apart from the loop sweeps, so
10,000 services solve well under a second (benchmarks/bench_queue.py).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping

from servicemap.graph import calendar_means
from servicemap.model import EdgeKind, NodeKind

DISAGREE_SHARE = 0.05  # a recorded volume this far from the derived one is flagged
SHARE_SLACK = 0.5  # percentage points: shares summing to 99.5-100.5% count as 100%
_TOLERANCE = 1e-10  # relative change at which a loop's sweeps stop
_MAX_SWEEPS = 10_000


def _r(value: float | None, places: int = 4) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, places)


class FlowRecord:
    """What the equations read of one flow."""

    __slots__ = ("id", "source", "target", "share", "recorded")

    def __init__(self, edge_id, source, target, share, recorded) -> None:
        self.id, self.source, self.target = edge_id, source, target
        self.share, self.recorded = share, recorded


def _components(nodes: list[str], succ: Mapping[str, list[str]]) -> list[list[str]]:
    """Strongly connected components in topological order (sources first), iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(succ.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(succ.get(child, ()))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                part = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    part.append(member)
                    if member == node:
                        break
                out.append(part)
    out.reverse()  # Tarjan finds sinks first
    return out


def derive(kinds: Mapping[str, str], arrivals: Mapping[str, float | None],
           flows: Iterable[FlowRecord]) -> dict:
    """Solve the traffic equations. ``kinds`` maps every node id to its kind, ``arrivals`` an
    access point's ``arrivals_per_year``. Returns ``{"people_in": {service: value or None},
    "derived": {service: bool}, "why": {service: reason}, "flow_volume": {flow: value or None},
    "flow_derived": {flow: bool}}``."""
    flows = list(flows)
    service = NodeKind.SERVICE
    ins: dict[str, list[FlowRecord]] = defaultdict(list)
    succ: dict[str, list[str]] = defaultdict(list)
    for f in flows:
        ins[f.target].append(f)
        if kinds[f.source] == service and kinds[f.target] == service and f.share is not None:
            succ[f.source].append(f.target)
    services = [n for n, k in kinds.items() if k == service]
    people: dict[str, float | None] = {}
    derived: dict[str, bool] = {}
    why: dict[str, str] = {}
    flow_volume: dict[str, float | None] = {}
    flow_derived: dict[str, bool] = {}

    def volume(f: FlowRecord) -> tuple[float | None, bool]:
        """A flow's volume now (derived when it can be) and whether it is derived."""
        if f.share is not None:
            kind = kinds[f.source]
            source = arrivals.get(f.source) if kind == NodeKind.ACCESS_POINT else \
                people.get(f.source) if kind == service else None
            if source is not None:
                v = source * f.share / 100
                return (v, True) if math.isfinite(v) else (None, False)
        return (None if f.recorded is None else float(f.recorded)), False

    for part in _components(services, succ):
        members = set(part)
        looped = len(part) > 1 or part[0] in succ.get(part[0], ())
        # the inflows from outside the part are fixed by now; inside, the shares
        outside, inside = defaultdict(list), defaultdict(list)
        for s in part:
            for f in ins.get(s, ()):
                (inside if f.source in members and f.share is not None else outside)[s].append(f)
        fixed: dict[str, float | None] = {}
        any_derived: dict[str, bool] = {}
        for s in part:
            total, some = 0.0, False
            for f in outside[s]:
                v, d = volume(f)
                if v is None:
                    total = None
                    break
                total += v
                some = some or d
            if total is not None and not math.isfinite(total):
                total = None  # beyond a double: unknown, never infinite
            fixed[s], any_derived[s] = total, some
        if not looped:
            s = part[0]
            people[s] = fixed[s] if ins.get(s) else None
            derived[s] = bool(fixed[s] is not None and any_derived[s])
            if people[s] is None:
                why[s] = "no flows in" if not ins.get(s) else \
                    "a flow in has neither a volume nor a share of known people"
            continue
        unknown = [s for s in part if fixed[s] is None]
        if unknown:  # a loop fed by an unknown: every member unknown
            for s in part:
                people[s], derived[s] = None, False
                why[s] = "a flow into its loop has neither a volume nor a share of known people"
            continue
        leaving = {s: sum(f.share for f in flows_out) / 100
                   for s, flows_out in _shares_within(part, members, inside).items()}
        if all(leaving.get(s, 0) >= 1 for s in part):
            for s in part:
                people[s], derived[s] = None, False
                why[s] = "its loop keeps everyone (the shares going round add up to 100% or " \
                         "more), so the people in cannot be worked out"
            continue
        value = dict(fixed)
        converged = False
        for _ in range(_MAX_SWEEPS):
            change = 0.0
            for s in part:
                new = fixed[s] + sum(value[f.source] * f.share / 100 for f in inside[s])
                if not math.isfinite(new):
                    break
                change = max(change, abs(new - value[s]) / max(abs(new), 1.0))
                value[s] = new
            else:
                if change < _TOLERANCE:
                    converged = True
                    break
                continue
            break
        for s in part:
            if converged:
                people[s], derived[s] = value[s], True
            else:
                people[s], derived[s] = None, False
                why[s] = "the shares going round its loop add up to more than everyone leaving"
    for f in flows:
        v, d = volume(f)
        flow_volume[f.id], flow_derived[f.id] = v, d
    return {"people_in": people, "derived": derived, "why": why, "flow_volume": flow_volume,
            "flow_derived": flow_derived}


def _shares_within(part, members, inside) -> dict[str, list[FlowRecord]]:
    out: dict[str, list[FlowRecord]] = defaultdict(list)
    for s in part:
        for f in inside[s]:
            out[f.source].append(f)
    return out


def share_problems(kinds: Mapping[str, str], names: Mapping[str, str],
                   flows: Iterable[FlowRecord]) -> list[dict]:
    """Services and access points whose flows out carry shares that do not make 100%."""
    outs: dict[str, list[FlowRecord]] = defaultdict(list)
    for f in flows:
        outs[f.source].append(f)
    rows = []
    for node, mine in outs.items():
        shares = [f.share for f in mine if f.share is not None]
        if not shares:
            continue
        total, missing = sum(shares), len(mine) - len(shares)
        if abs(total - 100) <= SHARE_SLACK and not missing:
            continue
        text = f"the shares of its flows out add up to {total:g}%, not 100%" \
            if abs(total - 100) > SHARE_SLACK else "its shares add up to 100%"
        if missing:
            verb = "has" if missing == 1 else "have"
            text += f", and {missing} of its {len(mine)} flows out {verb} no share"
        rows.append({"id": node, "name": names[node], "kind": kinds[node],
                     "share_total_pct": _r(total), "flows_without_share": missing,
                     "problem": text})
    rows.sort(key=lambda r: (str(r["name"]).casefold(), r["id"]))
    return rows


def disagreements(flows: Iterable[FlowRecord], result: dict) -> list[dict]:
    """Flows whose recorded volume is more than 5% (and one person) from the derived one."""
    rows = []
    for f in flows:
        if f.recorded is None or not result["flow_derived"].get(f.id):
            continue
        derived = result["flow_volume"][f.id]
        gap = abs(f.recorded - derived)
        if gap > 1 and gap > DISAGREE_SHARE * max(abs(derived), abs(f.recorded)):
            rows.append({"id": f.id, "source": f.source, "target": f.target,
                         "recorded": f.recorded, "derived": _r(derived, 2)})
    return rows


def records(nodes: Iterable[Mapping[str, object]], edges: Iterable[Mapping[str, object]]):
    """``(kinds, names, arrivals, flows)`` from plain node and edge records (``validate``);
    an access point's arrivals are its calendar's mean where it has one."""
    kinds, names, arrivals = {}, {}, {}
    for n in nodes:
        kinds[n["id"]], names[n["id"]] = n["kind"], n.get("name")
        if n["kind"] == NodeKind.ACCESS_POINT:
            arrivals[n["id"]] = calendar_means.arrivals(n)
    flows = [FlowRecord(e["id"], e["source"], e["target"], e.get("share_pct"),
                        e.get("volume_per_year"))
             for e in edges if e.get("kind") == EdgeKind.FLOW and e.get("source") in kinds
             and e.get("target") in kinds]
    return kinds, names, arrivals, flows


def record_share_problems(nodes, edges) -> list[str]:
    """One plain sentence per service or access point whose shares do not make 100%."""
    kinds, names, _, flows = records(nodes, edges)
    return [f"{r['name']} ({r['id']}): {r['problem']}"
            for r in share_problems(kinds, names, flows)]


def record_disagreements(nodes, edges) -> list[str]:
    """One plain sentence per flow whose recorded volume disagrees with the derived one."""
    kinds, names, arrivals, flows = records(nodes, edges)
    return [f"flow {names[r['source']]} -> {names[r['target']]} ({r['id']}): "
            f"{r['recorded']:,.0f} people a year recorded, but its share makes "
            f"{r['derived']:,.0f}" for r in disagreements(flows, derive(kinds, arrivals, flows))]


def from_document(doc, plain: bool = False) -> tuple[dict, list[FlowRecord], dict, dict]:
    """``(kinds, flows, arrivals, names)`` of a document's graph. An access point's arrivals
    are its calendar's mean over the week from today where it has one, or with ``plain`` its
    ``arrivals_per_year`` alone (the simulation, which follows the calendar itself)."""
    graph = doc.graph
    kinds = dict(graph.nodes(data="kind"))
    arrivals = {n: a.get("arrivals_per_year") if plain else calendar_means.arrivals(a)
                for n, a in graph.nodes(data=True) if a["kind"] == NodeKind.ACCESS_POINT}
    flows = [FlowRecord(k, u, v, d.get("share_pct"), d.get("volume_per_year"))
             for u, v, k, d in graph.edges(keys=True, data=True) if d["kind"] == EdgeKind.FLOW]
    names = dict(graph.nodes(data="name"))
    return kinds, flows, arrivals, names


def derived_volumes(doc, result: dict | None = None) -> dict:
    """The ``derived_volumes`` section of ``analyse`` (docs/analysis.md); ``result`` is
    :func:`derive`'s for the same document when already solved."""
    kinds, flows, arrivals, names = from_document(doc)
    result = result or derive(kinds, arrivals, flows)
    services = [{"id": s, "name": names[s], "people_in": _r(result["people_in"][s], 2),
                 "derived": result["derived"][s], "why": result["why"].get(s, "")}
                for s, k in kinds.items() if k == NodeKind.SERVICE]
    flow_rows = [{"id": f.id, "source": f.source, "target": f.target,
                  "volume": _r(result["flow_volume"][f.id], 2),
                  "derived": result["flow_derived"][f.id], "recorded": f.recorded,
                  "share_pct": f.share} for f in flows]
    return {"services": services, "flows": flow_rows,
            "derived_services": sum(1 for r in services if r["derived"]),
            "disagreements": disagreements(flows, result),
            "share_problems": share_problems(kinds, names, flows),
            "disagree_share": DISAGREE_SHARE}
