"""Flows on a grouped layout enter and leave containers by their sides, never through a title
band, and never through a box they do not join (issue #15): in the picture export of the
bundled map laid out by ``servicemap layout --method grouped``, and on the canvas."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree

from servicemap import demo, store
from servicemap.cli import EXIT_OK, main
from servicemap.graph import groups as grp
from servicemap.graph import routing
from servicemap.graph.flow_labels import segment_crosses
from servicemap.render import export
from servicemap.render.containers import CONTAINERS

SVG = "{http://www.w3.org/2000/svg}"


def _grouped_map(tmp_path, by: str):
    """The bundled map laid out in containers by ``by`` with the command a planner types."""
    path, out = tmp_path / "km.smap", tmp_path / f"km-{by}.smap"
    store.save(demo.kent_and_medway(), path)
    assert main(["layout", str(path), "--method", "grouped", "--group-by", by,
                 "-o", str(out)]) == EXIT_OK
    return out


def _bands(scene) -> list[tuple[float, float, float, float]]:
    """Each drawn container's whole title band (left, top, right, bottom)."""
    bands = []
    for decoration in scene.decorations(CONTAINERS):
        r = decoration.item.rect
        bands.append((r.left(), r.top(), r.right(), r.top() + grp.CONTAINER_TITLE))
    return bands


def _boxes(scene) -> dict[str, tuple[float, float, float, float]]:
    out = {}
    for node_id, item in scene.nodes.items():
        r = item.rect.translated(item.pos())
        out[node_id] = (r.left(), r.top(), r.right(), r.bottom())
    return out


def _segments(line):
    return list(zip(line, line[1:], strict=False))


def _title_crossings(lines, bands) -> int:
    """Route segments that cross (or run along) any title band."""
    return sum(1 for line in lines for p, q in _segments(line) for band in bands
               if segment_crosses(p, q, band))


def _through_boxes(scene) -> dict[str, list[str]]:
    """Each flow and the boxes it runs through that it does not join (only those with any)."""
    boxes = _boxes(scene)
    found = {}
    for key, item in scene.flows.items():
        ends = {item.source.node_id, item.target.node_id}
        hit = [n for n, rect in boxes.items() if n not in ends and any(
            segment_crosses(p, q, rect) for p, q in _segments(item.line_points()))]
        if hit:
            found[key] = hit
    return found


@pytest.mark.parametrize("by", ["directorate", "partnership"])
def test_exported_grouped_map_keeps_flows_out_of_titles_and_boxes(qapp, tmp_path, by):
    doc = store.load(_grouped_map(tmp_path, by))
    picture = export.prepare(doc, export.ExportOptions(containers=by))
    try:
        scene = picture.scene
        bands = _bands(scene)
        assert len(bands) == len(grp.group_services(doc, by).members) >= 4
        lines = {k: item.line_points() for k, item in scene.flows.items()}
        assert len(lines) == doc.counts()["flows"] > 100
        # Without the titles to keep out of, these routes would cross them: the test can fail.
        plain = routing.route_flows(
            {n: item.box() for n, item in scene.nodes.items()},
            [routing.Flow(k, f.source.node_id, f.target.node_id)
             for k, f in scene.flows.items()],
            bundle=[n for n, k in doc.graph.nodes(data="kind") if k == "exit"])
        assert _title_crossings(plain.values(), bands) >= 10
        assert _title_crossings(lines.values(), bands) == 0
        assert _through_boxes(scene) == {}
        assert scene.router.straight == set()  # every flow routed, none a straight fallback
        bends = sum(len(line) > 2 for line in lines.values())
        assert bends > len(lines) / 2
    finally:
        picture.close()


def test_export_command_draws_containers_and_their_titles(qapp, tmp_path, capsys):
    path = _grouped_map(tmp_path, "partnership")
    out = tmp_path / "km.svg"
    assert main(["export", str(path), str(out), "--containers", "partnership"]) == EXIT_OK
    texts = ["".join(el.itertext()) for el in ElementTree.fromstring(out.read_bytes())
             .iter(f"{SVG}text")]
    assert grp.WIDE_NAME in texts and "East Kent HCP" in texts
    plain = tmp_path / "plain.svg"
    assert main(["export", str(path), str(plain)]) == EXIT_OK
    assert grp.WIDE_NAME not in plain.read_text(encoding="utf-8")  # only when asked for


def test_canvas_keeps_titles_clear_after_a_box_moves(open_window, qtbot, tmp_path):
    window = open_window(_grouped_map(tmp_path, "directorate"))
    window.actions.action("map.containers_directorate").trigger()
    scene = window.scene
    qtbot.waitUntil(lambda: len(scene.decorations(CONTAINERS)) >= 4)
    qtbot.wait(20)  # the containers' titles reach the router just after they are drawn

    def crossings() -> int:
        return _title_crossings([f.line_points() for f in scene.flows.values()], _bands(scene))

    assert crossings() == 0
    # Move a service with flows down inside its container, as a drag ends: its flows are
    # routed again, and still keep out of every title.
    doc = window.session.doc
    service = next(n for n in scene.nodes if doc.graph.nodes[n]["kind"] == "service"
                   and doc.graph.degree(n) >= 4)
    x, y = doc.graph.nodes[service]["x"], doc.graph.nodes[service]["y"]
    window.editor.move({service: (x, y)}, {service: (x + 40.0, y + 30.0)})
    qtbot.wait(50)
    assert doc.graph.nodes[service]["y"] == y + 30.0
    # As few as a fresh export of the map as it now is draws: routing only the flows
    # concerned is no worse. (Here a few long flows find no way round within a search's
    # reach and are drawn straight, in both.)
    picture = export.prepare(doc, export.ExportOptions(containers="directorate"))
    try:
        fresh = _title_crossings([f.line_points() for f in picture.scene.flows.values()],
                                 _bands(picture.scene))
        fresh_through = len(_through_boxes(picture.scene))
    finally:
        picture.close()
    assert crossings() <= fresh + 1
    assert len(_through_boxes(scene)) <= fresh_through
    window.actions.action("edit.undo").trigger()  # back where it was: none again
    qtbot.wait(50)
    assert crossings() == 0


def test_shared_tags_and_flow_numbers_on_tiles_are_at_least_6_pt(qapp, tmp_path):
    """Tiles are drawn at the scale where the map's smallest type, not only the names, reaches
    6 pt: flow numbers and the "shared" tags of services serving several partnerships."""
    from tests.pdftext import pdf_text_sizes

    path = _grouped_map(tmp_path, "partnership")
    out = tmp_path / "km.pdf"
    assert main(["export", str(path), str(out), "--containers", "partnership",
                 "--page", "a4", "--tiles"]) == EXIT_OK
    sheets = pdf_text_sizes(out.read_bytes())
    assert len(sheets) > 2  # a key map and tiles
    tiles = [item for page in sheets[1:] for item in page]
    shared = [size for text, size in tiles if text.strip() == "shared"]
    numbers = [size for text, size in tiles if text.strip().replace(",", "").isdigit()]
    assert shared and numbers
    assert min(size for _text, size in tiles) >= 6.0
    assert min(shared) == pytest.approx(min(numbers))  # both 8 pt at 100%, the smallest type
