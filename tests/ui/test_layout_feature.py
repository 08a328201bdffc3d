"""The Map menu in the window: layouts as one undo step with real box sizes, containers around
their services, pinning from the menu and the right-click menu, shared tags."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF, QTimer
from PySide6.QtWidgets import QApplication

from servicemap import store
from servicemap.graph import groups as grp
from servicemap.graph import layout
from servicemap.render.containers import ContainerItem, TagItem, draw_containers
from servicemap.render.scene import MapScene
from servicemap.ui.features.layout import LayoutFeature
from servicemap.ui.session import Mode
from tests.maps import layout_map


@pytest.fixture
def window(open_window, tmp_path):
    path = tmp_path / "layout.smap"
    store.save(layout_map(), path)
    return open_window(path)


def feature(window):
    return window.host.feature(LayoutFeature)


def positions(window) -> dict:
    return window.editor.positions(list(window.scene.nodes))


def scene_rects(window) -> dict[str, QRectF]:
    return {n: item.sceneBoundingRect().adjusted(3, 3, -3, -3)  # the box without its margin
            for n, item in window.scene.nodes.items()}


def assert_no_overlap(window) -> None:
    rects = list(scene_rects(window).items())
    for i, (a, ra) in enumerate(rects):
        for b, rb in rects[i + 1:]:
            assert not ra.intersects(rb), (a, b)


def test_the_map_menu_sits_before_help_with_every_layout(window):
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.index("&View") < titles.index("&Map") < titles.index("&Help")
    menu = window.actions.menu("map")
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    for expected in ("&Flow layout", "Flow layout of &selection",
                     "Line up &pathway steps on the map…",
                     "&Grouped layout by directorate", "Grouped layout by partnership",
                     "Grouped layout by organisation", "&Organic layout",
                     "&Tidy (place new nodes)", "&Containers", "Pi&n selected",
                     "&Unpin selected"):
        assert expected in texts
    assert "Ctrl+Shift+L" in feature(window).flow.toolTip()


@pytest.mark.parametrize("run", ["flow", "grouped", "organic"])
def test_each_layout_is_one_undo_step_and_nothing_overlaps(window, run):
    f = feature(window)
    before = positions(window)
    count = window.editor.stack.count()
    {"flow": f.flow.trigger, "organic": f.organic.trigger,
     "grouped": f.grouped["directorate"].trigger}[run]()
    assert window.editor.stack.count() == count + 1
    assert window.editor.stack.undoText() == "Layout"
    assert positions(window) != before
    assert_no_overlap(window)
    assert window.windowTitle().startswith("*") or window.editor.stack.isClean() is False
    window.actions.action("edit.undo").trigger()
    assert positions(window) == before


def test_flow_layout_reads_left_to_right(window):
    feature(window).flow.trigger()
    share = layout.left_to_right_share(window.doc)
    assert share == 1.0
    x = {n: item.pos().x() for n, item in window.scene.nodes.items()}
    assert x["gp"] < x["s0"] < x["s1"] < x["s3"] < x["done"]
    assert "of flows run left to right" in window.statusBar().currentMessage()


def test_layouts_use_the_real_box_sizes(window):
    f = feature(window)
    f.flow.trigger()
    item = window.scene.nodes["s3"]  # a long name: two lines, taller than the estimate's 44
    assert item.rect.height() > 0
    assert_no_overlap(window)


def test_grouped_layout_draws_containers_around_their_services(window, qtbot):
    f = feature(window)
    f.grouped["directorate"].trigger()
    qtbot.wait(10)  # containers follow the move on the next turn of the event loop
    assert f.show_containers["directorate"].isChecked()
    containers = {i.group_id: i for i in window.scene.items() if isinstance(i, ContainerItem)}
    assert set(containers) == {"acute", "community"}
    rects = scene_rects(window)
    for group, members in (("acute", ["s0", "s1", "s2"]), ("community", ["s3", "s4"])):
        for n in members:
            assert containers[group].rect.contains(rects[n])
        assert containers[group].zValue() < 0
        assert not containers[group].flags() & containers[group].GraphicsItemFlag.ItemIsSelectable
    assert not containers["acute"].rect.intersects(containers["community"].rect)
    assert containers["acute"].title == "Acute"
    # Containers move with their services.
    old = containers["acute"].rect
    window.editor.move(window.editor.positions(["s0"]), {"s0": (5000.0, 5000.0)})
    qtbot.wait(10)
    assert containers["acute"].rect != old
    assert containers["acute"].rect.contains(scene_rects(window)["s0"])
    # And they go when asked.
    f.show_containers[None].trigger()
    assert not [i for i in window.scene.items() if isinstance(i, ContainerItem)]


def test_partnership_containers_mark_shared_services(window, qtbot):
    f = feature(window)
    f.grouped["partnership"].trigger()
    qtbot.wait(10)
    tags = [i for i in window.scene.items() if isinstance(i, TagItem) and i.text == "shared"]
    assert len(tags) == 1 and tags[0].parentItem() is window.scene.nodes["s0"]
    assert "Serves 2 partnerships: West, East" in tags[0].toolTip()
    assert "Shown in Kent and Medway-wide" in tags[0].toolTip()
    containers = {i.group_id: i for i in window.scene.items() if isinstance(i, ContainerItem)}
    assert containers[grp.WIDE].title == "Kent and Medway-wide"
    assert containers[grp.WIDE].rect.contains(scene_rects(window)["s0"])
    assert not containers["west"].rect.contains(scene_rects(window)["s0"])
    rects = [c.rect for c in containers.values()]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])


def test_containers_follow_undo_of_a_layout(window, qtbot):
    """Undo of a grouped layout puts the boxes back, and the containers go back with them."""
    f = feature(window)
    f.set_containers("directorate")
    qtbot.wait(10)

    def drawn():
        return {i.group_id: i.rect for i in window.scene.items() if isinstance(i, ContainerItem)}

    before = drawn()
    f.grouped["directorate"].trigger()
    qtbot.wait(10)
    after = drawn()
    assert after != before
    window.actions.action("edit.undo").trigger()
    qtbot.wait(10)
    assert drawn() == before
    window.actions.action("edit.redo").trigger()
    qtbot.wait(10)
    assert drawn() == after


def test_containers_follow_a_new_document(window, tmp_path, qtbot):
    f = feature(window)
    f.set_containers("organisation")
    assert [i for i in window.scene.items() if isinstance(i, ContainerItem)]
    other = tmp_path / "other.smap"
    store.save(layout_map(), other)
    assert window.files.open_path(other, ask_save=False)
    qtbot.wait(10)
    items = [i for i in window.scene.items() if isinstance(i, ContainerItem)]
    assert [i.group_id for i in items] == ["org"]


def test_pinned_nodes_do_not_move_and_pinning_is_one_step(window, qtbot):
    f = feature(window)
    f.flow.trigger()  # the test map starts with boxes on top of each other
    window.selection.set(["s0", "s2", "gp"])
    count = window.editor.stack.count()
    f.pin.trigger()
    qtbot.wait(10)
    assert window.editor.stack.count() == count + 1
    assert window.editor.stack.undoText() == "Pin 3 nodes"
    assert all(window.doc.node(n)["pinned"] for n in ("s0", "s2", "gp"))
    pins = [i for i in window.scene.items() if isinstance(i, TagItem) and i.text == ""]
    assert len(pins) == 3
    fixed = window.editor.positions(["s0", "s2", "gp"])
    for action in (f.flow, f.grouped["organisation"], f.organic):
        action.trigger()
        assert window.editor.positions(["s0", "s2", "gp"]) == fixed
        assert_no_overlap(window)
    window.actions.action("edit.undo").trigger()  # the organic layout
    window.selection.set(["s0"])
    f.unpin.trigger()
    assert not window.doc.node("s0")["pinned"] and window.doc.node("s2")["pinned"]
    window.actions.action("edit.undo").trigger()
    assert window.doc.node("s0")["pinned"]


def test_context_menu_offers_pin_and_unpin(window):
    def shown_for(node_id: str) -> list[str]:
        seen: list[str] = []

        def read_and_close() -> None:
            menu = QApplication.activePopupWidget()
            seen.extend(a.text() for a in menu.actions())
            menu.close()

        QTimer.singleShot(50, read_and_close)
        window.show_context_menu(node_id, window.scene.nodes[node_id].pos(), None)
        return seen

    assert "Pi&n selected" in shown_for("s1")
    window.editor.update_node("s1", {"pinned": True})
    texts = shown_for("s1")
    assert "&Unpin selected" in texts and "Pi&n selected" not in texts


def test_selection_and_pathway_layouts_move_only_their_nodes(window):
    f = feature(window)
    f.flow.trigger()
    settled = positions(window)
    window.selection.set(["s3", "s4"])
    f.flow_selection.trigger()
    moved = {n for n, p in positions(window).items() if p != settled[n]}
    assert moved <= {"s3", "s4"}
    assert_no_overlap(window)
    before = positions(window)
    f.ask_pathway = lambda: "p1"
    f.flow_pathway.trigger()
    moved = {n for n, p in positions(window).items() if p != before[n]}
    assert moved and moved <= {"gp", "s0", "s1", "s3", "done"}
    assert_no_overlap(window)
    name = window.doc.pathways["p1"].name
    assert window.editor.stack.undoText() == f"Line up the steps of “{name}” on the map"
    window.actions.action("edit.undo").trigger()
    assert positions(window) == before


def test_tidy_places_only_new_nodes(window):
    f = feature(window)
    f.flow.trigger()
    before = positions(window)
    new = window.editor.add_node("service", "A new service")  # unplaced
    window.editor.add_flow("s1", new, "transfer")
    f.tidy.trigger()
    after = positions(window)
    assert after[new] is not None
    assert {n: p for n, p in after.items() if n != new} == before
    assert_no_overlap(window)
    assert f.tidy_layout() is False  # nothing left to place
    assert "nothing to do" in window.statusBar().currentMessage()


def test_layouts_are_refused_read_only(window):
    window.session.set_mode(Mode.READ_ONLY)
    before = positions(window)
    assert feature(window).flow_layout() is False
    assert positions(window) == before


def test_containers_can_be_drawn_on_a_scene_of_its_own(window):
    """An export builds its own scene; the window's grouping draws the same containers there."""
    f = feature(window)
    f.grouped["directorate"].trigger()
    assert f.containers_by == "directorate"
    scene = MapScene(window.doc)
    try:
        draw_containers(scene, window.doc, f.containers_by)
        drawn = {i.group_id: i.rect for i in scene.items() if isinstance(i, ContainerItem)}
        shown = {i.group_id: i.rect for i in window.scene.items() if isinstance(i, ContainerItem)}
        assert drawn == shown and set(drawn) == {"acute", "community"}
        assert not [i for i in scene.items() if isinstance(i, TagItem)]  # no pins on exports
    finally:
        scene.detach()
