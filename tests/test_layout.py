"""Automatic layouts (no Qt): no overlaps, pinned nodes stay, containers hold their services,
flows read left to right, tidy touches only new nodes, seeds repeat, and the command line."""

from __future__ import annotations

import json
import math

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicemap import demo, store
from servicemap.cli import EXIT_BAD_INPUT, EXIT_OK, main
from servicemap.graph import groups as grp
from servicemap.graph import layout, placement
from servicemap.graph.document import Document
from servicemap.io.exchange import read_json, to_node_link
from servicemap.model import DRAWN_KINDS, NodeKind

METHODS = ("layered", "grouped", "organic", "tidy")


def where(doc: Document, positions: dict | None = None) -> dict:
    """Every placed drawn node's centre after applying ``positions``."""
    out = {n: (a["x"], a["y"]) for n, a in doc.graph.nodes(data=True)
           if a["kind"] in DRAWN_KINDS and a["x"] is not None and a["y"] is not None}
    out.update(positions or {})
    return out


def boxes_overlap(doc: Document, positions: dict) -> list:
    """Overlapping boxes once ``positions`` are applied, where at least one box was moved
    (boxes a layout leaves alone, such as two pinned ones, are the planner's own)."""
    boxes = placement.default_sizes(doc)
    return [pair for pair in placement.overlapping(where(doc, positions), boxes)
            if pair[0] in positions or pair[1] in positions]


@pytest.fixture(scope="module")
def kent() -> Document:
    return demo.kent_and_medway()


@pytest.fixture(scope="module")
def synthetic() -> Document:
    return demo.synthetic(300, seed=4)


def pin(doc: Document, ids, spot=None) -> dict:
    """Pin nodes (optionally moving them first); returns their positions."""
    for n in ids:
        if spot is not None:
            doc.move_nodes({n: spot(n)})
        doc.update_node(n, {"pinned": True})
    return {n: (doc.node(n)["x"], doc.node(n)["y"]) for n in ids}


def services(doc: Document) -> list[str]:
    return sorted(doc.nodes_of_kind(NodeKind.SERVICE))


# ----- no overlaps --------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["layered", "grouped", "organic"])
@pytest.mark.parametrize("which", ["kent", "synthetic"])
def test_no_two_boxes_overlap(method, which, request):
    doc = request.getfixturevalue(which)
    positions = layout.run(doc, method)
    assert set(positions) == set(placement.default_sizes(doc))  # every drawn node, nothing else
    assert boxes_overlap(doc, positions) == []


@pytest.mark.parametrize("by", grp.GROUPINGS)
def test_grouped_by_each_grouping_has_no_overlap(kent, by):
    assert boxes_overlap(kent, layout.grouped(kent, by).positions) == []


def test_real_sizes_are_used(kent):
    """The window passes the sizes of its boxes; the layout keeps them apart."""
    sizes = {n: (w * 1.5, h * 2) for n, (w, h) in placement.default_sizes(kent).items()}
    for method in ("layered", "grouped", "organic"):
        positions = layout.run(kent, method, sizes=sizes)
        assert placement.overlapping(positions, sizes) == []


def test_disconnected_parts_and_lonely_services():
    """Several unconnected chains and services with no flows at all (igraph's Sugiyama layout
    is given one connected part at a time)."""
    doc = Document()
    for chain in range(4):
        ids = [doc.add_node("service", f"Service {chain}-{i}", f"s{chain}-{i}")
               for i in range(3 + chain)]
        for a, b in zip(ids, ids[1:], strict=False):
            doc.add_edge("flow", a, b, flow_type="referral")
    for i in range(5):
        doc.add_node("service", f"Alone {i}", f"alone{i}")
    positions = layout.layered(doc)
    assert len(positions) == 4 * 3 + 6 + 5 and boxes_overlap(doc, positions) == []
    assert layout.left_to_right_share(doc, positions) == 1.0


