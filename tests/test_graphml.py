"""GraphML: the project's own files (yEd graphics and every field), files written by networkx,
a hand-written yEd file, a Gephi file and a Cytoscape-like one; hostile XML refused."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from defusedxml.ElementTree import fromstring as safe_fromstring
from defusedxml.ElementTree import parse as safe_parse

from benchmarks.bench_store import graphml_copy
from servicemap import demo, palette
from servicemap.errors import FileFormatError
from servicemap.io import graphml, graphml_read
from servicemap.io.exchange import to_node_link

DATA = Path(__file__).parent / "data"
G, Y = "{http://graphml.graphdrawing.org/xmlns}", "{http://www.yworks.com/xml/graphml}"


def exact(doc) -> tuple:
    data = to_node_link(doc)
    return ({n["id"]: n for n in data["nodes"]}, {e["id"]: e for e in data["edges"]},
            data["graph"]["pathways"], {k: v for k, v in data["graph"].items()
                                        if k not in ("pathways", "comments")})


@pytest.fixture
def written(sample_doc, tmp_path) -> Path:
    path = tmp_path / "sample.graphml"
    graphml.write_graphml(sample_doc, path)
    return path


# ----- the project's own files ----------------------------------------------------------------
def test_own_file_round_trips_exactly(sample_doc, written):
    assert exact(graphml_read.read_graphml(written)) == exact(sample_doc)


def test_synthetic_map_round_trips(tmp_path):
    doc = demo.synthetic(150)
    graphml.write_graphml(doc, tmp_path / "s.graphml")
    assert exact(graphml_read.read_graphml(tmp_path / "s.graphml")) == exact(doc)


def test_the_bundled_map_round_trips_exactly_with_its_links_facts(tmp_path):
    """The part_of links yEd's nesting stands for keep their own facts (source, as of,
    verified): 57 of the bundled map's links lost them."""
    doc = demo.kent_and_medway()
    links = [k for _, _, k, d in doc.graph.edges(keys=True, data=True)
             if d["kind"] == "part_of" and d.get("source_ref")]
    assert len(links) > 50
    graphml.write_graphml(doc, tmp_path / "km.graphml")
    assert exact(graphml_read.read_graphml(tmp_path / "km.graphml")) == exact(doc)


def test_a_damaged_link_field_is_left_out_or_refused(tmp_path, sample_doc):
    graphml.write_graphml(demo.kent_and_medway(), tmp_path / "km.graphml")
    text = (tmp_path / "km.graphml").read_text(encoding="utf-8")
    marker = '<data key="n_part_of_link">'
    at = text.index(marker) + len(marker)
    end = text.index("</data>", at)
    for damaged in ("[" * 50_000, "not json", "[1, 2]"):  # unreadable: the link, without facts
        (tmp_path / "d.graphml").write_text(text[:at] + damaged + text[end:], encoding="utf-8")
        assert graphml_read.read_graphml(tmp_path / "d.graphml").counts() == \
            demo.kent_and_medway().counts()
    wrong = '{&quot;as_of&quot;: &quot;yesterday&quot;}'  # a wrong value: a problem, named
    (tmp_path / "d.graphml").write_text(text[:at] + wrong + text[end:], encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"\(partof-kmpt-north-kent\): as of must be a date"):
        graphml_read.read_graphml(tmp_path / "d.graphml")


