"""networkx node-link JSON as networkx 2.8 and 3.6 write it (tests/data/networkx-*.json):
imported with every default listed, round-tripped, contradictions all listed; the command line
as a whole process."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from servicemap import store
from servicemap.io import formats
from servicemap.io.exchange import import_json, to_node_link, write_json
from servicemap.io.report import ImportProblems
from tests.maps import sample_map

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent
FIXTURES = sorted(DATA.glob("networkx-*.json"))
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")

MAP_DEFAULTS = ('Map fields filled in: title "Referrals in Swale" (the graph\'s name); '
                "description and source empty; marking OFFICIAL; illustrative false (the "
                "numbers are real); created and modified NOW (now).")
COMMON = [
    MAP_DEFAULTS,
    'Ids written as whole numbers became text for 5 items (1 -> "1").',
    'Kind set to service for 3 nodes with none: "Crisis team" (1), "Acute ward" (2), \'3\'.',
    "Name set to the id for 1 node with none: '3'.",
]


def notices(path: Path, **options) -> list[str]:
    return [STAMP.sub("NOW", n) for n in import_json(path, **options).notices]


def test_the_fixtures_are_networkx_s_own_layouts():
    seen = {(json.loads(p.read_text())["multigraph"], "edges" in json.loads(p.read_text()))
            for p in FIXTURES}
    assert seen == {(False, False), (True, False), (False, True), (True, True)}
    assert {p.name.split("-")[1] for p in FIXTURES} == {"2.8", "3.6"}


@pytest.mark.parametrize("version", ["2.8", "3.6"])
def test_a_digraph_imports_and_every_default_is_listed(version):
    path = DATA / f"networkx-{version}-digraph.json"
    imported = import_json(path)
    doc = imported.document
    assert [STAMP.sub("NOW", n) for n in imported.notices] == [
        *COMMON,
        'Kind set to flow for 3 edges with none: "GP practice" -> "Crisis team", '
        '"Crisis team" -> "Acute ward", "Crisis team" -> "3".',
        'Flow type set to referral for 2 flows with none: "GP practice" -> "Crisis team", '
        '"Crisis team" -> "3".',
        "Id made from the ends for 4 edges with none: '0-to-1', '1-to-2', '1-to-3', '2-to-4'.",
        "Attributes servicemap has no field for were left out: weight (1 edge).",
    ]
    assert not imported.undirected
    nodes = doc.graph.nodes
    assert [(n, nodes[n]["kind"], nodes[n]["name"]) for n in nodes] == [
        ("0", "access_point", "GP practice"), ("1", "service", "Crisis team"),
        ("2", "service", "Acute ward"), ("3", "service", "3"),
        ("4", "exit", "Back to GP care")]
    assert nodes["2"]["category"] == "inpatient"
    flows = {k: (u, v, d["flow_type"], d["volume_per_year"])
             for u, v, k, d in doc.graph.edges(keys=True, data=True)}
    assert flows == {"0-to-1": ("0", "1", "referral", 1200),
                     "1-to-2": ("1", "2", "escalation", None),
                     "1-to-3": ("1", "3", "referral", None),
                     "2-to-4": ("2", "4", "discharge", None)}
    fields = doc.map_fields()
    assert fields["title"] == "Referrals in Swale" and fields["marking"] == "OFFICIAL"
    assert fields["illustrative"] is False and fields["created"] == fields["modified"]
    assert STAMP.fullmatch(fields["created"])


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_fixture_round_trips_with_nothing_more_to_fill_in(path, tmp_path):
    doc = import_json(path).document
    out = tmp_path / "again.json"
    write_json(doc, out)
    again = import_json(out)
    assert again.notices == []
    assert to_node_link(again.document) == to_node_link(doc)
    store.save(doc, tmp_path / "again.smap")
    assert to_node_link(store.load(tmp_path / "again.smap")) == to_node_link(doc)


def test_a_multigraph_s_parallel_edges_stay_separate_flows(tmp_path):
    imported = import_json(DATA / "networkx-3.6-multidigraph.json")
    doc = imported.document
    flows = doc.find_flows("0", "1", "referral")
    assert flows == ["0-to-1", "0-to-1-2"]
    assert [doc.edge(f)["volume_per_year"] for f in flows] == [1200, 300]
    assert not any("parallel" in n for n in imported.notices)  # nothing was changed
    assert [str(p) for p in doc.problems()] == [
        'warning: 2 referral flows join "GP practice" and "Crisis team"; they are kept separate']


def test_an_undirected_graph_one_way_or_both_ways():
    path = DATA / "networkx-2.8-graph.json"
    one = import_json(path)
    assert one.undirected and one.document.counts()["flows"] == 4
    assert notices(path)[-2] == (
        "The graph is undirected: its 4 edges became one-way flows, each from the end the "
        "file names first (import both ways for a flow each way).")
    both = import_json(path, undirected="both-ways")
    flows = {(u, v) for u, v in both.document.graph.edges()}
    assert flows == {("0", "1"), ("1", "2"), ("2", "1"), ("1", "3"), ("3", "1"), ("2", "4")}
    assert [STAMP.sub("NOW", n) for n in both.notices][-3:-1] == [
        "The graph is undirected: 2 edges became a flow each way (4 flows).",
        "2 edges became one flow only, as a flow cannot go into an access point or out of an "
        'exit: "GP practice" -> "Crisis team", "Acute ward" -> "Back to GP care".']


def test_a_node_named_only_by_a_label_takes_it(tmp_path):
    data = json.loads((DATA / "networkx-3.6-digraph.json").read_text())
    data["nodes"][3]["label"] = "Wellbeing cafe"
    path = tmp_path / "labelled.json"
    path.write_text(json.dumps(data))
    imported = import_json(path)
    assert imported.document.node("3")["name"] == "Wellbeing cafe"
    assert "Name set to the label for 1 node with none: \"Wellbeing cafe\" (3)." in \
        imported.notices
    assert not any("left out" in n and "label" in n for n in imported.notices)


def test_no_title_and_no_graph_name_takes_the_file_name(tmp_path):
    data = json.loads((DATA / "networkx-2.8-digraph.json").read_text())
    data["graph"] = {}
    path = tmp_path / "swale referrals.json"
    path.write_text(json.dumps(data))
    imported = import_json(path)
    assert imported.document.map_fields()["title"] == "swale referrals"
    assert imported.notices[0].startswith(
        'Map fields filled in: title "swale referrals" (the file name); ')


def test_servicemap_s_own_file_fills_in_nothing(tmp_path):
    path = tmp_path / "own.json"
    write_json(sample_map(), path)
    imported = formats.JSON.import_file(path)
    assert imported.notices == [] and not imported.undirected
    assert to_node_link(imported.document) == to_node_link(sample_map())


def contradicting(tmp_path) -> Path:
    """networkx 3.6's digraph with what no default can mend."""
    data = json.loads((DATA / "networkx-3.6-digraph.json").read_text())
    nodes, edges = data["nodes"], data["edges"]
    nodes.append({"id": "", "name": "Nowhere"})                    # an empty id
    nodes.append({"name": "No id at all"})                          # a missing id
    nodes.append({"id": 5, "name": "", "kind": "service"})          # an empty name
    nodes.append({"id": 6, "name": "Talking therapies", "kind": "team"})
    edges.append({"source": 4, "target": 1})                        # out of an exit
    edges.append({"source": 1, "target": 99})                       # to a missing node
    edges.append({"target": 2})                                     # no source
    edges.append({"source": "", "target": 2})                       # an empty source
    path = tmp_path / "contradictions.json"
    path.write_text(json.dumps(data))
    return path