# ----- pinned nodes -------------------------------------------------------------------------
@pytest.mark.parametrize("method", METHODS)
def test_pinned_nodes_keep_their_exact_positions(method):
    doc = demo.kent_and_medway()
    chosen = services(doc)[:6]
    fixed = pin(doc, chosen, spot=lambda n: (123.25 + 40 * services(doc).index(n), -77.5))
    positions = layout.run(doc, method)
    assert not set(positions) & set(chosen)
    assert {n: (doc.node(n)["x"], doc.node(n)["y"]) for n in chosen} == fixed
    assert boxes_overlap(doc, positions) == []  # nothing lands on a pinned box either


def test_everything_pinned_moves_nothing(kent):
    doc = demo.kent_and_medway()
    pin(doc, list(placement.default_sizes(doc)))
    assert all(layout.run(doc, method) == {} for method in METHODS)


# ----- grouped layout -----------------------------------------------------------------------
@pytest.mark.parametrize("by", grp.GROUPINGS)
def test_every_service_lies_inside_its_container(kent, by):
    result = layout.grouped(kent, by)
    sizes = placement.default_sizes(kent)
    assert result.containers and set(result.containers) == set(result.grouping.members)
    for group, members in result.grouping.members.items():
        left, top, width, height = result.containers[group]
        for n in members:
            (x, y), (w, h) = result.positions[n], sizes[n]
            assert left <= x - w / 2 and x + w / 2 <= left + width
            assert top + grp.CONTAINER_TITLE <= y - h / 2 and y + h / 2 <= top + height


@pytest.mark.parametrize("by", grp.GROUPINGS)
def test_containers_do_not_overlap(kent, by):
    rects = list(layout.grouped(kent, by).containers.values())
    for i, (l1, t1, w1, h1) in enumerate(rects):
        for l2, t2, w2, h2 in rects[i + 1:]:
            assert l1 + w1 <= l2 or l2 + w2 <= l1 or t1 + h1 <= t2 or t2 + h2 <= t1


def test_groups_follow_the_structure():
    doc = demo.kent_and_medway()
    by_dir = grp.group_services(doc, "directorate")
    for service, group in by_dir.group_of.items():
        assert group == doc.parent(service)
    by_org = grp.group_services(doc, "organisation")
    for service, group in by_org.group_of.items():
        assert doc.node(group)["kind"] == NodeKind.ORGANISATION
        parent = doc.parent(service)
        assert group in (parent, doc.parent(parent))
    by_hcp = grp.group_services(doc, "partnership")
    assert by_hcp.shared, "some Kent and Medway services serve several partnerships"
    assert list(by_hcp.members)[0] == grp.WIDE
    assert by_hcp.names[grp.WIDE] == "Kent and Medway-wide"
    for service, groups in by_hcp.shared.items():
        assert by_hcp.group_of[service] == grp.WIDE and len(groups) > 1
    assert sorted(by_hcp.members[grp.WIDE]) == sorted(by_hcp.shared)


def test_a_service_serving_two_partnerships_goes_in_the_wide_group_and_is_shared():
    doc = Document()
    doc.add_node("partnership", "West", "west")
    doc.add_node("partnership", "East", "east")
    doc.add_node("service", "Both", "both")
    doc.add_node("service", "Only east", "east-only")
    doc.add_node("service", "Nowhere", "nowhere")
    doc.add_edge("serves", "both", "west")
    doc.add_edge("serves", "both", "east")
    doc.add_edge("serves", "east-only", "east")
    grouping = grp.group_services(doc, "partnership")
    assert grouping.group_of == {"both": grp.WIDE, "east-only": "east"}
    assert grouping.shared == {"both": ["west", "east"]}
    assert grouping.ungrouped == ["nowhere"]
    assert list(grouping.members) == [grp.WIDE, "east"]  # the wide group, then by name
    result = layout.grouped(doc, "partnership")
    positions = result.positions
    assert set(result.containers) == {grp.WIDE, "east"}
    assert set(positions) == {"both", "east-only", "nowhere"}
    assert boxes_overlap(doc, positions) == []


# ----- layered layout -----------------------------------------------------------------------
def test_most_flows_run_left_to_right(kent):
    big = demo.synthetic(500)
    kent_share = layout.left_to_right_share(kent, layout.layered(kent))
    big_share = layout.left_to_right_share(big, layout.layered(big))
    print(f"left to right: Kent and Medway {kent_share:.1%}, synthetic(500) {big_share:.1%}")
    assert kent_share >= 0.9 and big_share >= 0.95


