"""Opening and saving .smap files: in this process against networkx GraphML on the same graph;
as whole processes (``servicemap info``, ``validate``, ``import`` and an open) against the
baseline commit's code in the same run (see benchmarks/processes.py)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from benchmarks.harness import Benchmark, Target
from benchmarks.processes import CLI, OPEN, process_benchmark
from servicemap import demo, store
from servicemap.graph.document import Document

GRAPHML_TYPES = (str, int, float, bool)  # what networkx.write_graphml can write


@functools.cache
def synthetic(size: int) -> Document:
    return demo.synthetic(size)


def graphml_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of a map's graph without the values GraphML cannot hold (None and the like)."""
    def keep(attrs: dict) -> dict:
        return {k: v for k, v in attrs.items() if type(v) in GRAPHML_TYPES}

    copy = nx.MultiDiGraph()
    copy.graph.update(keep(graph.graph))
    copy.add_nodes_from((n, keep(a)) for n, a in graph.nodes(data=True))
    copy.add_edges_from((u, v, k, keep(a)) for u, v, k, a in graph.edges(keys=True, data=True))
    return copy


@dataclass
class Files:
    doc: Document
    graph: nx.MultiDiGraph  # the baseline's graph
    smap: Path
    graphml: Path


def setup(size: int, folder: Path) -> Files:
    """Both files already exist, so every timed save replaces a file (and keeps a .bak), as
    saving an open map does."""
    doc = synthetic(size)
    files = Files(doc, graphml_copy(doc.graph), folder / "map.smap", folder / "map.graphml")
    store.save(doc, files.smap)
    nx.write_graphml(files.graph, files.graphml)
    return files


BENCHMARKS = [
    Benchmark("save", setup, lambda f: store.save(f.doc, f.smap),
              "graphml_write", lambda f: nx.write_graphml(f.graph, f.graphml),
              targets={10_000: Target(seconds=1.0, ratio=3, memory_mb=300)}),
    Benchmark("open", setup, lambda f: store.load(f.smap),
              "graphml_read", lambda f: nx.read_graphml(f.graphml),
              targets={10_000: Target(seconds=1.0, ratio=3, memory_mb=300)}),
    # Whole processes, timed from start to exit, peak RSS; the map from `servicemap demo`.
    process_benchmark("info_process", CLI, lambda m, _: ["info", str(m / "map.smap")],
                      {10_000: Target(seconds=1.0), 100_000: Target(seconds=8.0,
                                                                    memory_mb=400)}),
    process_benchmark("validate_process", CLI,
                      lambda m, _: ["validate", str(m / "map.smap")],
                      {10_000: Target(seconds=1.0), 100_000: Target(seconds=8.0)}),
    process_benchmark("open_process", OPEN, lambda m, _: [str(m / "map.smap")],
                      {10_000: Target(seconds=1.0), 100_000: Target(seconds=8.0)}),
    process_benchmark("import_process", CLI,
                      lambda m, out: ["import", str(m / "map.json"), str(out / "out.smap"),
                                      "--force"]),
]
