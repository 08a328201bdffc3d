"""Whole-process benchmarks: a command run as a person runs it (a fresh Python process), timed
from start to exit, with its peak resident memory, beside the same command run by the code of
a named baseline commit in the same benchmark run.

The baseline is the code of :data:`BASELINE_REF` (main before the #21 command-line and store
work), taken out of git with ``git archive`` into a temporary folder (the repository is not
changed) and compiled to bytecode, as an installed release would be. Set the environment
variable ``SERVICEMAP_BASELINE_REF`` to compare with another commit or branch. Without git, or
outside a checkout, the rows have no baseline.
"""

from __future__ import annotations

import atexit
import compileall
import inspect
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import peak

ROOT = Path(__file__).resolve().parent.parent
CURRENT = ROOT  # the code under test: this checkout
BASELINE_REF = os.environ.get("SERVICEMAP_BASELINE_REF", "3e8581a")
BASELINE_NAME = f"main@{BASELINE_REF}"


def _scratch(prefix: str) -> Path:
    """A temporary folder, removed when the benchmark run ends."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder

# Run in the child after its command: report the peak RSS on stderr's last line. On Linux,
# VmHWM (getrusage's ru_maxrss would carry the parent's peak into the child across exec);
# elsewhere ru_maxrss, or psutil's peak working set on Windows (None without psutil).
_PEAK = inspect.getsource(peak.peak_rss_mb) + "_peak_mb = peak_rss_mb\n"

# ``servicemap ARGS``: exactly what the console script does (servicemap.cli:main).
CLI = "import sys\n" + _PEAK + '''
from servicemap.cli import main
try:
    code = main(sys.argv[1:])
finally:
    sys.stderr.write(f"\\nPEAK_MB {_peak_mb()}\\n")
sys.exit(code)
'''

# Opening a .smap map as the window does (read, check, build the document), nothing else.
OPEN = "import sys\n" + _PEAK + '''
from servicemap import store
store.load(sys.argv[1])
sys.stderr.write(f"\\nPEAK_MB {_peak_mb()}\\n")
'''

# A plain Python start and a bare ``import networkx``: named references for start-up times.
PYTHON = "import sys\n" + _PEAK + 'sys.stderr.write(f"\\nPEAK_MB {_peak_mb()}\\n")\n'
NETWORKX = "import sys\nimport networkx\n" + _PEAK + \
    'sys.stderr.write(f"\\nPEAK_MB {_peak_mb()}\\n")\n'


@dataclass
class Command:
    """One command to run in a fresh process with the code in ``code`` (a folder holding the
    ``servicemap`` package); ``peaks`` collects each run's peak RSS in MB."""

    script: str
    args: list[str]
    code: Path
    peaks: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)  # user + system seconds (POSIX only)
    # No bytecode: every run compiles every module it imports, as a first start after an
    # install that wrote none (or each start from a read-only one) does.
    compile_each_run: bool = False

    def __call__(self, _state: object = None) -> None:
        env = {**os.environ, "PYTHONPATH": str(self.code), "QT_QPA_PLATFORM": "offscreen"}
        if self.compile_each_run:
            env.update(PYTHONDONTWRITEBYTECODE="1",
                       PYTHONPYCACHEPREFIX=str(_scratch("servicemap-nopyc-")))
        before = children_cpu()
        # cwd: ``python -c`` puts the working folder first on sys.path, before PYTHONPATH
        proc = subprocess.run([sys.executable, "-c", self.script, *self.args], env=env,
                              cwd=self.code,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        _, _, last = proc.stderr.rpartition("\nPEAK_MB ")
        if proc.returncode not in (0, 1) or not last:
            raise RuntimeError(f"{self.args} failed ({proc.returncode}): {proc.stderr[-2000:]}")
        if last.strip() != "None":
            self.peaks.append(float(last))
        after = children_cpu()
        if before is not None and after is not None:
            self.cpus.append(after - before)

    def peak(self, _state: object = None) -> float | None:
        return max(self.peaks) if self.peaks else None


def children_cpu() -> float | None:
    """User + system CPU seconds of this process's finished children (None on Windows). On a
    shared, loaded machine this varies far less than wall time."""
    try:
        import resource
    except ImportError:
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


_baseline: list[Path | None] = []


def baseline_code() -> Path | None:
    """The folder holding the baseline's ``servicemap`` package (made once per run), or None
    where git cannot give it."""
    if not _baseline:
        _baseline.append(_extract(BASELINE_REF))
    return _baseline[0]


def _ref_exists(ref: str) -> bool:
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet",
                               f"{ref}^{{commit}}"], capture_output=True).returncode == 0
    except OSError:
        return False


def _extract(ref: str) -> Path | None:
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref,
                                  "servicemap", "resources"],  # demo reads the bundled map
                                 capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    folder = _scratch("servicemap-baseline-")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
            tar.extractall(folder, filter="data")
        else:
            tar.extractall(folder)
    compileall.compile_dir(folder, quiet=1)
    return folder


_maps: dict[tuple[int, Path], Path] = {}


def map_files(size: int, code: Path = CURRENT) -> Path:
    """A folder holding ``map.smap`` (``servicemap demo --services SIZE``; 43: the bundled Kent
    and Medway map) and ``map.json`` (its exchange file), written once per run by the command
    line of ``code`` (this checkout's, or the baseline's, so each side reads files in its own
    format: an older baseline cannot open a newer file); later benchmarks reuse them."""
    if (size, code) not in _maps:
        folder = _scratch(f"servicemap-bench-{size}-")
        demo = ["demo", str(folder / "map.smap")] + ([] if size == 43 else
                                                     ["--services", str(size)])
        Command(CLI, demo, code)()
        Command(CLI, ["export", str(folder / "map.smap"), str(folder / "map.json")], code)()
        _maps[size, code] = folder
    return _maps[size, code]


@dataclass
class Pair:
    """A command and the same command run by the baseline's code (None: no baseline)."""

    run: Command
    baseline: Command | None




def process_benchmark(name: str, script: str, args, targets=None, fixed_size=None,
                      compare: bool = True, **options):
    """A :class:`Benchmark` timing ``script`` with ``args(folder)`` (the map files' folder,
    the benchmark's own scratch folder) in a fresh process, beside the baseline's code."""
    from benchmarks.harness import Benchmark

    def setup(size: int, scratch: Path) -> Pair:
        code = baseline_code() if compare else None
        made = Pair(Command(script, args(map_files(size), scratch), CURRENT, **options),
                    None if code is None else
                    Command(script, args(map_files(size, code), scratch), code, **options))
        made.run()  # once untimed: the files are in the disk cache for both
        return made

    has_baseline = compare and _ref_exists(BASELINE_REF)
    return Benchmark(name, setup, lambda p: p.run(), BASELINE_NAME if has_baseline else None,
                     (lambda p: p.baseline()) if has_baseline else None,
                     targets=targets or {}, memory=lambda p: p.run.peak(),
                     memory_kind="rss", fixed_size=fixed_size, extra=_cpu_figures,
                     baseline_memory=lambda p: p.baseline.peak() if p.baseline else None)


def _cpu_figures(made: Pair) -> dict[str, float | None]:
    """The least CPU time of the runs of the command and of the baseline, and their ratio."""
    cpu = min(made.run.cpus) if made.run.cpus else None
    base = min(made.baseline.cpus) if made.baseline and made.baseline.cpus else None
    return {"cpu_seconds": cpu, "baseline_cpu_seconds": base,
            "cpu_ratio": round(base / cpu, 3) if cpu and base else None}
