"""servicemap's own discrete-event engine for the queueing network of
:mod:`servicemap.graph.sim_model` (no Qt, no ciw, no numpy).

Why not ciw for the runs: ciw looks for a free place by walking its list of servers and its
queue on every event, so a caseload of 1,000 places runs about 1,000 people a second and one of
4,000 places 570 (measured with ciw 3.2.7); the bundled map's teams hold up to 15,000 people at
once. Here a place is a count, a queue a deque and the events a heap, so every event costs the
same whatever the places. It follows ciw's rules (tests/test_simulation.py checks the two agree,
and both against queueing theory): first come, first served; a person finishing at a service
whose next service is full (its places and queue limit taken) waits in place, still holding
theirs, when the service blocks (released first-blocked, first-out when a place there frees),
else is refused there; arrivals at a full queue are refused. With calendars
(sim_model.Station's steps), places change at each step without pre-emption (a fall lets those
in service finish, nobody new starting until under it; a rise starts the waiting at once) and
arrivals are a Poisson stream whose rate follows the steps (:func:`next_arrival`).

Figures are gathered as the run goes over the window ``[lo, hi]`` (sim_stats.summarise reads
them): time-weighted places held and queue (and the time at each number of places held, for the
95th percentile), waits of those starting service in it, stays and time blocked of those
leaving in it, refusals and people served; the system's arrivals, leavers and time from entry to
exit, overall and per map pathway (each person's services visited, followed through a trie of
the pathways' services, so following costs the same whatever the pathways; where a pathway
names its access point or exit, they are drawn only for the people whose services end such a
pathway, as they leave: the access point by the access points' shares of the arrivals
straight into their first service (those who came through a transfer delay from an access
point start from a trie root of that delay's, so theirs is known), the exit by the shares of
the flows to exits where they leave, from a random stream of their own, so the run's other
figures are the same with or without them);
the places held at
the start of each day of the window, and the waits counted by sim_stats.WAIT_EDGES (for the
charts).
"""

from __future__ import annotations

import heapq
import math
import random
from bisect import bisect_right
from collections import deque

from servicemap.errors import ServiceMapError
from servicemap.graph.sim_model import Network
from servicemap.graph.sim_stats import WAIT_EDGES, wait_bin

MAX_ARRIVALS = 20_000_000  # people arriving in one run (warm-up included)
EVENTS_PER_ARRIVAL = 1000  # more stays than this per person: people go round without end


def check_size(network: Network, days: float, warm_up: float) -> None:
    """Refuse, in one sentence, a run that would take hours: more than 20 million arrivals."""
    expected = sum(s.arrivals_per_day for s in network.stations) * (days + warm_up)
    if expected > MAX_ARRIVALS:
        raise ServiceMapError(f"the map has about {expected:,.0f} people arriving in a run of "
                              f"{days + warm_up:,.0f} days, more than the "
                              f"{MAX_ARRIVALS:,} the simulation takes; simulate fewer days")

# A change of places sorts first, then an end of stay, then an arrival at the same moment.
_PLACES, _END, _ARRIVE = -1, 0, 1


def next_arrival(rng: random.Random, steps: list[tuple[float, float]], k: int,
                 t: float) -> tuple[float, int]:
    """The next arrival after ``t`` of a Poisson stream whose rate (a day) is ``steps[k]``'s
    from ``t`` and then follows the steps: one unit exponential spent across the steps (exact:
    the stream's integrated rate is the clock). Returns (time, the step it falls in);
    math.inf when the rate stays 0."""
    need = rng.expovariate(1.0)
    last = len(steps) - 1
    while True:
        rate = steps[k][1]
        end = steps[k + 1][0] if k < last else math.inf
        if rate > 0:
            room = (end - t) * rate
            if need < room:
                return t + need / rate, k
            need -= room
        elif k == last:
            return math.inf, k
        t, k = end, k + 1


def _sampler(rng: random.Random, stay: tuple):
    kind, mean = stay[0], stay[1]
    if kind == "fixed" or mean <= 0:
        value = max(0.0, mean)
        return lambda: value
    if kind == "exponential":
        return lambda: rng.expovariate(1 / mean)
    sd = stay[2]
    if kind == "lognormal":
        sigma2 = math.log(1 + (sd / mean) ** 2)
        mu, sigma = math.log(mean) - sigma2 / 2, math.sqrt(sigma2)
        return lambda: rng.lognormvariate(mu, sigma)
    if kind == "gamma":
        shape, scale = (mean / sd) ** 2, sd ** 2 / mean
        return lambda: rng.gammavariate(shape, scale)
    half = min(math.sqrt(3) * sd, mean)
    return lambda: rng.uniform(mean - half, mean + half)


