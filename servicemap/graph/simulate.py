"""The discrete-event simulation of a whole map (docs/analysis.md, simulation): runs after a
warm-up, each with its own seed, in worker processes (both cores; spawned, so it works on
Windows and in the frozen build), summarised with 95% intervals over the runs
(servicemap.graph.sim_stats). No Qt: the command line and the window's worker both call
:func:`simulate`.

The runs use servicemap's own engine (servicemap.graph.sim_engine: ciw's cost per event grows
with the places, and the bundled map's teams hold thousands); :func:`run_ciw` runs the same
network in ciw, which the tests and benchmarks/bench_queue.py compare it with.

As in PathSimR: occupancy counts everyone holding a place, blocked people included; wait is the
time queued before service starts; length of stay runs from the start of service to leaving,
time blocked included; delay to transfer is the time blocked; refused counts arrivals turned
away by a full queue. Times are in days.
"""

from __future__ import annotations

import datetime
import math
import multiprocessing
import os
import random
from collections.abc import Callable

from servicemap.graph import sim_engine, sim_stats
from servicemap.graph.sim_model import Network, Station, build

__all__ = ["Cancelled", "build", "run_ciw", "run_one", "simulate"]


class Cancelled(Exception):
    """The simulation was cancelled before every run finished."""


def _distribution(ciw, stay: tuple):
    kind, mean = stay[0], stay[1]
    if kind == "fixed" or mean <= 0:
        return ciw.dists.Deterministic(max(0.0, mean))
    if kind == "exponential":
        return ciw.dists.Exponential(1 / mean)
    sd = stay[2]
    if kind == "lognormal":  # ciw takes the underlying normal's mu and sigma
        sigma2 = math.log(1 + (sd / mean) ** 2)
        return ciw.dists.Lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2))
    if kind == "gamma":
        return ciw.dists.Gamma(shape=(mean / sd) ** 2, scale=sd ** 2 / mean)
    half = min(math.sqrt(3) * sd, mean)  # uniform with that mean and sd, kept at 0 or above
    return ciw.dists.Uniform(mean - half, mean + half)


def _routers(ciw, network: Network, refusals: list):
    """ciw routers: probabilistic; from a service that does not block, a person sent to a full
    service is refused there (counted, with the time) and leaves the map."""

    class Router(ciw.routing.NodeRouting):
        def __init__(self, station: Station) -> None:
            self.destinations = [i + 1 for i, _ in station.routes] + [-1]
            self.probs = [p for _, p in station.routes]
            self.probs.append(max(0.0, 1 - sum(self.probs)))
            self.blocking = station.blocking

        def next_node(self, ind):
            nd = self.simulation.nodes[ciw.random_choice(self.destinations, self.probs)]
            if not self.blocking and nd is not self.simulation.nodes[-1] and \
                    nd.number_of_individuals >= nd.node_capacity:
                refusals.append((nd.id_number, self.simulation.current_time))
                return self.simulation.nodes[-1]
            return nd

    return ciw.routing.NetworkRouting(routers=[Router(s) for s in network.stations])


def _arrivals(ciw, s: Station, end: float):
    """ciw's arrivals: Poisson, or with a calendar Poisson by intervals (its steps, the last
    held past the run's end)."""
    if s.arrival_steps is None:
        return ciw.dists.Exponential(s.arrivals_per_day) if s.arrivals_per_day > 0 else None
    ends = [t for t, _ in s.arrival_steps[1:]] + [end + 1]
    return ciw.dists.PoissonIntervals([r for _, r in s.arrival_steps], ends, end + 1)


def _servers(ciw, s: Station, end: float):
    """ciw's servers: a number, or with a calendar a schedule, whose changes follow ours
    (:func:`_node_class`)."""
    if s.places_steps is None:
        return s.places
    ends = [t for t, _ in s.places_steps[1:]] + [end + 1]
    return ciw.Schedule([int(v) for _, v in s.places_steps], ends)


