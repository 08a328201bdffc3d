"""A map whose name leaves no room for the names written beside it (a backup, temporary
files, the lock: up to 22 characters more, and most disks allow 255) is said in one sentence
before anything is written or edited (issue #19), not as a failed save afterwards."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from servicemap import atomic, demo, store
from servicemap.errors import SaveError

LIMIT = atomic.DEFAULT_NAME_MAX - atomic.NAME_ROOM  # 233 on a 255-byte disk


def _run(*args):
    return subprocess.run([sys.executable, "-m", "servicemap", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def _name(length):
    return "m" * (length - len(".smap")) + ".smap"


@pytest.fixture(autouse=True)
def _disk_of_255(tmp_path):
    if atomic.name_max(tmp_path) != 255:
        pytest.skip("these names are sized for a disk taking 255-character names")


def test_a_name_at_the_limit_saves_with_its_backup(tmp_path):
    path = tmp_path / _name(LIMIT)
    store.save(demo.synthetic(3, 1), path)
    store.save(demo.synthetic(3, 1), path)  # over it: the .bak and its temporary copy
    assert store.load(path).counts()["services"] == 3
    assert store.backup_path(path).exists()


@pytest.mark.parametrize("length", [LIMIT + 1, 250, 255])
def test_a_longer_name_is_refused_before_writing(tmp_path, length):
    path = tmp_path / _name(length)
    with pytest.raises(SaveError, match=rf"has too long a name to be saved \({length} "
                       r"characters\).*this disk allows 255; give it a name of at most 233 "
                       r"characters\.$"):
        store.save(demo.synthetic(3, 1), path)
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_says_so_in_one_line(tmp_path):
    source = tmp_path / "m.json"
    assert _run("demo", tmp_path / "m.smap", "--services", "4").returncode == 0
    assert _run("export", tmp_path / "m.smap", source).returncode == 0
    for args in (("demo", tmp_path / _name(250)), ("import", source, tmp_path / _name(250))):
        proc = _run(*args)
        assert proc.returncode == 2, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "has too long a name to be saved (250 characters)" in lines[0]
        assert not (tmp_path / _name(250)).exists()


def test_layout_in_place_refuses_a_long_named_map_untouched(tmp_path):
    short = tmp_path / "m.smap"
    store.save(demo.synthetic(4, 1), short)
    long = tmp_path / _name(245)
    os.rename(short, long)  # copied in from a disk that allows longer names
    before = long.read_bytes()
    proc = _run("layout", long, "--method", "tidy")
    assert proc.returncode == 2 and "too long a name" in proc.stderr
    assert long.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [long.name]
