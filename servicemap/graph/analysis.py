"""Analysis of a map: pure functions over a :class:`Document`, returning plain, JSON-ready data.

Every measure is defined exactly in docs/analysis.md; in short:

* per service: people in / out per year = the sum of the volumes of its flows in / out; a flow of
  unknown volume is never read as 0: the sum is then a lower bound (``in_complete`` False) and
  ``net`` is unknown. Load = people in / capacity per year. Capacity per year comes from the
  capacity's unit (``per day`` x365, ``per week`` x52, ``per month`` x12, ``per year`` x1; no
  unit: people per year, like flow volumes). A stock (caseload, beds, places), a number held at
  once, becomes people a year by Little's law (capacity x 365 / length of stay; occupancy,
  required places and the implied length of stay follow: servicemap.graph.occupancy); with no
  length of stay its load is unknown, as it is when capacity or every inflow volume is unknown.
* bottlenecks: load above 100% (a lower bound above 100% counts), occupancy above the target
  occupancy (85% for beds unless recorded, else 100%), or a flow in whose median wait exceeds
  its target (the flow's target, else the service's).
* dead ends: services with a flow in and no flow out, or whose flows out never reach an exit.
  Unreachable: services no chain of flows reaches from any access point.
* boundary crossings: service-to-service flows and pathway steps whose two services have
  different homes (parent directorate, else parent organisation); "organisation" when both
  organisations are known and differ, else "directorate". An access point or exit part of an
  organisation makes a flow to or from another organisation's service an organisation crossing
  (``entry`` / ``exit``); one part of none crosses nothing; a service with no parent makes the
  pair unknown.
* transition at 18: flows from children's services (age group ``children`` or category
  "children and young people") into adult services (age group adults, older adults or all);
  children's services from which no chain of flows reaches an adult service.
* coverage: which partnerships each category (and each service type, the name before a comma,
  as in "Street Triage, Thanet") is present in; a gap is a row present in some but not all.
* targets (the map's own, each owned by an organisation: servicemap.graph.target_results): over
  the organisation's services, the patient-weighted share within the wait target, the DNA gap
  (most minus least deprived, in points) or the share followed up within 72 hours of discharge,
  against the target's threshold.
* critical services (servicemap.graph.criticality): the people a year on flows from access points
  into the services that lose every route to an exit if a service closes (itself included), and
  betweenness on the flow graph as a second figure.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from typing import NamedTuple

from servicemap.gcpause import gc_paused  # measures make many small dicts, no cycles
from servicemap.graph import (
    balance,
    calendar_means,
    criticality,
    occupancy,
    queueing,
    rates,
    target_results,
    traffic,
)
from servicemap.graph.document import Document
from servicemap.model import EdgeKind, NodeKind

CHILDREN_CATEGORY = "children and young people"
ADULT_AGE_GROUPS = ("adults", "older_adults", "all")
_PERIODS = {"day": 365, "daily": 365, "evening": 365, "night": 365, "week": 52, "weekly": 52,
            "fortnight": 26, "month": 12, "monthly": 12, "quarter": 4, "year": 1, "yearly": 1,
            "annum": 1, "annual": 1, "annually": 1}
_PERIOD_RE = occupancy.PERIOD_RE  # "a year", "weekly": a throughput, not people held at once


class Flow(NamedTuple):
    id: str
    source: str
    target: str
    flow_type: str
    volume: float | None
    median_wait: float | None
    wait_target: float | None


class Index:
    """What the measures read, gathered in one pass over the graph."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.attrs = doc.graph.nodes
        self.kind = dict(doc.graph.nodes(data="kind"))
        self.services = [n for n, k in self.kind.items() if k == NodeKind.SERVICE]
        self.flows: list[Flow] = []
        self.flows_in: dict[str, list[Flow]] = defaultdict(list)
        self.flows_out: dict[str, list[Flow]] = defaultdict(list)
        self.parent: dict[str, str] = {}
        self.serves: dict[str, list[str]] = defaultdict(list)
        # derived volumes (servicemap.graph.traffic): a flow with no recorded volume takes the
        # one its share derives
        self.traffic = traffic.derive(*_traffic_inputs(doc))
        derived = self.traffic["flow_volume"]
        for u, v, k, d in doc.graph.edges(keys=True, data=True):
            if d["kind"] == EdgeKind.FLOW:
                volume = d.get("volume_per_year")
                f = Flow(k, u, v, d["flow_type"], derived.get(k) if volume is None else volume,
                         d.get("median_wait_days"), d.get("wait_target_days"))
                self.flows.append(f)
                self.flows_out[u].append(f)
                self.flows_in[v].append(f)
            elif d["kind"] == EdgeKind.PART_OF:
                self.parent[u] = v
            elif d["kind"] == EdgeKind.SERVES:
                self.serves[u].append(v)

    def name(self, node_id: str) -> str:
        return self.attrs[node_id]["name"]

    def org(self, node_id: str) -> str | None:
        """The organisation a service belongs to (through its directorate), if known."""
        home = self.parent.get(node_id)
        if home is not None and self.kind[home] == NodeKind.DIRECTORATE:
            return self.parent.get(home)
        return home

    def reach(self, starts, forward: bool = True) -> set[str]:
        """Every node a chain of flows leads to from ``starts`` (or, backwards, from which it
        leads to them), the starts included."""
        step = self.flows_out if forward else self.flows_in
        seen, todo = set(starts), deque(starts)
        while todo:
            for f in step.get(todo.popleft(), ()):
                nxt = f.target if forward else f.source
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen


