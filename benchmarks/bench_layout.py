"""Automatic layouts (``servicemap.graph.layout``) on synthetic maps, against networkx's
``spring_layout`` on the same graph (the drawn nodes and their flows).

The baseline needs numpy and scipy, which servicemap does not depend on; without them it is
left out (run ``uv run --with numpy --with scipy python -m benchmarks --only ...`` to include
it). It runs only up to 2,000 services: at 10,000 it takes minutes.
"""

from __future__ import annotations

import functools
import importlib.util
import random
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from benchmarks.bench_store import synthetic
from benchmarks.harness import Benchmark, Target
from servicemap import demo
from servicemap.graph import layout
from servicemap.graph.document import Document
from servicemap.model import DRAWN_KINDS, EdgeKind, NodeKind

BASELINE_MAX_SIZE = 2000
NEW_SHARE = 0.01  # tidy: the share of services that are new (unplaced), at least 5
HAS_SCIPY = all(importlib.util.find_spec(m) is not None for m in ("numpy", "scipy"))


@functools.cache
def with_new_services(size: int) -> Document:
    """A synthetic map where 1% of the services have just been added (no position yet)."""
    doc = demo.synthetic(size)
    services = sorted(doc.nodes_of_kind(NodeKind.SERVICE))
    count = max(5, int(len(services) * NEW_SHARE))
    doc.move_nodes({n: None for n in random.Random(size).sample(services, count)})
    return doc


def drawn_graph(doc: Document) -> nx.Graph:
    """The baseline's graph: the drawn nodes and the flows between them, undirected."""
    graph = nx.Graph()
    graph.add_nodes_from(n for n, k in doc.graph.nodes(data="kind") if k in DRAWN_KINDS)
    graph.add_edges_from((u, v) for u, v, k in doc.graph.edges(data="kind")
                         if k == EdgeKind.FLOW and u != v)
    return graph


@dataclass
class Maps:
    doc: Document
    graph: nx.Graph  # for the baseline


def setup(size: int, folder: Path) -> Maps:
    doc = synthetic(size)
    return Maps(doc, drawn_graph(doc))


def setup_tidy(size: int, folder: Path) -> Maps:
    doc = with_new_services(size)
    return Maps(doc, drawn_graph(doc))


def spring(maps: Maps) -> object:
    return nx.spring_layout(maps.graph, seed=1)


def _benchmark(name: str, run, targets: dict, make=setup) -> Benchmark:
    return Benchmark(name, make, run, "nx_spring_layout" if HAS_SCIPY else None,
                     spring if HAS_SCIPY else None, targets=targets,
                     baseline_max_size=BASELINE_MAX_SIZE)


BENCHMARKS = [
    _benchmark("layout_layered", lambda m: layout.layered(m.doc),
               {2000: Target(seconds=3, ratio=5)}),
    _benchmark("layout_grouped", lambda m: layout.grouped(m.doc, "directorate"),
               {2000: Target(seconds=3, ratio=5)}),
    _benchmark("layout_organic", lambda m: layout.organic(m.doc, seed=1),
               {2000: Target(seconds=2, ratio=5), 10_000: Target(seconds=10)}),
    _benchmark("layout_tidy", lambda m: layout.tidy(m.doc),
               {500: Target(seconds=0.2), 2000: Target(seconds=0.2, ratio=5),
                10_000: Target(seconds=0.2)}, setup_tidy),
]
