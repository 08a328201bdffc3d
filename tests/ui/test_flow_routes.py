"""Flows drawn along their routes round the boxes, on the canvas and in exports (issue #15)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRectF, Qt

from servicemap import demo, store
from servicemap.graph.document import Document
from servicemap.graph.flow_labels import segment_crosses
from servicemap.render.scene import MapScene


def _box(scene, node_id: str) -> tuple[float, float, float, float]:
    rect: QRectF = scene.nodes[node_id].sceneBoundingRect().adjusted(3, 3, -3, -3)
    return rect.left(), rect.top(), rect.right(), rect.bottom()


def _crossed(scene, flow_id: str) -> list[str]:
    """The boxes a drawn flow runs through that it does not join."""
    item = scene.flows[flow_id]
    line = item.line_points()
    ends = {item.source.node_id, item.target.node_id}
    return [n for n in scene.nodes if n not in ends and any(
        segment_crosses(p, q, _box(scene, n)) for p, q in zip(line, line[1:], strict=False))]


def test_no_flow_on_the_bundled_map_runs_through_a_box(qapp):
    scene = MapScene(demo.kent_and_medway())
    try:
        assert scene.router.fallbacks == 0
        assert {k: _crossed(scene, k) for k in scene.flows} == {k: [] for k in scene.flows}
        bends = sum(len(item.line_points()) > 2 for item in scene.flows.values())
        assert bends > len(scene.flows) / 2  # orthogonal routes, not straight lines
    finally:
        scene.detach()


def _lane_map(tmp_path):
    d = Document()
    d.set_map_fields({"title": "Lane"})
    d.add_node("service", "Assessment", "a", x=0.0, y=0.0)
    d.add_node("service", "Treatment", "b", x=600.0, y=0.0)
    d.add_node("service", "Day hospital", "c", x=300.0, y=300.0)
    d.add_node("service", "Follow-up", "d", x=300.0, y=600.0)
    d.add_edge("flow", "a", "b", "ab", flow_type="referral", volume_per_year=100)
    d.add_edge("flow", "c", "d", "cd", flow_type="referral", volume_per_year=100)
    path = tmp_path / "lane.smap"
    store.save(d, path)
    return path


def test_dropping_a_box_on_a_flow_routes_the_flow_round_it(open_window, qtbot, tmp_path):
    window = open_window(_lane_map(tmp_path), readable=True)
    scene, view = window.scene, window.view.viewport()
    assert scene.flows["ab"].line_points() == [(87.0, 0.0), (513.0, 0.0)]
    before = scene.flows["ab"].line_points()
    start = window.view.mapFromScene(300, 300)
    qtbot.mousePress(view, Qt.LeftButton, pos=start)
    for step in range(1, 11):
        qtbot.mouseMove(view, start + QPoint(0, -30 * step))
    # Mid-drag the dragged box's flow follows it by its middle ports; the others stay.
    c = scene.nodes["c"].pos()
    assert scene.flows["cd"].line_points()[0] == (c.x(), c.y() + scene.nodes["c"].half[1])
    assert scene.flows["ab"].line_points() == before
    qtbot.mouseRelease(view, Qt.LeftButton, pos=start + QPoint(0, -300))
    assert (window.doc.node("c")["x"], window.doc.node("c")["y"]) == (300, 0)
    assert _crossed(scene, "ab") == [] and len(scene.flows["ab"].line_points()) > 2
    assert _crossed(scene, "cd") == []
    # One undo puts the box back, and the flow straight again.
    window.editor.stack.undo()
    assert scene.flows["ab"].line_points() == before


def test_a_new_flow_and_its_parallel_get_ports_of_their_own(open_window, tmp_path):
    window = open_window(_lane_map(tmp_path))
    scene = window.scene
    second = window.editor.add_flow("a", "b", "transfer", volume_per_year=20)
    one, two = scene.flows["ab"].line_points(), scene.flows[second].line_points()
    assert one != two and one[0] != two[0] and one[-1] != two[-1]
    window.editor.delete([second])
    assert scene.flows["ab"].line_points() == [(87.0, 0.0), (513.0, 0.0)]


def test_flows_keep_clear_of_container_titles(qapp):
    from servicemap.render.containers import CONTAINERS, draw_containers

    d = Document()
    d.add_node("organisation", "Trust", "org")
    d.add_node("directorate", "Community directorate", "dir")
    d.add_edge("part_of", "dir", "org", "dir-org")
    for key, x in (("s1", 300.0), ("s2", 600.0)):
        d.add_node("service", f"Service {key}", key, x=x, y=0.0)
        d.add_edge("part_of", key, "dir", f"{key}-dir")
    d.add_node("access_point", "GP practice", "gp", x=0.0, y=-53.0)
    d.add_node("exit", "Home", "home", x=900.0, y=-53.0)
    d.add_edge("flow", "gp", "home", "over", flow_type="referral")
    scene = MapScene(d)
    try:
        assert len(scene.flows["over"].line_points()) == 2  # straight along y = -53
        draw_containers(scene, d, "directorate")
        [container] = [dec.item for dec in scene.decorations(CONTAINERS)]
        band = container.rect
        title = (band.left(), band.top(), band.right(), band.top() + 26)
        line = scene.flows["over"].line_points()
        assert title[1] < -53 < title[3]  # the straight line would have crossed the title
        assert not any(segment_crosses(p, q, title) for p, q in zip(line, line[1:],
                                                                     strict=False))
        assert _crossed(scene, "over") == []
    finally:
        scene.detach()
