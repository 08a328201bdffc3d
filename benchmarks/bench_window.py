"""The real main window on a virtual X screen (Xvfb, 1600x1000): launch to the first painted
coloured frame, pan, zoom and drag frames at fit, 25% and 100%, select all, the flow layout
and its undo, peak RSS; beside a plain QGraphicsScene of the same rect and line items in a view
of the same size, default settings (see README).

Each figure is measured in fresh processes on the virtual screen; this harness process (which
may hold an offscreen QApplication of other benchmarks) only starts them:

* ``python -m benchmarks.bench_window window MAP``: the real ``MainWindow`` (every feature,
  docks open), the map opened as File > Open does, maximised; prints every per-operation
  figure and the peak RSS as JSON.
* ``python -m benchmarks.bench_window plain MAP W H``: the baseline, the same operations on a
  default ``QGraphicsScene`` in a ``QGraphicsView`` whose viewport is W x H (the real canvas's).
* ``python -m benchmarks.bench_window launch MAP [plain]``: starts ``servicemap MAP`` (or the
  plain window, ``plainapp``) as a process and grabs the screen until the middle of it shows a
  coloured map; prints the seconds from the start of the process.
"""

from __future__ import annotations

import atexit
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.harness import Benchmark, Target

ROOT = Path(__file__).resolve().parent.parent
SCREEN = (1600, 1000)
FRAMES = 10           # frames per figure, alternately one way and back
PAN_STEP = 200        # pixels per pan frame
DRAG_ITEMS = 20       # boxes moved together in a drag frame
DRAG_STEP = 5.0       # scene units per drag frame
ZOOMS = ("fit", "25", "100")
LAUNCH_TIMEOUT = 300  # seconds before a launch counts as failed
COLOUR_WAIT = 20      # seconds the screen may stay unchanged (no progress) before a launch
# counts as never showing a coloured map
COLOURED_PIXELS = 2000  # a launch is done when the middle of the screen has this many (a
# progress bar has about 300)
SPLASH = (0x00, 0x5E, 0xB8)  # the splash's NHS blue is not a map
SETTLE = 0.4          # seconds of idle event processing counted after an action
PLAIN_MOVE_ALL_MAX = 20_000  # boxes: the plain scene's move_all is not run on larger maps
# (a default BSP index moving every item: 96-390 s at 10,000, well over an hour at 50,000)


# ----- the virtual screen (harness side) --------------------------------------------------
_display: list[str | None] = []


