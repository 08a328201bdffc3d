"""The benchmark runner: finds ``BENCHMARKS`` in every ``bench_*.py`` module, times each one
(best of N repeats) beside its baseline, measures its peak memory, prints a table and writes
``results.json``. Benchmarks are not tests: nothing here fails on a slow result."""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import math
import pkgutil
import platform
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_SIZES = (500, 2000, 10_000)
QUICK_SIZES = (200,)


@dataclass(frozen=True)
class Target:
    """What a benchmark should achieve at one size; None means no target for that figure."""

    seconds: float | None = None    # best time below this
    ratio: float | None = None      # at least this many times faster than the baseline
    memory_mb: float | None = None  # peak memory (traced, or RSS: see Benchmark.memory) below this

    def describe(self) -> str:
        parts = [f"<{self.seconds:g}s" if self.seconds is not None else "",
                 f">={self.ratio:g}x" if self.ratio is not None else "",
                 f"<{self.memory_mb:g}MB" if self.memory_mb is not None else ""]
        return " ".join(p for p in parts if p)

    def misses(self, row: Mapping[str, Any]) -> list[str]:
        """The figures of ``row`` that miss this target (empty: all met)."""
        missed = []
        if self.seconds is not None and row["seconds"] >= self.seconds:
            missed.append("time")
        if self.ratio is not None and (row["ratio"] or 0) < self.ratio:
            missed.append("ratio")
        if self.memory_mb is not None and (row["peak_memory_mb"] is None
                                           or row["peak_memory_mb"] >= self.memory_mb):
            missed.append("memory")  # an unmeasured peak (None) does not meet a target either
        return missed


@dataclass(frozen=True)
class Benchmark:
    """One measured operation. ``setup(size, folder)`` builds the state (untimed) in a
    temporary folder; ``run(state)`` and ``baseline_run(state)`` are timed.

    ``frames``: how many operations (frames) one ``run`` performs; the time reported is per
    operation. ``baseline_max_size``: run the baseline only up to this size. ``memory``: the
    benchmark's own peak-memory measure ``memory(state) -> MB or None`` instead of tracemalloc
    over one run, named by ``memory_kind`` in the results (e.g. ``"rss"``). ``figures``: other
    measures of the result, ``figures(state) -> {name: value}`` after the timed runs (such as
    a layout's crossings beside its baseline's), added to the row and printed below it."""

    name: str
    setup: Callable[[int, Path], Any]
    run: Callable[[Any], object]
    baseline: str | None = None
    baseline_run: Callable[[Any], object] | None = None
    targets: Mapping[int, Target] = field(default_factory=dict)  # by size
    frames: int = 1
    baseline_max_size: int | None = None
    memory: Callable[[Any], float | None] | None = None
    memory_kind: str = "traced"
    # The baseline's own peak (same kind as ``memory``), reported as ``baseline_peak_memory_mb``.
    baseline_memory: Callable[[Any], float | None] | None = None
    # Run once at this size whatever ``--sizes`` says (start-up times on a fixed small map).
    fixed_size: int | None = None
    # More figures for the row, ``extra(state) -> dict``, after the runs (printed below it).
    extra: Callable[[Any], Mapping[str, Any]] | None = None
    figures: Callable[[Any], Mapping[str, Any]] | None = None  # more figures, after the runs
    # A benchmark that times itself (in another process, as the real window's does):
    # ``timer(state)`` and ``baseline_timer(state)`` return seconds per operation (the best of
    # the repeats it made itself) or None when it cannot run here (the row is skipped).
    timer: Callable[[Any], float | None] | None = None
    baseline_timer: Callable[[Any], float | None] | None = None


def discover() -> list[Benchmark]:
    """Every benchmark in the ``bench_*.py`` modules of this package, in module order."""
    found: list[Benchmark] = []
    for info in sorted(pkgutil.iter_modules([str(HERE)]), key=lambda m: m.name):
        if info.name.startswith("bench_"):
            found += importlib.import_module(f"benchmarks.{info.name}").BENCHMARKS
    names = [b.name for b in found]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise SystemExit(f"benchmark names must be unique: {', '.join(sorted(duplicates))}")
    return found


def best_time(fn: Callable[[Any], object], state: Any, repeats: int) -> float:
    """The best wall-clock time of ``repeats`` runs (see README for why the best)."""
    best = math.inf
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn(state)
        best = min(best, time.perf_counter() - start)
    return best


def peak_memory_mb(fn: Callable[[Any], object], state: Any) -> float:
    """Peak memory allocated through Python during one run of ``fn`` alone, in MB."""
    gc.collect()
    tracemalloc.start()
    try:
        fn(state)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak / 2**20


