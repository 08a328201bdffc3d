"""Issue #17's speed: derived volumes and queueing estimates on 10,000 services, in process and
as a ``servicemap analyse --json`` process; the simulation of the bundled Kent and Medway map
(one year after a 90-day warm-up, 10 runs, both cores); and servicemap's engine against ciw on
one service (the baseline: the same network, runs and seeds, in ciw 3.2.7), both beside the
queueing formulas' mean wait and occupancy (Erlang C) in the same run; and each PathSimR use
case as a person runs it: ``servicemap import`` of its network and calendar templates
(tests/data/pathsimr), then ``servicemap simulate`` of the map made, two fresh processes.

The synthetic map gains arrivals at its access points, an equal share on each flow out of every
service and access point (so every volume is derived, loops included), and 40 places with a
10-day stay on every service, so every service has its estimates worked out."""

from __future__ import annotations

import functools
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.bench_store import synthetic
from benchmarks.harness import Benchmark, Target
from benchmarks.processes import CLI, CURRENT, Command
from servicemap import demo, store
from servicemap.graph import traffic
from servicemap.graph.analysis import per_service
from servicemap.graph.document import Document
from servicemap.graph.queueing import estimate
from servicemap.graph.sim_model import build
from servicemap.graph.simulate import run_ciw, run_one, simulate


@functools.cache
def queued(size: int) -> Document:
    doc = synthetic(size)
    nodes = doc.node_records()
    for n in nodes:
        if n["kind"] == "access_point":
            n["arrivals_per_year"] = 5000
        elif n["kind"] == "service":
            n.update(capacity=40, capacity_unit="places", length_of_stay_days=10)
    edges = doc.edge_records()
    outs = defaultdict(list)
    for e in edges:
        if e["kind"] == "flow":
            outs[e["source"]].append(e)
    for mine in outs.values():
        for e in mine:
            e["share_pct"] = 100 / len(mine)
    return Document.from_records(doc.map_fields(), nodes, edges, list(doc.pathways.values()))


def derive_only(doc: Document) -> dict:
    kinds, flows, arrivals, _ = traffic.from_document(doc)
    return traffic.derive(kinds, arrivals, flows)


def saved(size: int, folder: Path) -> Path:
    path = folder / "queued.smap"
    store.save(queued(size), path)
    return path


def analyse_process(path: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "servicemap", "analyse", str(path), "--json"],
                   check=True, capture_output=True)
    return time.perf_counter() - start


@dataclass
class Bundled:
    network: object
    cpus: list = field(default_factory=list)  # user + system seconds, this process and workers


def bundled_network(size: int, folder: Path) -> Bundled:
    return Bundled(build(demo.kent_and_medway()))


def _cpu() -> float | None:
    try:
        import resource
    except ImportError:  # Windows: no CPU figure
        return None
    me, workers = (resource.getrusage(w) for w in (resource.RUSAGE_SELF,
                                                   resource.RUSAGE_CHILDREN))
    return me.ru_utime + me.ru_stime + workers.ru_utime + workers.ru_stime


def simulate_bundled(state: Bundled) -> float:
    """One simulation of the bundled map (its CPU time, the workers' included, kept): a
    minute's run, timed once."""
    before, start = _cpu(), time.perf_counter()
    simulate(state.network, days=365, warm_up=90, runs=10)
    seconds, after = time.perf_counter() - start, _cpu()
    if before is not None and after is not None:
        state.cpus.append(after - before)
    return seconds


def bundled_cpu(state: Bundled) -> dict:
    return {"cpu_seconds": round(min(state.cpus), 3) if state.cpus else None}


def one_service(size: int, folder: Path):
    """One clinic of 50 places, 4.5 people a day staying 10 days (90% busy)."""
    doc = Document()
    doc.add_node("access_point", "GP", "gp", arrivals_per_year=4.5 * 365)
    doc.add_node("service", "Clinic", "c", capacity=50, capacity_unit="places",
                 length_of_stay_days=10)
    doc.add_node("exit", "Home", "x")
    doc.add_edge("flow", "gp", "c", "f1", flow_type="referral", share_pct=100)
    doc.add_edge("flow", "c", "x", "f2", flow_type="discharge", share_pct=100)
    return build(doc)


