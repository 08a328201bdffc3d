"""Flat GraphML (``servicemap export MAP OUT.graphml --flat``): igraph and networkx read every
field of every node and edge, which igraph cannot from the yEd file's nested groups (issues
#15, #18); servicemap reads it back exactly. The yEd file stays what plain .graphml writes."""

from __future__ import annotations

import math

import igraph as ig
import networkx as nx
import pytest

from servicemap import demo, store
from servicemap.cli import EXIT_BAD_INPUT, EXIT_OK, main
from servicemap.io import formats, graphml_read
from tests.test_graphml import exact


@pytest.fixture
def bundled(tmp_path):
    """The bundled map with a second flow alongside one (parallel flows stay two edges)."""
    doc = demo.kent_and_medway()
    u, v, _k = next((u, v, k) for u, v, k, kind in doc.graph.edges(keys=True, data="kind")
                    if kind == "flow" and doc.graph.nodes[u]["kind"] == "service")
    doc.add_edge("flow", u, v, "parallel-flow", flow_type="transfer", volume_per_year=12)
    path = tmp_path / "km.smap"
    store.save(doc, path)
    return store.load(path), path


def export(capsys, *argv) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    return code, capsys.readouterr().err


def _missing(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def _igraph_lost(doc, g: ig.Graph) -> list[tuple[str, str]]:
    """(item id, field) of every known field of the map that igraph did not read as it is."""
    lost = []
    vertices = {v["id"]: v for v in g.vs}
    for n, attrs in doc.graph.nodes(data=True):
        v = vertices.get(n)
        for k, value in attrs.items():
            if value is not None and (v is None or k not in g.vs.attributes() or v[k] != value):
                lost.append((n, k))
    edges = {e["id"]: e for e in g.es} if "id" in g.es.attributes() else {}
    for _u, _v, key, attrs in doc.graph.edges(keys=True, data=True):
        e = edges.get(key)
        for k, value in attrs.items():
            if value is not None and (e is None or k not in g.es.attributes() or e[k] != value):
                lost.append((key, k))
    return lost


# igraph keeps the edge ids the file gives as data, and says it does not add its own
@pytest.mark.filterwarnings("ignore:Could not add edge ids:RuntimeWarning")
def test_igraph_reads_every_field_of_the_flat_file(bundled, tmp_path, capsys):
    doc, path = bundled
    flat, yed = tmp_path / "flat.graphml", tmp_path / "yed.graphml"
    assert export(capsys, "export", path, flat, "--flat") == (EXIT_OK, "")
    assert export(capsys, "export", path, yed) == (EXIT_OK, "")
    g = ig.Graph.Read_GraphML(str(flat))
    assert g.is_directed()
    assert (g.vcount(), g.ecount()) == (doc.graph.number_of_nodes(), doc.graph.number_of_edges())
    assert _igraph_lost(doc, g) == []
    ends = {e["id"]: (g.vs[e.source]["id"], g.vs[e.target]["id"]) for e in g.es}
    assert ends == {k: (u, v) for u, v, k in doc.graph.edges(keys=True)}
    assert g["title"] == doc.graph.graph["title"] and g["pathways"]  # the map's own fields
    # The yEd file, for comparison: igraph keeps its top-level nodes only, and the nesting
    # that stands for part_of links is no edge for it.
    nested = ig.Graph.Read_GraphML(str(yed))
    lost = _igraph_lost(doc, nested)
    services = {n for n, k in doc.graph.nodes(data="kind") if k == "service"}
    assert {n for n, _field in lost if n in services} == services


def test_networkx_reads_every_field_and_each_parallel_edge(bundled, tmp_path, capsys):
    doc, path = bundled
    flat = tmp_path / "flat.graphml"
    assert export(capsys, "export", path, flat, "--flat") == (EXIT_OK, "")
    g = nx.read_graphml(flat)
    assert isinstance(g, nx.MultiDiGraph)  # the parallel flow made it a multigraph
    for n, attrs in doc.graph.nodes(data=True):
        known = {k: v for k, v in attrs.items() if v is not None}
        read = dict(g.nodes[n])
        assert read.pop("label") == attrs["name"]
        assert read == known, n
    read_edges = {k: (u, v, a) for u, v, k, a in g.edges(keys=True, data=True)}
    assert len(read_edges) == doc.graph.number_of_edges()
    assert all(a.pop("id") == k for k, (_u, _v, a) in read_edges.items())  # the id as data
    for u, v, k, attrs in doc.graph.edges(keys=True, data=True):
        assert read_edges[k] == (u, v, {a: b for a, b in attrs.items() if b is not None}), k
    assert {k for _u, _v, k, kind in g.edges(keys=True, data="kind") if kind == "part_of"} == {
        k for _u, _v, k, kind in doc.graph.edges(keys=True, data="kind") if kind == "part_of"}
    assert g.graph["title"] == doc.graph.graph["title"]


def test_servicemap_reads_the_flat_file_back_exactly(bundled, tmp_path, capsys):
    doc, path = bundled
    flat = tmp_path / "flat.graphml"
    assert export(capsys, "export", path, flat, "--flat") == (EXIT_OK, "")
    assert exact(graphml_read.read_graphml(flat)) == exact(doc)
    back = tmp_path / "back.smap"
    assert export(capsys, "import", flat, back) == (EXIT_OK, "")
    assert exact(store.load(back)) == exact(doc)


def test_flat_has_no_yed_drawing_or_nesting(bundled, tmp_path, capsys):
    _doc, path = bundled
    flat, yed = tmp_path / "flat.graphml", tmp_path / "yed.graphml"
    export(capsys, "export", path, flat, "--flat")
    export(capsys, "export", path, yed)
    text, nested = flat.read_text(encoding="utf-8"), yed.read_text(encoding="utf-8")
    assert "yfiles" not in text and "<graph " in text and text.count("<graph ") == 1
    assert 'yfiles.foldertype="group"' in nested and nested.count("<graph ") > 1


@pytest.mark.parametrize("out", ["map.xlsx", "map.drawio", "map.json"])
def test_flat_is_for_graphml_only(bundled, tmp_path, capsys, out):
    _doc, path = bundled
    code, err = export(capsys, "export", path, tmp_path / out, "--flat")
    assert code == EXIT_BAD_INPUT and not (tmp_path / out).exists()
    assert err == f"servicemap: --flat is for GraphML (.graphml), not {out}.\n"


def test_flat_graphml_is_a_choice_beside_the_yed_file():
    choices = formats.with_variants(formats.exchange_formats(writes=True))
    at = choices.index(formats.GRAPHML)
    assert choices[at + 1] is formats.GRAPHML_FLAT
    assert formats.by_suffix(".graphml") is formats.GRAPHML  # what reads either back
    assert "Flat GraphML for igraph, networkx, Gephi (*.graphml)" in formats.dialog_filters(
        choices)
