"""The fast paths of checking a whole map give exactly what the plain rules give.

``rules._clean`` accepts common valid values inline and ``Document.from_records`` writes the
checked records straight into networkx's adjacency dicts; ``check_map`` reads records once, as a
file's rows stream through. Each is compared here with the straightforward version."""

from __future__ import annotations

import math

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from servicemap import demo, store
from servicemap.graph import rules
from servicemap.graph.document import Document
from servicemap.model import EdgeKind, NodeKind, edge_fields, node_fields


def plain_clean(record, fields, what):
    """The rules without any fast path: normalise, then Field.check, field by field."""
    attrs, problems = {}, []
    for f in fields:
        value = record.get(f.name)
        if value is None:
            value = f.default
            attrs[f.name] = value
            if value is None and f.optional:
                continue
        else:
            value = rules.normalise(f, value)
            attrs[f.name] = value
        if f.name == "name" and value == "":
            problems.append(f"{what}: name must not be empty")
            continue
        why = f.check(value)
        if why:
            problems.append(f"{what}: {f.title.lower() if f.label else f.name} {why}")
    return attrs, problems


VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.integers(min_value=-2**60, max_value=2**60),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, 1.0, 100.0, 100.5,
                                                                     -0.0, 2.0**53, 1e308]),
    st.text(max_size=4), st.sampled_from(["", " ", " a ", "\u2003", "referral", "adults",
                                          "trust", "OFFICIAL", "Crisis"]),
    st.just([1]))


def same(a, b) -> bool:
    """Equal values of equal types (NaN equals NaN): 1 and 1.0 and True are told apart."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


@settings(max_examples=400, deadline=None)
@given(kind=st.sampled_from(list(NodeKind)), data=st.data())
def test_node_cleaning_matches_the_plain_rules(kind, data):
    fields = node_fields(kind)
    record = {"id": "n1", "kind": str(kind)}
    for f in fields:
        if data.draw(st.booleans()):
            record[f.name] = data.draw(VALUES)
    attrs, problems = rules.node_attrs(record)
    want_attrs, want_problems = plain_clean(record, fields, rules.describe_node("n1", record))
    assert problems == want_problems
    assert attrs.pop("kind") == str(kind)
    assert attrs.keys() == want_attrs.keys()
    assert all(same(attrs[k], want_attrs[k]) for k in attrs), (attrs, want_attrs)


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(list(EdgeKind)), data=st.data())
def test_edge_cleaning_matches_the_plain_rules(kind, data):
    fields = edge_fields(kind)
    record = {"id": "e1", "kind": str(kind), "source": "a", "target": "b"}
    for f in fields:
        if data.draw(st.booleans()):
            record[f.name] = data.draw(VALUES)
    attrs, problems = rules.edge_attrs(record)
    want_attrs, want_problems = plain_clean(record, fields, rules.describe_edge("e1", record))
    assert problems == want_problems
    attrs.pop("kind")
    assert all(same(attrs[k], want_attrs[k]) for k in attrs) and attrs.keys() == \
        want_attrs.keys()


def records_of(doc: Document):
    return doc.map_fields(), doc.node_records(), doc.edge_records(), list(doc.pathways.values())


def test_the_built_graph_is_what_networkx_builds():
    doc = demo.synthetic(300, seed=4)
    built = Document.from_records(*records_of(doc))
    reference = nx.MultiDiGraph()
    reference.graph.update(built.graph.graph)
    reference.add_nodes_from((r.pop("id"), r) for r in doc.node_records())
    reference.add_edges_from((r.pop("source"), r.pop("target"), r.pop("id"), r)
                             for r in doc.edge_records())
    assert nx.utils.graphs_equal(built.graph, reference)
    assert list(built.graph.nodes) == list(reference.nodes)
    assert list(built.graph.edges(keys=True)) == list(reference.edges(keys=True))
    assert list(built.graph.in_edges(keys=True)) == list(reference.in_edges(keys=True))
    # One dict per pair of ends, shared by both directions: a removal is seen from both.
    u, v, key = next(iter(built.graph.edges(keys=True)))
    assert built.graph._succ[u][v] is built.graph._pred[v][u]
    built.remove_edge(key)
    assert not built.graph.has_edge(u, v, key) and key not in built.graph.pred[v].get(u, {})
    assert built.counts()["flows"] == doc.counts()["flows"] - (doc.edge(key)["kind"] == "flow")


def test_records_streamed_once_give_the_same_problems(sample_doc):
    map_fields, nodes, edges, pathways = records_of(sample_doc)
    nodes[1]["capacity"] = -4
    edges.append({**edges[0]})  # an id used twice
    edges.append({"id": "x", "kind": "flow", "source": "nowhere", "target": nodes[0]["id"],
                  "flow_type": "referral"})
    listed = rules.check_map(map_fields, nodes, edges, pathways)
    streamed = rules.check_map(map_fields, iter(nodes), (e for e in edges), pathways)
    assert streamed == listed and len([p for p in listed if p.severity == "error"]) >= 3


def test_a_file_checked_without_building_is_refused_as_opening_refuses_it(tmp_path):
    doc = demo.synthetic(50)
    path = tmp_path / "m.smap"
    store.save(doc, path)
    result = store.check(path)
    assert result.refusal is None and result.counts == doc.counts()
    assert result.problems == doc.problems()
