"""Planning a copy and a paste without Qt: which boxes and flows are copied, the clipboard's
JSON and its refusals, new ids, offsets, never on top of a box, and structure links."""

from __future__ import annotations

import json

import pytest

from servicemap.errors import ClipboardError
from servicemap.graph.clipboard import (
    DAMAGED,
    FORMAT,
    NEWER,
    OFFSET,
    copy_items,
    plain_text,
    plan_paste,
    read_json,
    summary,
    to_json,
)
from servicemap.graph.document import Document
from servicemap.model import EdgeKind
from tests.maps import sample_map


@pytest.fixture
def doc():
    return sample_map()


def apply(doc, plan) -> None:
    """What the editor does with a plan, without Qt."""
    for rec in plan.nodes:
        fields = {k: v for k, v in rec.items() if k not in ("id", "kind", "name")}
        doc.add_node(rec["kind"], rec["name"], rec["id"], **fields)
    for rec in plan.edges:
        fields = {k: v for k, v in rec.items() if k not in ("id", "kind", "source", "target")}
        doc.add_edge(rec["kind"], rec["source"], rec["target"], rec["id"], **fields)


def test_copy_takes_boxes_and_only_the_flows_between_them(doc):
    clip = copy_items(doc, ["crisis", "ward", "f_gp_crisis", "dir1", "p_crisis"])
    assert [n["id"] for n in clip.nodes] == ["crisis", "ward"]  # no directorate, no pathway
    # both flows between the two come; the selected flow from the GP does not (no GP)
    assert sorted(f["id"] for f in clip.flows) == ["f_crisis_ward", "f_ward_crisis"]
    crisis = clip.nodes[0]
    assert (crisis["part_of"], crisis["serves"]) == ("dir1", ["hcp1"])
    assert crisis["capacity"] == 40 and crisis["notes"] == "Open all hours"
    assert copy_items(doc, ["f_gp_crisis", "dir1"]) is None  # a flow alone is not copied
    assert summary(n["kind"] for n in clip.nodes) == "2 services"
    assert clip.summary() == "2 services and 2 flows"


def test_unplaced_boxes_are_copied_where_they_are_drawn(doc):
    clip = copy_items(doc, ["cmht", "crisis"], positions={"cmht": (500.0, 120.0)})
    assert (clip.nodes[0]["x"], clip.nodes[0]["y"]) == (500.0, 120.0)
    assert (clip.nodes[1]["x"], clip.nodes[1]["y"]) == (100.0, 0.0)  # the map's own


def test_json_round_trip_keeps_every_field(doc):
    clip = copy_items(doc, ["gp", "crisis", "home"])
    back = read_json(to_json(clip))
    assert back.nodes == clip.nodes and back.flows == clip.flows
    assert plain_text(clip) == "GP practice\nCrisis team\nBack to GP care"


@pytest.mark.parametrize("text", [
    "", "not json", "[1, 2]", json.dumps({"format": "something-else", "version": 1}),
    json.dumps({"format": FORMAT, "version": 1, "nodes": []}),
    json.dumps({"format": FORMAT, "version": "1", "nodes": [{}]}),
    json.dumps({"format": FORMAT, "version": 1, "nodes": [{"id": "a", "kind": "organisation",
                                                           "name": "Trust"}]}),
    json.dumps({"format": FORMAT, "version": 1, "nodes": [{"id": "a", "kind": "service",
                                                           "name": "A", "capacity": -5}]}),
    json.dumps({"format": FORMAT, "version": 1, "nodes": [{"id": "a", "kind": "service",
                                                           "name": ""}]}),
    json.dumps({"format": FORMAT, "version": 1,
                "nodes": [{"id": "a", "kind": "service", "name": "A"}],
                "flows": [{"id": "f", "kind": "flow", "source": "a", "target": "gone",
                           "flow_type": "referral"}]}),
    json.dumps({"format": FORMAT, "version": 1,
                "nodes": [{"id": "a", "kind": "exit", "name": "A"},
                          {"id": "b", "kind": "service", "name": "B"}],
                "flows": [{"id": "f", "kind": "flow", "source": "a", "target": "b",
                           "flow_type": "referral"}]}),  # out of an exit
    json.dumps({"format": FORMAT, "version": 1,
                "nodes": [{"id": "a", "kind": "service", "name": "A", "serves": "hcp1"}]}),
    "[" * 100_000,
])
def test_malformed_items_are_refused_in_one_sentence(text):
    with pytest.raises(ClipboardError) as caught:
        read_json(text)
    assert str(caught.value) == DAMAGED