def test_yed_structure(sample_doc, written):
    """What yEd needs: its namespace and schema, typed keys, nodegraphics/edgegraphics keys, and
    per node a ShapeNode with Geometry, Fill, BorderStyle, NodeLabel and Shape in that order."""
    root = safe_parse(str(written)).getroot()
    assert root.tag == f"{G}graphml"
    assert "ygraphml.xsd" in root.get("{http://www.w3.org/2001/XMLSchema-instance}"
                                      "schemaLocation")
    keys = {k.get("id"): k for k in root.findall(f"{G}key")}
    assert keys["ng"].get("yfiles.type") == "nodegraphics" and keys["ng"].get("for") == "node"
    assert keys["eg"].get("yfiles.type") == "edgegraphics" and keys["eg"].get("for") == "edge"
    for k in keys.values():
        assert k.get("yfiles.type") or k.get("attr.type") in ("string", "double", "boolean", "long")
    graph = root.find(f"{G}graph")
    assert graph.get("edgedefault") == "directed"
    nodes = list(graph.iter(f"{G}node"))  # structure items hold their members, nested
    assert len(nodes) == sample_doc.graph.number_of_nodes()
    colours = palette.group_colours(sample_doc)
    for node in nodes:
        first = node.find(f"{G}data")
        assert first.get("key") == "ng"  # graphics first: networkx then keeps our x/y
        name = sample_doc.node(node.get("id"))["name"]
        if node.get("yfiles.foldertype") == "group":
            group = first.find(f"{Y}ProxyAutoBoundsNode/{Y}Realizers/{Y}GroupNode")
            assert group.find(f"{Y}NodeLabel").text == name
            continue
        shape = first.find(f"{Y}ShapeNode")
        assert [child.tag.removeprefix(Y) for child in shape] == [
            "Geometry", "Fill", "BorderStyle", "NodeLabel", "Shape"]
        assert shape.find(f"{Y}NodeLabel").text.replace("\n", " ") == name
    crisis = next(n for n in nodes if n.get("id") == "crisis")
    geometry = crisis.find(f".//{Y}Geometry")
    assert float(geometry.get("x")) + float(geometry.get("width")) / 2 == 100.0
    assert crisis.find(f".//{Y}Fill").get("color") == palette.tint(colours["dir1"])
    assert crisis.find(f".//{Y}Shape").get("type") == "roundrectangle"
    edges = graph.findall(f"{G}edge")
    part_of = len(sample_doc.edge_ids("part_of"))
    assert len(edges) == sample_doc.graph.number_of_edges() - part_of  # nesting says those
    for edge in edges:  # as yEd writes a PolyLineEdge
        assert [c.tag.removeprefix(Y) for c in edge.find(f"{G}data")[0]] == [
            "Path", "LineStyle", "Arrows", "BendStyle"]
    transfer = next(e for e in edges if e.get("id") == "f_crisis_cmht")
    assert transfer.find(f".//{Y}LineStyle").get("type") == "dashed"
    assert transfer.find(f".//{Y}Arrows").get("target") == "standard"


def test_networkx_reads_every_field(sample_doc, written):
    graph = nx.read_graphml(written)
    crisis = graph.nodes["crisis"]
    assert crisis["x"] == 100.0 and crisis["y"] == 0.0  # the centre, not yEd's corner
    assert crisis["pct_within_target"] == 87.5 and crisis["pinned"] is True
    assert crisis["kind"] == "service" and crisis["hours"] == "24/7"
    assert graph.graph["title"] == "Sample map" and graph.graph["illustrative"] is True
    edge = graph.edges["gp", "crisis"]
    assert edge["volume_per_year"] == 1200 and edge["flow_type"] == "referral"


def test_unplaced_nodes_stay_unplaced_and_moved_boxes_move(sample_doc, written, tmp_path):
    text = written.read_text("utf-8")
    # yEd saves the box of "ward" somewhere else: its centre moves by (+40, +10)
    old = 'x="255.0" y="-22.0"/>'
    assert old in text
    moved = tmp_path / "moved.graphml"
    moved.write_text(text.replace(old, 'x="295.0" y="-12.0"/>'), "utf-8")
    back = graphml_read.read_graphml(moved)
    assert (back.node("ward")["x"], back.node("ward")["y"]) == (380, 10)
    assert back.node("cmht")["x"] is None and back.node("home")["x"] is None


# ----- files from other tools -----------------------------------------------------------------
def test_file_written_by_networkx(sample_doc, tmp_path):
    path = tmp_path / "nx.graphml"
    nx.write_graphml(graphml_copy(sample_doc.graph), path)
    back = graphml_read.read_graphml(path)
    nodes, edges, _, fields = exact(back)
    assert (nodes, edges) == exact(sample_doc)[:2]
    assert fields["title"] == "Sample map"


def test_plain_networkx_graph(tmp_path):
    graph = nx.DiGraph()
    graph.add_node(1, label="Front door", team="A")
    graph.add_node(2, label="Assessment", capacity=12)
    graph.add_node(3)
    graph.add_edge(1, 2, weight=3.5)
    graph.add_edge(2, 3, flow_type="transfer")
    path = tmp_path / "plain.graphml"
    nx.write_graphml(graph, path)
    doc = graphml_read.read_graphml(path)
    assert {n: (a["kind"], a["name"]) for n, a in doc.graph.nodes(data=True)} == {
        "1": ("service", "Front door"), "2": ("service", "Assessment"), "3": ("service", "3")}
    assert doc.node("1")["notes"] == "team: A" and doc.node("2")["capacity"] == 12
    flows = {(u, v): d for u, v, d in doc.graph.edges(data=True)}
    assert flows["1", "2"]["flow_type"] == "referral" and flows["1", "2"]["notes"] == \
        "weight: 3.5"
    assert flows["2", "3"]["flow_type"] == "transfer"
    assert doc.graph.graph["title"] == "plain"


