"""Shared fixtures for the UI tests: a small map, its editor and a shared selection."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from servicemap.graph.document import Document  # noqa: E402


@pytest.fixture
def doc():
    """Kent Trust > Acute > Crisis team; a service straight under the trust; one unassigned
    service; a partnership served by the crisis team; an access point, an exit and flows."""
    d = Document()
    d.add_node("organisation", "Kent Trust", "org")
    d.add_node("directorate", "Acute", "dir")
    d.add_edge("part_of", "dir", "org", "dir-org")
    d.add_node("service", "Crisis team", "crisis", category="crisis", capacity=40)
    d.add_edge("part_of", "crisis", "dir", "crisis-dir")
    d.add_node("service", "Trust helpline", "helpline")
    d.add_edge("part_of", "helpline", "org", "helpline-org")
    d.add_node("service", "Befriending", "orphan")
    d.add_node("partnership", "East Kent", "east", population=700000)
    d.add_edge("serves", "crisis", "east", "crisis-east")
    d.add_node("access_point", "GP practice", "gp")
    d.add_node("exit", "Recovered", "done")
    d.add_edge("flow", "gp", "crisis", "gp-crisis", flow_type="referral", volume_per_year=300)
    return d


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
