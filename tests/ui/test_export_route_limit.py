"""A picture with more flows than ``export.ROUTE_LIMIT`` draws them straight between their
boxes' middle ports instead of routing them round the boxes, and says so on the page and on
the command line; a picture of fewer flows (a selection of the same map) is routed."""

from __future__ import annotations

import pytest

from servicemap import demo, store
from servicemap.cli import EXIT_OK, main
from servicemap.graph import routing
from servicemap.render import export
from servicemap.render.export import ExportOptions, prepare
from tests.pdftext import pdf_lines

NOTE = "Flows are drawn straight between their boxes"


@pytest.fixture
def doc():
    return demo.synthetic(40)


def test_past_the_limit_flows_are_straight_and_the_page_says_so(qapp, doc, monkeypatch):
    monkeypatch.setattr(export, "ROUTE_LIMIT", 20)
    items = prepare(doc, ExportOptions(), scene=True)  # one QGraphicsItem per box and flow
    picture = prepare(doc, ExportOptions())  # past the limit: drawn from records
    try:
        flows = items.scene.flows
        assert len(flows) > 20 and not items.scene.routed() and not picture.scene.routed()
        for key, item in flows.items():
            assert item.line_points() == routing.quick_route(item.source.box(),
                                                             item.target.box())
            assert picture.scene.flows[key].line_points() == item.line_points()
        assert picture.source == items.source
        for drawn in (items, picture):
            text = " ".join(pdf_lines(export.pdf_bytes(doc, drawn, ExportOptions())))
            assert NOTE in text and f"{len(flows):,} flows are more than the 20" in text
    finally:
        items.close()
        picture.close()


def test_under_the_limit_flows_are_routed(qapp, doc, monkeypatch):
    monkeypatch.setattr(export, "ROUTE_LIMIT", 20)
    first = next(k for k in doc.graph.nodes if doc.graph.nodes[k]["kind"] == "service")
    near = {first, *doc.graph.successors(first), *doc.graph.predecessors(first)}
    for ids, routed in ((near, True), (set(doc.graph.nodes), False)):
        picture = prepare(doc, ExportOptions(what="selection", ids=frozenset(ids)))
        try:
            assert picture.scene.routed() is routed
            assert (NOTE in " ".join(picture.page_notes())) is not routed
        finally:
            picture.close()
    monkeypatch.undo()
    picture = prepare(doc, ExportOptions())  # the map's 80 flows: fewer than 5,000
    try:
        assert picture.scene.routed() and picture.scene.router is not None
    finally:
        picture.close()


def test_the_command_line_says_the_flows_are_straight(qapp, doc, tmp_path, capsys,
                                                      monkeypatch):
    path = tmp_path / "map.smap"
    store.save(doc, path)
    assert main(["export", str(path), str(tmp_path / "out.png")]) == EXIT_OK
    assert NOTE not in capsys.readouterr().err
    monkeypatch.setattr(export, "ROUTE_LIMIT", 20)
    assert main(["export", str(path), str(tmp_path / "out.svg")]) == EXIT_OK
    err = capsys.readouterr().err
    assert f"servicemap: out.svg: {NOTE}" in err
