"""The one QApplication of a process, for the window and for drawing with no window."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from servicemap import bundled
from servicemap.render import style

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
    if not app.property("servicemap_bundled_loaded"):
        app.setProperty("servicemap_bundled_loaded", True)
        load_bundled_fonts()
        icon = bundled.path(bundled.ICON_PNG)
        if icon.is_file():
            app.setWindowIcon(QIcon(str(icon)))
    return app


def fonts_to_load(installed: set[str]) -> list[Path]:
    """The bundled font files to add when the machine has none of the families servicemap
    draws in (a bare Linux box running the one-folder build); none where one is installed, so
    maps and exports keep the machine's own Arial (Windows) or its usual sans-serif. A missing
    file is left out here; the window's start names it (:func:`servicemap.bundled.missing`)."""
    if installed & set(style.PREFERRED_FAMILIES):
        return []
    return [p for p in map(bundled.path, bundled.FONT_FILES) if p.is_file()]


def load_bundled_fonts() -> None:
    """Add the bundled Liberation Sans (an Arial-metric sans-serif) where no preferred font is
    installed, so text is drawn, and drawn alike, everywhere."""
    for font in fonts_to_load(set(QFontDatabase.families())):
        QFontDatabase.addApplicationFont(str(font))