def _traffic_inputs(doc: Document):
    kinds, flows, arrivals, _ = traffic.from_document(doc)
    return kinds, arrivals, flows


def _index(doc: Document, index: Index | None) -> Index:
    return index if index is not None and index.doc is doc else Index(doc)


def _r(value: float | None, places: int = 4) -> float | None:
    """Rounded for reading; None for unknown and for overflow (inf, nan: never in JSON)."""
    return None if value is None or not math.isfinite(value) else round(value, places)


def _total(flows: list[Flow]) -> tuple[float, int]:
    """Sum of the known volumes and the number of flows whose volume is unknown."""
    known = [f.volume for f in flows if f.volume is not None]
    return _r(sum(known)), len(flows) - len(known)


is_stock = occupancy.is_stock  # kept here for its importers; light in occupancy.py


def capacity_per_year(capacity: float | None, unit: str | None,
                      length_of_stay: float | None = None) -> tuple[float | None, str]:
    """A capacity as people per year, with why not when it cannot be one. A stock (beds,
    caseload) becomes people a year through its length of stay in days (Little's law)."""
    if capacity is None:
        return None, "capacity unknown"
    text = (unit or "").strip().casefold()
    if not text:
        return float(capacity), "no unit: read as people per year"
    m = _PERIOD_RE.search(text)
    if m:
        return _r(float(capacity) * _PERIODS[m.group(1) or m.group(2)]), ""
    per_year, why = occupancy.stock_per_year(capacity, length_of_stay)
    if per_year is not None:
        return per_year, f"{capacity:g} {unit} x 365 / {length_of_stay:g} days' stay"
    return None, f"capacity is {capacity:g} {unit} (held at once), not people per year; {why}"


# ----- per service ---------------------------------------------------------------------------
def _wait_breaches(ix: Index, s: str) -> tuple[list[dict], int, float | None]:
    """Flows into ``s`` whose median wait exceeds their target; how many flows in had a known
    median and target; the worst median / target ratio (None when none is known)."""
    own = ix.attrs[s].get("wait_target_days")
    breaches, known, worst = [], 0, None
    for f in ix.flows_in.get(s, ()):
        target = f.wait_target if f.wait_target is not None else own
        if f.median_wait is None or target is None:
            continue
        known += 1
        ratio = f.median_wait / target if target > 0 else (1.0 if f.median_wait == 0 else None)
        if ratio is not None:
            worst = ratio if worst is None else max(worst, ratio)
        if f.median_wait > target:
            if ratio is None:
                worst = float("inf")
            breaches.append({"flow": f.id, "from": f.source, "median_wait_days": f.median_wait,
                             "target_days": target,
                             "target_from": "flow" if f.wait_target is not None else "service"})
    return breaches, known, worst


