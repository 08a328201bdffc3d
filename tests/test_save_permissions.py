"""Saves keep the map's permissions: a private map and its .bak stay private, a read-only map
is refused (one sentence) and stays read-only; autosaves and the recovery folder are private."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from servicemap import demo, store
from servicemap.errors import SaveError

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def doc():
    return demo.synthetic(12, 3)


@posix_only
def test_private_map_and_its_backup_stay_private(tmp_path, doc):
    path = tmp_path / "private.smap"
    store.save(doc, path)
    os.chmod(path, 0o600)
    store.save(doc, path)
    assert _mode(path) == 0o600
    assert _mode(store.backup_path(path)) == 0o600
    os.chmod(path, 0o640)  # a group-shared map stays as it was too
    store.save(doc, path)
    assert _mode(path) == 0o640 and _mode(store.backup_path(path)) == 0o640
    assert store.load(path).counts() == doc.counts()


@posix_only
def test_new_file_gets_the_mode_asked_for_or_the_default(tmp_path, doc):
    store.save(doc, tmp_path / "asked.smap", mode=0o600)
    assert _mode(tmp_path / "asked.smap") == 0o600
    umask = os.umask(0o022)
    os.umask(umask)
    store.save(doc, tmp_path / "plain.smap")
    assert _mode(tmp_path / "plain.smap") == 0o666 & ~umask


def test_read_only_map_is_refused_and_stays_read_only(tmp_path, doc):
    path = tmp_path / "locked.smap"
    store.save(doc, path)
    before = path.read_bytes()
    os.chmod(path, stat.S_IREAD)  # on Windows: the read-only attribute
    try:
        with pytest.raises(SaveError) as err:
            store.save(demo.synthetic(5, 1), path)
        message = str(err.value)
        assert "locked.smap is read-only" in message and "\n" not in message
        assert path.read_bytes() == before
        assert not os.stat(path).st_mode & stat.S_IWUSR
        assert not store.backup_path(path).exists()
        assert [p.name for p in tmp_path.iterdir()] == ["locked.smap"]  # no temporary left
    finally:
        os.chmod(path, stat.S_IREAD | stat.S_IWRITE)


def test_folder_named_like_a_map_is_refused(tmp_path, doc):
    (tmp_path / "odd.smap").mkdir()
    with pytest.raises(SaveError, match="odd.smap is not a regular file"):
        store.save(doc, tmp_path / "odd.smap")


@posix_only
def test_cli_writers_keep_the_mode_and_refuse_read_only(tmp_path, doc):
    path = tmp_path / "m.smap"
    store.save(doc, path)
    os.chmod(path, 0o600)
    run = [sys.executable, "-m", "servicemap"]
    proc = subprocess.run([*run, "layout", str(path), "--method", "layered"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert _mode(path) == 0o600 and _mode(store.backup_path(path)) == 0o600
    proc = subprocess.run([*run, "demo", str(path), "--force"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert _mode(path) == 0o600
    os.chmod(path, 0o400)
    before = path.read_bytes()
    proc = subprocess.run([*run, "layout", str(path), "--method", "layered"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "m.smap is read-only" in lines[0], proc.stderr
    assert "with -o OUT.smap" in lines[0] and "File > Save As" not in lines[0]
    assert "Traceback" not in proc.stderr
    assert path.read_bytes() == before and _mode(path) == 0o400
    for argv in (["demo", path, "--force"], ["import", _json(tmp_path, doc), path, "--force"]):
        proc = subprocess.run([*run, *map(str, argv)], capture_output=True, text=True)
        assert proc.returncode == 2 and proc.stderr.startswith(
            "servicemap: m.smap is read-only, so it was not written over; choose another "
            "name, or make the file writable first."), proc.stderr
    assert path.read_bytes() == before and _mode(path) == 0o400


def _json(folder, doc):
    from servicemap.io.exchange import write_json

    write_json(doc, folder / "m.json")
    return folder / "m.json"


@posix_only
def test_autosaves_and_recovery_folder_are_private(tmp_path, doc, qapp):
    from servicemap.ui.file_safety import Recovery

    folder = tmp_path / "recovery"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)  # made by an older version
    recovery = Recovery(folder)
    try:
        assert _mode(folder) == 0o700
        recovery.autosave(doc, None)
        recovery.autosave(doc, None)  # the second keeps a .bak
        for path in (recovery.map_file, recovery.info_file, store.backup_path(recovery.map_file)):
            assert _mode(path) == 0o600, path
        fresh = Recovery(tmp_path / "new" / "recovery")
        assert _mode(tmp_path / "new" / "recovery") == 0o700
        fresh.close()
    finally:
        recovery.close()
