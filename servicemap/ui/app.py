"""Start the servicemap window (``servicemap [MAP]``): the one place that puts the window
and its features together."""

from __future__ import annotations

from servicemap import bundled
from servicemap.render.app import ensure_qapp

# Nothing here imports networkx, the features or the panels at module level: ``run`` puts a
# splash on screen first, and they load behind it.


def make_window(recovery=None, settings=None):
    """A main window with every feature installed. ``recovery`` and ``settings`` default to
    the user's own recovery folder and settings (tests pass temporary ones)."""
    from servicemap.ui.features import all_features
    from servicemap.ui.file_safety import Recovery, recovery_dir
    from servicemap.ui.window.main_window import MainWindow
    from servicemap.ui.window.settings import Settings

    return MainWindow(recovery=recovery if recovery is not None else Recovery(recovery_dir()),
                      settings=settings if settings is not None else Settings.user(),
                      features=all_features())


def open_window(path: str | None = None, review: bool = False, *, recovery=None,
                settings=None):
    """The main window on ``path``, or on the bundled Kent and Medway map (after offering to
    restore any work a crashed session left behind). ``review``: open ``path`` for review
    (read-only, comments allowed; see :mod:`servicemap.ui.features.review`). ``recovery`` and
    ``settings`` as for :func:`make_window`."""
    from servicemap import demo
    from servicemap.ui.features.review import open_for_review

    window = make_window(recovery, settings)
    if window.files.recover_on_start():
        return window
    if review and path is not None and open_for_review(window.host, path):
        return window
    if path is None or not window.files.open_path(path, ask_save=False):
        if demo.bundled_map_path().is_file():
            window.files.open_bundled(demo.kent_and_medway())
    return window


def start(window, path: str | None = None, review: bool = False) -> None:
    """What :func:`open_window` does, on a window already on screen: a map given is read in
    the background (progress, Cancel: the window stays empty); one that cannot be opened
    gives way to the bundled map, as at a start without one."""
    from servicemap import demo
    from servicemap.ui.features.review import open_for_review

    if window.files.recover_on_start():
        return
    if review and path is not None and open_for_review(window.host, path):
        return
    def bundled_map() -> None:
        if demo.bundled_map_path().is_file():
            window.files.open_bundled(demo.kent_and_medway())

    if path is None:
        bundled_map()
        return

    def ended(shown: bool) -> None:
        if not shown and not opening.cancelled and window.session.doc is None:
            bundled_map()

    opening = window.files.open_in_background(path, ask_save=False, on_end=ended)


def splash():
    """A small card saying servicemap is starting, shown before anything heavy loads."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
    from PySide6.QtWidgets import QSplashScreen

    picture = QPixmap(420, 140)
    picture.fill(QColor("#005EB8"))  # NHS blue
    painter = QPainter(picture)
    painter.setPen(QColor("white"))
    font = QFont()
    font.setPointSize(20)
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(picture.rect().adjusted(24, 24, -24, -60), Qt.AlignLeft, "servicemap")
    painter.end()
    card = QSplashScreen(picture)
    card.showMessage("Starting…", Qt.AlignLeft | Qt.AlignBottom, QColor("white"))
    return card


def run(path: str | None = None, review: bool = False) -> int:
    """A splash at once, then the window, whatever the map's size; then the map, read in the
    background with progress (:func:`start`)."""
    from PySide6.QtCore import QTimer

    app = ensure_qapp()
    tell_missing_resources()
    card = splash()
    card.show()
    app.processEvents()  # on screen before the window's modules load
    window = make_window()
    window.showMaximized()
    QTimer.singleShot(FILL_AFTER_MS, lambda: fill_screen(window))
    card.finish(window)
    QTimer.singleShot(0, lambda: start(window, path, review))
    return app.exec()


FILL_AFTER_MS = 250  # a window manager maximises a window well within this


def fill_screen(window) -> None:
    """Give ``window`` the screen's free area when asking to maximise it did nothing (no
    window manager: a bare X server, a kiosk, the virtual screen of the benchmarks), so the
    map is fitted to the canvas a maximised window has, not to a window of its first size."""
    area = window.screen().availableGeometry()
    if window.isVisible() and not window.isMinimized() and \
            window.frameGeometry().width() < area.width() * 0.9:
        window.setGeometry(area)


def tell_missing_resources() -> None:
    """Say plainly, on stderr and in a message box, which bundled files are missing (a damaged
    install or a partly unpacked folder); the window still opens (an empty map when the bundled
    one is missing)."""
    problems = bundled.missing()
    if not problems:
        return
    import sys

    from PySide6.QtWidgets import QMessageBox

    message = bundled.missing_message(problems)
    print(message, file=sys.stderr)
    QMessageBox.warning(None, "servicemap", message)
