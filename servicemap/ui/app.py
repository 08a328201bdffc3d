"""Start the servicemap window (``servicemap [MAP]``): the one place that puts the window
and its features together."""

from __future__ import annotations

from servicemap import bundled, demo
from servicemap.render.app import ensure_qapp


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


def run(path: str | None = None, review: bool = False) -> int:
    app = ensure_qapp()
    tell_missing_resources()
    window = open_window(path, review)
    window.showMaximized()
    return app.exec()


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
