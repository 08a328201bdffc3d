"""Ids made from repeated names (issue #19): ``servicemap import`` of a CSV folder whose Flows
sheet has N rows between the same two services (each flow's id made from "a-to-b"), and of a
GraphML file whose N edges all have the id "e", as whole processes beside the baseline
commit's code in the same run (benchmarks/processes.py). Linear code takes about twice as
long for twice the rows; the baseline's, which counted up from "-2" for every repeat, took
four times as long."""

from __future__ import annotations

from pathlib import Path

from benchmarks.harness import Benchmark
from benchmarks.processes import (
    BASELINE_NAME,
    BASELINE_REF,
    CLI,
    CURRENT,
    Command,
    Pair,
    _ref_exists,
    baseline_code,
)


def _flows_folder(rows: int, scratch: Path) -> Path:
    folder = scratch / f"flows-{rows}"
    folder.mkdir(exist_ok=True)
    (folder / "Services.csv").write_text("id,name,kind\na,A,service\nb,B,service\n",
                                         encoding="utf-8")
    (folder / "Flows.csv").write_text("from,to,flow_type\n" + "A,B,referral\n" * rows,
                                      encoding="utf-8")
    return folder


def _graphml(edges: int, scratch: Path) -> Path:
    path = scratch / f"repeated-{edges}.graphml"
    nodes = "".join(f'<node id="n{i}"/>' for i in range(edges + 1))
    links = "".join(f'<edge id="e" source="n{i}" target="n{i + 1}"/>' for i in range(edges))
    path.write_text('<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/'
                    f'xmlns"><graph edgedefault="directed">{nodes}{links}</graph></graphml>',
                    encoding="utf-8")
    return path


def _benchmark(name: str, write) -> Benchmark:
    """``servicemap import INPUT OUT.smap`` with INPUT made by ``write(size, folder)``, in a
    fresh process, beside the same command run by the baseline's code."""
    def setup(size: int, folder: Path) -> Pair:
        args = ["import", str(write(size, folder)), str(folder / "out.smap"), "--force"]
        code = baseline_code()
        made = Pair(Command(CLI, args, CURRENT), None if code is None else
                    Command(CLI, args, code))
        made.run()  # once untimed: the input is in the disk cache for both
        return made

    has_baseline = _ref_exists(BASELINE_REF)
    return Benchmark(name, setup, lambda p: p.run(), BASELINE_NAME if has_baseline else None,
                     (lambda p: p.baseline()) if has_baseline else None,
                     memory=lambda p: p.run.peak(), memory_kind="rss")


BENCHMARKS = [
    _benchmark("import_repeated_flow_ids", _flows_folder),
    _benchmark("import_repeated_graphml_ids", _graphml),
]
