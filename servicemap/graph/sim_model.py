"""The map as an open queueing network for the simulation (no Qt, no ciw): a plain, picklable
:class:`Network` that each simulation process turns into ciw's own (servicemap.graph.simulate).

Defined in docs/analysis.md (simulation); in short:

* every service is a node; an access point's people arrive at random (Poisson) at the services
  it feeds, at the rate its flows carry (their derived volume, or their recorded one);
* leaving a service, a person takes each flow out with its share, or, where the flows have no
  shares, with the flow's volume over the volumes of all its flows out; what is left over (and
  the flows into exits) leaves the map;
* places: the whole part of a stock capacity (beds, caseload, places); a service without one
  has as many places as it needs (no one waits); a stay follows ``los_distribution`` about the
  mean ``length_of_stay_days`` with spread ``los_sd_days``; no length of stay: no time there;
* ``queue_limit`` caps the people waiting (arrivals beyond it are refused); a person finishing
  at a service with ``blocking`` waits in place, holding theirs, while the next service is full;
  without it they are refused there (sent elsewhere);
* a flow's ``transfer_delay_days`` is time in transit, in a node of its own with no limit,
  after the person has given up their place; one arriving at a full service then waits in
  transit (the source blocks) or is refused;
* calendars (docs/analysis.md, "Simulation with calendars"): a service's
  ``capacity_calendar`` sets its places over time, an access point's ``arrivals_calendar`` its
  rate over time (its flows keep their part of it); both as steps from the run's start, which
  is ``warm_up`` days before the simulation's ``start`` date;
* each map pathway is followed by its services in order (``pathways``): a person counts for a
  pathway when the services they visited, entry to exit, are its services (transit is time,
  not a visit), and, when the pathway starts at an access point or ends at an exit, when they
  entered there (each arrival's access point, drawn by the access points' shares of the
  arrivals at its first station: ``Station.entries``) and left there (drawn, on leaving, by
  the shares of the flows to exits: ``Station.exits``; leaving by no flow is no exit).

What was assumed is listed (``assumptions``), one sentence per service, so a result is never
read as more than the map holds.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from servicemap import calendars
from servicemap.graph import sim_calendars, traffic
from servicemap.graph.analysis import is_stock
from servicemap.model import NodeKind


@dataclass
class Station:
    """One node of the network: a service, or a flow's transfer delay."""

    id: str
    name: str
    places: float  # math.inf: no limit
    stay: tuple  # ("exponential", mean) | ("lognormal", mean, sd) | ... | ("fixed", mean)
    queue_limit: float = math.inf
    blocking: bool = True
    arrivals_per_day: float = 0.0
    routes: list[tuple[int, float]] = field(default_factory=list)  # (station index, probability)
    delay: bool = False  # a transfer delay, not a service
    entries: list[tuple[str, float]] = field(default_factory=list)  # (access point, a day)
    exits: list[tuple[str, float]] = field(default_factory=list)  # (exit, probability)
    # calendars: (time in days from the run's start, value) steps, the first at 0; None: fixed
    places_steps: list[tuple[float, float]] | None = None
    arrival_steps: list[tuple[float, float]] | None = None  # people a day


@dataclass
class Route:
    """A map pathway as the simulation follows it: its services' station indices in order,
    and its access point (first step) and exit (last step), if it has them."""

    id: str
    name: str
    stations: tuple[int, ...]
    entry: str | None = None
    exit: str | None = None


@dataclass
class Network:
    stations: list[Station]
    assumptions: list[str]
    pathways: list[Route] = field(default_factory=list)

    @property
    def services(self) -> list[int]:
        return [i for i, s in enumerate(self.stations) if not s.delay]


def _stay(attrs: dict) -> tuple:
    mean = attrs.get("length_of_stay_days")
    if not mean:
        return ("fixed", 0.0)
    name = attrs.get("los_distribution") or "exponential"
    sd = attrs.get("los_sd_days")
    sd = mean if sd is None else sd
    if name == "exponential":
        return ("exponential", mean)
    if name == "fixed" or sd == 0:
        return ("fixed", mean)
    return (name, mean, sd)


