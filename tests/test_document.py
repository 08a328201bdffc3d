"""The Document: every mutator validates first (a refused change leaves the document exactly as
it was and emits nothing), changes the graph, and removals can be restored exactly."""

from __future__ import annotations

import math

import pytest

from servicemap.errors import ValidationError
from servicemap.graph.document import Document, RemovedNode
from servicemap.io.exchange import to_node_link
from servicemap.model import Pathway


def snapshot(doc: Document) -> dict:
    """Everything in the document, order-insensitive for nodes and edges."""
    data = to_node_link(doc)
    return {"graph": data["graph"],
            "nodes": {n["id"]: n for n in data["nodes"]},
            "edges": {e["id"]: e for e in data["edges"]},
            "edge_ends": {k: doc.edge_ends(k) for k in doc.edge_ids()}}


# ----- refused changes ----------------------------------------------------------------------
REFUSED = {
    # unique ids across nodes, edges and pathways
    "node id used by a node": (
        lambda d: d.add_node("service", "New", "crisis"), ["(crisis)", "id is already used"]),
    "node id used by an edge": (
        lambda d: d.add_node("service", "New", "f_gp_crisis"),
        ["(f_gp_crisis)", "id is already used"]),
    "node id used by a pathway": (
        lambda d: d.add_node("exit", "New", "p_crisis"), ["(p_crisis)", "id is already used"]),
    "edge id used by a node": (
        lambda d: d.add_edge("serves", "ward", "hcp1", "gp"), ["(gp)", "id is already used"]),
    "pathway id used by an edge": (
        lambda d: d.add_pathway("Route", ["gp"], pathway_id="po_ward"),
        ["(po_ward)", "id is already used"]),
    # names
    "empty name": (lambda d: d.add_node("service", "", "n1"), ["n1", "name must not be empty"]),
    "blank name": (
        lambda d: d.add_node("exit", " \t ", "n1"), ["n1", "name must not be empty"]),
    "name not text": (lambda d: d.add_node("exit", 42, "n1"), ["n1", "name must be text"]),
    "renamed to blank": (
        lambda d: d.update_node("crisis", {"name": "  "}),
        ['"Crisis team" (crisis)', "name must not be empty"]),
    # kinds and flow types from the lists
    "unknown node kind": (
        lambda d: d.add_node("hospital", "St Elsewhere", "n1"), ["'n1'", "kind must be one of"]),
    "unknown edge kind": (
        lambda d: d.add_edge("friend_of", "crisis", "ward", "e1"),
        ["'e1'", "kind must be one of"]),
    "unknown flow type": (
        lambda d: d.add_edge("flow", "gp", "ward", "e1", flow_type="teleport"),
        ['"GP practice" -> "Acute ward" (e1)', "flow type must be one of", "'teleport'"]),
    "flow without type": (
        lambda d: d.add_edge("flow", "gp", "ward", "e1"), ["(e1)", "flow type must not be empty"]),
    "flow type changed to unknown": (
        lambda d: d.update_edge("f_crisis_ward", {"flow_type": "teleport"}),
        ["(f_crisis_ward)", "flow type must be one of"]),
    "org type unknown": (
        lambda d: d.update_node("org1", {"org_type": "bank"}),
        ['"Kent Trust" (org1)', "organisation type must be one of"]),
    # edges only between allowed kinds
    "flow from organisation": (
        lambda d: d.add_edge("flow", "org1", "crisis", "e1", flow_type="referral"),
        ['"Kent Trust" -> "Crisis team" (e1)',
         "a flow cannot go from an organisation to a service"]),
    "part_of service to partnership": (
        lambda d: d.add_edge("part_of", "cmht", "hcp1", "e1"),
        ['"Community team" -> "East Kent HCP" (e1)',
         "a part_of link cannot go from a service to a partnership"]),
    "flow into access point": (
        lambda d: d.add_edge("flow", "crisis", "gp", "e1", flow_type="referral"),
        ["(e1)", "cannot go from a service to an access point"]),
    "serves from organisation": (
        lambda d: d.add_edge("serves", "org1", "hcp1", "e1"),
        ["(e1)", "cannot go from an organisation to a partnership"]),
    "edge to missing node": (
        lambda d: d.add_edge("flow", "crisis", "ghost", "e1", flow_type="referral"),
        ["'ghost'", "does not exist"]),
    # at most one part_of parent
    "second parent": (
        lambda d: d.add_edge("part_of", "crisis", "org1", "e1"),
        ['service "Crisis team" (crisis) is already part of \'Acute directorate\'', "(e1)"]),
    # numbers in range
    "negative volume": (
        lambda d: d.add_edge("flow", "gp", "ward", "e1", flow_type="referral",
                             volume_per_year=-5),
        ["(e1)", "volume per year must be at least 0 (got -5)"]),
    "negative volume on update": (
        lambda d: d.update_edge("f_gp_crisis", {"volume_per_year": -1}),
        ['"GP practice" -> "Crisis team" (f_gp_crisis)', "volume per year must be at least 0"]),
    "pct over 100": (
        lambda d: d.add_node("service", "Talking therapies", "n1", pct_within_target=140),
        ['"Talking therapies" (n1)', "% within target must be at most 100 (got 140)"]),
    "pct over 100 on update": (
        lambda d: d.update_node("crisis", {"pct_within_target": 140.0}),
        ['"Crisis team" (crisis)', "% within target must be at most 100"]),
    "non-numeric capacity": (
        lambda d: d.add_node("service", "Ward B", "n1", capacity="lots"),
        ['"Ward B" (n1)', "capacity must be a number"]),
    "non-numeric capacity on update": (
        lambda d: d.update_node("ward", {"capacity": "lots"}),
        ['"Acute ward" (ward)', "capacity must be a number"]),
    "negative population": (
        lambda d: d.update_node("hcp1", {"population": -10}),
        ['"East Kent HCP" (hcp1)', "population must be at least 0"]),
    "pinned not bool": (
        lambda d: d.update_node("crisis", {"pinned": "yes"}),
        ["(crisis)", "pinned must be true or false"]),
    "median wait nan": (
        lambda d: d.update_edge("f_gp_crisis", {"median_wait_days": math.nan}),
        ["(f_gp_crisis)", "median wait (days) must be a finite number"]),
    # fields that do not exist
    "unknown node field": (
        lambda d: d.update_node("crisis", {"colour": "red"}),
        ['"Crisis team" (crisis)', "'colour'"]),
    "field of another kind": (
        lambda d: d.update_node("org1", {"capacity": 3}), ['"Kent Trust" (org1)', "'capacity'"]),
    "kind cannot change": (
        lambda d: d.update_node("crisis", {"kind": "exit"}), ["(crisis)", "'kind'"]),
    "unknown edge field": (
        lambda d: d.update_edge("po_crisis", {"flow_type": "referral"}),
        ["(po_crisis)", "'flow_type'"]),
    "missing node": (lambda d: d.update_node("ghost", {"name": "X"}), ["'ghost'"]),
    "missing edge": (lambda d: d.remove_edge("ghost"), ["'ghost'"]),
    "remove missing node": (lambda d: d.remove_node("ghost"), ["'ghost'"]),
    # positions
    "position not a number": (
        lambda d: d.move_nodes({"crisis": (1.0, 2.0), "ward": ("abc", 0.0)}),
        ['"Acute ward" (ward)', "x must be a number"]),
    "position nan": (
        lambda d: d.move_nodes({"ward": (0.0, math.nan)}),
        ["(ward)", "y must be a finite number"]),
    "position minus infinity": (
        lambda d: d.move_nodes({"ward": (-math.inf, 0.0)}),
        ["(ward)", "x must be a finite number"]),
    "position half missing": (
        lambda d: d.move_nodes({"ward": (None, 16036)}),
        ['"Acute ward" (ward)', "two numbers, x and y"]),
    "move missing node": (lambda d: d.move_nodes({"ghost": (0.0, 0.0)}), ["'ghost'"]),
    # pathways
    "pathway without name": (
        lambda d: d.add_pathway(" ", ["gp"], pathway_id="p9"), ["'p9'", "name must not be empty"]),
    "pathway step missing": (
        lambda d: d.add_pathway("Route", ["gp", "ghost"], pathway_id="p9"),
        ['"Route" (p9)', "step 2 refers to node 'ghost'"]),
    "pathway step not a stop": (
        lambda d: d.add_pathway("Route", ["org1"], pathway_id="p9"),
        ['"Route" (p9)', "step 1 is organisation \"Kent Trust\""]),
    "pathway update to bad step": (
        lambda d: d.update_pathway("p_cmht", steps=["gp", "dir1"]),
        ["(p_cmht)", "step 2 is directorate"]),
    "pathway renamed to blank": (
        lambda d: d.update_pathway("p_cmht", name=""), ["'p_cmht'", "name must not be empty"]),
    "pathway unknown field": (
        lambda d: d.update_pathway("p_cmht", colour="red"), ['"Community"', "'colour'"]),
    "missing pathway": (lambda d: d.update_pathway("ghost", name="X"), ["'ghost'"]),
    "remove missing pathway": (lambda d: d.remove_pathway("ghost"), ["'ghost'"]),
    # map fields
    "marking unknown": (
        lambda d: d.set_map_fields({"marking": "SECRET"}), ["map: marking must be one of"]),
    "illustrative not bool": (
        lambda d: d.set_map_fields({"illustrative": "yes"}),
        ["map: illustrative must be true or false"]),
    "title missing": (
        lambda d: d.set_map_fields({"title": None}), ["map: title must not be empty"]),
    "unknown map field": (lambda d: d.set_map_fields({"colour": "red"}), ["map", "'colour'"]),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_change_names_item_and_field(sample_doc, case):
    action, words = REFUSED[case]
    with pytest.raises(ValidationError) as info:
        action(sample_doc)
    for word in words:
        assert word in str(info.value)


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_change_leaves_document_unchanged_and_silent(sample_doc, record, case):
    before = snapshot(sample_doc)
    recorder = record(sample_doc)
    with pytest.raises(ValidationError):
        REFUSED[case][0](sample_doc)
    assert snapshot(sample_doc) == before
    assert recorder.events == []


def test_parallel_flows_of_one_type_stay_separate(sample_doc, record):
    """A second referral from the GP to the crisis team is its own flow (its own volume and
    waits), and changing a flow's type onto one that is there already is allowed too."""
    first = sample_doc.find_flow("gp", "crisis", "referral")
    recorder = record(sample_doc)
    sample_doc.add_edge("flow", "gp", "crisis", "e1", flow_type="referral", volume_per_year=7)
    sample_doc.add_edge("flow", "crisis", "ward", "f2", flow_type="transfer")
    sample_doc.update_edge("f2", {"flow_type": "escalation"})
    assert sample_doc.find_flows("gp", "crisis", "referral") == [first, "e1"]
    assert sample_doc.edge("e1")["volume_per_year"] == 7
    assert sample_doc.edge(first)["volume_per_year"] != 7
    assert len(sample_doc.find_flows("crisis", "ward", "escalation")) == 2
    assert len(recorder.events) == 3


# ----- accepted changes ---------------------------------------------------------------------
def test_add_node_fills_defaults_and_trims_name():
    doc = Document()
    node_id = doc.add_node("service", "  Crisis team  ")
    assert doc.node(node_id)["name"] == "Crisis team"
    assert doc.node(node_id)["capacity"] is None and doc.node(node_id)["pinned"] is False


def test_add_node_makes_distinct_ids():
    doc = Document()
    assert doc.add_node("exit", "A") != doc.add_node("exit", "A")


def test_flows_of_different_types_between_same_nodes_are_allowed(sample_doc):
    sample_doc.add_edge("flow", "gp", "crisis", "f2", flow_type="signpost")
    assert sample_doc.find_flow("gp", "crisis", "signpost") == "f2"
    assert sample_doc.find_flow("gp", "crisis", "referral") == "f_gp_crisis"


def test_flow_back_the_other_way_is_allowed(sample_doc):
    sample_doc.add_edge("flow", "ward", "crisis", "f2", flow_type="escalation")
    assert sample_doc.has_edge("f2")


def test_update_node_returns_old_values_and_normalises(sample_doc):
    old = sample_doc.update_node("ward", {"capacity": 20.0, "name": " Ward A ", "notes": "x"})
    assert old == {"capacity": 18, "name": "Acute ward", "notes": ""}
    attrs = sample_doc.node("ward")
    assert attrs["name"] == "Ward A" and attrs["capacity"] == 20 and type(attrs["capacity"]) is int


def test_update_node_to_unknown_value(sample_doc):
    sample_doc.update_node("crisis", {"capacity": None})
    assert sample_doc.node("crisis")["capacity"] is None


def test_update_node_undo_with_old_values(sample_doc):
    before = snapshot(sample_doc)
    old = sample_doc.update_node("crisis", {"pct_within_target": 50, "age_group": None})
    sample_doc.update_node("crisis", old)
    assert snapshot(sample_doc) == before


def test_update_edge_returns_old_values(sample_doc):
    old = sample_doc.update_edge("f_crisis_ward", {"flow_type": "transfer", "volume_per_year": 5})
    assert old == {"flow_type": "escalation", "volume_per_year": 90}
    assert sample_doc.find_flow("crisis", "ward", "transfer") == "f_crisis_ward"


def test_move_nodes_returns_old_positions(sample_doc):
    old = sample_doc.move_nodes({"crisis": (1.5, 2.5), "cmht": (3, 4), "gp": None})
    assert old == {"crisis": (100.0, 0.0), "cmht": None, "gp": (-240.0, 0.0)}
    assert (sample_doc.node("cmht")["x"], sample_doc.node("cmht")["y"]) == (3.0, 4.0)
    assert sample_doc.node("gp")["x"] is None and sample_doc.node("gp")["y"] is None


def test_move_nodes_undo_with_old_positions(sample_doc):
    before = snapshot(sample_doc)
    old = sample_doc.move_nodes({"crisis": (7.0, 8.0), "cmht": (1.0, 1.0)})
    sample_doc.move_nodes(old)
    assert snapshot(sample_doc) == before


def test_remove_and_restore_edge(sample_doc):
    before = snapshot(sample_doc)
    record = sample_doc.remove_edge("f_gp_crisis")
    assert not sample_doc.has_edge("f_gp_crisis")
    assert sample_doc.find_flow("gp", "crisis") is None
    sample_doc.restore_edge(record)
    assert snapshot(sample_doc) == before


def test_remove_and_readd_pathway_keeps_order(sample_doc):
    before = to_node_link(sample_doc)["graph"]["pathways"]
    pathway, index = sample_doc.remove_pathway("p_crisis")
    assert index == 0 and list(sample_doc.pathways) == ["p_cmht"]
    sample_doc.add_pathway(pathway.name, pathway.steps, pathway.description, pathway.id, index)
    assert to_node_link(sample_doc)["graph"]["pathways"] == before


def test_update_pathway_returns_old_values(sample_doc):
    old = sample_doc.update_pathway("p_cmht", name=" New name ", steps=["cmht"])
    assert old == {"name": "Community", "steps": ["gp", "crisis", "cmht", "home"]}
    assert sample_doc.pathways["p_cmht"] == Pathway("p_cmht", "New name", "", ["cmht"])


def test_set_map_fields_returns_old_values(sample_doc):
    old = sample_doc.set_map_fields({"title": "New", "illustrative": False})
    assert old == {"title": "Sample map", "illustrative": True}
    assert sample_doc.map_fields()["title"] == "New"


# ----- removing and restoring nodes ---------------------------------------------------------
def test_remove_node_takes_its_edges(sample_doc):
    sample_doc.remove_node("crisis")
    assert not sample_doc.has_node("crisis")
    for eid in ("po_crisis", "sv_crisis", "f_gp_crisis", "f_crisis_ward", "f_ward_crisis",
                "f_crisis_cmht", "f_crisis_home"):
        assert not sample_doc.has_edge(eid)
    assert sample_doc.has_edge("f_cmht_home") and sample_doc.has_edge("po_ward")


def test_remove_node_takes_every_pathway_step(sample_doc):
    removed = sample_doc.remove_node("crisis")
    assert sample_doc.pathways["p_crisis"].steps == ["gp", "ward", "home"]
    assert sample_doc.pathways["p_cmht"].steps == ["gp", "cmht", "home"]
    assert removed.steps == [("p_crisis", 1), ("p_crisis", 3), ("p_cmht", 1)]


def test_restore_node_brings_back_everything_exactly(sample_doc):
    before = snapshot(sample_doc)
    pathways_before = to_node_link(sample_doc)["graph"]["pathways"]
    removed = sample_doc.remove_node("crisis")
    assert isinstance(removed, RemovedNode) and len(removed.edges) == 7
    sample_doc.restore_node(removed)
    assert snapshot(sample_doc) == before
    assert to_node_link(sample_doc)["graph"]["pathways"] == pathways_before
    assert sample_doc.parent("crisis") == "dir1"


def test_restore_parent_node_brings_back_children_links(sample_doc):
    before = snapshot(sample_doc)
    removed = sample_doc.remove_node("dir1")
    assert sample_doc.parent("crisis") is None and sample_doc.parent("ward") is None
    sample_doc.restore_node(removed)
    assert snapshot(sample_doc) == before


def test_restore_node_with_self_loop_flow(sample_doc):
    sample_doc.add_edge("flow", "crisis", "crisis", "loop", flow_type="transition")
    before = snapshot(sample_doc)
    removed = sample_doc.remove_node("crisis")
    assert [e["id"] for e in removed.edges].count("loop") == 1
    sample_doc.restore_node(removed)
    assert snapshot(sample_doc) == before


def test_restore_node_at_pathway_ends(sample_doc):
    sample_doc.add_pathway("Ends", ["home", "gp", "home"], pathway_id="p_ends")
    before = to_node_link(sample_doc)["graph"]["pathways"]
    sample_doc.restore_node(sample_doc.remove_node("home"))
    assert to_node_link(sample_doc)["graph"]["pathways"] == before


def test_restore_node_twice_is_refused(sample_doc):
    removed = sample_doc.remove_node("cmht")
    sample_doc.restore_node(removed)
    with pytest.raises(ValidationError, match="id is already used"):
        sample_doc.restore_node(removed)


def test_remove_node_then_restore_after_pathway_removed(sample_doc):
    removed = sample_doc.remove_node("crisis")
    sample_doc.remove_pathway("p_cmht")
    sample_doc.restore_node(removed)
    assert sample_doc.pathways["p_crisis"].steps == ["gp", "crisis", "ward", "crisis", "home"]


# ----- reading ------------------------------------------------------------------------------
def test_counts(sample_doc):
    assert sample_doc.counts() == {"organisations": 2, "partnerships": 1, "directorates": 1,
                                   "services": 3, "access_points": 1, "exits": 1, "flows": 6,
                                   "pathways": 2}


def test_parent_and_edge_ids(sample_doc):
    assert sample_doc.parent("crisis") == "dir1" and sample_doc.parent("gp") is None
    assert set(sample_doc.edge_ids("part_of")) == {"po_dir1", "po_crisis", "po_ward", "po_cmht"}
    assert len(sample_doc.edge_ids()) == 12


def test_describe_names_items(sample_doc):
    assert sample_doc.describe("crisis") == 'service "Crisis team" (crisis)'
    assert sample_doc.describe("f_gp_crisis") == \
        'flow "GP practice" -> "Crisis team" (f_gp_crisis)'
    assert sample_doc.describe("p_cmht") == 'pathway "Community" (p_cmht)'
    assert sample_doc.describe("ghost") == "'ghost'"


def test_sample_has_no_problems(sample_doc):
    assert sample_doc.problems() == []


def test_problems_warn_about_pathway_without_flow(sample_doc):
    sample_doc.add_pathway("Jump", ["gp", "home"], pathway_id="p_jump")
    problems = sample_doc.problems()
    assert [p.severity for p in problems] == ["warning"] and problems[0].item == "p_jump"


# ----- building from records ----------------------------------------------------------------
def test_from_records_builds_equal_document(sample_doc):
    copy = Document.from_records(sample_doc.map_fields(), sample_doc.node_records(),
                                 sample_doc.edge_records(), list(sample_doc.pathways.values()))
    assert to_node_link(copy) == to_node_link(sample_doc)


def test_from_records_does_not_share_pathways(sample_doc):
    pathways = list(sample_doc.pathways.values())
    copy = Document.from_records(sample_doc.map_fields(), sample_doc.node_records(),
                                 sample_doc.edge_records(), pathways)
    copy.update_pathway("p_cmht", steps=[])
    copy.remove_node("crisis")
    assert sample_doc.pathways["p_cmht"].steps == ["gp", "crisis", "cmht", "home"]
    assert pathways[0].steps == ["gp", "crisis", "ward", "crisis", "home"]


def test_from_records_reports_first_problem_and_count(sample_doc):
    nodes = sample_doc.node_records()
    nodes[0]["name"] = ""
    nodes[1]["org_type"] = "bank"
    expected = r"'org1': name must not be empty \(and 1 more problems\)"
    with pytest.raises(ValidationError, match=expected):
        Document.from_records(sample_doc.map_fields(), nodes, sample_doc.edge_records(), [])
