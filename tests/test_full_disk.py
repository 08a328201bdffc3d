"""A full disk (ENOSPC, injected where every writer makes its data durable: ``os.fsync``) is
said in one sentence by every writer of the command line: it names the user's file (never a
temporary one), says "the disk is full", exits 2, and leaves the file as it was (or nothing,
when there was none) and no temporary file behind (issue #19)."""

from __future__ import annotations

import errno
import os

import pytest

from servicemap import cli, demo, store
from servicemap.io.exchange import to_node_link


def _full(*args):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def disk(tmp_path):
    """A folder holding a map and its JSON, made before the disk fills."""
    source = tmp_path / "source"
    source.mkdir()
    store.save(demo.synthetic(12, 3), source / "m.smap")
    import json

    (source / "m.json").write_text(json.dumps(to_node_link(demo.synthetic(12, 3))),
                                   encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    return source, out


def _run_full(monkeypatch, capsys, argv) -> str:
    monkeypatch.setattr(os, "fsync", _full)
    try:
        code = cli.main([str(a) for a in argv])
    finally:
        monkeypatch.undo()
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "the disk is full" in lines[0] and ".tmp" not in lines[0], lines[0]
    return lines[0]


EXPORTS = [".json", ".xlsx", ".ods", ".zip", ".graphml", ".drawio", ".png", ".svg", ".pdf"]


@pytest.mark.parametrize("suffix", EXPORTS)
@pytest.mark.parametrize("existed", [False, True], ids=["new", "over-old"])
def test_every_export_names_its_file(disk, monkeypatch, capsys, suffix, existed):
    source, out = disk
    target = out / f"export{suffix}"
    if existed:
        target.write_bytes(b"the previous export")
    line = _run_full(monkeypatch, capsys, ["export", source / "m.smap", target, "--force"])
    after = "the file on disk is unchanged" if existed else "nothing was written"
    assert line == f"servicemap: export{suffix} could not be written (the disk is full); " \
                   f"{after}."
    assert sorted(p.name for p in out.iterdir()) == ([target.name] if existed else [])
    if existed:
        assert target.read_bytes() == b"the previous export"


def test_flat_graphml_and_the_templates(disk, monkeypatch, capsys):
    source, out = disk
    for argv, name in ((["export", source / "m.smap", out / "flat.graphml", "--flat"],
                        "flat.graphml"),
                       (["template", out / "t.xlsx"], "t.xlsx"),
                       (["template", out / "t.ods"], "t.ods")):
        line = _run_full(monkeypatch, capsys, argv)
        assert line.startswith(f"servicemap: {name} could not be written (the disk is full)")
    assert list(out.iterdir()) == []


def test_the_csv_folder_names_the_file_and_leaves_the_folder_as_it_was(disk, monkeypatch,
                                                                        capsys):
    source, out = disk
    folder = out / "csv"
    assert cli.main(["export", str(source / "m.smap"), "--csv", str(folder)]) == 0
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    capsys.readouterr()
    line = _run_full(monkeypatch, capsys, ["export", source / "m.smap", "--csv", folder,
                                           "--force"])
    assert line.startswith("servicemap: csv/") and "could not be written (the disk is full); " \
        "the folder is as it was." in line
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(p.name for p in out.iterdir()) == ["csv"]
    line = _run_full(monkeypatch, capsys, ["export", source / "m.smap", "--csv", out / "new"])
    assert line.endswith("could not be written (the disk is full); nothing was written.")
    assert sorted(p.name for p in out.iterdir()) == ["csv"]


@pytest.mark.parametrize("command", ["demo", "import", "layout-o", "layout"])
def test_every_map_writer_names_the_map(disk, monkeypatch, capsys, command):
    source, out = disk
    target = out / "written.smap"
    argv = {"demo": ["demo", target, "--services", "5"],
            "import": ["import", source / "m.json", target],
            "layout-o": ["layout", source / "m.smap", "--method", "layered", "-o", target],
            "layout": ["layout", source / "m.smap", "--method", "layered"]}[command]
    before = (source / "m.smap").read_bytes()
    line = _run_full(monkeypatch, capsys, argv)
    if command == "layout":  # in place: the map itself is named, and kept
        assert line == "servicemap: m.smap could not be saved (the disk is full); the file " \
                       "on disk is unchanged."
        assert (source / "m.smap").read_bytes() == before
        assert sorted(p.name for p in source.iterdir()) == ["m.json", "m.smap"]
    else:
        assert line == "servicemap: written.smap could not be saved (the disk is full); " \
                       "nothing was written."
        assert list(out.iterdir()) == []
