"""The command line never writes a map a servicemap window holds: every writer refuses with one
sentence naming who holds it (exit 2); a stale lock (its process gone, or taken before this
machine last started) does not stop it, and a lock from another computer always does."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from servicemap import demo, locks, store
from servicemap.io.exchange import to_node_link


def _run(*args):
    return subprocess.run([sys.executable, "-m", "servicemap", *map(str, args)],
                          capture_output=True, text=True)


@pytest.fixture
def held(tmp_path, qapp):
    """m.smap held by a real window lock (this test's process is its live owner)."""
    from servicemap.ui.file_safety import MapLock

    path = tmp_path / "m.smap"
    store.save(demo.synthetic(10, 2), path)
    lock = MapLock(path)
    assert lock.acquire()
    yield path
    lock.release()


def _refused(proc, name="m.smap"):
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert f"{name} is open in servicemap by" in lines[0]
    return lines[0]


def test_every_writer_refuses_a_map_a_window_holds(held, tmp_path):
    from servicemap.ui.file_safety import user_name

    before = held.read_bytes()
    source = tmp_path / "source.json"
    source.write_text(json.dumps(to_node_link(demo.synthetic(6, 1))), encoding="utf-8")
    line = _refused(_run("layout", held, "--method", "layered"))
    assert user_name() in line and socket.gethostname() in line
    _refused(_run("import", source, held, "--force"))
    _refused(_run("demo", held, "--force"))
    other = tmp_path / "other.smap"
    store.save(demo.synthetic(4, 1), other)
    _refused(_run("layout", other, "--method", "layered", "-o", held, "--force"))
    assert held.read_bytes() == before
    assert not store.backup_path(held).exists()
    # reading is still allowed while the window holds it
    assert _run("info", held).returncode == 0
    assert _run("validate", held).returncode == 0


def test_export_refuses_a_held_json_map(tmp_path, qapp):
    from servicemap.ui.file_safety import MapLock

    target = tmp_path / "shared.json"
    target.write_text("{}", encoding="utf-8")
    lock = MapLock(target)
    assert lock.acquire()
    try:
        source = tmp_path / "s.smap"
        store.save(demo.synthetic(4, 1), source)
        _refused(_run("export", source, target, "--force"), "shared.json")
        assert target.read_text(encoding="utf-8") == "{}"
    finally:
        lock.release()
    assert _run("export", source, target, "--force").returncode == 0


def _write_lock(path, pid, host=None, machine=None, boot=None):
    lines = [str(pid), "python3", host or socket.gethostname()]
    if machine is not None:
        lines += [machine, boot or ""]
    locks.lock_path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.skipif(os.name == "nt", reason="Windows tells a live lock by its open file")
def test_stale_locks_do_not_stop_the_command_line(tmp_path):
    path = tmp_path / "m.smap"
    store.save(demo.synthetic(10, 2), path)
    _write_lock(path, _dead_pid())
    assert locks.holder(path) is None
    assert _run("layout", path, "--method", "layered").returncode == 0
    _write_lock(path, os.getpid(), machine="", boot="00000000-not-this-boot")
    boot = locks._own_id("/proc/sys/kernel/random/boot_id")
    assert (locks.holder(path) is None) == bool(boot)
    _write_lock(path, os.getpid())
    assert locks.holder(path) is not None  # this process is alive


def test_locks_from_elsewhere_or_unreadable_count_as_held(tmp_path):
    path = tmp_path / "m.smap"
    store.save(demo.synthetic(10, 2), path)
    _write_lock(path, _dead_pid(), host="ward-pc-17")
    locks.info_path(path).write_text(json.dumps({"user": "alex", "host": "ward-pc-17",
                                                 "since": "2026-12-01T09:30:00+00:00"}))
    line = _refused(_run("demo", path, "--force"))
    assert "alex on ward-pc-17 since 01 Dec 2026 at 09:30" in line
    for info in ("[]", "{not json", '"x"', json.dumps({"user": 5})):
        locks.info_path(path).write_text(info, encoding="utf-8")
        assert "ward-pc-17" in locks.holder(path).describe()
    locks.info_path(path).unlink()
    locks.info_path(path).mkdir()
    assert "ward-pc-17" in locks.holder(path).describe()
    locks.lock_path(path).write_bytes(b"\xff\xfe garbage")
    assert locks.holder(path) is not None
    locks.lock_path(path).unlink()
    assert locks.holder(path) is None
