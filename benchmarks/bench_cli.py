"""How long the command line takes to start: ``servicemap --help``, ``info`` and ``validate`` of
the bundled Kent and Medway map (43 services) as whole processes, against the baseline
commit's code in the same run, with a bare Python start and a bare ``import networkx`` as
named references (see benchmarks/processes.py)."""

from __future__ import annotations

from benchmarks.harness import Target
from benchmarks.processes import CLI, NETWORKX, PYTHON, process_benchmark

SMALL = 43  # the bundled map
START = {SMALL: Target(seconds=0.5)}


def _smap(folder, _scratch):
    return str(folder / "map.smap")


BENCHMARKS = [
    process_benchmark("cli_help", CLI, lambda *_: ["--help"], START, SMALL),
    process_benchmark("cli_info", CLI, lambda m, s: ["info", _smap(m, s)], START, SMALL),
    process_benchmark("cli_validate", CLI, lambda m, s: ["validate", _smap(m, s)], START,
                      SMALL),
    # Without bytecode (compiled on every start): what a fresh install that wrote none costs.
    process_benchmark("cli_help_nopyc", CLI, lambda *_: ["--help"], fixed_size=SMALL,
                      compile_each_run=True),
    process_benchmark("cli_info_nopyc", CLI, lambda m, s: ["info", _smap(m, s)],
                      fixed_size=SMALL, compile_each_run=True),
    process_benchmark("python_start", PYTHON, lambda *_: [], fixed_size=SMALL, compare=False),
    process_benchmark("import_networkx", NETWORKX, lambda *_: [], fixed_size=SMALL,
                      compare=False),
]
