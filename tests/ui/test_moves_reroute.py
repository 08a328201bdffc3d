"""After boxes are dragged on the canvas of a grouped map, every flow keeps out of the boxes it
does not join and out of the containers' titles, as a fresh routing of the map would (issue
#15): a move also tries again the flows left over a title or straight near where it happened,
since it may have opened a way for them; undo and redo keep it so."""

from __future__ import annotations

from PySide6.QtCore import Qt

from servicemap.render.containers import CONTAINERS
from tests.ui.test_container_routes import _bands, _grouped_map, _through_boxes, _title_crossings

# Drags a planner makes tidying the bundled map grouped by directorate. The first puts a box
# where its container's title grows over another's flow, which finds no way round it; the
# third opens a way, which that flow was not routed again to take (1 title crossed, 0 fresh).
DRAGS = [("kmpt-older-adults-memory", 140, 60), ("kchft-rehabilitation", 50, 80),
         ("kmpt-older-adults-memory", 30, 80)]


def _drag(window, qtbot, node_id: str, dx: float, dy: float) -> None:
    """Press on the box, move the mouse in steps and let go, as a planner drags it."""
    view = window.view
    item = window.scene.nodes[node_id]
    view.centerOn(item.pos())
    start = view.mapFromScene(item.pos())
    end = view.mapFromScene(item.pos().x() + dx, item.pos().y() + dy)
    port = view.viewport()
    qtbot.mousePress(port, Qt.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(port, start + (end - start) * step / 5)
    qtbot.mouseRelease(port, Qt.LeftButton, pos=end)
    qtbot.wait(10)  # the containers follow, and their titles reach the router


def _counts(scene) -> tuple[int, int]:
    lines = [f.line_points() for f in scene.flows.values()]
    return _title_crossings(lines, _bands(scene)), len(_through_boxes(scene))


def test_dragged_boxes_leave_no_flow_over_a_title_or_through_a_box(open_window, qtbot,
                                                                    tmp_path):
    window = open_window(_grouped_map(tmp_path, "directorate"))
    window.actions.action("map.containers_directorate").trigger()
    scene = window.scene
    qtbot.waitUntil(lambda: len(scene.decorations(CONTAINERS)) >= 4)
    qtbot.wait(20)
    doc = window.session.doc
    assert _counts(scene) == (0, 0)
    for node_id, dx, dy in DRAGS:
        x, y = doc.graph.nodes[node_id]["x"], doc.graph.nodes[node_id]["y"]
        _drag(window, qtbot, node_id, dx, dy)
        assert (doc.graph.nodes[node_id]["x"], doc.graph.nodes[node_id]["y"]) != (x, y)
    assert _counts(scene) == (0, 0)
    undo, redo = window.actions.action("edit.undo"), window.actions.action("edit.redo")
    for _ in DRAGS:
        undo.trigger()
        qtbot.wait(10)
    assert _counts(scene) == (0, 0)
    for _ in DRAGS:
        redo.trigger()
        qtbot.wait(10)
    assert _counts(scene) == (0, 0)
