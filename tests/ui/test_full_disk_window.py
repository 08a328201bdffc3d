"""A full disk in the window (ENOSPC injected at ``os.fsync``, where every writer makes its
data durable): File > Save, Export data…, the CSV folder, the template, the picture export
and the autosave each say in one sentence which of the user's files could not be written and
that the disk is full; the file on disk and the open map are kept (issue #19)."""

from __future__ import annotations

import errno
import os

import pytest

from servicemap import demo, store
from servicemap.ui.features.exchange import ExchangeFeature
from servicemap.ui.features.export.feature import ExportFeature


def _full(*args):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def window(open_window, tmp_path):
    path = tmp_path / "ward.smap"
    store.save(demo.synthetic(10, 2), path)
    w = open_window(path, show=False)
    w.errors = []
    w.files.tell_error = w.errors.append
    exchange = w.host.feature(ExchangeFeature)
    exchange.tell_error = w.errors.append
    exchange.confirm_overwrite = lambda paths: True
    w.host.feature(ExportFeature).show_error = w.errors.append
    return w


def _edit(window):
    node = next(iter(window.doc.graph.nodes))
    window.editor.update_node(node, {"name": "Renamed before the disk filled"})
    assert window.files.dirty


def test_save_names_the_map_and_keeps_it(window, tmp_path, monkeypatch):
    _edit(window)
    before = (tmp_path / "ward.smap").read_bytes()
    monkeypatch.setattr(os, "fsync", _full)
    window.actions.action("file.save").trigger()
    monkeypatch.undo()
    assert window.errors == ["ward.smap could not be saved (the disk is full); the file on "
                             "disk is unchanged."]
    assert (tmp_path / "ward.smap").read_bytes() == before
    assert window.files.dirty  # the work is still open, unsaved
    window.actions.action("file.save").trigger()  # room again: it saves
    assert not window.files.dirty
    assert store.load(tmp_path / "ward.smap").counts() == window.doc.counts()


@pytest.mark.parametrize("suffix", [".xlsx", ".ods", ".zip", ".graphml", ".drawio", ".json"])
def test_export_data_names_the_file(window, tmp_path, monkeypatch, suffix):
    feature = window.host.feature(ExchangeFeature)
    path = tmp_path / f"shared{suffix}"
    feature.ask_export_path = lambda: (str(path), None)
    monkeypatch.setattr(os, "fsync", _full)
    window.actions.action("file.export_data").trigger()
    monkeypatch.undo()
    assert window.errors == [f"shared{suffix} could not be written (the disk is full); "
                             "nothing was written."]
    assert not path.exists()


def test_csv_folder_and_template_name_the_file(window, tmp_path, monkeypatch):
    feature = window.host.feature(ExchangeFeature)
    feature.ask_export_folder = lambda: str(tmp_path / "csv")
    feature.ask_template_path = lambda: str(tmp_path / "blank.xlsx")
    monkeypatch.setattr(os, "fsync", _full)
    window.actions.action("file.export_folder").trigger()
    window.actions.action("file.template").trigger()
    monkeypatch.undo()
    first, second = window.errors
    assert first.startswith("csv/") and first.endswith(
        ".csv could not be written (the disk is full); nothing was written.")
    assert second == "blank.xlsx could not be written (the disk is full); nothing was written."
    assert not (tmp_path / "csv").exists() and not (tmp_path / "blank.xlsx").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_picture_export_names_the_file(window, tmp_path, monkeypatch):
    feature = window.host.feature(ExportFeature)
    feature.ask_options = lambda dialog: True
    feature.ask_path = lambda suffix: str(tmp_path / "poster.png")
    (tmp_path / "poster.png").write_bytes(b"the previous picture")
    monkeypatch.setattr(os, "fsync", _full)
    assert feature.export() is None
    monkeypatch.undo()
    assert window.errors == ["poster.png could not be written (the disk is full); the file on "
                             "disk is unchanged."]
    assert (tmp_path / "poster.png").read_bytes() == b"the previous picture"


def test_autosave_names_the_map_not_the_recovery_files(window, tmp_path, monkeypatch):
    _edit(window)
    monkeypatch.setattr(os, "fsync", _full)
    window.files.autosave()
    monkeypatch.undo()
    shown = window.statusBar().currentMessage()
    assert shown == ("The autosave of ward.smap could not be written (the disk is full); the "
                     "work is still open here, so save it (File > Save As) where there is room.")
    assert window.files.recovery.session not in shown
    assert list(window.files.recovery.folder.glob("*.tmp")) == []
    window.files.autosave()  # room again
    assert window.files.recovery.map_file.exists() and window.files.recovery.info_file.exists()
