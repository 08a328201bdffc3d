"""``servicemap import`` prints what validate would warn about in the map it made (issue #18):
parallel flows kept separate, an undirected graph, skipped hyperedges;
all on stderr, after the summary of defaults, and the exit stays 0. Whole processes, as typed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from servicemap import store

REPO = Path(__file__).resolve().parent.parent

UNDIRECTED = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="name" for="node" attr.name="name" attr.type="string"/>
  <key id="kind" for="node" attr.name="kind" attr.type="string"/>
  <key id="vol" for="edge" attr.name="volume_per_year" attr.type="double"/>
  <graph id="G" edgedefault="undirected">
    <node id="gp"><data key="name">GP practice</data><data key="kind">access_point</data></node>
    <node id="a"><data key="name">Crisis team</data></node>
    <node id="b"><data key="name">Acute ward</data></node>
    <edge source="gp" target="a"><data key="vol">300</data></edge>
    <edge source="a" target="b"><data key="vol">40</data></edge>
    <edge source="a" target="b"><data key="vol">10</data></edge>
    <hyperedge><endpoint node="gp"/><endpoint node="a"/><endpoint node="b"/></hyperedge>
  </graph>
</graphml>
"""


def servicemap(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "servicemap", *map(str, args)],
                          capture_output=True, text=True, cwd=REPO, timeout=120, env=env)


def test_import_prints_the_maps_warnings_and_exits_0(tmp_path, child_env):
    source = tmp_path / "referrals.graphml"
    source.write_text(UNDIRECTED, "utf-8")
    out = tmp_path / "referrals.smap"
    proc = servicemap("import", source, out, env=child_env)
    assert proc.returncode == 0 and proc.stdout == "" and "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0] == "referrals.graphml: imported with 4 notes on what was filled in or changed:"
    notes = [line for line in lines if line.startswith("  ")]
    assert notes[0].startswith("  The graph is undirected: its 3 edges became one-way flows")
    assert notes[-1] == ('  1 hyperedge (one edge joining several nodes at once) was left out, '
                         'as a flow joins one box to another: ("GP practice", "Crisis team", '
                         '"Acute ward").')
    warnings = [line for line in lines if not line.startswith("  ")][1:]
    assert warnings == [
        'referrals.graphml: warning: 2 referral flows join "Crisis team" and "Acute ward"; '
        'they are kept separate']
    assert store.load(out).counts()["flows"] == 3  # the parallel pair kept apart

    # validate gives the same warning for the map made (and, beside it, the flow balance)
    check = servicemap("validate", out, env=child_env)
    assert check.returncode == 0
    assert check.stdout.splitlines()[0] == warnings[0].removeprefix("referrals.graphml: ")
    assert "are not seen to leave" in check.stdout


def test_a_clean_import_prints_nothing(tmp_path, child_env):
    from tests.maps import sample_map

    source = tmp_path / "clean.json"
    from servicemap.io.exchange import write_json

    write_json(sample_map(), source)
    proc = servicemap("import", source, tmp_path / "clean.smap", env=child_env)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_at_most_20_warnings_are_printed_then_a_count(tmp_path, child_env):
    """30 pairs of services joined by parallel flows: 30 warnings, 20 printed and a count (the
    import still succeeds, exit 0); validate on the map lists all 30."""
    nodes = "".join(f'<node id="n{i}"/>' for i in range(31))
    edges = "".join(f'<edge source="n{i}" target="n{i + 1}"/>' * 2 for i in range(30))
    source = tmp_path / "parallel.graphml"
    source.write_text('<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/'
                      f'xmlns"><graph edgedefault="directed">{nodes}{edges}</graph></graphml>',
                      encoding="utf-8")
    proc = servicemap("import", source, tmp_path / "parallel.smap", env=child_env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.strip().splitlines()
    warnings = [line for line in lines if "kept separate" in line]
    assert len(warnings) == 20
    assert lines[-1] == ("parallel.graphml: and 10 more warnings not listed here ('servicemap "
                         "validate' on the map lists them all)")
    assert store.load(tmp_path / "parallel.smap").counts()["flows"] == 60
    check = servicemap("validate", tmp_path / "parallel.smap", env=child_env)
    assert (check.stdout + check.stderr).count("kept separate") == 30
