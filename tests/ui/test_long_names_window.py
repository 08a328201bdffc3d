"""The window says a map's name is too long to save beside before any editing starts (issue
#19): the map opens as a copy, to save under a shorter name, and Save As refuses such a name."""

from __future__ import annotations

import os

import pytest

from servicemap import atomic, demo, store


@pytest.fixture
def long_map(tmp_path):
    if atomic.name_max(tmp_path) != 255:
        pytest.skip("sized for a disk taking 255-character names")
    path = tmp_path / "short.smap"
    store.save(demo.synthetic(4, 1), path)
    long = tmp_path / ("m" * 240 + ".smap")
    os.rename(path, long)
    return long


def test_opening_a_map_whose_name_is_too_long_says_so_first(new_window, long_map):
    window = new_window()
    told = []
    window.files.tell_error = told.append
    assert window.files.open_path(long_map, ask_save=False)
    assert len(told) == 1 and "has too long a name to be saved (245 characters)" in told[0]
    assert told[0].endswith("It opens as a copy, to save under a shorter name.")
    assert "Copy of" in window.windowTitle()
    assert window.files.lock is None
    beside = [p.name for p in long_map.parent.iterdir() if p.name.startswith("mmm")]
    assert beside == [long_map.name]  # no lock, no temporary file


def test_save_as_refuses_a_name_too_long(new_window, tmp_path, map_file):
    window = new_window()
    assert window.files.open_path(map_file, ask_save=False)
    told = []
    window.files.tell_error = told.append
    window.files.ask_save_path = lambda: str(tmp_path / ("n" * 245 + ".smap"))
    assert not window.files.save_as_file()
    assert told and "too long a name" in told[0]
    assert not any(p.name.startswith("nnn") for p in tmp_path.iterdir())
