"""Shared fixtures for the UI tests: the small maps (``doc``, and ``map_file`` saved), an editor,
a shared selection, and main windows with the test's own settings and recovery folder."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from tests.maps import small_map, trust_map  # noqa: E402


@pytest.fixture
def doc():
    return trust_map()


@pytest.fixture
def map_file(tmp_path):
    """:func:`~tests.maps.small_map` saved as ``test.smap``."""
    from servicemap import store

    path = tmp_path / "test.smap"
    store.save(small_map(), path)
    return path


@pytest.fixture
def editor(doc):
    from servicemap.ui.editing.editor import Editor

    editor = Editor(doc)
    yield editor
    editor.dispose()


@pytest.fixture
def selection():
    from servicemap.ui.window.selection import Selection

    return Selection()


@pytest.fixture
def window_settings(tmp_path):
    """This test's settings (recent maps, last folder, the reviewer's name) in its own file."""
    from servicemap.ui.window.settings import Settings

    return Settings.in_file(tmp_path / "settings.ini")


@pytest.fixture
def new_window(qtbot, tmp_path, window_settings):
    """A factory: ``new_window()`` makes an empty main window (every feature installed) with
    this test's settings and recovery in the test's folder (``recovery=`` another folder, as a
    second session), the unsaved prompt answered "discard". Every window made is closed at the
    end of the test."""
    from servicemap.ui.app import make_window
    from servicemap.ui.file_safety import Recovery

    made = []

    def make(recovery=None):
        w = make_window(recovery=Recovery(recovery or tmp_path / "recovery"),
                        settings=window_settings)
        qtbot.addWidget(w)
        w.files.ask_unsaved = lambda: "discard"
        made.append(w)
        return w

    yield make
    for w in made:
        w.files.ask_unsaved = lambda: "discard"
        w.close()


@pytest.fixture
def open_window(qtbot, new_window):
    """A factory: ``open_window(map_path)`` opens a saved map in a :func:`new_window` as a
    person would. ``readable=True`` also zooms to 100% centred on (450, 150), after the deferred
    first fit."""

    def open_it(path, size=(1200, 800), show=True, readable=False):
        w = new_window()
        assert w.files.open_path(path, ask_save=False)
        if show:
            w.resize(*size)
            w.show()
            qtbot.waitExposed(w)
        if readable:
            qtbot.wait(20)  # let the deferred first fit happen before choosing our own zoom
            w.view.set_zoom(1.0)
            w.view.centerOn(450, 150)
        return w

    return open_it


@pytest.fixture(autouse=True)
def empty_clipboard_after(qapp):
    """Each test leaves the clipboard empty: Qt's offscreen platform can crash at exit while
    the clipboard still holds data a test put there (a segfault after the last test)."""
    yield
    from PySide6.QtGui import QGuiApplication

    QGuiApplication.clipboard().clear()
