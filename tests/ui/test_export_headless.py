"""``servicemap export MAP OUT.png`` draws with servicemap.render alone: a separate process
writes the picture without importing any module of the window (``servicemap.ui``)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from servicemap import store

from .test_export import export_map

ROOT = Path(__file__).resolve().parents[2]
IMPORTED = re.compile(r"^import time:\s+\d+\s+\|\s+\d+\s+\|\s*(\S+)\s*$", re.MULTILINE)


def test_exporting_a_png_loads_no_window_module(qapp, tmp_path):
    map_file, out = tmp_path / "map.smap", tmp_path / "out.png"
    store.save(export_map(), map_file)
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), APPDATA=str(tmp_path / "appdata"))
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "servicemap", "export",
                           str(map_file), str(out)], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"\x89PNG")
    modules = set(IMPORTED.findall(done.stderr))
    assert {"servicemap.cli", "servicemap.render.export", "servicemap.render.scene",
            "servicemap.render.app"} <= modules  # the list is read right
    assert sorted(m for m in modules if m.startswith("servicemap.ui")) == []