def measure(bench: Benchmark, size: int, repeats: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="servicemap-bench-") as folder:
        state = bench.setup(size, Path(folder))
        baseline = bench.baseline if (bench.baseline_run or bench.baseline_timer) and (
            bench.baseline_max_size is None or size <= bench.baseline_max_size) else None
        if bench.timer is not None:
            seconds = bench.timer(state)
            base = bench.baseline_timer(state) if baseline and bench.baseline_timer else None
            if seconds is None:
                return {"name": bench.name, "size": size, "skipped": True}
        else:
            seconds = best_time(bench.run, state, repeats) / bench.frames
            base = best_time(bench.baseline_run, state, repeats) / bench.frames if baseline \
                else None
        peak = bench.memory(state) if bench.memory else peak_memory_mb(bench.run, state)
        base_peak = bench.baseline_memory(state) if baseline and bench.baseline_memory \
            else None
        extra = dict(bench.extra(state)) if bench.extra else {}
        figures = dict(bench.figures(state)) if bench.figures else {}
        del state  # close anything holding files before the folder goes
        gc.collect()
    return {"name": bench.name, "size": size, "seconds": round(seconds, 6),
            "baseline": baseline, "baseline_seconds": None if base is None
            else round(base, 6), "ratio": None if base is None else round(base / seconds, 3),
            "peak_memory_mb": None if peak is None else round(peak, 2),
            "baseline_peak_memory_mb": None if base_peak is None else round(base_peak, 2),
            "memory": bench.memory_kind, **extra,
            **({"figures": figures} if figures else {})}


COLUMNS = [("benchmark", 17), ("size", 7), ("seconds", 9), ("baseline", 13), ("base s", 9),
           ("ratio", 7), ("peak MB", 9), ("base MB", 9), ("target", 20), ("ok?", 12),
           ("vs earlier", 10)]


def _line(cells: list[str]) -> str:
    return "  ".join(f"{c:>{w}}" if i in (1, 2, 4, 5, 6, 7, 10) else f"{c:<{w}}"
                     for i, (c, (_, w)) in enumerate(zip(cells, COLUMNS, strict=True))).rstrip()


def format_row(row: Mapping[str, Any], target: Target | None,
               earlier: Mapping[str, Any] | None = None) -> str:
    """One line of the table; ``earlier``: the same benchmark and size from an earlier run
    (``--compare``), shown as its seconds over these (above 1: faster now)."""
    if row.get("skipped"):
        return _line([row["name"], str(row["size"]), "skipped", *["-"] * 8])
    then = earlier.get("seconds") if earlier else None
    versus = f"{then / row['seconds']:.2f}x" if then and row["seconds"] else "-"
    missed = target.misses(row) if target else []
    ok = "-" if target is None else "yes" if not missed else "NO " + ",".join(missed)
    return _line([row["name"], str(row["size"]), f"{row['seconds']:.3f}",
                  row["baseline"] or "-",
                  "-" if row["baseline_seconds"] is None else f"{row['baseline_seconds']:.3f}",
                  "-" if row["ratio"] is None else f"{row['ratio']:.2f}x",
                  _memory(row), "-" if row.get("baseline_peak_memory_mb") is None
                  else f"{row['baseline_peak_memory_mb']:.1f}",
                  target.describe() if target else "-", ok, versus])


def _memory(row: Mapping[str, Any]) -> str:
    """The peak in MB, marked with its kind unless traced by tracemalloc ("412.0 rss")."""
    peak = "?" if row["peak_memory_mb"] is None else f"{row['peak_memory_mb']:.1f}"
    kind = row.get("memory", "traced")
    return peak if kind == "traced" else f"{peak} {kind}"


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of whole numbers: {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive whole numbers")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description="Time servicemap against its baselines.")
    parser.add_argument("--sizes", type=_sizes, default=None,
                        help="comma-separated map sizes in services (default 500,2000,10000)")
    parser.add_argument("--only", default=None,
                        help="run only these benchmarks (comma-separated names)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="timed runs each, best reported (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: size 200, one repeat (unless --sizes/--repeats given)")
    parser.add_argument("--output", type=Path, default=HERE / "results.json",
                        help="where to write the results (default benchmarks/results.json)")
    parser.add_argument("--compare", type=Path, default=None,
                        help="an earlier results.json (e.g. of the last release): adds its "
                        "time over this run's as 'vs earlier'")
    args = parser.parse_args(argv)
    earlier = {} if args.compare is None else {
        (r["name"], r["size"]): r for r in json.loads(args.compare.read_text("utf-8"))}
    sizes = args.sizes or list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    repeats = args.repeats if args.repeats is not None else 1 if args.quick else 3
    if repeats < 1:
        parser.error("--repeats must be at least 1")
    benches = discover()
    if args.only:
        wanted = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = sorted(set(wanted) - {b.name for b in benches})
        if unknown:
            parser.error(f"no benchmark named {', '.join(unknown)}; there are: "
                         f"{', '.join(b.name for b in benches)}")
        benches = [b for b in benches if b.name in wanted]

    print(f"Python {platform.python_version()} on {platform.platform()}; best of {repeats}; "
          "peak memory traced by tracemalloc (marked rss: whole-process peak RSS, see README)")
    print(_line([name for name, _ in COLUMNS]))
    print(_line(["-" * width for _, width in COLUMNS]))
    rows = []
    for bench in benches:
        for size in sizes if bench.fixed_size is None else [bench.fixed_size]:
            row = measure(bench, size, repeats)
            rows.append(row)
            print(format_row(row, bench.targets.get(size), earlier.get((bench.name, size))),
                  flush=True)
            if row.get("cpu_seconds") is not None:
                base = row.get("baseline_cpu_seconds")
                print(f"{'':19}cpu {row['cpu_seconds']:.3f} s" + (
                    "" if base is None else f", baseline {base:.3f} s ({row['cpu_ratio']:.2f}x)"),
                    flush=True)
            if row.get("figures"):
                print("    " + "; ".join(f"{k} {v}" for k, v in row["figures"].items()),
                      flush=True)
    args.output.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {args.output}")
    return 0
