"""Damaged lock and recovery files never crash the window: a lock whose .lock.json is missing,
garbled or a folder; a lock from another computer (offered for take-over with owner and age);
autosave info that is valid JSON but not an object; a damaged autosave (told once, not again)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from servicemap import demo, locks, store
from servicemap.ui.file_safety import MapLock, Recovery


def _dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _foreign_lock(path, host="ward-pc-17"):
    """A lock QLockFile wrote on another computer (it cannot be checked from here)."""
    locks.lock_path(path).write_text(f"{_dead_pid()}\nservicemap\n{host}\n", encoding="utf-8")


@pytest.mark.parametrize("info", [None, "{garbled", "[]", '"x"', json.dumps({"user": 7}),
                                  "folder"])
def test_lock_with_a_missing_or_damaged_info_file(new_window, map_file, info):
    _foreign_lock(map_file)
    info_path = locks.info_path(map_file)
    if info == "folder":
        info_path.mkdir()
    elif info is not None:
        info_path.write_text(info, encoding="utf-8")
    assert not MapLock(map_file).acquire()
    assert "ward-pc-17" in MapLock(map_file).owner().describe()
    window = new_window()
    seen = []
    window.files.ask_locked = lambda path, owner: seen.append(owner) or "read_only"
    assert window.files.open_path(map_file, ask_save=False)
    assert "read-only" in window.windowTitle()
    assert seen[0].elsewhere and "ward-pc-17" in seen[0].describe()


def test_lock_from_another_computer_can_be_taken_over(new_window, map_file):
    _foreign_lock(map_file)
    since = (datetime.now().astimezone() - timedelta(days=3)).isoformat(timespec="seconds")
    locks.info_path(map_file).write_text(json.dumps({"user": "alex", "host": "ward-pc-17",
                                                     "since": since}), encoding="utf-8")
    window = new_window()
    told = []
    window.files.ask_locked = lambda path, owner: told.append(owner.describe()) or "take_over"
    assert window.files.open_path(map_file, ask_save=False)
    assert told and "alex on ward-pc-17" in told[0] and "(3 days ago)" in told[0]
    assert "read-only" not in window.windowTitle()
    assert window.session.editable and window.files.lock is not None
    assert str(os.getpid()) == locks.lock_path(map_file).read_text().splitlines()[0]
    assert locks.holder(map_file) is not None  # now held by this window
    window.files.ask_unsaved = lambda: "discard"
    window.close()
    assert not locks.lock_path(map_file).exists()


def test_a_lock_on_this_computer_is_not_offered_for_take_over(open_window, new_window, map_file):
    open_window(map_file, show=False)
    other = new_window()
    seen = []
    other.files.ask_locked = lambda path, owner: seen.append(owner) or "read_only"
    assert other.files.open_path(map_file, ask_save=False)
    assert seen and not seen[0].elsewhere


def _crashed_autosave(folder, info_text, map_bytes=None):
    folder.mkdir(parents=True, exist_ok=True)
    session = "deadbeef0001"
    if map_bytes is None:
        store.save(demo.synthetic(6, 3), folder / f"{session}.smap")
    else:
        (folder / f"{session}.smap").write_bytes(map_bytes)
    (folder / f"{session}.json").write_text(info_text, encoding="utf-8")
    return session


@pytest.mark.parametrize("info", ["[]", '"x"', "7", "null", "{broken",
                                  json.dumps({"title": 5, "original": ["a"]})])
def test_autosave_info_not_an_object_is_still_offered(new_window, tmp_path, info):
    folder = tmp_path / "crashed"
    _crashed_autosave(folder, info)
    window = new_window(recovery=folder)
    offered = []
    window.files.ask_recover = lambda items: offered.extend(i.describe() for i in items) or True
    assert window.files.recover_on_start()
    assert len(offered) == 1
    assert window.session.path is None  # the file it belongs to is not known: a copy
    assert window.session.doc.graph.number_of_nodes() > 0


def test_damaged_autosave_is_told_once_then_cleared(new_window, tmp_path):
    folder = tmp_path / "crashed"
    session = _crashed_autosave(folder, json.dumps({"original": "", "title": "Plan",
                                                    "saved": "2026-12-01T10:00:00"}),
                                map_bytes=b"SQLite format 3\x00" + b"\x00" * 50)
    window = new_window(recovery=folder)
    window.files.ask_recover = lambda items: True
    told = []
    window.files.tell_error = told.append
    assert not window.files.recover_on_start()
    assert len(told) == 1 and "could not be restored" in told[0]
    kept = folder / f"{session}.damaged.smap"
    assert kept.exists() and str(kept) in told[0]
    again = new_window(recovery=folder)
    again.files.ask_recover = lambda items: pytest.fail("offered again")
    assert not again.files.recover_on_start()
    assert Recovery(folder).orphans() == []
