"""Exporting maps as pictures (see README): the whole map as PNG at 150 DPI, SVG and PDF (A4),
from the document to the file, against networkx + Graphviz ``neato -n2`` on the same node
positions where Graphviz is installed. ``export_scene`` times the fresh scene alone.

Size 43 (``KM_SIZE``, the number of services in the bundled map) means the Kent and Medway
map itself: ``--sizes 43,500,2000,10000``. Peak memory is the whole-process peak RSS of a
fresh process that loads the map and exports it once (``python -m benchmarks.bench_export
NAME MAP.smap``).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from benchmarks.bench_store import synthetic
from benchmarks.harness import Benchmark, Target
from benchmarks.peak import peak_rss_mb
from benchmarks.processes import CLI, Command, children_cpu, map_files
from servicemap import demo, store
from servicemap.graph.document import Document
from servicemap.model import DRAWN_KINDS, EdgeKind, NodeKind
from servicemap.render import export
from servicemap.render.app import ensure_qapp
from servicemap.render.export import ExportOptions

KM_SIZE = 43           # --sizes 43: the bundled Kent and Medway map (43 services)
DPI = 150
POINTS = 72 / 96       # Graphviz works in points; scene units are px at 96 per inch
SHAPES = {NodeKind.SERVICE: "box", NodeKind.ACCESS_POINT: "ellipse", NodeKind.EXIT: "box"}
DOT_STYLES = {"referral": "solid", "escalation": "bold", "transfer": "dashed",
              "discharge": "dotted", "step_down": "dashed", "transition": "dashed",
              "signpost": "dotted"}


def kent_and_medway() -> Document:
    return demo.kent_and_medway()


def document(size: int) -> Document:
    return kent_and_medway() if size == KM_SIZE else synthetic(size)


@dataclass
class Job:
    doc: Document
    path: Path            # the map, saved (for the memory probe)
    out: Path             # the picture
    dot: Path             # the baseline's input


def setup(suffix: str) -> Callable[[int, Path], Job]:
    def make(size: int, folder: Path) -> Job:
        ensure_qapp()
        doc = document(size)
        job = Job(doc, folder / "map.smap", folder / f"out{suffix}", folder / "map.dot")
        store.save(doc, job.path)
        return job
    return make


def export_file(job: Job) -> None:
    """One A4 page (as Graphviz is fitted to A4), whatever the size of the names."""
    export.export_file(job.doc, job.out, ExportOptions(dpi=DPI, page="a4", pages="one"))


def build_scene(job: Job) -> None:
    export.prepare(job.doc, ExportOptions()).close()


# ----- the baseline: networkx + Graphviz neato -n2 on the same positions -----------------------
def baseline_graph(doc: Document) -> nx.MultiDiGraph:
    """What Graphviz draws: the drawn nodes at their positions (``pos`` in points, pinned),
    labelled, filled and shaped; flows with a line style and a width from their volume."""
    graph = nx.MultiDiGraph()
    graph.graph["graph"] = {"splines": "false", "outputorder": "edgesfirst"}
    graph.graph["node"] = {"style": "rounded,filled", "fontname": "Arial", "fontsize": "9",
                           "fixedsize": "true", "width": "2.36", "height": "0.61"}
    placed = {}
    for node, attrs in doc.graph.nodes(data=True):
        if attrs["kind"] in DRAWN_KINDS and attrs["x"] is not None and attrs["y"] is not None:
            placed[node] = attrs
            graph.add_node(node, label=attrs["name"], shape=SHAPES[attrs["kind"]],
                           pos=f"{attrs['x'] * POINTS:.1f},{-attrs['y'] * POINTS:.1f}!",
                           fillcolor="#fbe3b3" if attrs["kind"] == NodeKind.SERVICE
                           else "white", peripheries="2" if attrs["kind"] == NodeKind.EXIT
                           else "1")
    for u, v, _k, attrs in doc.graph.edges(keys=True, data=True):
        if attrs["kind"] == EdgeKind.FLOW and u in placed and v in placed:
            volume = attrs.get("volume_per_year") or 0
            graph.add_edge(u, v, style=DOT_STYLES.get(attrs["flow_type"], "solid"),
                           penwidth=f"{1 + min(volume, 2000) / 500:.1f}",
                           label=f"{volume:,g}" if volume else "")
    return graph


def _quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_dot(graph: nx.MultiDiGraph, path: Path) -> None:
    """networkx's own DOT writer (pygraphviz's to_agraph, else pydot); without either, the
    same DOT text written here."""
    try:
        nx.nx_agraph.write_dot(graph, path)
        return
    except ImportError:
        pass
    try:
        nx.nx_pydot.write_dot(graph, path)
        return
    except ImportError:
        pass
    lines = ["digraph map {"]
    for key in ("graph", "node"):
        lines.append(f"{key} [" + ", ".join(f"{k}={_quote(v)}" for k, v in
                                            graph.graph[key].items()) + "];")
    for node, attrs in graph.nodes(data=True):
        lines.append(f"{_quote(node)} [" + ", ".join(f"{k}={_quote(v)}"
                                                     for k, v in attrs.items()) + "];")
    for u, v, attrs in graph.edges(data=True):
        lines.append(f"{_quote(u)} -> {_quote(v)} [" + ", ".join(
            f"{k}={_quote(val)}" for k, val in attrs.items()) + "];")
    lines.append("}")
    path.write_text("\n".join(lines), encoding="utf-8")


def graphviz_ready() -> bool:
    return shutil.which("neato") is not None


def graphviz(fmt: str) -> Callable[[Job], None]:
    """Write the DOT file and render it with ``neato -n2`` (positions kept) to ``fmt``, fitted
    to A4 (``size``) like the export, at 150 DPI for PNG."""
    def run(job: Job) -> None:
        graph = baseline_graph(job.doc)
        xs = [float(a["pos"].split(",")[0]) for _n, a in graph.nodes(data=True)]
        ys = [float(a["pos"].split(",")[1].rstrip("!")) for _n, a in graph.nodes(data=True)]
        wide = (max(xs) - min(xs)) >= (max(ys) - min(ys))
        graph.graph["graph"]["size"] = "11.69,8.27" if wide else "8.27,11.69"
        write_dot(graph, job.dot)
        extra = [f"-Gdpi={DPI}"] if fmt == "png" else []
        subprocess.run(["neato", "-n2", f"-T{fmt}", *extra, "-o", str(job.out.with_suffix(
            f".gv.{fmt}")), str(job.dot)], check=True, capture_output=True)
    return run


# ----- peak memory: a fresh process per benchmark and size --------------------------------
def isolated_peak(name: str) -> Callable[[Job], float | None]:
    def measure(job: Job) -> float | None:
        done = subprocess.run([sys.executable, "-m", "benchmarks.bench_export", name,
                               str(job.path)], capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parent.parent)
        if done.returncode != 0:
            raise RuntimeError(f"memory probe for {name} failed:\n{done.stderr}")
        return json.loads(done.stdout.strip().splitlines()[-1])["peak_rss_mb"]
    return measure


FORMATS = {"export_png": ".png", "export_svg": ".svg", "export_pdf": ".pdf",
           "export_scene": ".png"}


def bench(name: str, run: Callable[[Job], None], seconds: float | None) -> Benchmark:
    suffix = FORMATS[name]
    baseline = {}
    if graphviz_ready() and name != "export_scene":
        baseline = {"baseline": "graphviz_neato", "baseline_run": graphviz(suffix[1:])}
    targets = {KM_SIZE: Target(seconds=0.5)}
    if seconds is not None:
        targets[10_000] = Target(seconds=seconds, memory_mb=600)
    return Benchmark(name, setup(suffix), run, targets=targets, memory=isolated_peak(name),
                     memory_kind="rss", **baseline)


# ----- the whole process: `servicemap export MAP out.pdf --page a0`, against main ---------------
ROOT = Path(__file__).resolve().parent.parent
MAIN_BRANCH = os.environ.get("SERVICEMAP_BENCH_MAIN", "main")  # the baseline's git revision
_main_trees: dict[str, Path | None] = {}


def main_tree() -> Path | None:
    """A copy of the ``main`` branch's files (``git archive``) in a temporary folder, made once
    per run; None outside a git checkout."""
    if MAIN_BRANCH not in _main_trees:
        import atexit
        import compileall
        import tarfile
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="servicemap-main-"))
        atexit.register(shutil.rmtree, folder, True)
        done = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", MAIN_BRANCH,
                               "servicemap"], capture_output=True)
        if done.returncode != 0:
            _main_trees[MAIN_BRANCH] = None
        else:
            archive = folder / "main.tar"
            archive.write_bytes(done.stdout)
            with tarfile.open(archive) as tar:
                tar.extractall(folder, filter="data")
            compileall.compile_dir(folder, quiet=1)  # as installed: no compiling in the runs
            _main_trees[MAIN_BRANCH] = folder
    return _main_trees[MAIN_BRANCH]


def cli_export(tree: Path, *flags: str) -> Callable[[Job], None]:
    """``python -m servicemap export MAP OUT.pdf FLAGS`` in a fresh process, with the code of
    ``tree`` first on the path: start-up, imports, loading and the export, as a user waits."""
    def run(job: Job) -> None:
        env = {**os.environ, "PYTHONPATH": str(tree), "QT_QPA_PLATFORM": "offscreen"}
        out = job.out.with_name(f"{tree.name}-{job.out.name}")
        subprocess.run([sys.executable, "-m", "servicemap", "export", str(job.path), str(out),
                        "--force", *flags], check=True, capture_output=True, cwd=tree, env=env)
    return run


def process_bench(name: str, flags: tuple[str, ...], main_flags: tuple[str, ...]) -> Benchmark:
    """This checkout's CLI with ``flags`` against main's with ``main_flags`` (main has no A0:
    its largest page is A3, one page whatever the size of the names)."""
    def baseline(job: Job) -> None:
        tree = main_tree()
        if tree is None:
            raise RuntimeError(f"no {MAIN_BRANCH} branch to compare with (git archive failed)")
        cli_export(tree, *main_flags)(job)

    return Benchmark(name, setup(".pdf"), cli_export(ROOT, *flags), baseline="main_a3_pdf",
                     baseline_run=baseline, targets={2000: Target(seconds=5.0)},
                     memory=lambda job: None, memory_kind="rss")


# ----- the whole process at scale (issue #21): `servicemap export big.smap out.png` -----------
@dataclass
class ProcessJob(Job):
    """A whole ``servicemap export MAP OUT`` (default options, as a user types it) by this
    checkout's code and by main's, each in a fresh process with its peak RSS."""

    cmd: Command | None = None
    main_cmd: Command | None = None
    times: list[float] = field(default_factory=list)  # this checkout's runs, in seconds
    neato_cpus: list[float] = field(default_factory=list)  # the baseline's, CPU seconds


def process_setup(suffix: str) -> Callable[[int, Path], ProcessJob]:
    def make(size: int, folder: Path) -> ProcessJob:
        path = map_files(size) / "map.smap"  # written once per size by this checkout's CLI
        job = ProcessJob(store.load(path), path, folder / f"out{suffix}", folder / "map.dot")
        args = ["export", str(path), str(job.out), "--force"]
        job.cmd = Command(CLI, args, ROOT)
        tree = main_tree()
        if tree is not None:
            job.main_cmd = Command(CLI, [*args[:2], str(folder / f"main{suffix}"), "--force"],
                                   tree)
        return job
    return make


def main_figures(job: ProcessJob) -> dict[str, float | None]:
    """Main's whole process on the same map, once (after the timed runs), and this checkout's
    best time as a ratio to it (above 1: faster than main)."""
    cpu = min(job.cmd.cpus) if job.cmd.cpus else None
    neato = min(job.neato_cpus) if job.neato_cpus else None
    ours = {"cpu_seconds": cpu, "neato_cpu_seconds": neato,
            "cpu_ratio_vs_neato": _ratio(neato, cpu)}
    if job.main_cmd is None:
        return {**ours, f"{MAIN_BRANCH}_seconds": None, f"ratio_vs_{MAIN_BRANCH}": None}
    start = time.perf_counter()
    job.main_cmd()
    seconds = time.perf_counter() - start
    best = min(job.times) if job.times else None
    main_cpu = job.main_cmd.cpus[-1] if job.main_cmd.cpus else None
    return {**ours, f"{MAIN_BRANCH}_seconds": round(seconds, 3),
            f"{MAIN_BRANCH}_peak_mb": job.main_cmd.peak(),
            f"ratio_vs_{MAIN_BRANCH}": _ratio(seconds, best),
            f"{MAIN_BRANCH}_cpu_seconds": main_cpu,
            f"cpu_ratio_vs_{MAIN_BRANCH}": _ratio(main_cpu, cpu)}


def _ratio(baseline: float | None, ours: float | None) -> float | None:
    """``baseline / ours`` (above 1: this checkout is faster), when both are known."""
    return round(baseline / ours, 3) if baseline and ours else None


def neato_timed(fmt: str) -> Callable[[ProcessJob], None]:
    """The ``neato -n2`` baseline, also noting its CPU seconds (POSIX), which on a shared
    machine vary far less than its wall time."""
    draw = graphviz(fmt)

    def run(job: ProcessJob) -> None:
        before = children_cpu()
        draw(job)
        after = children_cpu()
        if before is not None and after is not None:
            job.neato_cpus.append(round(after - before, 3))
    return run


def timed(job: ProcessJob) -> None:
    start = time.perf_counter()
    job.cmd()
    job.times.append(time.perf_counter() - start)


def whole_process(fmt: str) -> Benchmark:
    """``servicemap export MAP out.FMT`` as a whole process against Graphviz ``neato -n2`` on
    the same positions (fitted to A4) in the same run; main's figures beside them. Targets:
    10,000 services within 3 s, 50,000 within 15 s, peak RSS under 600 MB."""
    baseline = ({"baseline": "graphviz_neato", "baseline_run": neato_timed(fmt)}
                if graphviz_ready() else {})
    return Benchmark(f"export_{fmt}_whole", process_setup(f".{fmt}"), timed,
                     targets={10_000: Target(seconds=3.0, memory_mb=600),
                              50_000: Target(seconds=15.0, memory_mb=600)},
                     memory=lambda job: job.cmd.peak(), memory_kind="rss",
                     figures=main_figures, **baseline)


BENCHMARKS = [
    bench("export_scene", build_scene, None),
    bench("export_png", export_file, 2.0),
    bench("export_svg", export_file, 4.0),
    bench("export_pdf", export_file, 3.0),
    process_bench("export_a0_process", ("--page", "a0"), ("--page", "a3")),
    process_bench("export_a0_one_process", ("--page", "a0", "--one-page"), ("--page", "a3")),
    whole_process("png"),
    whole_process("svg"),
    whole_process("pdf"),
]


def probe(argv: list[str]) -> int:
    """Load a saved map, export it once and print this process's peak RSS."""
    name, path = argv
    ensure_qapp()
    doc = store.load(path)
    folder = Path(path).parent
    job = Job(doc, Path(path), folder / f"probe{FORMATS[name]}", folder / "probe.dot")
    next(b for b in BENCHMARKS if b.name == name).run(job)
    print(json.dumps({"name": name, "peak_rss_mb": peak_rss_mb()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(probe(sys.argv[1:]))