def test_hand_written_yed_file():
    doc = graphml_read.read_graphml(DATA / "yed_sample.graphml")
    names = {a["name"]: n for n, a in doc.graph.nodes(data=True)}
    assert set(names) == {"GP practice", "Acute & crisis", "Crisis team", "Acute ward",
                          "Recovered"}
    group = names["Acute & crisis"]
    assert doc.node(group)["kind"] == "directorate"
    assert doc.parent(names["Crisis team"]) == group and doc.parent(names["Acute ward"]) == group
    gp = doc.node(names["GP practice"])
    assert (gp["kind"], gp["x"], gp["y"]) == ("service", -140, 100)
    assert gp["notes"] == "description: Single point of access"
    assert doc.node(names["Acute ward"])["notes"] == "url: https://example.org/ward"
    flows = {k: d for *_, k, d in doc.graph.edges(keys=True, data=True) if d["kind"] == "flow"}
    assert flows["e0"]["notes"] == "edge label: urgent"
    assert len(flows) == 4  # e2 and e3 repeat one edge: two parallel flows, kept separate
    assert (doc.edge_ends("e2"), flows["e2"]["flow_type"]) == \
        (doc.edge_ends("e3"), flows["e3"]["flow_type"])
    assert doc.graph.graph["description"] == "Drawn in yEd"


def test_gephi_file():
    doc = graphml_read.read_graphml(DATA / "gephi_sample.graphml")
    a = doc.node("a")
    assert (a["name"], a["x"], a["y"], a["capacity"]) == ("Talking therapies", -120.5, 44.25,
                                                          250)
    assert a["notes"] == "Team type: IAPT"  # r, g, b and size are presentation: dropped
    assert doc.node("c")["notes"] == ""
    assert doc.edge("0")["notes"] == "weight: 2.0\nEdge Label: step up"


