"""Automatic layouts (``servicemap.graph.layout``) on synthetic maps, against networkx's
``spring_layout`` on the same graph (the drawn nodes and their flows), and the flow layout as
a whole process against Graphviz ``dot``.

The spring baseline needs numpy and scipy, which servicemap does not depend on; without them it
is left out (run ``uv run --with numpy --with scipy python -m benchmarks --only ...`` to
include it). It runs only up to 2,000 services: at 10,000 it takes minutes.

``layout_layered_process`` times ``servicemap layout MAP --method layered -o OUT.smap`` as a
whole process (open, lay out, write) beside ``dot -Tplain`` (rankdir=LR, the same boxes, the
same flows) as a process, and reports both drawings' crossings of straight flows between box
centres (``servicemap.graph.crossings``, counted the same way for both). Graphviz is only a
benchmark's baseline, never a servicemap dependency: install it with ``apt-get install
graphviz`` (or from graphviz.org); without ``dot`` on the PATH the baseline is left out with a
note. dot runs only up to 2,000 services (at 10,000 it takes minutes).
"""

from __future__ import annotations

import functools
import importlib.util
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from benchmarks.bench_store import synthetic
from benchmarks.harness import Benchmark, Target
from servicemap import demo, store
from servicemap.graph import crossings, layout, placement
from servicemap.graph.document import Document
from servicemap.model import DRAWN_KINDS, EdgeKind, NodeKind

BASELINE_MAX_SIZE = 2000
NEW_SHARE = 0.01  # tidy: the share of services that are new (unplaced), at least 5
HAS_SCIPY = all(importlib.util.find_spec(m) is not None for m in ("numpy", "scipy"))
DOT = shutil.which("dot")
DOT_MAX_SIZE = 2000
if DOT is None:
    print("bench_layout: Graphviz dot is not installed; layout_layered_process runs without "
          "its baseline (apt-get install graphviz)", file=sys.stderr)


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


def dot_source(doc: Document) -> tuple[str, dict[str, str]]:
    """The map's drawn nodes (boxes of their estimated size, in inches) and flows in dot's
    language, left to right; and dot's name for each node."""
    sizes = placement.default_sizes(doc)
    names = {n: f"n{i}" for i, n in enumerate(sorted(sizes))}
    lines = ["digraph map {", "rankdir=LR;", "node [shape=box, fixedsize=true];"]
    lines += [f"{names[n]} [width={w / 72:.4f}, height={h / 72:.4f}];"
              for n, (w, h) in sorted(sizes.items())]
    lines += [f"{names[u]} -> {names[v]};" for u, v in crossings.flow_pairs(doc)]
    return "\n".join(lines + ["}"]), names


def read_plain(text: str, names: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Box centres in points from dot's ``-Tplain`` output (y pointing down, as servicemap's)."""
    ids = {name: n for n, name in names.items()}
    return {ids[p[1]]: (float(p[2]) * 72, -float(p[3]) * 72)
            for p in (line.split() for line in text.splitlines()) if p and p[0] == "node"}


@dataclass
class Process:
    doc: Document
    path: Path
    out: Path
    dot: str
    names: dict[str, str]
    dot_out: list[str] = field(default_factory=list)  # dot's last -Tplain output


def setup_process(size: int, folder: Path) -> Process:
    doc = synthetic(size)
    path = folder / "map.smap"
    store.save(doc, path)
    source, names = dot_source(doc)
    return Process(doc, path, folder / "out.smap", source, names)


def layout_process(state: Process) -> None:
    subprocess.run([sys.executable, "-m", "servicemap", "layout", str(state.path), "--method",
                    "layered", "-o", str(state.out), "--force"], check=True,
                   stdout=subprocess.DEVNULL)


def dot_process(state: Process) -> None:
    done = subprocess.run([DOT, "-Tplain"], input=state.dot, capture_output=True, text=True,
                          check=True)
    state.dot_out[:] = [done.stdout]


def process_figures(state: Process) -> dict:
    """Crossings of servicemap's drawing and dot's (if it ran), and the layout's own time and
    the time to write its result (one more run of each in this process, so the open, the
    layout and the write are told apart)."""
    doc = store.load(state.out)
    start = time.perf_counter()
    layout.layered(state.doc)
    middle = time.perf_counter()
    store.save(doc, state.out)
    figures = {"layout_s": round(middle - start, 3),
               "write_s": round(time.perf_counter() - middle, 3),
               "crossings": crossings.map_crossings(doc)}
    if state.dot_out:
        where = read_plain(state.dot_out[0], state.names)
        figures["dot_crossings"] = crossings.count(where, crossings.flow_pairs(state.doc))
    elif DOT is None:
        figures["dot"] = "not installed"
    return figures


BENCHMARKS = [
    _benchmark("layout_layered", lambda m: layout.layered(m.doc),
               {2000: Target(seconds=3, ratio=5)}),
    Benchmark("layout_layered_process", setup_process, layout_process,
              "graphviz_dot" if DOT else None, dot_process if DOT else None,
              targets={2000: Target(seconds=2), 10_000: Target(seconds=10),
                       50_000: Target(seconds=30)},
              baseline_max_size=DOT_MAX_SIZE, figures=process_figures),
    _benchmark("layout_grouped", lambda m: layout.grouped(m.doc, "directorate"),
               {2000: Target(seconds=3, ratio=5)}),
    _benchmark("layout_organic", lambda m: layout.organic(m.doc, seed=1),
               {2000: Target(seconds=2, ratio=5), 10_000: Target(seconds=10)}),
    _benchmark("layout_tidy", lambda m: layout.tidy(m.doc),
               {500: Target(seconds=0.2), 2000: Target(seconds=0.2, ratio=5),
                10_000: Target(seconds=0.2)}, setup_tidy),
]