class _Station:
    __slots__ = ("places", "limit", "room", "blocking", "stay", "cum", "dest", "busy", "queue",
                 "blocked", "last", "held_area", "queue_area", "levels", "wait_sum",
                 "wait_n", "stay_sum", "blocked_sum", "stay_n", "refused", "samples", "wait_bins")

    def __init__(self, s, rng: random.Random) -> None:
        self.places = s.places
        self.limit = s.queue_limit
        self.room = s.places + s.queue_limit  # people it may hold and have waiting
        self.blocking = s.blocking
        self.stay = _sampler(rng, s.stay)
        total, self.cum, self.dest = 0.0, [], []
        for target, p in s.routes:
            total += p
            self.cum.append(total)
            self.dest.append(target)
        self.busy = 0  # places held, blocked people included
        self.queue: deque = deque()  # (person, arrival time)
        self.blocked: deque = deque()  # (upstream station, person) waiting to come in
        self.last = 0.0
        self.held_area = self.queue_area = 0.0
        self.levels: dict[int, float] = {}
        self.wait_sum = self.stay_sum = self.blocked_sum = 0.0
        self.wait_n = self.stay_n = self.refused = 0
        self.samples: list[int] = []  # places held at the start of each measured day
        self.wait_bins = [0] * (len(WAIT_EDGES) + 1)  # waits counted by WAIT_EDGES


def _trie(network: Network):
    """The pathways' services as a trie: ``(state, station) -> state``, the pathways (by
    index) whose services end at each state, each station's root (where the people arriving
    there start: 0, or, when a pathway names its access point, a root of its own for each
    transfer delay from an access point, so its people are told from those arriving
    straight), and each end state's origin (that delay station, or None: arrived straight)."""
    step: dict[tuple[int, int], int] = {}
    ends: dict[int, list[int]] = {}
    origin: dict[int, int | None] = {}
    roots = [0] * len(network.stations)
    starts: list[tuple[int, int | None]] = [(0, None)]
    states = 1
    if any(r.entry is not None for r in network.pathways):
        for i, s in enumerate(network.stations):
            if s.delay and s.entries:
                roots[i] = states
                starts.append((states, i))
                states += 1
    for k, route in enumerate(network.pathways):
        if not route.stations:
            continue
        for root, via in starts:
            if via is not None and network.stations[via].routes[0][0] != route.stations[0]:
                continue  # that transit leads to another service first
            state = root
            for i in route.stations:
                nxt = step.get((state, i))
                if nxt is None:
                    nxt = step[(state, i)] = states
                    states += 1
                state = nxt
            ends.setdefault(state, []).append(k)
            origin[state] = via
    return step, ends, roots, origin


def _gates(network: Network, ends: dict[int, list[int]], origin: dict[int, int | None]):
    """What following the pathways needs beyond the trie: per pathway, its access point and
    exit (None: any); per end state, the draw of the access point its people came in by (the
    transfer delay's they came through, else the access points' shares of the arrivals
    straight into the pathways' first service); per station, the draw of the exit a person
    leaving there takes (each exit flow's chance over the chance of leaving the map there). A
    draw is None (no one), a 1-tuple (always that one) or (names, cumulative shares)."""
    gates = [(r.entry, r.exit) for r in network.pathways]

    def as_draw(shares: list[tuple[str, float]], total: float):
        shares = [(n, p) for n, p in shares if p > 0]
        if not shares or total <= 1e-12:
            return None
        if len(shares) == 1 and abs(shares[0][1] - total) < 1e-9:
            return (shares[0][0],)
        cum, acc = [], 0.0
        for _n, p in shares:
            acc += p / total
            cum.append(acc)
        return [n for n, _p in shares], cum

    entry_draws = {}
    for state, ks in ends.items():
        via = origin[state]
        shares = network.stations[network.pathways[ks[0]].stations[0] if via is None
                                  else via].entries
        entry_draws[state] = as_draw(list(shares), sum(p for _n, p in shares))
    exit_draws = [as_draw(list(s.exits), 1.0 - sum(p for _t, p in s.routes))
                  for s in network.stations]
    return gates, entry_draws, exit_draws


def _drawn(choice, draw: random.Random) -> str | None:
    if choice is None:
        return None
    if len(choice) == 1:
        return choice[0]
    names, cum = choice
    k = bisect_right(cum, draw.random())
    return names[k] if k < len(names) else None


