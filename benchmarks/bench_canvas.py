"""The canvas, offscreen: open to first painted frame, zoom to fit, and pan, zoom and drag frames
on synthetic maps (see README). Peak memory is the whole-process peak RSS of a fresh process.

``python -m benchmarks.bench_canvas NAME MAP.smap`` is that fresh process: it runs one
benchmark once on a saved map and prints its peak RSS in MB as JSON.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication

from benchmarks.bench_store import synthetic
from benchmarks.harness import Benchmark, Target
from benchmarks.peak import peak_rss_mb
from servicemap import store
from servicemap.graph.document import Document
from servicemap.render.app import ensure_qapp
from servicemap.render.items import NodeItem
from servicemap.ui.canvas.scene import CanvasScene
from servicemap.ui.canvas.view import MapView

VIEW_SIZE = (1400, 900)  # the main window's default size; the viewport is a little smaller
FRAMES = 10              # frames per timed run of the per-frame benchmarks
PAN_STEP = 200           # pixels per pan frame
DRAG_ITEMS = 20          # nodes moved together in a drag frame
DRAG_STEP = 5.0          # scene units per drag frame, in x and in y
AUTOMATIC_BSP_MAX = 2000  # the automatic-BSP baseline takes >10 s and >1 GB at 10,000

_app: QApplication | None = None  # one QApplication for the process, made on first use


def application() -> QApplication:
    global _app
    if _app is None:
        _app = ensure_qapp()
    return _app


@dataclass
class Canvas:
    path: Path                    # the saved map
    doc: Document | None = None
    scene: CanvasScene | None = None
    view: MapView | None = None
    selected: list[NodeItem] = field(default_factory=list)  # the drag frames' nodes
    step: int = 0                 # frames so far: even frames go one way, odd frames back


def frame(view: MapView) -> QPixmap:
    """Paint the whole viewport once, as its paint event does, into a new pixmap."""
    return view.viewport().grab()


def open_canvas(path: Path, automatic_bsp: bool = False) -> Canvas:
    """Load the map, build the scene and a 1400x900 view, fit the map and paint one frame."""
    application()
    doc = store.load(path)
    scene = CanvasScene(doc)
    if automatic_bsp:
        scene.setBspTreeDepth(0)  # Qt chooses the depth when it first builds the index
    view = MapView(scene)
    view.resize(*VIEW_SIZE)
    view.setAttribute(Qt.WA_DontShowOnScreen)  # laid out as if shown, with nothing on screen
    view.show()
    view.fit_map()
    frame(view)
    return Canvas(path, doc, scene, view)


def settle(canvas: Canvas) -> Canvas:
    """Deliver what showing the view queued (the window's own first paint), untimed."""
    application().processEvents()
    return canvas


# ----- setups (untimed) -----------------------------------------------------------------
def write_map(size: int, folder: Path) -> Path:
    path = folder / "map.smap"
    store.save(synthetic(size), path)
    return path


def prepare_open(path: Path) -> Canvas:
    return Canvas(path)


def prepare_fitted(path: Path) -> Canvas:
    return settle(open_canvas(path))


def prepare_readable(path: Path) -> Canvas:
    """Fitted, then zoomed to 100% (labels readable: the most painting per item)."""
    canvas = prepare_fitted(path)
    canvas.view.set_zoom(1.0)
    frame(canvas.view)
    return settle(canvas)


def prepare_drag(path: Path) -> Canvas:
    """At 100%, with up to DRAG_ITEMS of the nodes in view selected."""
    canvas = prepare_readable(path)
    view = canvas.view
    in_view = [i for i in view.items(view.viewport().rect()) if isinstance(i, NodeItem)]
    canvas.selected = in_view[:DRAG_ITEMS]
    for item in canvas.selected:
        item.setSelected(True)
    frame(view)
    return settle(canvas)


# ----- timed runs -----------------------------------------------------------------------
def run_open(canvas: Canvas) -> Canvas:
    return open_canvas(canvas.path)


def run_open_automatic_bsp(canvas: Canvas) -> Canvas:
    return open_canvas(canvas.path, automatic_bsp=True)


def run_fit(canvas: Canvas) -> None:
    canvas.view.set_zoom(1.0)  # from a close-up, as when the user asks to see everything
    canvas.view.fit_map()
    frame(canvas.view)


def run_pan(canvas: Canvas) -> None:
    bar = canvas.view.horizontalScrollBar()
    for _ in range(FRAMES):
        delta = PAN_STEP if canvas.step % 2 == 0 else -PAN_STEP
        if not bar.minimum() <= bar.value() + delta <= bar.maximum():
            delta = -delta
        bar.setValue(bar.value() + delta)
        frame(canvas.view)
        canvas.step += 1


def run_zoom(canvas: Canvas) -> None:
    for _ in range(FRAMES):
        if canvas.step % 2 == 0:
            canvas.view.zoom_in()
        else:
            canvas.view.zoom_out()
        frame(canvas.view)
        canvas.step += 1


def run_drag(canvas: Canvas) -> None:
    canvas.scene.begin_drag()  # as a mouse press on a selected box does
    try:
        for _ in range(FRAMES):
            d = DRAG_STEP if canvas.step % 2 == 0 else -DRAG_STEP
            for item in canvas.selected:
                item.setPos(item.pos() + QPointF(d, d))  # FlowItems follow via itemChange
            frame(canvas.view)
            canvas.step += 1
    finally:
        canvas.scene.end_drag()


# ----- peak memory: a fresh process per benchmark and size --------------------------------
def isolated_peak(name: str) -> Callable[[Canvas], float | None]:
    """Peak RSS of a fresh Python process that prepares benchmark ``name`` on the same saved
    map and runs it once (so one map, one scene: nothing left from earlier sizes)."""
    def measure(canvas: Canvas) -> float | None:
        done = subprocess.run([sys.executable, "-m", "benchmarks.bench_canvas", name,
                               str(canvas.path)], capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parent.parent)
        if done.returncode != 0:
            raise RuntimeError(f"memory probe for {name} failed:\n{done.stderr}")
        return json.loads(done.stdout.strip().splitlines()[-1])["peak_rss_mb"]
    return measure


PREPARE: dict[str, Callable[[Path], Canvas]] = {
    "canvas_open": prepare_open, "canvas_fit": prepare_fitted,
    "canvas_pan_frame": prepare_readable, "canvas_zoom_frame": prepare_fitted,
    "canvas_drag_frame": prepare_drag}


def bench(name: str, run: Callable[[Canvas], object], frames: int = 1,
          targets: dict[int, Target] | None = None, **baseline) -> Benchmark:
    prepare = PREPARE[name]
    return Benchmark(name, lambda size, folder: prepare(write_map(size, folder)), run,
                     targets=targets or {}, frames=frames, memory=isolated_peak(name),
                     memory_kind="rss", **baseline)


BENCHMARKS = [
    bench("canvas_open", run_open, baseline="automatic_bsp",
          baseline_run=run_open_automatic_bsp, baseline_max_size=AUTOMATIC_BSP_MAX,
          targets={2000: Target(seconds=1.5), 10_000: Target(seconds=5.0, memory_mb=600)}),
    bench("canvas_fit", run_fit, targets={10_000: Target(seconds=1.0, memory_mb=600)}),
    bench("canvas_pan_frame", run_pan, FRAMES,
          targets={10_000: Target(seconds=0.060, memory_mb=600)}),
    bench("canvas_zoom_frame", run_zoom, FRAMES,
          targets={10_000: Target(seconds=0.060, memory_mb=600)}),
    bench("canvas_drag_frame", run_drag, FRAMES,
          targets={10_000: Target(seconds=0.050, memory_mb=600)}),
]


def probe(argv: list[str]) -> int:
    """Run one benchmark once on a saved map and print this process's peak RSS."""
    name, path = argv
    application()
    before = peak_rss_mb()
    canvas = PREPARE[name](Path(path))
    next(b for b in BENCHMARKS if b.name == name).run(canvas)
    print(json.dumps({"name": name, "peak_rss_mb": peak_rss_mb(), "before_load_mb": before}))
    return 0


if __name__ == "__main__":
    raise SystemExit(probe(sys.argv[1:]))
