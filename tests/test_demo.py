"""Synthetic maps (same size and seed, same map) and the bundled Kent and Medway map."""

from __future__ import annotations

import json

import pytest

from servicemap import demo
from servicemap.io.exchange import to_node_link
from servicemap.model import EdgeKind, NodeKind


def dumped(doc) -> str:
    return json.dumps(to_node_link(doc), sort_keys=True)


@pytest.mark.parametrize("services", [1, 7, 60, 250])
def test_synthetic_has_the_asked_number_of_services(services):
    assert demo.synthetic(services, seed=3).counts()["services"] == services


def test_synthetic_same_seed_same_map():
    assert dumped(demo.synthetic(120, seed=4)) == dumped(demo.synthetic(120, seed=4))


def test_synthetic_different_seed_different_map():
    assert dumped(demo.synthetic(120, seed=4)) != dumped(demo.synthetic(120, seed=5))


@pytest.mark.parametrize(("services", "seed"), [(1, 1), (25, 2), (300, 3)])
def test_synthetic_map_keeps_every_rule(services, seed):
    assert demo.synthetic(services, seed).problems() == []


def test_synthetic_map_shape():
    doc = demo.synthetic(200, seed=1)
    counts = doc.counts()
    assert counts["flows"] >= counts["services"]
    assert counts["organisations"] >= 2 and counts["directorates"] >= 2
    assert counts["access_points"] > 0 and counts["exits"] > 0 and counts["pathways"] > 0
    assert all(doc.parent(s) is not None for s in doc.nodes_of_kind(NodeKind.SERVICE))
    assert all(x is not None for _, x in doc.graph.nodes(data="x"))
    assert doc.graph.graph["illustrative"] is True


def test_synthetic_pathways_follow_flows():
    doc = demo.synthetic(150, seed=8)
    for pathway in doc.pathways.values():
        assert doc.node(pathway.steps[0])["kind"] == NodeKind.ACCESS_POINT
        for a, b in zip(pathway.steps, pathway.steps[1:], strict=False):
            assert doc.find_flow(a, b) is not None


def test_synthetic_flows_have_no_self_loops():
    doc = demo.synthetic(150, seed=8)
    assert all(u != v for u, v, k in doc.graph.edges(data="kind") if k == EdgeKind.FLOW)


def test_synthetic_title_names_size_and_seed():
    assert demo.synthetic(10, seed=42).graph.graph["title"] == \
        "Synthetic map of 10 services (seed 42)"


def test_bundled_map_path_names_the_json():
    assert demo.bundled_map_path().name == "kent_medway.json"


@pytest.mark.skipif(not demo.bundled_map_path().exists(),
                    reason="resources/kent_medway.json is not written yet")
def test_kent_and_medway_map_keeps_every_rule():
    doc = demo.kent_and_medway()
    assert [p for p in doc.problems() if p.severity == "error"] == []
    counts = doc.counts()
    assert counts["services"] > 0 and counts["flows"] > 0 and counts["organisations"] > 0