def _percentile95(values: list[float]) -> float | None:
    """The 95th percentile (nearest rank) of ``values``; None for none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def run(network: Network, days: float, warm_up: float, seed: int) -> dict:
    """One run: ``warm_up`` days, then ``days`` measured; the figures sim_stats reads."""
    rng = random.Random(seed)
    lo, hi = float(warm_up), float(warm_up + days)
    st = [_Station(s, rng) for s in network.stations]
    heap: list = []
    seq = 0
    entered: dict[int, float] = {}  # person -> when they entered the map
    where: dict[int, list] = {}  # person -> [station, arrival, start, end of stay]
    system = {"arrivals": 0, "leaving": 0, "time_sum": 0.0, "time_n": 0}
    trie, ends, roots, origin = _trie(network)
    follow = bool(ends)
    is_service = [not s.delay for s in network.stations]
    on: dict[int, int] = {}  # person -> trie state, while their services so far begin a pathway
    route_times: list[list[float]] = [[] for _ in network.pathways]
    gates, entry_draws, exit_draws = _gates(network, ends, origin)
    gated = {state: any(gates[k] != (None, None) for k in ks) for state, ks in ends.items()}
    draw = random.Random(f"pathways {seed}")  # entries and exits: the run's stream untouched
    now = 0.0

    def account(s: _Station, t: float) -> None:
        """Add the time since the station last changed, within the window."""
        a, b = max(s.last, lo), min(t, hi)
        if b > a:
            d = b - a
            s.held_area += s.busy * d
            s.queue_area += len(s.queue) * d
            s.levels[s.busy] = s.levels.get(s.busy, 0.0) + d
        s.last = t

    def start(i: int, person: int, arrival: float, t: float) -> None:
        nonlocal seq
        s = st[i]
        s.busy += 1
        if lo <= t <= hi:
            s.wait_sum += t - arrival
            s.wait_n += 1
            s.wait_bins[wait_bin(t - arrival)] += 1
        end = t + s.stay()
        where[person] = [i, arrival, t, end]
        seq += 1
        heapq.heappush(heap, (end, _END, seq, i, person))

    def full(i: int) -> bool:
        s = st[i]
        return s.busy + len(s.queue) >= s.room

    def arrive(i: int, person: int, t: float) -> None:
        s = st[i]
        if follow and is_service[i]:
            state = on.pop(person, None)
            if state is not None:
                nxt = trie.get((state, i))
                if nxt is not None:
                    on[person] = nxt
        account(s, t)
        if s.busy < s.places:
            start(i, person, t, t)
        else:
            s.queue.append((person, t))
            where[person] = [i, t, None, None]

    def leave(i: int, person: int, t: float, to: int | None) -> None:
        """``person`` gives up their place at ``i`` for ``to`` (None: leaves the map)."""
        s = st[i]
        account(s, t)
        _, _, began, end = where.pop(person)
        s.busy -= 1
        if lo <= t <= hi:
            s.stay_sum += t - began
            s.blocked_sum += t - end
            s.stay_n += 1
        if to is None:
            state = on.pop(person, None) if follow else None
            if lo <= t <= hi:
                system["leaving"] += 1
                came = entered[person]
                if came >= lo:
                    system["time_sum"] += t - came
                    system["time_n"] += 1
                    if state in ends:
                        count(state, i, t - came)
            del entered[person]
        if s.queue and s.busy < s.places:  # the place goes to the first waiting
            nxt, came = s.queue.popleft()
            start(i, nxt, came, t)
        if to is not None:
            arrive(to, person, t)
        release(i, t)

    def count(state: int, i: int, time: float) -> None:
        """A person leaving the map from ``i`` whose services end pathways at ``state``:
        counted for those whose access point and exit (where named) are theirs, each drawn
        once for the person (the module's docstring)."""
        if not gated[state]:
            for k in ends[state]:
                route_times[k].append(time)
            return
        source = out = None
        drawn_in = drawn_out = False
        for k in ends[state]:
            entry, exit_ = gates[k]
            if entry is not None:
                if not drawn_in:
                    source, drawn_in = _drawn(entry_draws[state], draw), True
                if entry != source:
                    continue
            if exit_ is not None:
                if not drawn_out:
                    out, drawn_out = _drawn(exit_draws[i], draw), True
                if exit_ != out:
                    continue
            route_times[k].append(time)

    def release(i: int, t: float) -> None:
        """Let in the first person blocked upstream, now that ``i`` has room."""
        s = st[i]
        if s.blocked and not full(i):
            up, person = s.blocked.popleft()
            leave(up, person, t, i)

    def refuse(i: int, t: float) -> None:
        if lo <= t <= hi:
            st[i].refused += 1

    def places_change(i: int, k: int, t: float) -> None:
        """The places at ``i`` become its ``k``-th step's: a fall lets those in service finish
        (no one new starts until under it), a rise starts the waiting at once."""
        nonlocal seq
        s, steps = st[i], network.stations[i].places_steps
        account(s, t)
        s.places = steps[k][1]
        s.room = s.places + s.limit
        while s.queue and s.busy < s.places:
            nxt, came = s.queue.popleft()
            start(i, nxt, came, t)
        while s.blocked and not full(i):
            release(i, t)
        if k + 1 < len(steps):
            seq += 1
            heapq.heappush(heap, (steps[k + 1][0], _PLACES, seq, i, k + 1))

    timed = [s.arrival_steps for s in network.stations]
    step_of = [0] * len(timed)  # the arrival step each timed stream is in
    for i, s in enumerate(network.stations):
        if timed[i] is not None:
            t, step_of[i] = next_arrival(rng, timed[i], 0, 0.0)
            if t < math.inf:
                seq += 1
                heapq.heappush(heap, (t, _ARRIVE, seq, i, 0))
        elif s.arrivals_per_day > 0:
            seq += 1
            heapq.heappush(heap, (rng.expovariate(s.arrivals_per_day), _ARRIVE, seq, i, 0))
        if s.places_steps is not None:
            seq += 1
            heapq.heappush(heap, (s.places_steps[1][0], _PLACES, seq, i, 1))
    people = events = 0
    budget = EVENTS_PER_ARRIVAL * (sum(s.arrivals_per_day for s in network.stations) * hi
                                   + 1000)
    sample_at = lo  # the next day whose occupancy is recorded
    while heap:
        now, kind, _, i, person = heapq.heappop(heap)
        while sample_at <= min(now, hi):
            for s in st:
                s.samples.append(s.busy)
            sample_at += 1.0
        if now > hi:
            break
        if kind == _PLACES:  # not counted: a calendar's changes are not people going round
            places_change(i, person, now)
            continue
        events += 1
        if events > budget:
            raise ServiceMapError("the simulation stopped: people go round a loop of flows "
                                  "without end (shares of 100% with no way out, and stays "
                                  "of no time)")
        if kind == _ARRIVE:
            if timed[i] is None:
                rate = network.stations[i].arrivals_per_day
                seq += 1
                heapq.heappush(heap, (now + rng.expovariate(rate), _ARRIVE, seq, i, 0))
            else:
                t, step_of[i] = next_arrival(rng, timed[i], step_of[i], now)
                if t < math.inf:
                    seq += 1
                    heapq.heappush(heap, (t, _ARRIVE, seq, i, 0))
            people += 1
            if lo <= now <= hi:
                system["arrivals"] += 1
            if full(i):
                refuse(i, now)
                continue
            entered[people] = now
            if follow:
                on[people] = roots[i]
            arrive(i, people, now)
            continue
        s = st[i]
        k = bisect_right(s.cum, rng.random()) if s.cum else 0
        to = s.dest[k] if k < len(s.dest) else None
        if to is None:
            leave(i, person, now, None)
        elif full(to):
            if s.blocking:
                st[to].blocked.append((i, person))  # waits in place, still holding it
            else:
                refuse(to, now)
                on.pop(person, None)  # sent elsewhere: off every pathway
                leave(i, person, now, None)
        else:
            leave(i, person, now, to)
    while sample_at <= hi:  # days after the last event
        for s in st:
            s.samples.append(s.busy)
        sample_at += 1.0
    for s in st:
        account(s, hi)
    d = hi - lo
    stations = []
    for s in st:
        stations.append({
            "occupancy_mean": s.held_area / d, "occupancy_p95": _p95(s.levels, d),
            "queue_mean": s.queue_area / d,
            "wait_mean_days": s.wait_sum / s.wait_n if s.wait_n else None,
            "length_of_stay_mean_days": s.stay_sum / s.stay_n if s.stay_n else None,
            "delay_to_transfer_mean_days": s.blocked_sum / s.stay_n if s.stay_n else None,
            "refused_per_year": s.refused / d * 365, "throughput_per_year": s.stay_n / d * 365,
            "occupancy_daily": s.samples, "wait_counts": s.wait_bins})
    return {"stations": stations, "system": {
        "arrivals_per_year": system["arrivals"] / d * 365,
        "leaving_per_year": system["leaving"] / d * 365,
        "refused_per_year": sum(s.refused for s in st) / d * 365,
        "time_in_system_mean_days": system["time_sum"] / system["time_n"]
        if system["time_n"] else None},
        "pathways": [{"people": len(times),
                      "time_mean_days": sum(times) / len(times) if times else None,
                      "time_p95_days": _percentile95(times)} for times in route_times]}


def _p95(levels: dict[int, float], total: float) -> float:
    seen = 0.0
    for level in sorted(levels):
        seen += levels[level]
        if seen >= 0.95 * total - 1e-9:
            return float(level)
    return float(max(levels)) if levels else 0.0