def build(doc, start: datetime.date | None = None, days: float = 365,
          warm_up: float = 90) -> Network:
    """The network of a document (docs/analysis.md, simulation), its calendars as steps over
    the ``warm_up`` days before ``start`` (default today) and the ``days`` from it."""
    start = datetime.date.today() if start is None else start
    t0, horizon = sim_calendars.run_start(start, warm_up), float(warm_up) + float(days)
    kinds, flows, arrivals, names = traffic.from_document(doc, plain=True)
    solved = traffic.derive(kinds, arrivals, flows)
    attrs = doc.graph.nodes
    stations: list[Station] = []
    index: dict[str, int] = {}
    assumptions: list[str] = []
    for s, kind in kinds.items():
        if kind != NodeKind.SERVICE:
            continue
        a = attrs[s]
        stock = a.get("capacity") is not None and is_stock(a.get("capacity_unit"))
        places = math.floor(a["capacity"]) if stock and a["capacity"] >= 1 else math.inf
        no_stay = not a.get("length_of_stay_days")
        timed = sim_calendars.has(a.get("capacity_calendar")) and \
            is_stock(a.get("capacity_unit"))  # places follow a calendar: said below
        if places == math.inf and timed:
            if no_stay:
                assumptions.append(f"{a['name']}: no length of stay, so people pass through "
                                   "at once")
        elif places == math.inf and no_stay:
            assumptions.append(f"{a['name']}: no places held at once and no length of stay, "
                               "so people pass through at once")
        elif places == math.inf:
            assumptions.append(f"{a['name']}: no number of places held at once (beds, "
                               "caseload, places), so no one waits for a place")
        elif no_stay:
            assumptions.append(f"{a['name']}: no length of stay, so people pass through at "
                               "once")
        limit = a.get("queue_limit")
        index[s] = len(stations)
        stations.append(Station(s, a["name"], places, _stay(a),
                                math.inf if limit is None else limit,
                                bool(a.get("blocking"))))
        if sim_calendars.has(a.get("capacity_calendar")):
            cal = sim_calendars.read(a["capacity_calendar"], a["name"], "capacity_calendar")
            _places_calendar(stations[-1], cal, timed, places, t0, horizon, a, assumptions)
    outs: dict[str, list] = {}
    for f in flows:
        outs.setdefault(f.source, []).append(f)
    volume = solved["flow_volume"]
    timed: dict[int, list] = {}  # station -> [(part of the rate, the rate's steps)]
    timed_aps = {n for n, kind in kinds.items() if kind == NodeKind.ACCESS_POINT
                 and sim_calendars.has(attrs[n].get("arrivals_calendar"))}
    for source, mine in outs.items():
        if source in timed_aps:
            _arrivals_calendar(doc, source, mine, volume, index, stations, timed,
                               (t0, horizon), names, assumptions)
            continue
        if kinds[source] == NodeKind.ACCESS_POINT:
            for f in mine:
                if f.target in index and volume.get(f.id):
                    stations[index[f.target]].arrivals_per_day += volume[f.id] / 365
                    if not doc.edge(f.id).get("transfer_delay_days"):  # else: its transit's
                        stations[index[f.target]].entries.append((source, volume[f.id] / 365))
                elif f.target in index and volume.get(f.id) is None:
                    assumptions.append(f"{names[source]} -> {names[f.target]}: neither a "
                                       "volume nor a share with arrivals, so no one arrives "
                                       "this way")
            continue
        if source not in index:
            continue
        if all(f.share is not None for f in mine):
            probs = [(f, f.share / 100) for f in mine]
        elif all(volume.get(f.id) is not None for f in mine):
            total = sum(volume[f.id] for f in mine)
            probs = [(f, volume[f.id] / total if total else 0.0) for f in mine]
        else:
            known = [f for f in mine if f.share is not None]
            probs = [(f, f.share / 100) for f in known]
            assumptions.append(f"{names[source]}: some flows out have neither a share nor a "
                               "volume, so no one takes them")
        total = sum(p for _, p in probs)
        if total > 1:
            probs = [(f, p / total) for f, p in probs]
        station = stations[index[source]]
        for f, p in probs:
            if f.target not in index or p <= 0:
                if p > 0 and kinds.get(f.target) == NodeKind.EXIT:
                    station.exits.append((f.target, p))
                continue  # an exit: leaving the map
            target = index[f.target]
            delay = doc.edge(f.id).get("transfer_delay_days")
            if delay:
                stations.append(Station(f.id, f"{names[source]} -> {names[f.target]} "
                                        "(in transit)", math.inf, ("fixed", delay),
                                        blocking=station.blocking, routes=[(target, 1.0)],
                                        delay=True))
                target = len(stations) - 1
            station.routes.append((target, p))
    # a transfer delay from an access point: arrivals go through it
    for source, mine in outs.items():
        if kinds[source] != NodeKind.ACCESS_POINT or source in timed_aps:
            continue
        for f in mine:
            delay = doc.edge(f.id).get("transfer_delay_days")
            if delay and f.target in index and volume.get(f.id):
                target = stations[index[f.target]]
                target.arrivals_per_day -= volume[f.id] / 365
                stations.append(Station(f.id, f"{names[source]} -> {names[f.target]} "
                                        "(in transit)", math.inf, ("fixed", delay),
                                        arrivals_per_day=volume[f.id] / 365,
                                        routes=[(index[f.target], 1.0)], delay=True,
                                        entries=[(source, volume[f.id] / 365)]))
    for s in stations:
        s.arrivals_per_day = max(0.0, s.arrivals_per_day)
    for i, parts in timed.items():
        s = stations[i]
        s.arrival_steps = sim_calendars.add(parts, s.arrivals_per_day)
        s.arrivals_per_day = sim_calendars.mean(s.arrival_steps, horizon)
    routes = []
    for p in doc.pathways.values():
        steps = list(p.steps)
        first = steps[0] if steps and kinds.get(steps[0]) == NodeKind.ACCESS_POINT else None
        last = steps[-1] if steps and kinds.get(steps[-1]) == NodeKind.EXIT else None
        routes.append(Route(p.id, p.name, tuple(index[step] for step in steps if step in index),
                            first, last))
    return Network(stations, assumptions, routes)


