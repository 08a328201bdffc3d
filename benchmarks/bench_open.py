"""Opening a map in the real window on a virtual X screen (issue #21, "Start"): the longest
time the UI thread does not answer while a map is opened, and what ran then.

A 10 ms heartbeat timer runs on the UI thread; a watchdog thread samples the UI thread's Python
stack whenever a beat is more than ``STALL`` late, so every stall is reported with where it was
spent. Each figure comes from a fresh process on the virtual screen (bench_window's helpers):

* ``python -m benchmarks.bench_open launch MAP``: the app as ``servicemap MAP`` starts it
  (:func:`servicemap.ui.app.run`: splash, window, the map read and drawn in the background).
* ``python -m benchmarks.bench_open open MAP``: the window on the bundled map, then MAP opened
  as File > Open does (:meth:`FileController.open_any`).

Both print JSON: ``stall`` (longest gap in seconds, from when the window is on screen until the
map is shown and the window idle), ``stalls`` (each gap over ``STALL``: seconds and the
servicemap frames seen most during it), ``window`` (process start to the window shown, for
``launch``; ``splash``: to the splash shown), ``shown`` (to the map shown) and
``peak_rss_mb``. ``python -m benchmarks.bench_open report MAP...`` prints a table.
"""

from __future__ import annotations

import collections
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchmarks.bench_window import ROOT, Runs, child_env, peak_rss_mb, setup
from benchmarks.harness import Benchmark, Target

STALL = 0.1      # a UI thread gap longer than this is a stall (#21: never over 100 ms)
BEAT_MS = 10
SETTLE = 1.5     # seconds the window is watched after the map is shown
TIMEOUT = 600



def _process_age() -> float:
    """Seconds since this process started (Linux; 0 elsewhere)."""
    try:
        import os

        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return max(0.0, uptime - ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, AttributeError):
        return 0.0


START = time.perf_counter() - _process_age()  # times are from the process's start


