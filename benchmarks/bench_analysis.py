"""Full analysis of a map (``servicemap.graph.analysis.analyse``): every measure at once, as
the Analysis dock and ``servicemap analyse`` run it. No library computes these measures, so
there is no baseline; critical services use igraph's betweenness, whose cost is included.

``analyse`` runs on ``demo.synthetic(N)``, whose flows run forwards within a directorate (each
service reaches few others: betweenness is exact). ``analyse_tangled`` adds N random flows
between services anywhere on the map, so most services reach most others: exact betweenness
would take about 30 s at 10,000 services, and the analysis switches to its sampled estimate."""

from __future__ import annotations

import functools
import random
from pathlib import Path

from benchmarks.bench_store import synthetic
from benchmarks.harness import Benchmark, Target
from servicemap.graph.analysis import analyse
from servicemap.graph.document import Document


def setup(size: int, folder: Path) -> Document:
    return synthetic(size)  # analyse only reads the document, so the cached map is safe


@functools.cache
def tangled(size: int) -> Document:
    doc = synthetic(size)
    rng = random.Random(7)
    edges = doc.edge_records()
    services = doc.nodes_of_kind("service")
    pairs = {(e["source"], e["target"]) for e in edges}
    for i in range(size):
        u, v = rng.sample(services, 2)
        if (u, v) not in pairs:
            pairs.add((u, v))
            edges.append({"id": f"tangle{i}", "kind": "flow", "source": u, "target": v,
                          "flow_type": "referral", "volume_per_year": rng.choice([5, 50, 500])})
    return Document.from_records(doc.map_fields(), doc.node_records(), edges,
                                 list(doc.pathways.values()))


BENCHMARKS = [
    Benchmark("analyse", setup, analyse,
              targets={10_000: Target(seconds=2.0, memory_mb=300)}),
    Benchmark("analyse_tangled", lambda size, folder: tangled(size), analyse,
              targets={10_000: Target(seconds=2.0, memory_mb=300)}),
]
