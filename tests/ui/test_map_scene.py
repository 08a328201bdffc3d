"""The display-only map scene: decorations (anchored and free), colours set over the group
colours, where unplaced boxes go, and no gestures."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsRectItem

from servicemap.graph import placement
from servicemap.render import style
from servicemap.render.scene import MapScene
from servicemap.ui.canvas.scene import CanvasScene


@pytest.fixture
def scene(qapp, doc):
    s = MapScene(doc)
    yield s
    s.detach()


def mark() -> QGraphicsRectItem:
    return QGraphicsRectItem(0, 0, 10, 10)


def test_an_anchored_decoration_moves_and_goes_with_its_box(scene, doc):
    item = scene.add_decoration("test", mark(), "crisis")
    assert item.parentItem() is scene.nodes["crisis"] and item.scene() is scene
    doc.move_nodes({"crisis": (500.0, 300.0)})
    assert item.scenePos() == QPointF(500, 300)
    assert [(d.anchor, d.item) for d in scene.decorations("test")] == [("crisis", item)]
    removed = doc.remove_node("crisis")
    assert scene.decorations("test") == []
    doc.restore_node(removed)  # an undone delete draws a new box, without the old marks
    assert scene.decorations("test") == []
    assert not scene.nodes["crisis"].childItems()


def test_a_decoration_on_a_flow_goes_with_the_flow(scene, doc):
    scene.add_decoration("test", mark(), "gp-crisis")
    doc.remove_edge("gp-crisis")
    assert scene.decorations("test") == []


def test_free_decorations_stay_until_taken_off(scene, doc):
    free = scene.add_decoration("test", mark())
    other = scene.add_decoration("other", mark())
    assert free.parentItem() is None and free.scene() is scene
    doc.remove_node("crisis")
    assert [d.item for d in scene.decorations("test")] == [free]
    scene.clear_decorations("test")
    assert free.scene() is None and scene.decorations("test") == []
    assert [d.item for d in scene.decorations("other")] == [other]  # other layers untouched
    scene.remove_decoration("test", mark())  # not on the scene: nothing happens
    scene.remove_decoration("other", other)
    assert other.scene() is None and scene.decorations("other") == []


def test_a_decoration_needs_a_drawn_anchor(scene):
    with pytest.raises(KeyError):
        scene.add_decoration("test", mark(), "org")  # organisations are not drawn


def test_keep_only_takes_the_marks_of_what_it_drops(scene):
    scene.add_decoration("test", mark(), "helpline")
    kept = scene.add_decoration("test", mark(), "crisis")
    scene.keep_only({"crisis", "gp"}, {"gp-crisis"})
    assert set(scene.nodes) == {"crisis", "gp"}
    assert [d.item for d in scene.decorations("test")] == [kept]


def test_colours_set_over_the_groups_outlast_a_restyle(scene, doc):
    fill, border = QColor("#FFF7BC"), QColor("#EC7014")
    own = scene.nodes["crisis"].fill
    scene.set_node_colours({"crisis": (fill, border)})
    doc.update_node("dir", {"name": "Acute care"})  # the scene restyles every service
    doc.update_node("crisis", {"name": "Crisis home treatment"})
    assert (scene.nodes["crisis"].fill, scene.nodes["crisis"].border) == (fill, border)
    scene.set_node_colours({})
    assert scene.nodes["crisis"].fill == own == style.tint(scene.colours["dir"])


def test_unplaced_boxes_follow_the_one_rule(qapp, doc):
    doc.move_nodes({"crisis": (0.0, 0.0), "gp": (-300.0, 50.0)})
    scene = MapScene(doc)
    try:
        placed = [scene.nodes[n] for n in ("crisis", "gp")]
        corner = placement.boxes_corner((i.pos().x(), i.pos().y(), i.rect.width(),
                                         i.rect.height()) for i in placed)
        waiting = [n for n in scene.nodes if n not in ("crisis", "gp")]
        sizes = [(scene.nodes[n].rect.width(), scene.nodes[n].rect.height()) for n in waiting]
        spots = placement.unplaced_positions(corner, sizes)
        assert [(scene.nodes[n].pos().x(), scene.nodes[n].pos().y()) for n in waiting] == spots
        lowest = max(i.pos().y() + i.rect.height() / 2 for i in scene.nodes.values())
        doc.add_node("service", "New service", "new")  # no position: below everything
        new = scene.nodes["new"]
        assert new.pos().y() - new.rect.height() / 2 == lowest + placement.UNPLACED_DROP
    finally:
        scene.detach()


def test_the_map_scene_has_no_gestures(scene):
    for name in ("moved", "connect_requested", "context_requested", "connect_from",
                 "begin_drag", "select_ids", "tooltip"):
        assert not hasattr(scene, name)
    for name in ("mousePressEvent", "keyPressEvent", "helpEvent", "contextMenuEvent"):
        assert name not in vars(MapScene) and name in vars(CanvasScene)
