"""Issue #17's speed: derived volumes and queueing estimates on 10,000 services, in process and
as a ``servicemap analyse --json`` process; the simulation of the bundled Kent and Medway map
(one year after a 90-day warm-up, 10 runs, both cores); and servicemap's engine against ciw on
one service (the baseline: the same network, runs and seeds, in ciw 3.2.7).

The synthetic map gains arrivals at its access points, an equal share on each flow out of every
service and access point (so every volume is derived, loops included), and 40 places with a
10-day stay on every service, so every service has its estimates worked out."""

from __future__ import annotations

import functools
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from benchmarks.bench_store import synthetic
from benchmarks.harness import Benchmark, Target
from servicemap import demo, store
from servicemap.graph import traffic
from servicemap.graph.analysis import per_service
from servicemap.graph.document import Document
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


def bundled_network(size: int, folder: Path):
    return build(demo.kent_and_medway())


def simulate_bundled(network) -> float:
    start = time.perf_counter()
    simulate(network, days=365, warm_up=90, runs=10)
    return time.perf_counter() - start


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


def runs_of(engine, network) -> dict:
    results = [engine(network, 365, 90, seed) for seed in range(1, 11)]
    return {"wait_mean_days": sum(r["stations"][0]["wait_mean_days"] for r in results) / 10}


BENCHMARKS = [
    Benchmark("queue_derived_volumes", lambda size, folder: queued(size), derive_only,
              targets={10_000: Target(seconds=1.0, memory_mb=300)}),
    Benchmark("queue_per_service_estimates", lambda size, folder: queued(size), per_service,
              targets={10_000: Target(seconds=1.0, memory_mb=300)}),
    Benchmark("queue_analyse_process", saved, lambda path: None,
              timer=analyse_process, targets={10_000: Target(seconds=10.0)}),
    Benchmark("simulate_bundled_map", bundled_network, lambda network: None,
              timer=simulate_bundled, fixed_size=1, targets={1: Target(seconds=60.0)}),
    Benchmark("simulate_one_service", one_service, lambda n: runs_of(run_one, n),
              baseline="ciw", baseline_run=lambda n: runs_of(run_ciw, n), fixed_size=1),
]