@gc_paused()
def per_service(doc: Document, index: Index | None = None) -> dict:
    """People in and out per year, net, load against capacity and waits for every service."""
    ix = _index(doc, index)
    rows = []
    for s in ix.services:
        a = ix.attrs[s]
        ins, outs = ix.flows_in.get(s, []), ix.flows_out.get(s, [])
        people_in, in_unknown = _total(ins)
        people_out, out_unknown = _total(outs)
        people_in = None if ins and in_unknown == len(ins) else people_in
        people_out = None if outs and out_unknown == len(outs) else people_out
        stay, unit = a.get("length_of_stay_days"), a.get("capacity_unit")
        per_year, note = capacity_per_year(a.get("capacity"), unit, stay)
        stock = a.get("capacity") is not None and is_stock(unit)
        load, status = None, "unknown"
        if not ins:
            note = "no flows in"
        elif people_in is None:
            note = "volume of every flow in unknown"
        elif per_year is not None:
            load = people_in / per_year if per_year > 0 else None
            if people_in > per_year or not in_unknown:
                status = "over capacity" if people_in > per_year else "within capacity"
            note = f"{in_unknown} flows in of unknown volume" if in_unknown else note
        breaches, waits_known, worst = _wait_breaches(ix, s)
        target, target_from = occupancy.target_occupancy(a.get("target_occupancy_pct"), unit)
        occupied = occupancy.occupancy(stock=stock, capacity=a.get("capacity"),
                                       per_year=per_year, people_in=people_in,
                                       in_unknown=in_unknown, length_of_stay=stay,
                                       target_pct=target)
        derived = ix.traffic["derived"].get(s, False)
        queue_in = ix.traffic["people_in"][s] if derived else \
            (people_in if ins and not in_unknown else None)
        places = calendar_means.capacity(a)  # a calendar's mean over the week from today
        queued = queueing.service_estimate(queue_in, stay, places,
                                           places is not None and is_stock(unit),
                                           a.get("queue_limit"))
        rows.append({
            "id": s, "name": a["name"], "people_in": people_in, "people_out": people_out,
            "people_in_derived": derived,
            "derived_people_in": _r(ix.traffic["people_in"][s]) if derived else None,
            "net": None if in_unknown or out_unknown or people_in is None
            or people_out is None else _r(people_in - people_out),
            "in_unknown_flows": in_unknown, "out_unknown_flows": out_unknown,
            "capacity": a.get("capacity"), "capacity_unit": a.get("capacity_unit"),
            "capacity_per_year": per_year, "load": _r(load),
            "load_is_lower_bound": load is not None and in_unknown > 0,
            "load_status": status, "load_note": note,
            "per_place": _r(people_in / a["capacity"]) if stock and a.get("capacity")
            and people_in is not None else None,
            "waits_known": waits_known, "wait_breaches": breaches,
            "worst_wait_ratio": None if worst in (None, float("inf")) else _r(worst),
            "capacity_is_stock": stock, "length_of_stay_days": stay,
            "target_occupancy_pct": target, "target_occupancy_from": target_from, **occupied,
            **queued})
    return {"services": rows,
            "load_unknown": sum(1 for r in rows if r["load_status"] == "unknown")}


def bottlenecks(doc: Document, index: Index | None = None, services: dict | None = None) -> dict:
    """Services over capacity, or with a flow in whose median wait exceeds its target."""
    ix = _index(doc, index)
    services = services or per_service(doc, ix)
    rows = [{"id": r["id"], "name": r["name"], "reasons": reasons, "load": r["load"],
             "people_in": r["people_in"], "capacity_per_year": r["capacity_per_year"],
             "occupancy_pct": r["occupancy_pct"],
             "target_occupancy_pct": r["target_occupancy_pct"],
             "wait_breaches": r["wait_breaches"]}
            for r in services["services"]
            if (reasons := (["over capacity"] if r["load_status"] == "over capacity" else
                            ["over target occupancy"] if r["over_target_occupancy"] else [])
                + (["wait over target"] if r["wait_breaches"] else []))]
    rows.sort(key=lambda r: (r["reasons"][0] != "over capacity", -(r["load"] or 0),
                             r["name"].casefold()))
    wait_unknown = sum(1 for r in services["services"]
                       if ix.flows_in.get(r["id"]) and not r["waits_known"])
    return {"services": rows, "load_unknown": services["load_unknown"],
            "wait_unknown": wait_unknown}


