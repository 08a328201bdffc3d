"""The window notices that its map's file was changed on disk since it was opened or saved
there, and asks before saving over it: reload, save as a copy, overwrite, or cancel."""

from __future__ import annotations

import os
import shutil

import pytest
from PySide6.QtCore import Qt

from servicemap import demo, store


@pytest.fixture
def window_and_other(tmp_path, open_window, map_file, qtbot):
    window = open_window(map_file)
    node = next(iter(window.session.doc.graph.nodes))
    window.session.editor.rename(node, "Edited in the window")
    other = tmp_path / "other.smap"
    store.save(demo.synthetic(7, 9), other)
    shutil.copyfile(other, map_file)  # another program (a sync tool, a colleague) wrote it
    st = os.stat(map_file)
    os.utime(map_file, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    return window, node, map_file


def _save(window, qtbot):
    qtbot.keyClick(window.view, Qt.Key_S, Qt.ControlModifier)


def _names(path):
    return {d["name"] for _n, d in store.load(path).graph.nodes(data=True)}


def test_overwrite_after_asking(window_and_other, qtbot):
    window, _node, path = window_and_other
    asked = []
    window.files.ask_changed_on_disk = lambda p: asked.append(p.name) or "overwrite"
    _save(window, qtbot)
    assert asked == [path.name]
    assert "Edited in the window" in _names(path)
    assert not window.isWindowModified()
    asked.clear()
    window.session.editor.rename(_node, "Second edit")
    _save(window, qtbot)  # saved here since: no question
    assert asked == [] and "Second edit" in _names(path)


def test_cancel_keeps_the_other_programs_file(window_and_other, qtbot):
    window, _node, path = window_and_other
    before = path.read_bytes()
    window.files.ask_changed_on_disk = lambda p: "cancel"
    _save(window, qtbot)
    assert path.read_bytes() == before
    assert window.isWindowModified()


def test_reload_shows_what_is_on_disk(window_and_other, qtbot):
    window, _node, path = window_and_other
    before = path.read_bytes()
    window.files.ask_changed_on_disk = lambda p: "reload"
    _save(window, qtbot)
    assert path.read_bytes() == before
    shown = {d["name"] for _n, d in window.session.doc.graph.nodes(data=True)}
    assert shown == _names(path) and "Edited in the window" not in shown
    assert not window.isWindowModified()


def test_save_as_a_copy(window_and_other, qtbot, tmp_path):
    window, _node, path = window_and_other
    before = path.read_bytes()
    window.files.ask_changed_on_disk = lambda p: "copy"
    window.files.ask_save_path = lambda: str(tmp_path / "mine.smap")
    _save(window, qtbot)
    assert path.read_bytes() == before
    assert "Edited in the window" in _names(tmp_path / "mine.smap")
    assert window.files.path == tmp_path / "mine.smap"