def test_items_from_a_newer_servicemap_say_so(doc):
    data = json.loads(to_json(copy_items(doc, ["crisis"])))
    data["version"] = 99
    with pytest.raises(ClipboardError, match="newer version") as caught:
        read_json(json.dumps(data))
    assert str(caught.value) == NEWER


def test_paste_gets_new_ids_keeps_fields_and_lands_offset(doc):
    clip = copy_items(doc, ["gp", "crisis", "ward"])
    plan = plan_paste(doc, clip)
    assert plan.shift == OFFSET
    assert not set(plan.ids.values()) & set(doc.graph.nodes)
    apply(doc, plan)
    crisis = doc.node(plan.ids["crisis"])
    original = doc.node("crisis")
    assert (crisis["x"], crisis["y"]) == (140.0, 40.0)
    assert {k: v for k, v in crisis.items() if k not in ("x", "y")} == \
        {k: v for k, v in original.items() if k not in ("x", "y")}
    assert doc.parent(plan.ids["crisis"]) == "dir1"
    assert doc.find_flow(plan.ids["gp"], plan.ids["crisis"], "referral")
    assert doc.edge(doc.find_flow(plan.ids["gp"], plan.ids["crisis"]))["volume_per_year"] \
        == 1200
    assert len([e for e in plan.edges if e["kind"] == EdgeKind.FLOW]) == 3
    assert plan.summary() == "2 services, 1 access point and 3 flows"
    assert set(plan.new_ids) == set(plan.ids.values()) | \
        {e["id"] for e in plan.edges if e["kind"] == EdgeKind.FLOW}


def test_a_second_paste_moves_on_rather_than_sit_on_the_first(doc):
    clip = copy_items(doc, ["crisis", "ward"])
    first = plan_paste(doc, clip)
    apply(doc, first)
    second = plan_paste(doc, clip)
    assert second.shift == (80.0, 80.0)
    apply(doc, second)
    assert plan_paste(doc, clip).shift == (120.0, 120.0)


def test_paste_here_centres_the_boxes_on_the_point(doc):
    clip = copy_items(doc, ["crisis", "ward"])  # centres (100, 0) and (340, 0)
    plan = plan_paste(doc, clip, at=(1000.0, 500.0))
    xs = sorted(n["x"] for n in plan.nodes)
    assert xs == [880.0, 1120.0] and {n["y"] for n in plan.nodes} == {500.0}
    # right on top of an existing box: moved on by one offset
    on_gp = plan_paste(doc, copy_items(doc, ["crisis"]), at=(-240.0, 0.0))
    assert on_gp.shift == (-340.0 + 40.0, 40.0)


def test_structure_links_come_only_when_the_map_has_them(doc):
    clip = read_json(to_json(copy_items(doc, ["crisis", "ward", "gp"])))
    other = Document()
    other.add_node("organisation", "Someone else", "elsewhere")
    other.add_node("partnership", "Not a directorate", "dir1")  # same id, wrong kind
    plan = plan_paste(other, clip)
    apply(other, plan)
    assert all(other.parent(n) is None for n in plan.ids.values())
    assert [e for e in plan.edges if e["kind"] != EdgeKind.FLOW] == []
    assert plan.unlinked == ["Crisis team", "Acute ward"]  # the GP had no parent
    assert other.counts()["flows"] == 3


def test_serves_is_kept_for_partnerships_the_map_has(doc):
    clip = copy_items(doc, ["crisis"])
    other = Document()
    other.add_node("partnership", "East Kent HCP", "hcp1")
    plan = plan_paste(other, clip)
    apply(other, plan)
    new = plan.ids["crisis"]
    assert [v for _, v, k in other.graph.out_edges(new, data="kind")] == ["hcp1"]
    assert plan.unlinked == ["Crisis team"]  # its directorate is not there
