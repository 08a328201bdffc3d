"""A save clears stale SQLite journals and WAL files beside the target, so the map just saved is
never refused or corrupted by them; a hot journal on open is reported as such, not as damage."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys

import pytest

from servicemap import atomic, demo, store
from servicemap.errors import FileFormatError


def _hot_journal(tmp_path):
    """The bytes of a real hot journal: taken from a transaction on another map mid-write."""
    victim = tmp_path / "victim.smap"
    store.save(demo.synthetic(20, 1), victim)
    conn = sqlite3.connect(victim, isolation_level=None)
    conn.execute("PRAGMA cache_size=1")
    conn.execute("BEGIN")
    conn.execute("UPDATE nodes SET name = name || ' changed'")
    conn.execute("CREATE TABLE big(x)")
    conn.execute("INSERT INTO big SELECT randomblob(1000) FROM nodes, nodes")
    data = (tmp_path / "victim.smap-journal").read_bytes()
    conn.execute("ROLLBACK")
    conn.close()
    assert data[:8] == atomic.JOURNAL_MAGIC
    return data


def _wal_files(tmp_path):
    """A -wal and -shm holding committed pages of another database."""
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("CREATE TABLE t(x)")
    conn.execute("INSERT INTO t SELECT randomblob(500) FROM (SELECT 1 UNION SELECT 2)")
    conn.commit()
    wal = (tmp_path / "other.db-wal").read_bytes()
    shm = (tmp_path / "other.db-shm").read_bytes()
    conn.close()
    return wal, shm


def _assert_whole(path, doc):
    assert store.load(path).counts() == doc.counts()
    conn = sqlite3.connect(path)  # a read-write open would roll a journal in
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM nodes").fetchone()[0] == doc.graph.number_of_nodes()
    conn.close()
    assert store.load(path).counts() == doc.counts()


def test_save_clears_a_stale_journal(tmp_path):
    journal = _hot_journal(tmp_path)
    path = tmp_path / "m.smap"
    store.save(demo.synthetic(8, 2), path)
    (tmp_path / "m.smap-journal").write_bytes(journal)
    doc = demo.synthetic(30, 4)
    store.save(doc, path)
    assert not (tmp_path / "m.smap-journal").exists()
    _assert_whole(path, doc)
    assert not list(tmp_path.glob(".m.smap*"))  # nothing set aside is left behind


def test_save_of_a_new_file_clears_journals_left_by_another(tmp_path):
    wal, shm = _wal_files(tmp_path)
    path = tmp_path / "new.smap"
    (tmp_path / "new.smap-wal").write_bytes(wal)
    (tmp_path / "new.smap-shm").write_bytes(shm)
    (tmp_path / "new.smap-journal").write_bytes(_hot_journal(tmp_path))
    doc = demo.synthetic(25, 5)
    store.save(doc, path)
    for suffix in atomic.JOURNAL_SUFFIXES:
        assert not (tmp_path / f"new.smap{suffix}").exists()
    _assert_whole(path, doc)


def test_cli_save_over_a_map_with_a_stale_journal(tmp_path):
    journal = _hot_journal(tmp_path)
    path = tmp_path / "m.smap"
    store.save(demo.synthetic(12, 3), path)
    (tmp_path / "m.smap-journal").write_bytes(journal)
    proc = subprocess.run([sys.executable, "-m", "servicemap", "demo", str(path), "--force",
                           "--services", "40"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run([sys.executable, "-m", "servicemap", "validate", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_hot_journal_on_open_is_said_as_such(tmp_path):
    path = tmp_path / "m.smap"
    doc = demo.synthetic(12, 3)
    store.save(doc, path)
    before = path.read_bytes()
    (tmp_path / "m.smap-journal").write_bytes(_hot_journal(tmp_path))
    with pytest.raises(FileFormatError) as err:
        store.load(path)
    message = str(err.value)
    assert "unfinished change" in message and "m.smap-journal" in message
    assert "damaged" not in message and "\n" not in message
    proc = subprocess.run([sys.executable, "-m", "servicemap", "info", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "unfinished change" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert path.read_bytes() == before  # never rolled in
    shutil.move(tmp_path / "m.smap-journal", tmp_path / "elsewhere")
    assert store.load(path).counts() == doc.counts()


def test_empty_journal_is_not_hot(tmp_path):
    path = tmp_path / "m.smap"
    doc = demo.synthetic(5, 1)
    store.save(doc, path)
    (tmp_path / "m.smap-journal").write_bytes(b"")
    assert store.load(path).counts() == doc.counts()