def test_contradictions_are_all_listed_by_name_and_id(tmp_path):
    with pytest.raises(ImportProblems) as caught:
        import_json(contradicting(tmp_path))
    assert caught.value.problems == [
        'node 6 "Nowhere" has an empty id',
        'node 7 "No id at all" has no id',
        "node \"Talking therapies\" (6): its kind 'team' is not a kind of node (use one of "
        "organisation, partnership, directorate, service, access_point, exit)",
        'edge 7 (? -> "Acute ward") has no source',
        'edge 8 ("" -> "Acute ward") has an empty source',
        "service '5': name must not be empty",
        'flow "Back to GP care" -> "Crisis team" (4-to-1): a flow cannot go from an exit to a '
        "service",
        "flow \"Crisis team\" -> \"99\" (1-to-99): refers to node '99', which does not exist"]
    assert str(caught.value).startswith("contradictions.json has 8 problems, so nothing was "
                                        "imported: ")


def test_the_command_line_prints_the_summary_and_exits_0(tmp_path, child_env):
    source = tmp_path / "referrals.json"
    shutil.copy(DATA / "networkx-2.8-multidigraph.json", source)
    out = tmp_path / "referrals.smap"
    proc = subprocess.run([sys.executable, "-m", "servicemap", "import", str(source), str(out)],
                          capture_output=True, text=True, cwd=REPO, timeout=120, env=child_env)
    assert proc.returncode == 0 and proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert lines[0] == "referrals.json: imported with 8 notes on what was filled in or changed:"
    assert [STAMP.sub("NOW", line) for line in lines[1:5]] == [f"  {n}" for n in COMMON]
    assert len(lines) == 10
    assert lines[9] == ('referrals.json: warning: 2 referral flows join "GP practice" and '
                        '"Crisis team"; they are kept separate')
    assert store.load(out).counts()["flows"] == 5  # the parallel pair kept apart


def test_the_command_line_lists_every_contradiction_and_exits_2(tmp_path, child_env):
    proc = subprocess.run([sys.executable, "-m", "servicemap", "import",
                           str(contradicting(tmp_path)), str(tmp_path / "out.smap")],
                          capture_output=True, text=True, cwd=REPO, timeout=120, env=child_env)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 9 and all(line.startswith("contradictions.json: ") for line in lines[:8])
    assert lines[-1] == ("servicemap: contradictions.json has 8 problems, so nothing was "
                         "imported.")
    assert not (tmp_path / "out.smap").exists()


def test_undirected_both_ways_on_the_command_line(tmp_path, child_env):
    out = tmp_path / "both.smap"
    proc = subprocess.run([sys.executable, "-m", "servicemap", "import",
                           str(DATA / "networkx-3.6-graph.json"), str(out), "--undirected",
                           "both-ways"], capture_output=True, text=True, cwd=REPO, timeout=120,
                          env=child_env)
    assert proc.returncode == 0, proc.stderr
    assert "  The graph is undirected: 2 edges became a flow each way (4 flows)." in \
        proc.stderr.splitlines()
    assert store.load(out).counts()["flows"] == 6
    bad = subprocess.run([sys.executable, "-m", "servicemap", "import",
                          str(DATA / "networkx-3.6-graph.json"), str(tmp_path / "x.smap"),
                          "--undirected", "sideways"], capture_output=True, text=True, cwd=REPO,
                         timeout=120, env=child_env)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "sideways" in bad.stderr
