"""The toolbar filter (graph.filters, no Qt): its choices, what each matches, and which drawn
boxes and flows it dims, given as plain ids the way the window passes them."""

from __future__ import annotations

import pytest

from servicemap.graph.filters import filter_choices, ids_outside, matches
from servicemap.model import DRAWN_KINDS


def drawn(doc):
    """What the canvas draws: the drawn boxes, and each flow with its two ends."""
    nodes = [n for n, k in doc.graph.nodes(data="kind") if k in DRAWN_KINDS]
    flows = {k: (u, v) for u, v, k, kind in doc.graph.edges(keys=True, data="kind")
             if kind == "flow"}
    return nodes, flows


def test_choices_list_everything_then_groups_by_name_then_kinds(sample_doc):
    sample_doc.add_node("directorate", "community directorate", "dir2")
    assert filter_choices(sample_doc) == [
        ("Everything", None),
        ("Directorate: Acute directorate", ("directorate", "dir1")),
        ("Directorate: community directorate", ("directorate", "dir2")),
        ("Organisation: Kent Trust", ("organisation", "org1")),
        ("Organisation: Medway Council", ("organisation", "org2")),
        ("Partnership: East Kent HCP", ("partnership", "hcp1")),
        ("Only services", ("kind", "service")),
        ("Only access points", ("kind", "access_point")),
        ("Only exits", ("kind", "exit"))]


@pytest.mark.parametrize("key, matched", [
    (("directorate", "dir1"), {"crisis", "ward"}),
    (("organisation", "org1"), {"crisis", "ward", "cmht"}),    # directly or through dir1
    (("partnership", "hcp1"), {"crisis", "ward"}),             # itself, or its directorate
    (("organisation", "org2"), set()),
    (("kind", "access_point"), {"gp"}),
])
def test_what_each_filter_matches(sample_doc, key, matched):
    nodes, _ = drawn(sample_doc)
    assert {n for n in nodes if matches(sample_doc, n, key)} == matched


def test_dims_the_boxes_left_out_and_every_flow_touching_them(sample_doc):
    nodes, flows = drawn(sample_doc)
    out = ids_outside(sample_doc, ("directorate", "dir1"), nodes, flows)
    assert out == {"gp", "cmht", "home", "f_gp_crisis", "f_crisis_cmht", "f_crisis_home",
                   "f_cmht_home"}
    assert ids_outside(sample_doc, ("organisation", "org2"), nodes, flows) == \
        set(nodes) | set(flows)


def test_only_the_ids_given_are_dimmed(sample_doc):
    """Structural nodes and items the canvas does not show are never in the answer."""
    out = ids_outside(sample_doc, ("kind", "service"), ["crisis", "gp"],
                      {"f_gp_crisis": ("gp", "crisis")})
    assert out == {"gp", "f_gp_crisis"}
    assert ids_outside(sample_doc, ("kind", "service"), [], {}) == set()
