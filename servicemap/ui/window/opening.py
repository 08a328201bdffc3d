"""Opening a map without freezing the window: read in a worker thread, drawn a slice at a time.

Reading a map (:func:`servicemap.io.formats.open_map`: SQLite, checks, the graph) is Qt-free,
so it runs in a thread of its own while the window keeps answering. The canvas items are Qt
objects and are made on the window's thread, but a slice at a time
(:meth:`servicemap.render.scene.MapScene.rebuild_in_slices`, about ``SLICE_SECONDS`` each)
between the window's events. A progress dialog says what is happening; Cancel drops what was
read and built, and the map shown before (or the empty window) stays. Only when the scene is
complete does the window switch to it (:meth:`FileController.show_opened`: locks, read-only or
copy, the panels).
"""

from __future__ import annotations

import gc
import threading
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog

from servicemap.errors import ServiceMapError
from servicemap.gcpause import gc_paused
from servicemap.io.formats import open_map

SLICE_SECONDS = 0.03  # items made per turn of the event loop: about this long (the loop
# then indexes them and repaints the progress, and a loaded machine stretches both)
STEP_ITEMS = 20       # items made between two looks at the clock (one step: a few ms)
MIN_MAKING = 0.004    # of a slice, at least this long making items
POLL_MS = 25          # how often the window looks whether the reader has finished
DIALOG_AFTER_MS = 300  # a quick open shows no dialog at all


class Opening(QObject):
    """One map being opened; :meth:`start` it, :meth:`cancel` it (the dialog's Cancel)."""

    progress = Signal(str, int)  # what is happening, percent done (-1: not known yet)
    finished = Signal(bool)      # True: the map is shown; False: refused or cancelled

    def __init__(self, window, path: Path, on_end=None) -> None:
        super().__init__(window)
        self.window, self.path, self.on_end = window, Path(path), on_end
        self.cancelled = False
        self.done = False
        self.error: str | None = None
        self._result: list = []  # (doc, message), put there by the reader thread
        self._doc = None
        self._scene = None
        self._steps = None
        self._percent = -1
        self._budget = SLICE_SECONDS  # of a slice, for making items (see _build_slice)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._check_read)
        self._build = QTimer(self)
        self._build.setInterval(0)
        self._build.timeout.connect(self._build_slice)
        self.dialog = QProgressDialog(f"Reading {self.path.name}…", "Cancel", 0, 0, window)
        self.dialog.setWindowTitle("Opening map")
        self.dialog.setWindowModality(Qt.WindowModal)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumDuration(DIALOG_AFTER_MS)
        self.dialog.canceled.connect(self.cancel)
        self.dialog.hide()
        self.progress.connect(self._show_progress)

    def start(self) -> None:
        threading.Thread(target=self._read, name="servicemap-open", daemon=True).start()
        self.progress.emit(f"Reading {self.path.name}…", -1)
        self._poll.start()
        QTimer.singleShot(DIALOG_AFTER_MS, self._show_dialog)

    def _read(self) -> None:  # in the worker thread: no Qt objects made here
        _import_panels()
        try:
            with gc_paused():
                doc = open_map(self.path)
                gc.freeze()  # else the collector's next turn scans all of it, on any thread
            self._result.append((doc, None))
        except ServiceMapError as exc:
            self._result.append((None, str(exc)))
        except Exception as exc:  # noqa: BLE001 - said to the planner, never lost in a thread
            self._result.append((None, f"{self.path.name} could not be opened ({exc})."))

    def _show_dialog(self) -> None:
        if not self.done:
            self.dialog.show()

    def _show_progress(self, text: str, percent: int) -> None:
        self.dialog.setLabelText(text)
        if percent < 0:
            self.dialog.setRange(0, 0)  # busy: how long reading takes is not known
        else:
            self.dialog.setRange(0, 100)
            self.dialog.setValue(percent)

    def _check_read(self) -> None:
        if not self._result or self.done:
            return
        self._poll.stop()
        doc, message = self._result[0]
        if doc is None:
            self.error = message
            self._end(False)
            self.window.files.tell_error(message)
            return
        self._doc = doc
        self._scene = self.window.new_scene(doc, build=False)
        self._steps = self._scene.rebuild_in_slices(STEP_ITEMS)
        self.progress.emit("Drawing the map…", 0)
        self._build.start()

    def _build_slice(self) -> None:
        """Make items for a while, and let Qt index them (counted in the same slice), about
        SLICE_SECONDS in all; then let the window handle its events."""
        start = time.perf_counter()
        deadline = start + self._budget
        done = 0.0
        for done in self._steps:
            if done >= 1.0 or time.perf_counter() > deadline:
                break
        else:
            done = 1.0
        # Qt's own work on the items just made (index, bounds, polish), queued on the scene
        for queue in (self._scene, *self._scene.children()):  # the scene and its index
            QCoreApplication.sendPostedEvents(queue, QEvent.MetaCall)
        spent = time.perf_counter() - start
        if spent > 0:  # the next slice's share for making items, so the whole is about right
            self._budget = max(MIN_MAKING, min(SLICE_SECONDS,
                                               self._budget * SLICE_SECONDS / spent))
        if done < 1.0:
            if int(done * 100) != self._percent:  # the modal dialog repaints on each change
                self._percent = int(done * 100)
                self.progress.emit("Drawing the map…", self._percent)
            return
        self._build.stop()
        gc.freeze()  # what was made out of the collector's sight before it runs again
        self._steps.close()  # past its last yield: the collector runs again
        self._steps = None
        self.progress.emit("Showing the map…", 100)
        self.dialog.hide()
        scene, self._scene = self._scene, None
        shown = self.window.files.show_opened(self.path, self._doc, scene)
        if not shown:
            scene.detach()
            scene.deleteLater()
        self._end(shown)

    def cancel(self) -> None:
        """Stop: nothing read or built is kept; the window shows what it showed before."""
        if self.done:
            return
        self.cancelled = True
        self._poll.stop()
        self._build.stop()
        if self._steps is not None:
            self._steps.close()  # the build's pause of the garbage collector ends with it
            self._steps = None
        if self._scene is not None:
            self._scene.detach()
            self._scene.deleteLater()
            self._scene = None
        self._end(False)

    def _end(self, shown: bool) -> None:
        self.done = True
        self.dialog.hide()
        self.dialog.deleteLater()
        self.finished.emit(shown)
        if self.on_end is not None:
            self.on_end(shown)


def _import_panels() -> None:
    """Load what showing a map needs (its editor and panels) while the map is read, not on
    the window's thread when it is shown (a first import: about 0.1 s each)."""
    import importlib

    for name in ("servicemap.ui.editing.editor", "servicemap.ui.panels.inspector",
                 "servicemap.ui.panels.outline", "servicemap.ui.panels.pathways"):
        importlib.import_module(name)
