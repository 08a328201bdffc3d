"""Shared fixtures for the UI tests: the small maps (``doc``, and ``map_file`` saved), an editor,
a shared selection and main windows opened on a saved map."""

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
def open_window(qtbot, tmp_path):
    """A factory: ``open_window(map_path)`` opens a saved map in a main window as a person
    would, with recovery in the test's folder and the unsaved prompt answered "discard".
    ``readable=True`` also zooms to 100% centred on (450, 150), after the deferred first fit.
    Every window made is closed at the end of the test."""
    from PySide6.QtCore import QSettings

    from servicemap.ui.app import make_window
    from servicemap.ui.file_safety import Recovery

    made = []

    def open_it(path, size=(1200, 800), show=True, readable=False):
        folder = tmp_path / "recovery"
        folder.mkdir(exist_ok=True)
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        w = make_window(recovery=Recovery(folder), settings=settings)
        qtbot.addWidget(w)
        w.files.ask_unsaved = lambda: "discard"
        assert w.files.open_path(path, ask_save=False)
        made.append(w)
        if show:
            w.resize(*size)
            w.show()
            qtbot.waitExposed(w)
        if readable:
            qtbot.wait(20)  # let the deferred first fit happen before choosing our own zoom
            w.view.set_zoom(1.0)
            w.view.centerOn(450, 150)
        return w

    yield open_it
    for w in made:
        w.files.ask_unsaved = lambda: "discard"
        w.close()
