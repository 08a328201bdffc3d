"""The one QApplication of a process, for the window and for drawing with no window."""

from __future__ import annotations

import os
import sys

from PySide6.QtWidgets import QApplication

APP_NAME = "servicemap"


def use_offscreen_without_display() -> None:
    """Draw offscreen on a Linux machine with no screen (the command line on a server). Call
    before the first Qt application is made; Windows and macOS always have a screen."""
    if sys.platform not in ("win32", "darwin") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def ensure_qapp() -> QApplication:
    """The running QApplication, or a new one named for servicemap (so settings and the
    app-data folder are servicemap's)."""
    app = QApplication.instance()
    if app is None:
        use_offscreen_without_display()
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    return app
