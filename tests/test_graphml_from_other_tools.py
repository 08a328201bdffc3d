"""GraphML written by igraph, and the GraphML Primer's hyperedges (tests/data/README.md):
ids kept in igraph's v_id/e_id, undirected graphs one way or both ways, parallel edges,
empty attributes, hyperedges reported; each imported, round-tripped and compared."""

from __future__ import annotations

from pathlib import Path

from servicemap import store
from servicemap.cli import EXIT_OK, main
from servicemap.io import formats, graphml
from tests.maps import sample_map
from tests.test_graphml import exact

DATA = Path(__file__).parent / "data"


def test_igraph_s_round_trip_of_our_own_file_keeps_every_id():
    text = (DATA / "igraph-round-trip.graphml").read_text()
    assert '<key id="v_id" for="node" attr.name="id"' in text and '<node id="n0">' in text
    imported = formats.GRAPHML.import_file(DATA / "igraph-round-trip.graphml")
    assert imported.notices == [
        "Ids taken from the id attribute (as igraph keeps them) for 9 nodes.",
        "The edges' id attribute repeats ids, so edge ids were made from their ends."]
    nodes, edges, pathways, fields = exact(imported.document)
    want_nodes, want_edges, want_pathways, want_fields = exact(sample_map())
    assert (nodes, pathways, fields) == (want_nodes, want_pathways, want_fields)
    assert by_ends(edges) == by_ends(want_edges)


def by_ends(edges: dict) -> dict:
    """Edges by their ends and type, without ids (igraph 1.0 writes node ids into e_id)."""
    return {(e["source"], e["target"], e["kind"], e.get("flow_type")):
            {k: v for k, v in e.items() if k not in ("id", "key")} for e in edges.values()}


def test_igraph_s_file_round_trips_again(tmp_path):
    doc = formats.GRAPHML.import_file(DATA / "igraph-round-trip.graphml").document
    graphml.write_graphml(doc, tmp_path / "again.graphml")
    again = formats.GRAPHML.import_file(tmp_path / "again.graphml")
    assert again.notices == [] and exact(again.document) == exact(doc)


def test_an_undirected_igraph_graph_one_way():
    imported = formats.GRAPHML.import_file(DATA / "igraph-undirected.graphml")
    doc = imported.document
    assert imported.undirected
    flows = sorted((doc.node(u)["name"], doc.node(v)["name"], d["volume_per_year"])
                   for u, v, d in doc.graph.edges(data=True))
    assert flows == [("Acute ward", "Home treatment team", 40), ("Crisis team", "Acute ward", 10),
                     ("Crisis team", "Acute ward", 80), ("GP practice", "Crisis team", 1200)]
    assert [str(p) for p in doc.problems()] == [
        'warning: 2 referral flows join "Crisis team" and "Acute ward"; they are kept separate']
    assert imported.notices == [
        "The graph is undirected: its 4 edges became one-way flows, each from the end the file "
        "names first (import both ways for a flow each way).",
        "Kind set to service for 4 nodes with none.",
        "Kind set to flow, type referral, for 4 edges with none."]


def test_an_undirected_graph_both_ways_on_the_command_line(tmp_path, capsys):
    out = tmp_path / "both.smap"
    code = main(["import", str(DATA / "igraph-undirected.graphml"), str(out), "--undirected",
                 "both-ways"])
    err = capsys.readouterr().err
    assert code == EXIT_OK
    assert "  The graph is undirected: 4 edges became a flow each way (8 flows).\n" in err
    doc = store.load(out)
    flows = sorted((doc.node(u)["name"], doc.node(v)["name"], d["volume_per_year"])
                   for u, v, d in doc.graph.edges(data=True))
    assert len(flows) == 8  # 4 edges, each both ways, the parallel pair kept apart
    assert [f for f in flows if f[:2] == ("Acute ward", "Crisis team")] == [
        ("Acute ward", "Crisis team", 10), ("Acute ward", "Crisis team", 80)]


def test_hyperedges_are_reported_and_empty_attributes_skipped():
    imported = formats.GRAPHML.import_file(DATA / "primer-hyperedges.graphml")
    doc = imported.document
    notes = {a["name"]: a["notes"] for _, a in doc.graph.nodes(data=True)}
    assert notes["Home treatment"] == "url: https://example.org/home"
    assert all(text == "" for name, text in notes.items() if name != "Home treatment")
    assert doc.counts()["flows"] == 3  # the primer's two parallel edges stay two flows
    assert imported.notices[-1] == (
        "3 hyperedges (one edge joining several nodes at once) were left out, as a flow joins "
        "one box to another: h0 (\"GP practice\", \"Crisis team\", \"Acute ward\"), "
        "(\"Home treatment\", \"Recovered\", \"Moved away\", \"Wellbeing cafe\"), "
        "(\"Crisis team\", \"Home treatment\").")
    assert "url (1 item)" in imported.notices[-2]


def test_an_id_attribute_on_nodes_and_edges_gives_their_ids(tmp_path):
    path = tmp_path / "cytoscape.graphml"
    path.write_text("""<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="k0" for="node" attr.name="id" attr.type="string"/>
<key id="k1" for="node" attr.name="name" attr.type="string"/>
<key id="k2" for="edge" attr.name="id" attr.type="string"/>
<graph edgedefault="directed">
<node id="101"><data key="k0">crisis</data><data key="k1">Crisis team</data></node>
<node id="102"><data key="k0">ward</data><data key="k1">Acute ward</data></node>
<edge id="201" source="101" target="102"><data key="k2">crisis-to-ward</data></edge>
</graph></graphml>""", "utf-8")
    imported = formats.GRAPHML.import_file(path)
    assert list(imported.document.graph.edges(keys=True)) == [("crisis", "ward",
                                                              "crisis-to-ward")]
    assert imported.notices[:2] == [
        "Ids taken from the id attribute (as igraph keeps them) for 2 nodes.",
        "Ids taken from the id attribute for 1 edge."]


def test_every_edge_of_the_other_tools_files_is_one_edge_of_the_map(tmp_path):
    """Parallel edges stay separate: each file's <edge> elements (counted from its XML, not by
    our reader) are as many edges of the map; yEd's two nested groups add a part-of link each."""
    import xml.etree.ElementTree as ET

    counts = {}
    for name in ("gephi_sample", "igraph-round-trip", "igraph-undirected",
                 "primer-hyperedges", "yed_sample"):
        path = DATA / f"{name}.graphml"
        in_file = sum(1 for el in ET.parse(path).iter() if el.tag.endswith("}edge"))
        doc = formats.GRAPHML.import_file(path).document
        part_of = sum(1 for _, _, k in doc.graph.edges(data="kind") if k == "part_of")
        counts[name] = (in_file, len(doc.edge_ids()), doc.counts()["flows"], part_of)
        store.save(doc, tmp_path / f"{name}.smap")  # and a saved map keeps them all
        assert len(store.load(tmp_path / f"{name}.smap").edge_ids()) == len(doc.edge_ids())
    assert counts == {"gephi_sample": (2, 2, 2, 0), "igraph-round-trip": (12, 12, 6, 4),
                      "igraph-undirected": (4, 4, 4, 0), "primer-hyperedges": (3, 3, 3, 0),
                      "yed_sample": (4, 6, 4, 2)}
    assert sum(c[0] for c in counts.values()) == 25 == sum(
        c[1] - (c[3] if n == "yed_sample" else 0) for n, c in counts.items())