# ----- routes --------------------------------------------------------------------------------
def dead_ends(doc: Document, index: Index | None = None) -> dict:
    """Services people enter and cannot leave: no flow out, or no chain of flows to an exit."""
    ix = _index(doc, index)
    leaves = ix.reach([n for n, k in ix.kind.items() if k == NodeKind.EXIT], forward=False)
    rows = []
    for s in ix.services:
        if not ix.flows_in.get(s) or s in leaves:
            continue
        reason = "no route to an exit" if ix.flows_out.get(s) else "no flow out"
        people_in, unknown = _total(ix.flows_in[s])
        rows.append({"id": s, "name": ix.name(s), "reason": reason,
                     "people_in": None if unknown == len(ix.flows_in[s]) else people_in,
                     "in_unknown_flows": unknown})
    return {"services": rows}


def unreachable(doc: Document, index: Index | None = None) -> dict:
    """Services that no chain of flows reaches from any access point."""
    ix = _index(doc, index)
    access = [n for n, k in ix.kind.items() if k == NodeKind.ACCESS_POINT]
    reached = ix.reach(access)
    rows = [{"id": s, "name": ix.name(s),
             "reason": "only from unreachable services" if ix.flows_in.get(s) else "no flows in"}
            for s in ix.services if s not in reached]
    return {"services": rows, "access_points": len(access)}


def _crossing(ix: Index, a: str, b: str) -> str | None:
    """"organisation", "directorate", "" (same home) or None (unknown) for two services."""
    ha, hb = ix.parent.get(a), ix.parent.get(b)
    if ha is None or hb is None:
        return None
    if ha == hb:
        return ""
    oa, ob = ix.org(a), ix.org(b)
    return "organisation" if oa is not None and ob is not None and oa != ob else "directorate"


@gc_paused()
def boundary_crossings(doc: Document, index: Index | None = None) -> dict:
    """Flows and pathway steps between services of different directorates or organisations."""
    ix = _index(doc, index)
    svc = NodeKind.SERVICE
    flows, unknown = [], 0
    for f in ix.flows:
        entry, leaving = ix.kind[f.source] != svc, ix.kind[f.target] != svc
        if entry or leaving:  # an access point or exit counts only when part of an organisation
            end = f.source if entry else f.target
            if entry and leaving or end not in ix.parent:
                continue
            own, other = ix.parent[end], ix.org(f.target if entry else f.source)
            kind = None if other is None else "organisation" if other != own else ""
        else:
            kind = _crossing(ix, f.source, f.target)
        if kind is None:
            unknown += 1
        elif kind:
            flows.append({"id": f.id, "source": f.source, "target": f.target, "kind": kind,
                          "flow_type": f.flow_type, "volume": f.volume, "entry": entry,
                          "exit": leaving})
    totals = {}
    for kind in ("organisation", "directorate", "entry", "exit"):
        mine = [r for r in flows if r["kind"] == kind or r.get(kind) is True]
        totals[kind] = {"flows": len(mine),
                        "volume": _r(sum(r["volume"] for r in mine
                                               if r["volume"] is not None)),
                        "volume_unknown_flows": sum(1 for r in mine if r["volume"] is None)}
    pathways = []
    for p in doc.pathways.values():
        crossings, p_unknown = [], 0
        for a, b in zip(p.steps, p.steps[1:], strict=False):
            if ix.kind.get(a) != svc or ix.kind.get(b) != svc:
                continue
            kind = _crossing(ix, a, b)
            if kind is None:
                p_unknown += 1
            elif kind:
                crossings.append({"from": a, "to": b, "kind": kind,
                                  "flow": doc.find_flow(a, b)})
        pathways.append({"id": p.id, "name": p.name, "hand_offs": len(crossings),
                         "unknown_steps": p_unknown, "crossings": crossings})
    return {"flows": flows, "totals": totals, "unknown_flows": unknown, "pathways": pathways}


def is_children(attrs) -> bool:
    category = (attrs.get("category") or "").strip().casefold()
    return attrs.get("age_group") == "children" or category == CHILDREN_CATEGORY