def _places_calendar(station: Station, cal: calendars.Calendar, stock: bool, places: float,
                     t0: datetime.datetime, horizon: float, a: dict, assumptions: list) -> None:
    """A service's places over time from its calendar, said in words."""
    name = a["name"]
    if not stock:
        assumptions.append(f"{name}: its capacity is not a number of places held at once "
                           "(beds, caseload, places), so its calendar of places is not used")
        return
    steps = sim_calendars.places_steps(cal, places, t0, horizon)
    uncovered = any(v is None for _, v in calendars.steps(cal, None, t0, horizon))
    otherwise = ("" if not uncovered else ", otherwise no limit" if places == math.inf
                 else f", otherwise {places:,.0f}")
    assumptions.append(f"{name}: places follow a calendar ({calendars.describe(cal)}"
                       f"{otherwise})")
    station.places = steps[0][1]
    if len(steps) > 1:
        station.places_steps = steps


def _arrivals_calendar(doc, source: str, mine: list, volume: dict, index: dict,
                       stations: list[Station], timed: dict, span: tuple, names: dict,
                       assumptions: list) -> None:
    """An access point with a calendar of arrivals: each flow out to a service carries its part
    of the calendar's rate (its share; without one, its volume over the access point's
    arrivals a year, or over its flows' volumes when that is not known), through its transfer
    delay if it has one."""
    a = doc.graph.nodes[source]
    cal = sim_calendars.read(a.get("arrivals_calendar"), a["name"], "arrivals_calendar")
    per_year = a.get("arrivals_per_year")
    steps, uncovered = sim_calendars.rate_steps(cal, per_year, *span)
    known = sum(volume[f.id] for f in mine if volume.get(f.id))

    def part(f) -> float:
        """The flow's part of the access point's arrivals: its share, else its volume's."""
        if f.share is not None:
            return f.share / 100
        if not volume.get(f.id):
            return 0.0
        return volume[f.id] / (per_year or known)

    otherwise = ("" if not uncovered else ", otherwise no one" if not per_year
                 else f", otherwise {per_year:,.0f} a year")
    assumptions.append(f"{a['name']}: arrivals follow a calendar "
                       f"({calendars.describe(cal, ' a year')}{otherwise})")
    for f in mine:
        if f.target in index and f.share is None and volume.get(f.id) is None:
            assumptions.append(f"{names[source]} -> {names[f.target]}: neither a volume nor a "
                               "share with arrivals, so no one arrives this way")
    for f in mine:
        if f.target not in index or part(f) <= 0:
            continue
        target = index[f.target]
        delay = doc.edge(f.id).get("transfer_delay_days")
        if delay:
            stations.append(Station(f.id, f"{names[source]} -> {names[f.target]} "
                                    "(in transit)", math.inf, ("fixed", delay),
                                    routes=[(target, 1.0)], delay=True))
            target = len(stations) - 1
        timed.setdefault(target, []).append((part(f), steps))
