"""The quick commands load only what they use: ``servicemap --help``, and ``info`` and
``validate`` of a ``.smap`` map, which check it without building its networkx graph, import
none of networkx, igraph, openpyxl, sqlite-utils or Qt (whole processes, as a person runs
them)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from servicemap import demo, store

HEAVY = ("networkx", "igraph", "openpyxl", "sqlite_utils", "PySide6", "shiboken6")

# Runs the command line as the ``servicemap`` entry does, then reports on stderr which of the
# heavy packages were imported (after a last line of its own, so the command's own output and
# exit code are kept).
CHILD = f"""
import json, sys
from servicemap.cli import main
code = main(sys.argv[1:])
loaded = sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))
sys.stderr.write("\\nLOADED " + json.dumps(loaded) + "\\n")
sys.exit(code)
"""


def run(child_env, *argv) -> tuple[int, str, list[str]]:
    proc = subprocess.run([sys.executable, "-c", CHILD, *map(str, argv)], capture_output=True,
                          text=True, env=child_env, timeout=120)
    err, _, loaded = proc.stderr.rpartition("\nLOADED ")
    return proc.returncode, proc.stdout, json.loads(loaded)


@pytest.fixture
def small_map(tmp_path):
    path = tmp_path / "kent.smap"
    store.save(demo.kent_and_medway(), path)
    return path


def test_help_loads_nothing_heavy(child_env):
    code, out, loaded = run(child_env, "--help")
    assert code == 0 and "info" in out and "validate" in out
    assert loaded == []


@pytest.mark.parametrize("argv", [("info",), ("info", "--json"), ("validate",)])
def test_info_and_validate_of_a_small_map_load_nothing_heavy(child_env, small_map, argv):
    code, out, loaded = run(child_env, argv[0], small_map, *argv[1:])
    assert code == 0
    if argv == ("info", "--json"):
        assert json.loads(out)["services"] == 45
    elif argv == ("info",):
        assert out.startswith("Kent and Medway") and "  services: 45" in out
    assert loaded == []


def test_a_command_that_builds_the_map_still_does(child_env, small_map, tmp_path):
    """The other side: ``export`` to JSON builds the map (networkx), still without Qt."""
    code, _, loaded = run(child_env, "export", small_map, tmp_path / "out.json")
    assert code == 0 and (tmp_path / "out.json").exists()
    assert "networkx" in loaded and "PySide6" not in loaded