@gc_paused()
def transitions_at_18(doc: Document, index: Index | None = None) -> dict:
    """Flows from children's into adult services; children's services with no onward adult
    route (no chain of flows reaches an adult service)."""
    ix = _index(doc, index)
    children = {s for s in ix.services if is_children(ix.attrs[s])}
    adult = {s for s in ix.services if s not in children
             and ix.attrs[s].get("age_group") in ADULT_AGE_GROUPS}
    unclear = {s for s in ix.services if s not in children and s not in adult}
    to_adult, to_unclear = ix.reach(adult, forward=False), ix.reach(unclear, forward=False)
    flows, unclear_flows = [], []
    for f in ix.flows:
        if f.source in children and (f.target in adult or f.target in unclear):
            row = {"id": f.id, "source": f.source, "target": f.target, "flow_type": f.flow_type,
                   "volume": f.volume, "median_wait_days": f.median_wait,
                   "wait_target_days": f.wait_target}
            (flows if f.target in adult else unclear_flows).append(row)
    no_route = []
    for s in sorted(children, key=lambda n: ix.name(n).casefold()):
        nxt = {f.target for f in ix.flows_out.get(s, ())}
        if not nxt & to_adult:
            no_route.append({"id": s, "name": ix.name(s),
                             "via_unknown_age": bool(nxt & to_unclear)})
    known = [r["volume"] for r in flows if r["volume"] is not None]
    return {"flows": flows, "volume": _r(sum(known)),
            "volume_unknown_flows": len(flows) - len(known), "no_adult_route": no_route,
            "unknown_age_flows": unclear_flows, "children_services": len(children)}


# ----- coverage ------------------------------------------------------------------------------
@gc_paused()
def coverage(doc: Document, index: Index | None = None) -> dict:
    """Categories (and service types) by partnership; gaps are rows missing somewhere."""
    ix = _index(doc, index)
    parts = sorted((n for n, k in ix.kind.items() if k == NodeKind.PARTNERSHIP),
                   key=lambda n: (ix.name(n).casefold(), n))
    rows: dict[tuple[str, str], dict] = {}
    unplaced, uncategorised = [], []
    for s in ix.services:
        home = ix.parent.get(s)
        places = ix.serves.get(s) or (ix.serves.get(home, []) if home else [])
        if not places:
            unplaced.append(s)
            continue
        name, category = ix.name(s), (ix.attrs[s].get("category") or "").strip()
        keys = [("category", category)] if category else []
        if not category:
            uncategorised.append(s)
        if "," in name:
            keys.append(("service type", name.split(",")[0].strip()))
        for level, label in keys:
            row = rows.setdefault((level, label.casefold()), {
                "level": level, "label": label, "category": category or None,
                "present": {}, "services": []})
            row["services"].append(s)
            for p in places:
                row["present"].setdefault(p, []).append(s)
    matrix = []
    for row in sorted(rows.values(), key=lambda r: ((r["category"] or "").casefold(),
                                                    r["level"] != "category",
                                                    r["label"].casefold())):
        row["present"] = {p: row["present"][p] for p in parts if p in row["present"]}
        row["missing"] = [p for p in parts if p not in row["present"]]
        matrix.append(row)
    gaps = [r for r in matrix if r["missing"] and r["present"]]
    return {"partnerships": [{"id": p, "name": ix.name(p)} for p in parts], "rows": matrix,
            "gaps": gaps, "unplaced": unplaced, "uncategorised": uncategorised}


# ----- targets -------------------------------------------------------------------------------
@gc_paused()
def targets(doc: Document, index: Index | None = None, services: dict | None = None) -> dict:
    """The map's targets measured on it (servicemap.graph.target_results): ``wait`` and ``dna``,
    the first target of each measure over its organisation's services, and ``list``."""
    ix = _index(doc, index)
    return target_results.targets(doc, ix, services or per_service(doc, ix))


@gc_paused()
def analyse(doc: Document) -> dict:
    """Every measure, as plain data (see docs/analysis.md for the shape of each)."""
    ix = Index(doc)
    services = per_service(doc, ix)
    return {
        "per_service": services,
        "bottlenecks": bottlenecks(doc, ix, services),
        "dead_ends": dead_ends(doc, ix),
        "unreachable": unreachable(doc, ix),
        "boundary_crossings": boundary_crossings(doc, ix),
        "transitions_at_18": transitions_at_18(doc, ix),
        "coverage_gaps": coverage(doc, ix),
        "targets": targets(doc, ix, services),
        "critical_services": criticality.critical_services(ix),
        "flow_balance": balance.flow_balance(
            ix.kind, {n: a["name"] for n, a in ix.attrs.items()},
            ((f.source, f.target, f.volume) for f in ix.flows)),
        "rates": rates.rates(ix, services),
        "derived_volumes": traffic.derived_volumes(doc, ix.traffic),
    }
