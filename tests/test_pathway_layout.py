"""A pathway laid out on its own (graph.pathway_layout, no Qt): left to right in step order,
rows that turn like a snake, one box per visit, the map's flow (or a gap) for each leg, and
the document left as it was."""

from __future__ import annotations

import pytest

from servicemap.graph.document import Document
from servicemap.graph.pathway_layout import layout_pathway, row_length, visit_keys


def chain_map(count: int) -> Document:
    """``count`` services s0..s(n-1), placed on the map in scrambled order, joined in order
    by referral flows f0..; a pathway "All" through every one."""
    d = Document()
    for i in range(count):
        d.add_node("service", f"Service {i}", f"s{i}", x=float((i * 7) % count) * 200,
                   y=float((i * 3) % 4) * 150)
    for i in range(count - 1):
        d.add_edge("flow", f"s{i}", f"s{i + 1}", f"f{i}", flow_type="referral",
                   volume_per_year=10 * (i + 1))
    d.add_pathway("All", [f"s{i}" for i in range(count)], pathway_id="all")
    return d


@pytest.mark.parametrize(("count", "per_row"), [(1, 1), (3, 3), (5, 5), (6, 3), (7, 4),
                                                (8, 4), (10, 5), (11, 4), (16, 4)])
def test_rows_are_at_most_five_and_even(count, per_row):
    assert row_length(count) == per_row


def test_a_narrower_row_wraps_sooner():
    assert [row_length(n, 3) for n in (3, 4, 7, 9)] == [3, 2, 3, 3]


def test_a_short_pathway_is_one_row_in_step_order():
    doc = chain_map(5)
    plan = layout_pathway(doc, "all")
    assert plan.rows == 1 and plan.per_row == 5
    xs = [s.x for s in plan.stops]
    assert xs == sorted(xs) and len(set(xs)) == 5
    assert {s.y for s in plan.stops} == {plan.stops[0].y}
    assert [s.number for s in plan.stops] == [1, 2, 3, 4, 5]
    assert plan.reading_order() == ["s0", "s1", "s2", "s3", "s4"]
    assert [(leg.source, leg.target, leg.flow) for leg in plan.legs] == [
        ("s0", "s1", "f0"), ("s1", "s2", "f1"), ("s2", "s3", "f2"), ("s3", "s4", "f3")]
    assert not any(leg.turn for leg in plan.legs)


def test_a_long_pathway_turns_like_a_snake():
    doc = chain_map(8)
    plan = layout_pathway(doc, "all")
    assert plan.rows == 2 and plan.per_row == 4
    first, second = plan.stops[:4], plan.stops[4:]
    assert [s.x for s in first] == sorted(s.x for s in first)            # left to right
    assert [s.x for s in second] == sorted((s.x for s in second), reverse=True)  # and back
    assert max(s.y for s in first) < min(s.y for s in second)
    turn = [leg for leg in plan.legs if leg.turn]
    assert [(leg.source, leg.target) for leg in turn] == [("s3", "s4")]
    assert plan.stops[3].x == plan.stops[4].x  # straight down: a short arrow, no crossing


def test_boxes_keep_clear_of_each_other_whatever_their_size():
    doc = chain_map(7)
    sizes = {f"s{i}": (120.0 + 40 * i, 40.0 + 10 * i) for i in range(7)}
    plan = layout_pathway(doc, "all", sizes)
    boxes = [(s.x - sizes[s.node][0] / 2, s.y - sizes[s.node][1] / 2,
              s.x + sizes[s.node][0] / 2, s.y + sizes[s.node][1] / 2) for s in plan.stops]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = a[2] + 40 <= b[0] or b[2] + 40 <= a[0] or a[3] + 40 <= b[1] \
                or b[3] + 40 <= a[1]
            assert apart, (a, b)


def test_a_step_visited_twice_is_drawn_twice_with_its_own_number():
    doc = chain_map(3)
    doc.add_edge("flow", "s2", "s1", "back", flow_type="transfer")
    doc.update_pathway("all", steps=["s0", "s1", "s2", "s1", "s2"])
    assert visit_keys(["s0", "s1", "s2", "s1", "s2"]) == ["s0", "s1", "s2", "s1#2", "s2#2"]
    plan = layout_pathway(doc, "all")
    assert [(s.key, s.node, s.number) for s in plan.stops] == [
        ("s0", "s0", 1), ("s1", "s1", 2), ("s2", "s2", 3), ("s1#2", "s1", 4),
        ("s2#2", "s2", 5)]
    assert plan.reading_order() == ["s0", "s1", "s2", "s1#2", "s2#2"]
    keys = [leg.key for leg in plan.legs]
    assert len(set(keys)) == len(keys) == 4
    assert [leg.flow for leg in plan.legs] == ["f0", "f1", "back", "f1"]


def test_a_leg_with_no_flow_is_a_gap():
    doc = chain_map(4)
    doc.remove_edge("f1")
    plan = layout_pathway(doc, "all")
    assert [leg.flow for leg in plan.legs] == ["f0", None, "f2"]
    assert plan.legs[1].key == "gap-2"


def test_the_document_is_only_read():
    doc = chain_map(8)
    before = (doc.node_records(), doc.edge_records(),
              [p.to_dict() for p in doc.pathways.values()])
    heard = []
    for _name, signal in doc.events():
        signal.connect(lambda *args: heard.append(args))
    layout_pathway(doc, "all")
    assert (doc.node_records(), doc.edge_records(),
            [p.to_dict() for p in doc.pathways.values()]) == before
    assert heard == []


def test_rows_fit_the_width_they_are_given():
    doc = chain_map(5)
    portrait = layout_pathway(doc, "all", width=704.0)   # A4 portrait within 12 mm margins
    landscape = layout_pathway(doc, "all", width=1033.0)  # A4 landscape
    assert (portrait.per_row, portrait.rows) == (3, 2)
    assert (landscape.per_row, landscape.rows) == (5, 1)
    wide = {f"s{i}": (400.0, 44.0) for i in range(5)}
    assert layout_pathway(doc, "all", wide, width=704.0).per_row == 1
