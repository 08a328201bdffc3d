"""``servicemap validate`` of networkx node-link JSON, as whole processes: the defaults import
fills in are filled in and listed (exit 0 when that is all), real contradictions are problems
(exit 1), a file that is no map at all is bad input (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from servicemap.io.exchange import import_json, write_json
from tests.maps import sample_map

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"


def validate(path: Path, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "servicemap", "validate", str(path)],
                          capture_output=True, text=True, cwd=REPO, timeout=120, env=env)


def defaults(stdout: str) -> list[str]:
    return [line.removeprefix("default: ") for line in stdout.splitlines()
            if line.startswith("default: ")]


def test_networkx_files_validate_with_their_defaults_listed(child_env):
    for name in ("networkx-2.8-digraph.json", "networkx-3.6-multidigraph.json"):
        proc = validate(DATA / name, child_env)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        listed = defaults(proc.stdout)
        notices = import_json(DATA / name).notices  # exactly what import fills in
        assert len(listed) == len(notices) == 8
        assert listed[1:] == notices[1:]  # the first names "now", a moment apart
        assert listed[0].startswith('Map fields filled in: title "Referrals in Swale"')
        assert proc.stderr == ""
    multi = validate(DATA / "networkx-3.6-multidigraph.json", child_env).stdout.splitlines()
    assert multi[-1] == ('warning: 2 referral flows join "GP practice" and "Crisis team"; '
                         "they are kept separate")


def test_our_own_json_needs_no_defaults(tmp_path, child_env):
    write_json(sample_map(), tmp_path / "ours.json")
    proc = validate(tmp_path / "ours.json", child_env)
    assert (proc.returncode, defaults(proc.stdout), proc.stderr) == (0, [], "")


def test_contradictions_are_problems_and_exit_1(tmp_path, child_env):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({
        "directed": True, "multigraph": False, "graph": {},
        "nodes": [{"id": 0, "kind": "exit", "name": "Out"}, {"id": 1, "name": ""}],
        "links": [{"source": 0, "target": 1}, {"source": 1, "target": 9}]}))
    proc = validate(path, child_env)
    assert proc.returncode == 1
    problems = [line for line in proc.stdout.splitlines() if not line.startswith("default: ")]
    assert problems == [
        "service '1': name must not be empty",
        'flow "Out" -> "" (0-to-1): a flow cannot go from an exit to a service',
        "flow \"\" -> \"9\" (1-to-9): refers to node '9', which does not exist"]
    assert "Id made from the ends for 2 edges with none" in proc.stdout
    assert proc.stderr == "bad.json: 3 problems found\n"


def test_a_file_that_is_no_map_is_bad_input(tmp_path, child_env):
    path = tmp_path / "list.json"
    path.write_text('{"nodes": 3}')
    proc = validate(path, child_env)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == "servicemap: list.json is not a servicemap map: it has no list of " \
                          "nodes.\n"
