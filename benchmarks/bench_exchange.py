"""Data exchange: Excel (.xlsx) and GraphML export and import, against plain openpyxl and
networkx doing the same files' raw work (see benchmarks/README.md, "Data exchange")."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import openpyxl

from benchmarks.bench_store import graphml_copy
from benchmarks.harness import Benchmark, Target
from servicemap import demo
from servicemap.graph.document import Document
from servicemap.io import graphml, sheets, xlsx


@functools.cache
def synthetic(size: int) -> Document:
    return demo.synthetic(size)


@dataclass
class Files:
    doc: Document
    rows: dict[str, list[list[object]]]  # the sheets' rows, for the openpyxl baseline
    graph: nx.MultiDiGraph                # the networkx baseline's graph
    xlsx: Path
    xlsx_out: Path
    naive_xlsx: Path
    graphml: Path
    graphml_out: Path
    nx_graphml: Path


def setup(size: int, folder: Path) -> Files:
    """Every input file written once, untimed; outputs go to separate paths."""
    doc = synthetic(size)
    files = Files(doc, sheets.rows_for(doc), graphml_copy(doc.graph), folder / "map.xlsx",
                  folder / "out.xlsx", folder / "naive.xlsx", folder / "map.graphml",
                  folder / "out.graphml", folder / "nx.graphml")
    xlsx.write_xlsx(doc, files.xlsx)
    graphml.write_graphml(doc, files.graphml)
    nx.write_graphml(files.graph, files.nx_graphml)
    return files


def naive_xlsx_write(f: Files) -> None:
    """Baseline: the same rows through openpyxl's write-only cells, no styling or checks."""
    wb = openpyxl.Workbook(write_only=True)
    for name, rows in f.rows.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(f.naive_xlsx)


def openpyxl_read(f: Files) -> int:
    """Baseline: openpyxl's read-only, values-only reader over every sheet (no checks)."""
    wb = openpyxl.load_workbook(f.xlsx, read_only=True, data_only=True)
    try:
        return sum(len(row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True))
    finally:
        wb.close()


FIVE_SECONDS = {10_000: Target(seconds=5.0)}

BENCHMARKS = [
    Benchmark("xlsx_export", setup, lambda f: xlsx.write_xlsx(f.doc, f.xlsx_out),
              "openpyxl_append", naive_xlsx_write, targets=FIVE_SECONDS),
    Benchmark("xlsx_import", setup, lambda f: xlsx.read_xlsx(f.xlsx),
              "openpyxl_readonly", openpyxl_read, targets=FIVE_SECONDS),
    Benchmark("graphml_export", setup, lambda f: graphml.write_graphml(f.doc, f.graphml_out),
              "nx_write_graphml", lambda f: nx.write_graphml(f.graph, f.nx_graphml),
              targets=FIVE_SECONDS),
    Benchmark("graphml_import", setup, lambda f: graphml.read_graphml(f.graphml),
              "nx_read_graphml", lambda f: nx.read_graphml(f.nx_graphml),
              targets=FIVE_SECONDS),
]
