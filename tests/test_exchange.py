"""The JSON exchange format (networkx node-link data): round trips and bad files."""

from __future__ import annotations

import json
import uuid

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicemap.errors import FileFormatError, SaveError
from servicemap.graph.document import Document
from servicemap.io import exchange
from servicemap.io.exchange import from_node_link, read_json, to_node_link, write_json


# ----- the format ---------------------------------------------------------------------------
def test_node_link_shape(sample_doc):
    data = to_node_link(sample_doc)
    assert data["directed"] is True and data["multigraph"] is True
    assert {"nodes", "edges", "graph"} <= set(data)
    assert data["graph"]["title"] == "Sample map"
    assert [p["id"] for p in data["graph"]["pathways"]] == ["p_crisis", "p_cmht"]
    edge = next(e for e in data["edges"] if e["id"] == "f_gp_crisis")
    assert edge["key"] == "f_gp_crisis" and edge["source"] == "gp" and edge["target"] == "crisis"
    assert edge["flow_type"] == "referral" and edge["volume_per_year"] == 1200


def test_node_link_is_plain_json(sample_doc):
    data = to_node_link(sample_doc)
    assert json.loads(json.dumps(data)) == data


def test_node_link_round_trip(sample_doc):
    data = to_node_link(sample_doc)
    assert to_node_link(from_node_link(data)) == data


def test_node_link_readable_by_networkx(sample_doc):
    graph = nx.node_link_graph(to_node_link(sample_doc), edges="edges")
    assert graph.number_of_nodes() == 9 and graph.number_of_edges() == 12
    assert graph.nodes["crisis"]["capacity"] == 40


def test_from_node_link_accepts_links_key(sample_doc):
    data = to_node_link(sample_doc)
    data["links"] = data.pop("edges")
    assert to_node_link(from_node_link(data)) == to_node_link(sample_doc)


def test_from_node_link_accepts_key_without_id(sample_doc):
    data = to_node_link(sample_doc)
    for edge in data["edges"]:
        del edge["id"]
    assert to_node_link(from_node_link(data)) == to_node_link(sample_doc)


GRAPH = json.dumps({"title": "T", "description": "", "source": "", "marking": "",
                    "illustrative": False, "created": "", "modified": ""})


def test_from_node_link_fills_missing_fields():
    data = {"graph": json.loads(GRAPH), "nodes": [{"id": "a", "kind": "exit", "name": "Home"}]}
    doc = from_node_link(data)
    assert doc.node("a")["pinned"] is False and doc.node("a")["category"] is None


def test_write_and_read_json_round_trip(sample_doc, tmp_path):
    path = tmp_path / "map.json"
    write_json(sample_doc, path)
    assert to_node_link(read_json(path)) == to_node_link(sample_doc)
    assert [p.name for p in tmp_path.iterdir()] == ["map.json"]


def test_json_keeps_unicode_readable(tmp_path):
    doc = Document()
    doc.add_node("service", "Café ☕ 中文", "c")
    path = tmp_path / "map.json"
    write_json(doc, path)
    assert "Café ☕ 中文" in path.read_text(encoding="utf-8")


def test_read_json_accepts_byte_order_mark(sample_doc, tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(to_node_link(sample_doc)).encode())
    assert to_node_link(read_json(path)) == to_node_link(sample_doc)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_documents_round_trip_through_json(doc_strategy, tmp_path_factory, data):
    doc = data.draw(doc_strategy)
    path = tmp_path_factory.mktemp("json") / f"{uuid.uuid4().hex}.json"
    write_json(doc, path)
    assert to_node_link(read_json(path)) == to_node_link(doc)


def test_write_json_unencodable_text_raises_save_error(sample_doc, tmp_path):
    path = tmp_path / "map.json"
    path.write_text("old", encoding="utf-8")
    sample_doc.update_node("crisis", {"notes": "\udc80"})
    with pytest.raises(SaveError, match="map.json could not be written"):
        write_json(sample_doc, path)
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["map.json"]


# ----- bad files ----------------------------------------------------------------------------
def with_nodes(node: str, edge: str = "") -> str:
    """JSON text of a map with complete map fields, one node and perhaps one edge."""
    return f'{{"graph": {GRAPH}, "nodes": [{node}], "edges": [{edge}]}}'


@pytest.mark.parametrize(("content", "words"), [
    ('{"nodes": [', "is not valid JSON (line 1"),
    ("", "is not valid JSON"),
    ("[1, 2, 3]", "is not a servicemap map: it has no list of nodes"),
    ('"just text"', "is not a servicemap map"),
    ('{"nodes": {"a": 1}}', "is not a servicemap map: it has no list of nodes"),
    ('{"edges": []}', "it has no list of nodes"),
    ('{"nodes": [], "edges": 5}', "its edges are not a list"),
    ('{"nodes": [], "graph": [1]}', "its graph fields are not an object"),
    ('{"nodes": [1]}', "node 1 is not an object"),
    ('{"nodes": [], "edges": ["x"]}', "edge 1 is not an object"),
    ('{"nodes": [], "graph": {"pathways": "none"}}', "pathways are not a list"),
    ('{"nodes": [], "graph": {"pathways": [{"id": 3, "steps": []}]}}',
     "pathway 1 has no name"),
    ('{"nodes": [], "graph": {"pathways": [{"id": "p", "steps": 3}]}}',
     "pathway 1 needs a list of steps"),
    (with_nodes('{"id": "a", "kind": "exit", "name": ""}'),
     "nothing was imported: exit 'a': name must not be empty"),
    (with_nodes('{"id": "a", "kind": "service", "name": "S", "capacity": -1}'),
     "capacity must be at least 0"),
    (with_nodes('{"id": "a", "kind": "service", "name": "S", "capacity": NaN}'),
     "capacity must be a finite number"),
    (with_nodes('{"id": "a", "kind": "service", "name": "S", "x": -Infinity}'),
     "x must be a finite number"),
    (with_nodes('{"id": "a", "kind": "service", "name": "S"}',
                '{"id": "e", "kind": "flow", "source": "a", "target": "b", '
                '"flow_type": "referral"}'),
     "'b', which does not exist"),
])
def test_bad_json_file_names_the_file(tmp_path, content, words):
    path = tmp_path / "bad map.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FileFormatError) as info:
        read_json(path)
    assert "bad map.json" in str(info.value) and words in str(info.value)


def test_not_utf8_json(tmp_path):
    path = tmp_path / "latin.json"
    path.write_bytes(b'{"nodes": [], "graph": {"title": "caf\xe9"}}')
    with pytest.raises(FileFormatError, match="latin.json is not UTF-8 text"):
        read_json(path)


def test_missing_json(tmp_path):
    with pytest.raises(FileFormatError, match="absent.json does not exist"):
        read_json(tmp_path / "absent.json")


def test_json_folder(tmp_path):
    folder = tmp_path / "folder.json"
    folder.mkdir()
    with pytest.raises(FileFormatError, match="folder.json cannot be read"):
        read_json(folder)


def test_too_large_json_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.json"
    path.write_text('{"nodes": []}', encoding="utf-8")
    monkeypatch.setattr(exchange, "MAX_JSON_BYTES", 5)
    with pytest.raises(FileFormatError, match="huge.json is too large"):
        read_json(path)


def test_from_node_link_names_where():
    with pytest.raises(FileFormatError, match="^clipboard is not a servicemap map"):
        from_node_link(None, "clipboard")