def _node_class(ciw):
    """ciw's node with servicemap's rule for a change of places (sim_engine): when places fall,
    idle servers go at once and busy ones when their person finishes (nobody new starts until
    under the new number); when they rise, servers still finishing stay on and the rest are
    added. (ciw's own rule sends every server off duty and adds the new shift's number, so for
    a while more people are in service than the places.)"""

    class Node(ciw.Node):
        def change_shift(self):
            self.schedule.get_next_shift()
            self.next_shift_change = self.schedule.next_shift_change_date
            old, self.c = self.c, self.schedule.c
            self.node_capacity += self.c - old
            on = [s for s in self.servers if not s.offduty]
            going = len(on) - self.c
            if going > 0:
                for srvr in sorted(on, key=lambda s: s.busy)[:going]:  # idle ones first
                    srvr.shift_end = self.next_event_date
                    if srvr.busy:
                        srvr.offduty = True
                    else:
                        self.kill_server(srvr)
            else:
                for srvr in [s for s in self.servers if s.offduty][:-going]:
                    srvr.offduty = False
                    going += 1
                self.add_new_servers(-going)
            self.begin_service_if_possible_change_shift()

        def detatch_server(self, server, individual):
            # a place freed while more are in service than the places goes, not the server
            # due off: the count, not who holds which place, is what follows the calendar
            if not server.offduty:
                over = next((s for s in self.servers if s.offduty), None)
                if over is not None:
                    over.offduty, server.offduty = False, True
                    server.shift_end = over.shift_end
            super().detatch_server(server, individual)

    return Node


def run_one(network: Network, days: float, warm_up: float, seed: int) -> dict:
    """One run of servicemap's engine: ``warm_up`` days, then ``days`` measured. Returns the
    run's figures per station and for the system."""
    return sim_engine.run(network, days, warm_up, seed)


def run_ciw(network: Network, days: float, warm_up: float, seed: int) -> dict:
    """The same run in ciw (its figures read from its records by sim_stats.run_figures); ciw is
    a development dependency, for the tests and benchmarks only."""
    import ciw  # in the worker: numpy and ciw load only where a simulation runs

    ciw.seed(seed)
    random.seed(seed)
    refusals: list = []
    stations = network.stations
    end = warm_up + days
    params = ciw.create_network(
        arrival_distributions=[_arrivals(ciw, s, end) for s in stations],
        service_distributions=[_distribution(ciw, s.stay) for s in stations],
        number_of_servers=[_servers(ciw, s, end) for s in stations],
        queue_capacities=[s.queue_limit for s in stations],
        routing=_routers(ciw, network, refusals))
    timed = any(s.places_steps is not None for s in stations)  # else ciw's own node, as before
    sim = ciw.Simulation(params, node_class=_node_class(ciw) if timed else None)
    sim.simulate_until_max_time(end)
    records = sim.get_all_records(include_incomplete=True)
    return sim_stats.run_figures(records, refusals, len(stations), warm_up, end)


def _worker(args) -> dict:
    return run_one(*args)


def simulate(doc_or_network, *, days: float = 365, warm_up: float = 90, runs: int = 10,
             seed: int = 1, start: datetime.date | None = None,
             workers: int | None = None, separate: bool = False,
             progress: Callable[[int, int], None] | None = None,
             cancelled: Callable[[], bool] | None = None) -> dict:
    """Simulate ``runs`` runs (seeds ``seed``, ``seed + 1``, ...) and summarise them: the
    ``simulate --json`` object without its scenario wrapping (``services``, ``system``,
    ``assumptions``). ``start``: the date measuring begins, after the warm-up (default
    today; a network passed in was built with its own). ``workers``: processes (default: the
    cores, at most ``runs``; 1 runs in this process, unless ``separate``: the window's runs
    never share its process). ``progress(done, runs)`` is called after each run;
    ``cancelled()`` is asked often, and when it says True the workers are stopped and
    :class:`Cancelled` raised."""
    network = doc_or_network if isinstance(doc_or_network, Network) else \
        build(doc_or_network, start, days, warm_up)
    sim_engine.check_size(network, days, warm_up)
    jobs = [(network, float(days), float(warm_up), seed + i) for i in range(runs)]
    workers = min(runs, os.cpu_count() or 1) if workers is None else max(1, workers)
    results: list[dict] = []
    if workers == 1 and not separate:
        for job in jobs:
            if cancelled is not None and cancelled():
                raise Cancelled()
            results.append(_worker(job))
            if progress is not None:
                progress(len(results), runs)
    else:
        pool = multiprocessing.get_context("spawn").Pool(workers)
        try:
            pending = pool.imap_unordered(_worker, jobs)
            while len(results) < runs:
                if cancelled is not None and cancelled():
                    raise Cancelled()
                try:
                    results.append(pending.next(timeout=0.1))
                except multiprocessing.TimeoutError:
                    continue
                if progress is not None:
                    progress(len(results), runs)
            pool.close()
        finally:
            pool.terminate()
            pool.join()
    return sim_stats.summarise(network, results, days)
