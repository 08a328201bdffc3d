"""Command-line writers hold the map's lock while they write (issue #19): a window opening the
map in that moment finds it held instead of reading a file about to change, and saves nothing
over it. The lock is QLockFile's own format, so Qt itself sees it live while the command runs
and stale once its process has gone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from servicemap import demo, locks, store
from servicemap.errors import SaveError

HOLD = textwrap.dedent("""
    import sys
    from servicemap import locks
    with locks.holding(sys.argv[1]):
        print("held", flush=True)
        sys.stdin.readline()
""")


def _run(*args):
    return subprocess.run([sys.executable, "-m", "servicemap", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def writing(tmp_path):
    """m.smap while another process is in the middle of writing it (holding its lock)."""
    path = tmp_path / "m.smap"
    store.save(demo.synthetic(10, 2), path)
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "held"
    yield path, child
    if child.poll() is None:
        child.communicate("\n", timeout=30)


def test_a_window_finds_a_map_held_while_a_command_writes_it(writing, qapp):
    from PySide6.QtCore import QLockFile

    from servicemap.ui.file_safety import MapLock

    path, _child = writing
    qt_lock = QLockFile(str(locks.lock_path(path)))
    qt_lock.setStaleLockTime(0)
    assert not qt_lock.tryLock(0)  # Qt reads the lock as live: its process runs
    window_lock = MapLock(path)
    assert not window_lock.acquire()
    assert "(a servicemap command)" in window_lock.owner().describe()


def test_another_command_refuses_while_one_writes(writing):
    path, _child = writing
    proc = _run("layout", path, "--method", "tidy")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "m.smap is open in servicemap by" in lines[0]
    assert "(a servicemap command)" in lines[0]


@pytest.mark.skipif(os.name == "nt", reason="kill -9 of a child process")
def test_a_command_killed_while_writing_leaves_a_stale_lock_qt_takes_over(writing, qapp):
    from PySide6.QtCore import QLockFile

    path, child = writing
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert locks.lock_path(path).exists()  # left behind, as after a crash
    assert locks.holder(path) is None
    qt_lock = QLockFile(str(locks.lock_path(path)))
    qt_lock.setStaleLockTime(0)
    assert qt_lock.tryLock(0)
    qt_lock.unlock()
    locks.lock_path(path).write_text(f"{child.pid}\npython\n{os.uname().nodename}\n",
                                     encoding="utf-8")  # stale again, for the command line
    assert _run("layout", path, "--method", "tidy").returncode == 0
    assert not locks.lock_path(path).exists()


def test_writers_leave_no_lock_behind(tmp_path):
    path = tmp_path / "m.smap"
    assert _run("demo", path, "--services", "5").returncode == 0
    assert _run("layout", path, "--method", "tidy").returncode == 0
    assert _run("export", path, tmp_path / "m.json").returncode == 0
    assert _run("import", tmp_path / "m.json", tmp_path / "n.smap").returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json", "m.smap", "m.smap.bak",
                                                          "n.smap"]


def test_holding_refuses_a_map_a_window_holds(tmp_path, qapp):
    from servicemap.ui.file_safety import MapLock

    path = tmp_path / "m.smap"
    store.save(demo.synthetic(3, 1), path)
    window_lock = MapLock(path)
    assert window_lock.acquire()
    try:
        with pytest.raises(SaveError, match="m.smap is open in servicemap by"):
            with locks.holding(path):
                pytest.fail("a held map was written")
        assert locks.lock_path(path).exists()  # the window's lock is untouched
    finally:
        window_lock.release()
    with locks.holding(path):
        assert locks.holder(path) is not None  # now this process's own
    assert not locks.lock_path(path).exists()
