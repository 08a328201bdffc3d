"""One servicemap window in a process of its own, driven with keys, for
``tests/ui/test_clipboard_processes.py`` (run as ``python -m tests.ui.clipboard_process``).

``copy MAP FOLDER IDS``: open MAP, select the items IDS (comma-separated), press Ctrl+C, write
``FOLDER/copied`` and keep the window (and so the X clipboard it owns) until ``FOLDER/done``
appears. ``paste MAP FOLDER``: open MAP, wait for ``FOLDER/copied``, press Ctrl+V then Ctrl+S
(the pasted map is saved into MAP) and write ``FOLDER/pasted``. Any failure is written to
``FOLDER/ROLE.error`` and the exit code is 1.
"""

from __future__ import annotations

import sys
import time
import traceback
from pathlib import Path

TIMEOUT = 20.0  # seconds for each wait


def wait_for(app, condition, what: str) -> None:
    end = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError(f"timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.02)


def run(role: str, map_path: Path, folder: Path, ids: list[str]) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from servicemap.graph.clipboard import MIME_TYPE
    from servicemap.ui.app import make_window
    from servicemap.ui.file_safety import Recovery
    from servicemap.ui.window.settings import Settings

    app = QApplication([sys.argv[0]])
    window = make_window(recovery=Recovery(folder / f"recovery-{role}"),
                         settings=Settings.in_file(folder / f"{role}.ini"))
    window.files.ask_unsaved = lambda: "discard"
    if not window.files.open_path(map_path, ask_save=False):
        raise RuntimeError(f"could not open {map_path}")
    window.resize(1000, 700)
    window.show()
    ctrl = Qt.KeyboardModifier.ControlModifier

    def activate() -> None:  # keys go to the active window (both share one screen)
        window.activateWindow()
        wait_for(app, lambda: QApplication.activeWindow() is window, "the window's focus")

    if role == "copy":
        activate()
        window.selection.set(ids)
        QTest.keyClick(window.view, Qt.Key.Key_C, ctrl)
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or not mime.hasFormat(MIME_TYPE):
            raise RuntimeError("Ctrl+C put no servicemap items on the clipboard")
        (folder / "copied").write_text(mime.text(), encoding="utf-8")
        wait_for(app, (folder / "done").exists, "the paste to finish")
    else:
        wait_for(app, (folder / "copied").exists, "the other process to copy")
        activate()
        before = window.editor.stack.count()
        QTest.keyClick(window.view, Qt.Key.Key_V, ctrl)
        said = window.statusBar().currentMessage()
        if window.editor.stack.count() != before + 1:
            raise RuntimeError(f"Ctrl+V pasted nothing: {said!r}")
        QTest.keyClick(window.view, Qt.Key.Key_S, ctrl)
        if window.isWindowModified():
            raise RuntimeError("Ctrl+S did not save the map")
        (folder / "pasted").write_text(said, encoding="utf-8")
    window.close()


def main(argv: list[str]) -> int:
    role, map_path, folder = argv[0], Path(argv[1]), Path(argv[2])
    ids = argv[3].split(",") if len(argv) > 3 else []
    try:
        run(role, map_path, folder, ids)
    except Exception:  # the test reads the reason from the file
        (folder / f"{role}.error").write_text(traceback.format_exc(), encoding="utf-8")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