class Watch:
    """The heartbeat (UI thread) and the watchdog (its own thread) of one probe."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.main = threading.get_ident()
        self.last = time.perf_counter()
        self.gaps: list[tuple[float, float, collections.Counter]] = []
        self.samples: collections.Counter = collections.Counter()
        self.active = False
        self.timer = QTimer()
        self.timer.setInterval(BEAT_MS)
        self.timer.timeout.connect(self.beat)
        self.timer.start()
        threading.Thread(target=self._watch, daemon=True).start()

    def beat(self) -> None:
        now = time.perf_counter()
        gap = now - self.last
        if self.active and gap > STALL:
            self.gaps.append((self.last - START, gap, self.samples))
        self.samples = collections.Counter()
        self.last = now

    def _watch(self) -> None:
        while True:
            time.sleep(0.02)
            if self.active and time.perf_counter() - self.last > STALL * 0.8:
                frame = sys._current_frames().get(self.main)
                self.samples[_where(frame)] += 1

    def report(self) -> dict:
        self.timer.stop()
        stalls = [{"at": round(at, 3), "seconds": round(gap, 3),
                   "where": [f"{n}x {w}" for w, n in samples.most_common(3)]}
                  for at, gap, samples in self.gaps]
        return {"stall": max((g for _a, g, _s in self.gaps), default=0.0), "stalls": stalls}


def _where(frame) -> str:
    """The innermost servicemap frames of a stack, innermost first (else the innermost)."""
    chain, inner = [], None
    while frame is not None:
        code = frame.f_code
        name = f"{Path(code.co_filename).name}:{frame.f_lineno} {code.co_name}"
        inner = inner or name
        if "servicemap" in code.co_filename and "benchmarks" not in code.co_filename:
            chain.append(name)
            if len(chain) == 3:
                break
        frame = frame.f_back
    if not chain:
        return inner or "?"
    return (f"{inner} < " if inner != chain[0] else "") + " < ".join(chain)


def _shown(window, path: Path) -> bool:
    opening = window.files.opening
    return (window.session.path == path and window.scene is not None
            and (opening is None or opening.done))


def probe_launch(path: str) -> dict:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QSplashScreen

    from servicemap.render.app import ensure_qapp
    from servicemap.ui import app as ui_app

    target = Path(path)
    qapp = ensure_qapp()
    watch = Watch()
    found: dict = {}

    def look() -> None:
        now = time.perf_counter() - START
        if "splash" not in found and any(isinstance(w, QSplashScreen) and w.isVisible()
                                         for w in QApplication.topLevelWidgets()):
            found["splash"] = now
        window = next((w for w in QApplication.topLevelWidgets()
                       if w.objectName() == "" and hasattr(w, "files") and w.isVisible()),
                      None)
        if window is None:
            return
        if "window" not in found:
            found["window"] = now
            watch.active = True
            watch.last = time.perf_counter()
        if "shown" not in found and _shown(window, target):
            found["shown"] = now
            QTimer.singleShot(int(SETTLE * 1000), qapp.quit)
        if now > TIMEOUT:
            qapp.quit()
    poll = QTimer()
    poll.setInterval(5)
    poll.timeout.connect(look)
    poll.start()
    ui_app.run(str(target))
    return {**watch.report(), **found, "peak_rss_mb": peak_rss_mb()}


def probe_open(path: str) -> dict:
    from PySide6.QtCore import QEventLoop, QTimer

    from benchmarks.bench_window import SCREEN
    from servicemap import demo
    from servicemap.render.app import ensure_qapp
    from servicemap.ui.app import make_window

    target = Path(path)
    ensure_qapp()
    window = make_window()
    window.showMaximized()
    window.setGeometry(0, 0, *SCREEN)  # there is no window manager on the virtual screen
    window.files.open_bundled(demo.kent_and_medway())
    loop = QEventLoop()
    QTimer.singleShot(1500, loop.quit)
    loop.exec()
    watch = Watch()
    watch.active = True
    start = time.perf_counter()
    found: dict = {}

    def look() -> None:
        if "shown" not in found and _shown(window, target):
            found["shown"] = time.perf_counter() - start
            QTimer.singleShot(int(SETTLE * 1000), loop.quit)
    poll = QTimer()
    poll.setInterval(5)
    poll.timeout.connect(look)
    poll.start()
    QTimer.singleShot(0, lambda: window.files.open_any(target, ask_save=False))
    QTimer.singleShot(TIMEOUT * 1000, loop.quit)
    loop.exec()
    return {**watch.report(), **found, "peak_rss_mb": peak_rss_mb()}


def run_probe(what: str, path: Path, home: Path) -> dict:
    done = subprocess.run([sys.executable, "-m", "benchmarks.bench_open", what, str(path)],
                          capture_output=True, text=True, cwd=ROOT, env=child_env(home),
                          timeout=TIMEOUT + 60)
    if done.returncode != 0:
        raise RuntimeError(f"open probe {what} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _figure(what: str, key: str):
    def read(runs: Runs | None):
        if runs is None:
            return None
        name = f"open_probe_{what}"
        if name not in runs.results:
            try:
                runs.results[name] = run_probe(what, runs.path, runs.home)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                print(f"{what} on {runs.path.name} failed: {exc}", flush=True)
                runs.results[name] = {}
        return runs.results[name].get(key)
    return read


def _bench(name: str, what: str, key: str, targets=None) -> Benchmark:
    return Benchmark(name, setup, run=lambda runs: None, targets=targets or {},
                     timer=_figure(what, key), memory=_figure(what, "peak_rss_mb"),
                     memory_kind="rss")


_NO_STALL = {n: Target(seconds=STALL) for n in (1000, 10_000, 50_000)}
BENCHMARKS = [
    _bench("open_launch_stall", "launch", "stall", _NO_STALL),
    _bench("open_file_open_stall", "open", "stall", _NO_STALL),
]


def report(paths: list[str]) -> None:
    """A table of both probes on each map (run by hand: ``report MAP...``)."""
    import tempfile

    for path in paths:
        for what in ("launch", "open"):
            home = Path(tempfile.mkdtemp(prefix="servicemap-open-bench-"))
            result = run_probe(what, Path(path), home)
            print(f"{Path(path).name} {what}: longest gap {result['stall']:.3f} s, "
                  f"splash {result.get('splash', 0):.2f} s, "
                  f"window {result.get('window', 0):.2f} s, "
                  f"shown {result.get('shown', 0):.2f} s, "
                  f"peak {result['peak_rss_mb']:.0f} MB", flush=True)
            for stall in result["stalls"]:
                print(f"   {stall['seconds']:.3f} s at {stall['at']:.2f}: "
                      + " | ".join(stall["where"]), flush=True)


def main(argv: list[str]) -> int:
    what, *paths = argv
    if what == "report":
        report(paths)
        return 0
    result = probe_launch(paths[0]) if what == "launch" else probe_open(paths[0])
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