def display() -> str | None:
    """A running Xvfb's display name (started once per harness process, ended at exit), or
    None with a message when Xvfb is not installed and cannot be."""
    if _display:
        return _display[0]
    if shutil.which("Xvfb") is None and shutil.which("apt-get") and hasattr(os, "geteuid") \
            and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "xvfb", "libxcb-cursor0"],
                       capture_output=True, check=False)
    if shutil.which("Xvfb") is None:
        print("window benchmarks skipped: Xvfb is not installed (apt-get install xvfb)",
              flush=True)
        _display.append(None)
        return None
    for number in range(170, 260):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and \
                not Path(f"/tmp/.X{number}-lock").exists():
            break
    name = f":{number}"
    server = subprocess.Popen(["Xvfb", name, "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24",
                               "-nolisten", "tcp"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    atexit.register(server.terminate)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    _display.append(name)
    return name


def child_env(home: Path) -> dict[str, str]:
    """The environment of a process on the virtual screen; its settings, recent maps and
    recovery folder go to ``home`` (never the user's own)."""
    env = dict(os.environ, DISPLAY=display() or "", QT_QPA_PLATFORM="xcb", HOME=str(home),
               XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
               XDG_CACHE_HOME=str(home / "cache"), XDG_RUNTIME_DIR=str(home / "runtime"))
    (home / "runtime").mkdir(parents=True, exist_ok=True, mode=0o700)
    return env


def _probe(args: list[str], home: Path) -> dict:
    done = subprocess.run([sys.executable, "-m", "benchmarks.bench_window", *args],
                          capture_output=True, text=True, cwd=ROOT, env=child_env(home),
                          timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"window probe {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@dataclass
class Runs:
    """One map and every figure measured on it (each probe runs once, on first use)."""

    path: Path
    home: Path
    results: dict[str, dict] = field(default_factory=dict)

    def get(self, probe: str) -> dict:
        if probe not in self.results:
            if probe == "window":
                self.results[probe] = _probe(["window", str(self.path)], self.home)
            elif probe == "plain":
                w, h = self.get("window")["viewport"]
                self.results[probe] = _probe(["plain", str(self.path), str(w), str(h)],
                                             self.home)
            else:  # launch, launch_plain
                self.results[probe] = _probe(["launch", str(self.path),
                                              *(["plain"] if probe == "launch_plain" else [])],
                                             self.home)
        return self.results[probe]


_maps: dict[int, Runs] = {}


def setup(size: int, folder: Path) -> Runs | None:
    """The map of ``servicemap demo --services N`` (made once per size, as a process), and the
    probes' figures shared by every window benchmark of that size."""
    if display() is None:
        return None
    if size not in _maps:
        home = Path(tempfile.mkdtemp(prefix="servicemap-window-bench-"))
        atexit.register(shutil.rmtree, home, True)
        path = home / f"demo-{size}.smap"
        subprocess.run([sys.executable, "-m", "servicemap.cli", "demo", str(path),
                        "--services", str(size)], check=True, cwd=ROOT, capture_output=True)
        _maps[size] = Runs(path, home)
    return _maps[size]


def _read(runs: Runs | None, probe: str, key: str) -> float | None:
    """One figure of a probe; None (the row is skipped) when the probe failed, with why."""
    if runs is None:
        return None
    try:
        return runs.get(probe).get(key)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        print(f"{probe} on {runs.path.name} failed: {exc}", flush=True)
        runs.results[probe] = {}
        return None


def figure(probe: str, key: str) -> Callable[[Runs | None], float | None]:
    return lambda runs: _read(runs, probe, key)


def window_bench(name: str, key: str, baseline: str | None = None,
                 base_key: str | None = None, probe: str = "window",
                 base_probe: str = "plain", targets=None) -> Benchmark:
    """A row read from ``probe``'s figures; its peak RSS is that probe's process's."""
    def cpu(runs: Runs | None) -> dict[str, float]:
        """The UI thread's CPU seconds, this and the baseline's (the probes' ``_cpu``)."""
        found = {"cpu_s": _read(runs, probe, f"{key}_cpu")}
        if baseline:
            found["baseline_cpu_s"] = _read(runs, base_probe, f"{base_key or key}_cpu")
        return {k: round(v, 4) for k, v in found.items() if v is not None}
    return Benchmark(name, setup, run=lambda runs: None, baseline=baseline,
                     targets=targets or {}, memory=figure(probe, "peak_rss_mb"),
                     memory_kind="rss",
                     timer=figure(probe, key),
                     baseline_timer=figure(base_probe, base_key or key) if baseline else None,
                     figures=cpu if probe == "window" else None)


def _frame_targets(limit_10k: float, limit_50k: float) -> dict[int, Target]:
    return {10_000: Target(seconds=limit_10k), 50_000: Target(seconds=limit_50k,
                                                              memory_mb=1500)}


BENCHMARKS = [
    window_bench("window_launch", "window", "plain_window", probe="launch",
                 base_probe="launch_plain", targets={1000: Target(seconds=1.0),
                                                     10_000: Target(seconds=1.0),
                                                     50_000: Target(seconds=1.0)}),
    window_bench("window_coloured", "seconds", "plain_window", probe="launch",
                 base_probe="launch_plain", targets={50_000: Target(memory_mb=1500)}),
    *[window_bench(f"window_{op}_{zoom}", f"{op}_{zoom}", "plain_scene",
                   targets=_frame_targets(0.050, 0.100))
      for op in ("pan", "zoom", "drag") for zoom in ZOOMS],
    *[window_bench(f"window_zoom_smooth_{zoom}", f"zoom_smooth_{zoom}", "plain_scene",
                   targets=_frame_targets(0.050, 0.100)) for zoom in ZOOMS],
    window_bench("window_open", "open"),
    window_bench("window_open_stall", "open_stall",
                 targets={10_000: Target(seconds=0.1), 50_000: Target(seconds=0.1)}),
    window_bench("window_select_all", "select_all", "plain_scene",
                 targets={10_000: Target(seconds=0.2), 50_000: Target(seconds=0.2)}),
    window_bench("window_layout", "layout"),
    window_bench("window_layout_undo", "undo", "plain_move_all", base_key="move_all",
                 targets={10_000: Target(seconds=1.0), 50_000: Target(seconds=1.0)}),
]


# ----- inside a probe process (on the virtual screen) --------------------------------------
def peak_rss_mb() -> float | None:
    from benchmarks.peak import peak_rss_mb as peak_of_process
    return peak_of_process()


class Clock:
    """Times what an action costs the UI thread: the action itself plus every event the loop
    then delivers (paints, debounced panel refreshes) until it has been idle for SETTLE s."""

    def __init__(self, app) -> None:
        self.app = app

    def settle(self) -> float:
        busy, quiet_since = 0.0, time.perf_counter()
        while time.perf_counter() - quiet_since < SETTLE:
            start = time.perf_counter()
            self.app.processEvents()
            spent = time.perf_counter() - start
            busy += spent
            if spent > 0.002:
                quiet_since = time.perf_counter()
            else:
                time.sleep(0.002)
        return busy

    cpu = 0.0  # the UI thread's CPU seconds in the last time() or per frame of frames()

    def time(self, action: Callable[[], object]) -> float:
        self.settle()
        start, cpu = time.perf_counter(), time.thread_time()
        action()
        spent = time.perf_counter() - start
        spent += self.settle()
        self.cpu = time.thread_time() - cpu
        return spent

    def frames(self, step: Callable[[int], object], paint: Callable[[], object]) -> float:
        """Seconds per frame: ``step(i)`` then the paint it causes, FRAMES times (and
        :attr:`cpu`: the UI thread's CPU seconds per frame, which other processes on a
        loaded machine change far less than they change the wall time)."""
        self.settle()
        start, cpu = time.perf_counter(), time.thread_time()
        for i in range(FRAMES):
            step(i)
            paint()
        self.cpu = (time.thread_time() - cpu) / FRAMES
        return (time.perf_counter() - start) / FRAMES


def painter_of(app, viewport) -> Callable[[], object]:
    """Deliver the events a change queued (the paint among them), as the event loop would;
    repaint if none came (nothing on screen changed would still cost a frame on a real one)."""
    from PySide6.QtCore import QEvent, QObject

    class Count(QObject):
        paints = 0

        def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Paint:
                Count.paints += 1
            return False

    counter = Count()
    viewport.installEventFilter(counter)
    painter_of.keep = counter  # the filter lives as long as the probe

    def paint() -> None:
        before = Count.paints
        app.processEvents()
        if Count.paints == before:
            viewport.repaint()
    return paint


def frame_figures(clock: Clock, view, paint, set_zoom: Callable[[str], object],
                  movable: Callable[[], list], drag: Callable[[list, float], object],
                  zoom_by: Callable[[float], object], press=lambda: None,
                  release=lambda: None) -> dict[str, float]:
    """Pan, zoom and drag frames at each of ZOOMS; a drag is ``press()`` (a mouse press on a
    selected box), FRAMES moves, ``release()``."""
    figures: dict[str, float] = {}
    for zoom in ZOOMS:
        set_zoom(zoom)
        clock.settle()
        bar = view.horizontalScrollBar()

        def pan(i: int, bar=bar) -> None:
            delta = PAN_STEP if i % 2 == 0 else -PAN_STEP
            if not bar.minimum() <= bar.value() + delta <= bar.maximum():
                delta = -delta
            bar.setValue(bar.value() + delta)
        figures[f"pan_{zoom}"] = clock.frames(pan, paint)
        figures[f"pan_{zoom}_cpu"] = clock.cpu
        figures[f"zoom_{zoom}"] = clock.frames(
            lambda i: zoom_by(1.25 if i % 2 == 0 else 1 / 1.25), paint)
        figures[f"zoom_{zoom}_cpu"] = clock.cpu
        # what the loop then does until idle: the window's smooth repaint once zooming pauses
        cpu = time.thread_time()
        figures[f"zoom_smooth_{zoom}"] = clock.settle()
        figures[f"zoom_smooth_{zoom}_cpu"] = time.thread_time() - cpu
        set_zoom(zoom)
        items = movable()
        press()
        figures[f"drag_{zoom}"] = clock.frames(
            lambda i, items=items: drag(items, DRAG_STEP if i % 2 == 0 else -DRAG_STEP), paint)
        figures[f"drag_{zoom}_cpu"] = clock.cpu
        release()
    return figures


def timed(clock: Clock, figures: dict, name: str, action: Callable[[], object]) -> None:
    """``figures[name]``: what ``action`` costs the UI thread until idle; ``name_cpu``: its
    CPU seconds."""
    figures[name] = clock.time(action)
    figures[f"{name}_cpu"] = clock.cpu


def probe_window(path: str) -> dict:
    from PySide6.QtCore import QPointF, QRectF
    from PySide6.QtWidgets import QApplication

    from servicemap.render.items import NodeItem
    from servicemap.ui.app import make_window
    from servicemap.ui.file_safety import Recovery
    from servicemap.ui.window.settings import Settings

    app = QApplication.instance() or QApplication([])
    home = Path(os.environ["HOME"])
    window = make_window(Recovery(home / "recovery"), Settings.user())
    heartbeat = Heartbeat()
    start = time.perf_counter()
    window.files.open_any(path, ask_save=False)  # as File > Open does
    window.showMaximized()
    window.setGeometry(0, 0, *SCREEN)  # there is no window manager on the virtual screen
    clock = Clock(app)
    while window.doc is None or not window.scene.nodes:  # the map is read and drawn
        app.processEvents()
        time.sleep(0.002)
    opened = time.perf_counter() - start
    clock.settle()
    open_figures = {"open": opened, "open_stall": heartbeat.stop()}
    view = window.view
    paint = painter_of(app, view.viewport())
    centre = window.scene.itemsBoundingRect().center()

    def set_zoom(zoom: str) -> None:
        view.set_zoom(1.0)  # as a zoom by the planner: the view stops refitting on resizes
        if zoom == "fit":
            view.fit_map()
        else:
            view.set_zoom(int(zoom) / 100)
            view.centerOn(centre)
        paint()

    def movable() -> list:
        shown = view.mapToScene(view.viewport().rect()).boundingRect()
        items = [i for i in window.scene.items(QRectF(shown)) if isinstance(i, NodeItem)]
        window.selection.set([i.node_id for i in items[:DRAG_ITEMS]])
        paint()
        return items[:DRAG_ITEMS]

    def drag(items: list, d: float) -> None:  # as the mouse moves with the button down
        for item in items:
            item.setPos(item.pos() + QPointF(d, d))

    figures = frame_figures(clock, view, paint, set_zoom, movable, drag,
                            lambda f: view.set_zoom(view.zoom * f),
                            press=lambda: window.scene.begin_drag(),
                            release=lambda: window.scene.end_drag())
    view.fit_map()
    action = window.actions.action
    timed(clock, figures, "select_all", action("edit.select_all").trigger)
    window.selection.set([])
    timed(clock, figures, "layout", action("map.flow_layout").trigger)
    timed(clock, figures, "undo", action("edit.undo").trigger)
    viewport = view.viewport()
    return {**figures, **open_figures, "viewport": [viewport.width(), viewport.height()],
            "peak_rss_mb": peak_rss_mb()}


class Heartbeat:
    """A 10 ms timer on the UI thread: the longest gap between its beats (from when it is
    made to :meth:`stop`) is the longest the thread did not answer events."""

    def __init__(self, interval_ms: int = 10) -> None:
        from PySide6.QtCore import QTimer

        self.beats = [time.perf_counter()]
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(lambda: self.beats.append(time.perf_counter()))
        self.timer.start()

    def stop(self) -> float:
        """The longest gap between beats, in seconds."""
        self.timer.stop()
        beats = self.beats
        return max((b - a for a, b in zip(beats, beats[1:], strict=False)), default=0.0)


def read_plain(path: str) -> tuple[dict[str, tuple[float, float]], list[tuple[str, str]]]:
    """The drawn boxes' positions and the flows of a map, read as a developer would: plain
    SQL, no checks."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    nodes = {i: (x or 0.0, y or 0.0) for i, x, y in db.execute(
        "SELECT id, x, y FROM nodes WHERE kind IN ('service', 'access_point', 'exit')")}
    flows = [(s, t) for s, t in db.execute(
        "SELECT source, target FROM edges WHERE kind = 'flow'") if s in nodes and t in nodes]
    db.close()
    return nodes, flows


def plain_scene(path: str):
    """A default QGraphicsScene with one rect per box and one line per flow."""
    from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

    nodes, flows = read_plain(path)
    scene = QGraphicsScene()
    rects = {}
    for node_id, (x, y) in nodes.items():
        rect = scene.addRect(-85, -30, 170, 60)
        rect.setPos(x, y)
        rect.setFlags(QGraphicsItem.ItemIsSelectable | QGraphicsItem.ItemIsMovable)
        rects[node_id] = rect
    lines = []
    for s, t in flows:
        (ax, ay), (bx, by) = nodes[s], nodes[t]
        line = scene.addLine(ax, ay, bx, by)
        line.setFlags(QGraphicsItem.ItemIsSelectable)
        lines.append(line)
    return scene, rects, lines


def probe_plain(path: str, width: int, height: int) -> dict:
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication, QGraphicsRectItem, QGraphicsView

    app = QApplication.instance() or QApplication([])
    scene, rects, lines = plain_scene(path)
    view = QGraphicsView(scene)
    view.setGeometry(0, 0, width + 2 * view.frameWidth(), height + 2 * view.frameWidth())
    view.show()
    clock = Clock(app)
    clock.settle()
    paint = painter_of(app, view.viewport())
    bounds = scene.itemsBoundingRect()

    def set_zoom(zoom: str) -> None:
        if zoom == "fit":
            view.fitInView(bounds)
        else:
            view.resetTransform()
            view.scale(int(zoom) / 100, int(zoom) / 100)
            view.centerOn(bounds.center())
        paint()

    def movable() -> list:
        shown = view.mapToScene(view.viewport().rect()).boundingRect()
        items = [i for i in scene.items(shown) if isinstance(i, QGraphicsRectItem)]
        for item in items[:DRAG_ITEMS]:
            item.setSelected(True)
        return items[:DRAG_ITEMS]

    def drag(items: list, d: float) -> None:
        for item in items:
            item.setPos(item.pos() + QPointF(d, d))

    figures = frame_figures(clock, view, paint, set_zoom, movable, drag,
                            lambda f: view.scale(f, f))
    view.fitInView(bounds)
    everything = list(rects.values()) + lines

    def select_all() -> None:
        for item in everything:
            item.setSelected(True)
    timed(clock, figures, "select_all", select_all)

    def move_all() -> None:  # what undoing a layout is without servicemap: every box moves
        for rect in rects.values():
            rect.setPos(rect.pos() + QPointF(40, 0))
        for line in lines:
            line.setPos(line.pos() + QPointF(40, 0))
    if len(rects) <= PLAIN_MOVE_ALL_MAX:
        timed(clock, figures, "move_all", move_all)
    return {**figures, "peak_rss_mb": peak_rss_mb()}


def plain_app(path: str) -> int:
    """The baseline launch: a plain window with a default scene of the map's boxes and lines."""
    from PySide6.QtWidgets import QApplication, QGraphicsView, QMainWindow

    app = QApplication([])
    scene, _rects, _lines = plain_scene(path)
    for item in _rects.values():
        item.setBrush(item.brush().color().fromRgb(120, 170, 220))  # a colour to wait for
    window = QMainWindow()
    view = QGraphicsView(scene)
    window.setCentralWidget(view)
    window.showMaximized()
    view.fitInView(scene.itemsBoundingRect())
    return app.exec()


def screen_pixels(image) -> tuple[int, int]:
    """(shown, coloured): pixels in the middle of the screen, where the canvas is, sampled
    every third pixel, that are not the bare screen's black, and that are coloured (not
    white, grey or black, nor the splash's blue: a box in its group's colour)."""
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format_RGB888)
    w, h = image.width(), image.height()
    x0, x1, y0, y1 = w * 3 // 10, w * 7 // 10, h * 3 // 10, h * 8 // 10
    data = bytes(image.constBits())
    stride = image.bytesPerLine()
    shown = coloured = 0
    for y in range(y0, y1, 3):
        row = y * stride
        for x in range(x0 * 3 + row, x1 * 3 + row, 9):
            r, g, b = data[x], data[x + 1], data[x + 2]
            if r or g or b:
                shown += 1
                if max(r, g, b) - min(r, g, b) > 24 and \
                        abs(r - SPLASH[0]) + abs(g - SPLASH[1]) + abs(b - SPLASH[2]) > 24:
                    coloured += 1
    return shown, coloured


def probe_launch(path: str, plain: bool) -> dict:
    """Seconds from starting the process to its window on screen (``window``) and to a
    coloured map in it (``seconds``; infinite when none came and the screen stayed the same for
    COLOUR_WAIT seconds: no progress, and a map not drawn by then never will be without a
    gesture)."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication([])
    screen = app.primaryScreen()
    command = [sys.executable, "-m", "benchmarks.bench_window", "plainapp", path] if plain \
        else [sys.executable, "-m", "servicemap.cli", path]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    window = seconds = None
    last, changed = None, 0.0  # the screen's last look, and when it last changed
    try:
        while True:
            now = time.perf_counter() - start
            if now > LAUNCH_TIMEOUT or (window is not None and now > changed + COLOUR_WAIT):
                break
            if child.poll() is not None:
                raise RuntimeError(f"{command} ended with {child.returncode}")
            image = screen.grabWindow(0).toImage()
            shown, coloured = screen_pixels(image)
            if image != last:
                last, changed = image, now
            if window is None and shown:
                window = now
            if coloured >= COLOURED_PIXELS:
                seconds = now
                break
            time.sleep(0.02)
    finally:
        peak_mb = child_peak_mb(child.pid)
        child.terminate()
        child.wait(10)
    if window is None:
        raise RuntimeError(f"no window on screen within {LAUNCH_TIMEOUT} s")
    return {"window": window, "seconds": math.inf if seconds is None else seconds,
            "peak_rss_mb": peak_mb}


def child_peak_mb(pid: int) -> float | None:
    """The peak RSS of a running process (Linux: VmHWM); None elsewhere."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 2**10
    except OSError:
        pass
    return None


def main(argv: list[str]) -> int:
    what, path, *rest = argv
    if what == "window":
        result = probe_window(path)
    elif what == "plain":
        result = probe_plain(path, int(rest[0]), int(rest[1]))
    elif what == "plainapp":
        return plain_app(path)
    else:
        result = probe_launch(path, plain=rest == ["plain"])
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