def test_access_points_come_before_their_services_and_exits_after(kent):
    positions = layout.layered(kent)
    graph = kent.graph
    flows = [(u, v) for u, v, kind in graph.edges(data="kind") if kind == "flow"]
    for n in kent.nodes_of_kind(NodeKind.ACCESS_POINT):  # (an ED is part of its acute trust)
        assert all(positions[n][0] < positions[v][0] for u, v in flows if u == n), n
    for n in kent.nodes_of_kind(NodeKind.EXIT):
        assert all(positions[u][0] < positions[n][0] for u, v in flows if v == n), n


def test_every_flow_of_an_acyclic_map_points_right():
    """Layers respect flow direction: with no cycle, every flow's target is in a column to
    the right of its source's (the synthetic maps' flows all run to later stages)."""
    doc = demo.synthetic(300, seed=2)
    flows = [(u, v) for u, v, k in doc.graph.edges(data="kind") if k == "flow" and u != v]
    assert nx.is_directed_acyclic_graph(nx.DiGraph(flows))
    positions = layout.layered(doc)
    assert all(positions[u][0] < positions[v][0] for u, v in flows)


def test_selection_layout_moves_only_the_selection_clear_of_the_rest(kent):
    chosen = services(kent)[:8] + kent.nodes_of_kind(NodeKind.ACCESS_POINT)[:1]
    positions = layout.layered(kent, chosen)
    assert set(positions) == set(chosen)
    assert boxes_overlap(kent, positions) == []


def test_pathway_layout_reads_left_to_right(kent):
    pathway = next(iter(kent.pathways.values()))
    positions = layout.layered(kent, pathway.steps)
    assert set(positions) == set(pathway.steps)
    steps = list(dict.fromkeys(pathway.steps))
    assert [positions[s][0] for s in steps] == sorted(positions[s][0] for s in steps)
    assert boxes_overlap(kent, positions) == []


# ----- tidy ---------------------------------------------------------------------------------
def test_tidy_moves_only_unplaced_nodes_next_to_their_neighbours():
    doc = demo.kent_and_medway()
    new = services(doc)[::7]
    doc.move_nodes({n: None for n in new})
    before = where(doc)
    positions = layout.tidy(doc)
    assert set(positions) == set(new)
    assert where(doc) == before  # the document itself is never changed by a layout
    assert boxes_overlap(doc, positions) == []
    for n in new:
        neighbours = [v for v in (*doc.graph.pred[n], *doc.graph.succ[n]) if v in before]
        if neighbours:
            nearest = min(math.dist(positions[n], before[v]) for v in neighbours)
            assert nearest < 1200, n


def test_tidy_places_new_nodes_with_no_placed_neighbour_below_the_map():
    doc = demo.kent_and_medway()
    a = doc.add_node("service", "New service A")
    b = doc.add_node("service", "New service B")
    doc.add_edge("flow", a, b, flow_type="referral")
    bottom = max(y for _, y in where(doc).values())
    positions = layout.tidy(doc)
    assert set(positions) == {a, b}
    assert min(positions[a][1], positions[b][1]) > bottom
    assert positions[b][0] > positions[a][0]  # b follows a, to its right
    assert boxes_overlap(doc, positions) == []
    doc.move_nodes(positions)
    assert layout.tidy(doc) == {}


# ----- determinism --------------------------------------------------------------------------
@pytest.mark.parametrize("method", METHODS)
def test_same_map_and_seed_give_the_same_positions(method):
    first = demo.synthetic(200, seed=3)
    first.move_nodes({n: None for n in services(first)[::9]})
    second = read_json_round_trip(first)
    assert layout.run(first, method, seed=5) == layout.run(second, method, seed=5)


def test_another_seed_gives_another_organic_layout(kent):
    assert layout.organic(kent, seed=1) != layout.organic(kent, seed=2)