def runs_of(engine, network, days: float = 365) -> dict:
    results = [engine(network, days, 90, seed) for seed in range(1, 11)]
    return {"wait_mean_days": sum(r["stations"][0]["wait_mean_days"] for r in results) / 10,
            "occupancy_mean": sum(r["stations"][0]["occupancy_mean"] for r in results) / 10}


def against_theory(network) -> dict:
    """The engine's and ciw's mean wait and places held beside Erlang C's: 10 runs each of
    ten years after the warm-up (at 90% busy a year's mean wait still varies by a fifth from
    run to run)."""
    station = network.stations[0]
    theory = estimate(station.arrivals_per_day, station.stay[1], int(station.places), None)
    ours, theirs = runs_of(run_one, network, 3650), runs_of(run_ciw, network, 3650)
    wait, held = theory["expected_wait_days"], theory["expected_occupancy"]
    return {"erlang_c_wait_days": round(wait, 3),
            "engine_wait_days": round(ours["wait_mean_days"], 3),
            "ciw_wait_days": round(theirs["wait_mean_days"], 3),
            "erlang_c_places_held": round(held, 2),
            "engine_places_held": round(ours["occupancy_mean"], 2),
            "ciw_places_held": round(theirs["occupancy_mean"], 2),
            "engine_vs_theory_wait": f"{ours['wait_mean_days'] / wait - 1:+.1%}",
            "ciw_vs_theory_wait": f"{theirs['wait_mean_days'] / wait - 1:+.1%}"}


PATHSIMR = Path(__file__).resolve().parent.parent / "tests" / "data" / "pathsimr"
# (benchmark name, use case, PathSimR's time unit for it): as tests/test_pathsimr_simulation.py
USE_CASES = (("pathsimr_ae", "A&E", "hours"), ("pathsimr_obstetrics", "Obstetrics", "hours"),
             ("pathsimr_stroke", "Stroke", "days"), ("pathsimr_urology", "Urology", "hours"))


@dataclass
class UseCase:
    """``servicemap import`` of a use case's templates, then ``servicemap simulate`` of the
    map made (its defaults: a year after a 90-day warm-up, 10 runs, both cores)."""
    steps: tuple[Command, Command]

    def __call__(self, _state: object = None) -> None:
        for step in self.steps:
            step()

    def peak(self) -> float | None:
        peaks = [p for step in self.steps for p in step.peaks]
        return max(peaks) if peaks else None

    def cpu(self) -> dict:
        runs = [a + b for a, b in zip(self.steps[0].cpus, self.steps[1].cpus, strict=False)]
        return {"cpu_seconds": round(min(runs), 3) if runs else None}


def use_case(case: str, unit: str):
    def setup(_size: int, folder: Path) -> UseCase:
        made = folder / "use case.smap"
        steps = (Command(CLI, ["import", str(PATHSIMR / f"{case}_Network_Template.csv"),
                               str(made), "--calendar",
                               str(PATHSIMR / f"{case}_Calendar_Template.csv"),
                               "--time-unit", unit, "--force"], CURRENT),
                 Command(CLI, ["simulate", str(made)], CURRENT))
        return UseCase(steps)
    return setup


BENCHMARKS = [
    Benchmark("queue_derived_volumes", lambda size, folder: queued(size), derive_only,
              targets={10_000: Target(seconds=1.0, memory_mb=300)}),
    Benchmark("queue_per_service_estimates", lambda size, folder: queued(size), per_service,
              targets={10_000: Target(seconds=1.0, memory_mb=300)}),
    Benchmark("queue_analyse_process", saved, lambda path: None,
              timer=analyse_process, targets={10_000: Target(seconds=10.0)}),
    Benchmark("simulate_bundled_map", bundled_network, lambda state: None,
              timer=simulate_bundled, fixed_size=1, targets={1: Target(seconds=60.0)},
              extra=bundled_cpu),
    Benchmark("simulate_one_service", one_service, lambda n: runs_of(run_one, n),
              baseline="ciw", baseline_run=lambda n: runs_of(run_ciw, n), fixed_size=1,
              figures=against_theory),
    *(Benchmark(name, use_case(case, unit), lambda u: u(), fixed_size=1,
                targets={1: Target(seconds=10.0)}, memory=lambda u: u.peak(),
                memory_kind="rss", extra=lambda u: u.cpu())
      for name, case, unit in USE_CASES),
]