def test_cytoscape_like_file(tmp_path):
    path = tmp_path / "cy.graphml"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
 <key id="name" for="node" attr.name="name" attr.type="string"/>
 <key id="shared name" for="node" attr.name="shared name" attr.type="string"/>
 <key id="SUID" for="all" attr.name="SUID" attr.type="long"/>
 <key id="selected" for="all" attr.name="selected" attr.type="boolean"/>
 <key id="interaction" for="edge" attr.name="interaction" attr.type="string"/>
 <key id="hours" for="node" attr.name="hours" attr.type="string"><default>9-5</default></key>
 <graph edgedefault="directed">
  <node id="n1"><data key="name">Hub</data><data key="shared name">Hub</data>
   <data key="SUID">52</data><data key="selected">false</data></node>
  <node id="n2"><data key="name">Spoke</data><data key="hours">24/7</data></node>
  <edge source="n1" target="n2"><data key="interaction">pp</data></edge>
 </graph></graphml>""", "utf-8")
    doc = graphml_read.read_graphml(path)
    assert doc.node("n1")["name"] == "Hub" and doc.node("n1")["notes"] == ""
    assert doc.node("n1")["hours"] == "9-5" and doc.node("n2")["hours"] == "24/7"
    assert [d["kind"] for *_, d in doc.graph.edges(data=True)] == ["flow"]


# ----- bad and hostile files ------------------------------------------------------------------
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">
<node id="n"><data key="d0">&lol3;</data></node></graph></graphml>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE g [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph><node id="&secret;"/></graph>
</graphml>"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL])
def test_entity_tricks_are_refused(tmp_path, text):
    path = tmp_path / "evil.graphml"
    path.write_text(text, "utf-8")
    with pytest.raises(FileFormatError, match="DTD or entity declarations"):
        graphml_read.read_graphml(path)


@pytest.mark.parametrize(("text", "words"), [
    ("<graphml", r"not well-formed XML \(line 1"),
    ("<svg xmlns='http://www.w3.org/2000/svg'/>", "has no <graph>"),
    ("<graphml xmlns='http://graphml.graphdrawing.org/xmlns'><graph><node/></graph></graphml>",
     "a node has no id"),
    ("<graphml xmlns='http://graphml.graphdrawing.org/xmlns'><graph><node id='a'/>"
     "<edge source='a' target='b'/></graph></graphml>", "which does not exist"),
])
def test_bad_files(tmp_path, text, words):
    path = tmp_path / "bad.graphml"
    path.write_text(text, "utf-8")
    with pytest.raises(FileFormatError, match=words):
        graphml_read.read_graphml(path)


def test_strict_records_are_checked(sample_doc, written):
    text = written.read_text("utf-8").replace('<data key="n_pct_within_target">87.5</data>',
                                              '<data key="n_pct_within_target">187.5</data>')
    written.write_text(text, "utf-8")
    with pytest.raises(FileFormatError, match="must be at most 100"):
        graphml_read.read_graphml(written)


def test_text_xml_cannot_hold_is_replaced(sample_doc, tmp_path):
    sample_doc.update_node("crisis", {"notes": "bell\x07 cr\r\n <b>&amp;</b>"})
    graphml.write_graphml(sample_doc, tmp_path / "x.graphml")
    back = graphml_read.read_graphml(tmp_path / "x.graphml")
    assert back.node("crisis")["notes"] == "bell\ufffd cr\r\n <b>&amp;</b>"


def test_structure_items_are_yed_groups_holding_their_members(sample_doc, written):
    root = safe_parse(str(written)).getroot()
    top = root.find(f"{G}graph")

    def members(node) -> list[str]:
        inner = node.find(f"{G}graph")
        return [] if inner is None else [n.get("id") for n in inner.findall(f"{G}node")]

    by_id = {n.get("id"): n for n in top.iter(f"{G}node")}
    for u, v, k, kind in sample_doc.graph.edges(keys=True, data="kind"):
        if kind == "part_of":  # each link is a nesting: the member sits in its group's graph
            assert by_id[v].get("yfiles.foldertype") == "group"
            assert u in members(by_id[v]), k
    assert "crisis" in members(by_id["dir1"]) and "dir1" in members(by_id["org1"])
    assert [n.get("id") for n in top.findall(f"{G}node")].count("crisis") == 0
    # No structure item is drawn as a box with dotted links any more.
    assert not [e for e in top.iter(f"{G}edge")
                if e.find(f".//{Y}LineStyle").get("type") == "dotted"
                and sample_doc.graph.nodes[e.get("source")]["kind"] == "service"
                and e.find(f".//{Y}Arrows").get("target") == "none"
                and sample_doc.graph.nodes[e.get("target")]["kind"] in ("directorate",
                                                                       "organisation")]
    # A group is drawn round its members' boxes, its title band above them.
    group = by_id["dir1"].find(f".//{Y}GroupNode/{Y}Geometry")
    gx, gy = float(group.get("x")), float(group.get("y"))
    gw, gh = float(group.get("width")), float(group.get("height"))
    for member in members(by_id["dir1"]):
        box = by_id[member].find(f".//{Y}ShapeNode/{Y}Geometry")
        x, y = float(box.get("x")), float(box.get("y"))
        w, h = float(box.get("width")), float(box.get("height"))
        assert gx < x and x + w < gx + gw and gy + graphml.GROUP_TITLE < y and y + h < gy + gh


def test_labels_are_wrapped_to_their_boxes():
    doc = demo.kent_and_medway()
    text = graphml.graphml_text(doc)
    root = safe_fromstring(text.encode("utf-8"))
    checked = 0
    for node in root.iter(f"{G}node"):
        shape = node.find(f"{G}data/{Y}ShapeNode")
        if shape is None:
            continue
        lines = shape.find(f"{Y}NodeLabel").text.split("\n")
        name = doc.node(node.get("id"))["name"]
        assert " ".join(lines) == name
        assert all(len(line) <= graphml.LABEL_CHARS or " " not in line for line in lines)
        height = float(shape.find(f"{Y}Geometry").get("height"))
        assert height >= 12 + 16 * len(lines)  # yEd's 12 pt Dialog: about 16 a line
        checked += len(lines) > 1
    assert checked > 10


def test_networkx_and_igraph_read_the_nested_file(sample_doc, written):
    import igraph

    graph = nx.read_graphml(written)  # networkx reads yEd groups (yfiles.foldertype)
    assert set(graph.nodes) == set(sample_doc.graph.nodes)
    assert graph.nodes["crisis"]["part_of"] == "dir1" and graph.nodes["dir1"]["part_of"] == "org1"
    assert graph.nodes["crisis"]["kind"] == "service"
    flows = {(u, v) for u, v, k in sample_doc.graph.edges(data="kind") if k == "flow"}
    assert flows <= set(graph.edges())
    # igraph's reader skips what is inside nested graphs but loads the file: the top-level
    # nodes with their fields and every flow between the ids it names.
    g = igraph.Graph.Read_GraphML(str(written))
    ids = g.vs["id"]
    assert {(ids[a], ids[b]) for a, b in g.get_edgelist()} >= flows
    assert g.vs[ids.index("org1")]["kind"] == "organisation"
    assert set(g.es["flow_type"]) >= {"referral", "transfer"}