def read_json_round_trip(doc: Document) -> Document:
    """The same map built again, its nodes in reverse order."""
    data = to_node_link(doc)
    data["nodes"].reverse()
    data["edges"].reverse()
    from servicemap.io.exchange import from_node_link

    return from_node_link(json.loads(json.dumps(data)))


# ----- random maps --------------------------------------------------------------------------
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), method=st.sampled_from(METHODS))
def test_random_maps_never_overlap_and_keep_pins(doc_strategy, data, method):
    doc = data.draw(doc_strategy)
    fixed = {n: (a["x"], a["y"]) for n, a in doc.graph.nodes(data=True) if a["pinned"]}
    positions = layout.run(doc, method)
    assert not set(positions) & set(fixed)
    assert all(math.isfinite(v) for p in positions.values() for v in p)
    assert boxes_overlap(doc, positions) == []
    doc.move_nodes(positions)  # the document takes every position a layout gives


# ----- sizes --------------------------------------------------------------------------------
def test_estimated_sizes_follow_the_label():
    assert placement.estimate_size("service", "Crisis team") == (170.0, 44.0)
    assert placement.estimate_size("service", "x" * 30) == (170.0, 60.0)
    assert placement.estimate_size("service", "x" * 500) == (170.0, 76.0)
    assert placement.estimate_size("access_point", "GP") == (100.0, 44.0)
    assert placement.estimate_size("access_point", "x" * 40) == (190.0, 44.0)


# ----- command line -------------------------------------------------------------------------
def test_cli_lays_out_in_place_atomically_with_a_backup(tmp_path, capsys):
    path = tmp_path / "kent.smap"
    kent = demo.kent_and_medway()
    store.save(kent, path)
    drawn = sum(1 for _, k in kent.graph.nodes(data="kind") if k in DRAWN_KINDS)
    assert drawn == 62  # the bundled map's access points, services and exits
    code = main(["layout", str(path), "--method", "grouped", "--group-by", "partnership"])
    out, err = capsys.readouterr()
    assert code == EXIT_OK and err == ""
    assert out.startswith(f"kent.smap: {drawn} nodes placed by the grouped layout;")
    assert (tmp_path / "kent.smap.bak").exists()
    assert main(["validate", str(path)]) == EXIT_OK
    doc = store.load(path)
    assert where(doc) == where(demo.kent_and_medway(), layout.grouped(
        demo.kent_and_medway(), "partnership").positions)


@pytest.mark.parametrize("method", METHODS)
def test_cli_writes_a_valid_map_to_out(tmp_path, capsys, method):
    source = tmp_path / "kent.smap"
    store.save(demo.kent_and_medway(), source)
    before = source.read_bytes()
    out = tmp_path / "laid-out.json"
    assert main(["layout", str(source), "--method", method, "-o", str(out)]) == EXIT_OK
    assert source.read_bytes() == before
    doc = read_json(out)
    assert main(["validate", str(out)]) == EXIT_OK
    assert placement.overlapping(where(doc), placement.default_sizes(doc)) == []
    capsys.readouterr()


@pytest.mark.parametrize("argv, message", [
    (["--method", "spiral"], "invalid choice: 'spiral'"),
    (["--method", "layered", "--group-by", "partnership"], "--group-by only applies"),
    (["--method", "organic", "-o", "out.txt"], "unknown output format"),
])
def test_cli_bad_input_is_one_sentence(tmp_path, capsys, argv, message):
    source = tmp_path / "kent.smap"
    store.save(demo.kent_and_medway(), source)
    assert main(["layout", str(source), *argv]) == EXIT_BAD_INPUT
    out, err = capsys.readouterr()
    assert out == "" and message in err and err.count("\n") == 1


def test_cli_refuses_to_lay_out_a_json_map_in_place(tmp_path, capsys):
    source = tmp_path / "kent.json"
    assert main(["export", str(_saved(tmp_path)), str(source)]) == EXIT_OK
    before = source.read_bytes()
    assert main(["layout", str(source), "--method", "layered"]) == EXIT_BAD_INPUT
    assert "add -o OUT.smap" in capsys.readouterr().err
    assert source.read_bytes() == before


def _saved(tmp_path):
    path = tmp_path / "source.smap"
    store.save(demo.kent_and_medway(), path)
    return path
