"""The canvas draws its flows with one layer item (render/flow_layer.py), not one paint per
flow: it draws what the flows would draw themselves, and repaints when a flow is selected,
moved, dimmed or hovered, although Qt no longer repaints the flow items."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QGraphicsItem

from servicemap.render.scene import MapScene


@pytest.fixture
def window(open_window, map_file):
    return open_window(map_file, readable=True)  # 100%, centred on (450, 150)


def render(scene, rect: QRectF) -> QImage:
    image = QImage(int(rect.width()), int(rect.height()), QImage.Format_RGB32)
    image.fill(Qt.white)
    painter = QPainter(image)
    scene.render(painter, QRectF(image.rect()), rect)
    painter.end()
    return image


def dark(image: QImage) -> int:
    return sum(image.pixelColor(x, y).lightness() < 160
               for y in range(image.height()) for x in range(image.width()))


def shown(window) -> QImage:
    window.view.viewport().repaint()
    return window.view.viewport().grab().toImage()


def on_line(window, flow_id: str, at: float = 0.5, piece: int = 0) -> tuple[int, int]:
    """Where the viewport shows the point ``at`` of the way along a piece of a flow."""
    (ax, ay), (bx, by) = window.scene.flows[flow_id].line_points()[piece:piece + 2]
    point = window.view.mapFromScene(QPointF(ax + at * (bx - ax), ay + at * (by - ay)))
    return point.x(), point.y()


def colour_near(image: QImage, x: int, y: int, test) -> bool:
    return any(test(image.pixelColor(x + dx, y + dy))
               for dx in range(-2, 3) for dy in range(-3, 4))


def blue(colour) -> bool:
    return colour.blue() > colour.red() + 80


def inked(colour) -> bool:
    return colour.lightness() < 200


def test_the_canvas_flows_are_drawn_by_one_layer_as_they_draw_themselves(window, doc):
    scene = window.scene
    layer = scene.flow_layer
    assert layer is not None and layer.scene() is scene
    assert all(flow.flags() & QGraphicsItem.ItemHasNoContents for flow in scene.flows.values())
    area = QRectF(-150, -100, 1200, 550)
    drawn = render(scene, area)
    plain = MapScene(window.doc)  # an export's scene: each flow paints itself
    try:
        itself = dark(render(plain, area))
    finally:
        plain.detach()
    assert abs(dark(drawn) - itself) <= 0.03 * itself
    layer.setVisible(False)
    without = dark(render(scene, area))
    layer.setVisible(True)
    assert without < dark(drawn) - 300  # the lines were the layer's


def test_clicking_a_flow_draws_it_blue(window, qtbot):
    window.view.centerOn(300, 100)
    x, y = on_line(window, "f1", 0.4, 2)  # GP practice to the crisis team, its last piece
    assert not colour_near(shown(window), x, y, blue)
    qtbot.mouseClick(window.view.viewport(), Qt.LeftButton, pos=QPoint(x, y))
    assert window.selection.ids == ["f1"]
    qtbot.wait(10)
    assert colour_near(window.view.viewport().grab().toImage(), x, y, blue)


def test_a_moved_box_takes_its_flow_with_it_on_screen(window, qtbot):
    window.view.centerOn(100, 150)
    x, y = on_line(window, "f4", 0.5, 1)  # GP practice down to talking therapies
    assert colour_near(shown(window), x, y, inked)
    window.doc.move_nodes({"tt": (-300.0, 300.0)})
    qtbot.wait(10)
    image = window.view.viewport().grab().toImage()
    assert not colour_near(image, x, y, inked)  # repainted where the flow was
    nx, ny = on_line(window, "f4", 0.5, len(window.scene.flows["f4"].line_points()) // 2 - 1)
    assert colour_near(image, nx, ny, inked)  # and drawn where it goes


def test_a_zoom_draws_flows_rough_then_smooth_once_it_pauses(window, qtbot):
    layer = window.scene.flow_layer
    window.view.zoom_in()
    assert not layer.smooth  # drawn without antialiasing while the zoom steps come
    qtbot.waitUntil(lambda: layer.smooth, timeout=3000)


def test_a_long_flow_is_filed_in_a_few_coarse_cells_and_found_where_its_line_runs(qapp):
    """A flow down a very tall map (50,000 services) is filed at a coarse level, not in every
    fine cell it crosses, and the layer still finds it wherever its line runs; moved, it is
    found at its new place, and gone once it leaves."""
    from servicemap.render.flow_layer import FlowLayer
    from servicemap.render.items import FlowItem, NodeItem

    layer = FlowLayer()
    top, bottom = NodeItem("a", "service"), NodeItem("b", "service")
    for item in (top, bottom):
        item.set_look(item.node_id, Qt.white, Qt.black)
    bottom.setPos(0, 130_000)
    flow = FlowItem("f", top, bottom)
    layer.join(flow)
    flow.set_look("referral", 2.0, "")
    assert len(layer.near(QRectF(-100, 64_000, 200, 100))) == 1
    assert layer._entries <= 20  # 254 cells of 512 units
    assert layer.near(QRectF(40_000, 64_000, 200, 100)) == []  # far beside the line
    bottom.setPos(20_000, 130_000)  # the flow now runs down and to the right
    assert layer.near(QRectF(10_000, 64_000, 200, 200)) == [flow]
    layer.leave(flow)
    assert layer.near(QRectF(10_000, 64_000, 200, 200)) == []


def test_many_boxes_moved_at_once_are_found_where_they_went(qapp, monkeypatch):
    """A layout or its undo moves every box with the scene's index put aside and built
    again once after: the boxes and their flows are then found at their new places."""
    from servicemap.demo import synthetic
    from servicemap.render import scene as scene_module
    from servicemap.ui.canvas.scene import CanvasScene

    monkeypatch.setattr(scene_module, "MANY_MOVED", 5)
    doc = synthetic(30)
    canvas = CanvasScene(doc)
    node_id = next(iter(canvas.nodes))
    doc.move_nodes({n: (item.pos().x() + 50_000, item.pos().y())
                    for n, item in canvas.nodes.items()})
    box = canvas.nodes[node_id]
    assert box.pos().x() > 40_000
    assert box in canvas.items(box.sceneBoundingRect())
    assert canvas.itemIndexMethod() == canvas.ItemIndexMethod.BspTreeIndex
    assert canvas.bspTreeDepth() == 8
    flow = box.edges[0]
    assert flow in canvas.items(flow.sceneBoundingRect())
    assert flow in canvas.flow_layer.near(flow.sceneBoundingRect())
    canvas.detach()
