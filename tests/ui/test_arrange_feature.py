"""The Arrange menu driven as a person would: click and Ctrl+click three boxes, align them each
way and distribute them with the shortcuts, undo; pinned boxes stay; snap to the grid, then
drag and nudge boxes onto it; nothing is arranged on a map that may not be changed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from servicemap import store
from servicemap.graph.arrange import GRID
from servicemap.ui.features.arrange import ArrangeFeature
from servicemap.ui.session import Mode
from tests.maps import small_map

ALT_SHIFT = Qt.AltModifier | Qt.ShiftModifier
KEYS = {"left": Qt.Key_L, "centre": Qt.Key_C, "right": Qt.Key_R, "top": Qt.Key_T,
        "middle": Qt.Key_M, "bottom": Qt.Key_B}
TALL = "Talking therapies for anxiety and depression in East Kent"  # a box of three lines


@pytest.fixture
def window(open_window, map_file):
    return open_window(map_file, readable=True)


def feature(window) -> ArrangeFeature:
    return window.host.feature(ArrangeFeature)


def at(window, node_id) -> QPoint:
    return window.view.mapFromScene(window.scene.nodes[node_id].pos())


def click(window, qtbot, *node_ids) -> None:
    """Click the first box, Ctrl+click the others."""
    viewport = window.view.viewport()
    for i, node_id in enumerate(node_ids):
        qtbot.mouseClick(viewport, Qt.LeftButton, Qt.ControlModifier if i else Qt.NoModifier,
                         at(window, node_id))
    assert sorted(window.selection.ids) == sorted(node_ids)


def rect(window, node_id):
    """The box as drawn, in scene coordinates."""
    item = window.scene.nodes[node_id]
    return item.rect.translated(item.pos())


def positions(window) -> dict:
    return window.editor.positions(list(window.scene.nodes))


def test_the_arrange_menu_sits_between_map_and_review_and_on_the_toolbar(window):
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.index("&Map") < titles.index("&Arrange") < titles.index("&Review")
    menu = window.actions.menu("arrange")
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Align &left", "Align &centre", "Align &right", "Align &top",
                     "Align &middle", "Align &bottom", "Distribute &horizontally",
                     "Distribute &vertically", "Snap to &grid"]
    f = feature(window)
    assert f.snap_action in window.actions.menu("view").actions()
    assert f.button.menu().actions() == [a for a in f.popup.actions()]
    assert [a.text() for a in f.popup.actions() if not a.isSeparator()] == texts
    assert "(Alt+Shift+L)" in f.align_actions["left"].toolTip()
    assert "(Ctrl+Shift+G)" in f.snap_action.toolTip()


def test_no_two_actions_of_the_window_share_a_shortcut(window):
    seen: dict[str, str] = {}
    for action_id, action in window.actions.actions.items():
        for keys in action.shortcuts():
            text = keys.toString()
            assert text not in seen, f"{action_id} and {seen[text]} both use {text}"
            seen[text] = action_id


@pytest.mark.parametrize("how", list(KEYS))
def test_align_three_services_each_way_is_one_undo_step(window, qtbot, how):
    window.editor.rename("tt", TALL)  # a taller box, so the edges and the centres differ
    window.editor.stack.clear()
    before = positions(window)
    click(window, qtbot, "crisis", "ward", "tt")
    qtbot.keyClick(window.view, KEYS[how], ALT_SHIFT)
    edge = {"left": "left", "centre": "center", "right": "right", "top": "top",
            "middle": "center", "bottom": "bottom"}[how]
    values = []
    for node_id in ("crisis", "ward", "tt"):
        r = rect(window, node_id)
        point = getattr(r, edge)()
        values.append(point.x() if how == "centre" else point.y() if how == "middle" else point)
    assert values == pytest.approx([values[0]] * 3)
    assert window.editor.stack.count() == 1
    phrase = {"centre": "on their centres", "middle": "on their middles"}.get(how, how)
    assert window.editor.stack.undoText() == f"Align 3 services {phrase}"
    assert window.actions.action("edit.undo").text() == f"Undo Align 3 services {phrase}"
    assert "Align 3 services" in window.statusBar().currentMessage()
    qtbot.keyClick(window.view, Qt.Key_Z, Qt.ControlModifier)
    assert positions(window) == before


def test_align_uses_the_real_sizes_of_boxes_of_different_kinds(window, qtbot):
    assert rect(window, "gp").width() != rect(window, "crisis").width()
    click(window, qtbot, "gp", "crisis", "tt")
    window.actions.action("arrange.align_right").trigger()
    rights = {n: rect(window, n).right() for n in ("gp", "crisis", "tt")}
    assert rights["gp"] == pytest.approx(rights["crisis"]) == pytest.approx(rights["tt"])
    assert window.doc.node("gp")["x"] != window.doc.node("crisis")["x"]
    assert window.editor.stack.undoText() == "Align 3 boxes right"


def test_distribute_leaves_equal_gaps_and_keeps_the_outermost(window, qtbot):
    window.editor.move({"ward": (600.0, 0.0)}, {"ward": (430.0, 0.0)})
    window.editor.stack.clear()
    before = positions(window)
    click(window, qtbot, "gp", "crisis", "ward", "done")
    qtbot.keyClick(window.view, Qt.Key_H, ALT_SHIFT)
    rects = [rect(window, n) for n in ("gp", "crisis", "ward", "done")]
    gaps = [b.left() - a.right() for a, b in zip(rects, rects[1:], strict=False)]
    assert gaps == pytest.approx([gaps[0]] * 3)
    assert positions(window)["gp"] == before["gp"]
    assert positions(window)["done"] == before["done"]
    assert window.editor.stack.undoText() == "Distribute 4 boxes horizontally"
    window.actions.action("edit.undo").trigger()
    assert positions(window) == before


def test_distribute_vertically(window, qtbot):
    window.editor.move({"crisis": (300.0, 0.0)}, {"crisis": (300.0, 60.0)})
    click(window, qtbot, "ward", "crisis", "tt")
    qtbot.keyClick(window.view, Qt.Key_V, ALT_SHIFT)
    tops = sorted((rect(window, n) for n in ("ward", "crisis", "tt")), key=lambda r: r.top())
    assert tops[1].top() - tops[0].bottom() == pytest.approx(tops[2].top() - tops[1].bottom())
    assert window.editor.stack.undoText() == "Distribute 3 services vertically"


def test_too_few_boxes_disable_the_commands_and_say_why(window, qtbot):
    f = feature(window)
    click(window, qtbot, "crisis")
    assert not f.align_actions["left"].isEnabled()
    assert "select 2 or more" in f.align_actions["left"].statusTip()
    assert f.align("left") is False
    assert window.statusBar().currentMessage() == \
        "Select at least 2 boxes to align them (1 selected)."
    click(window, qtbot, "crisis", "ward")
    assert f.align_actions["left"].isEnabled()
    assert not f.distribute_actions["horizontal"].isEnabled()
    assert f.distribute("horizontal") is False
    assert "at least 3 boxes" in window.statusBar().currentMessage()
    window.selection.set(["crisis", "f1"])  # a flow is not a box
    assert not f.align_actions["left"].isEnabled()
    assert window.editor.stack.count() == 0


def test_aligned_boxes_are_left_alone_and_it_says_so(window, qtbot):
    click(window, qtbot, "crisis", "ward")
    assert feature(window).align("middle") is False   # both at y = 0 already
    assert "already in place" in window.statusBar().currentMessage()
    assert window.editor.stack.count() == 0


def test_a_pinned_box_never_moves_and_the_others_line_up_with_it(window, qtbot):
    window.editor.update_node("ward", {"pinned": True})
    window.editor.stack.clear()
    click(window, qtbot, "crisis", "ward", "tt")
    qtbot.keyClick(window.view, Qt.Key_L, ALT_SHIFT)
    assert window.doc.node("ward")["x"] == 600
    assert window.doc.node("crisis")["x"] == window.doc.node("tt")["x"] == 600
    assert "1 service is pinned and stayed put" in window.statusBar().currentMessage()
    for node_id in ("crisis", "tt"):
        window.editor.update_node(node_id, {"pinned": True})
    window.selection.set(["crisis", "ward", "tt"])
    count = window.editor.stack.count()
    assert feature(window).align("top") is False
    assert "3 services are pinned" in window.statusBar().currentMessage()
    assert window.editor.stack.count() == count


def test_right_click_on_one_of_several_selected_boxes_offers_arrange(window, qtbot):
    f = feature(window)
    click(window, qtbot, "crisis", "ward")
    assert f.context_actions("crisis") == [f.popup.menuAction()]
    assert f.context_actions(None) == []
    window.selection.set(["crisis"])
    assert f.context_actions("crisis") == []


@pytest.mark.parametrize("mode", [Mode.READ_ONLY, Mode.REVIEW])
def test_nothing_is_arranged_on_a_map_that_may_not_change(window, qtbot, mode):
    f = feature(window)
    click(window, qtbot, "crisis", "ward", "tt")
    window.session.set_mode(mode)
    before = positions(window)
    for action in [*f.align_actions.values(), *f.distribute_actions.values()]:
        assert not action.isEnabled()
    qtbot.keyClick(window.view, Qt.Key_L, ALT_SHIFT)
    assert f.align("left") is False
    assert f.distribute("horizontal") is False
    assert "read-only" in window.statusBar().currentMessage()
    assert positions(window) == before
    assert window.editor.stack.count() == 0


def on_grid(value: float) -> bool:
    return value % GRID == pytest.approx(0) or value % GRID == pytest.approx(GRID)


def test_snap_on_then_a_dragged_box_lands_on_the_grid(window, qtbot, window_settings):
    f = feature(window)
    qtbot.keyClick(window.view, Qt.Key_G, Qt.ControlModifier | Qt.ShiftModifier)
    assert f.snap_action.isChecked() and window.scene.grid == GRID
    assert window_settings.snap_to_grid() is True
    viewport = window.view.viewport()
    start = at(window, "crisis")
    qtbot.mousePress(viewport, Qt.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(viewport, start + QPoint(7 * step, 5 * step))
        pos = window.scene.nodes["crisis"].pos()
        assert on_grid(pos.x()) and on_grid(pos.y())  # it jumps from line to line
    qtbot.mouseMove(viewport, start + QPoint(37, 23))
    qtbot.mouseRelease(viewport, Qt.LeftButton, pos=start + QPoint(37, 23))
    node = window.doc.node("crisis")
    assert (node["x"], node["y"]) == (340, 20)  # 337, 23 to the nearest lines
    assert window.editor.stack.count() == 1
    assert window.editor.stack.undoText() == "Move 1 service"
    window.editor.stack.undo()
    assert (window.doc.node("crisis")["x"], window.doc.node("crisis")["y"]) == (300, 0)


def test_boxes_dragged_together_keep_their_spacing(window, qtbot):
    window.editor.move({"tt": (300.0, 300.0)}, {"tt": (307.0, 305.0)})  # off the grid
    feature(window).set_snap(True)
    click(window, qtbot, "crisis", "tt")
    viewport = window.view.viewport()
    start = at(window, "crisis")
    qtbot.mousePress(viewport, Qt.LeftButton, pos=start)
    qtbot.mouseMove(viewport, start + QPoint(20, 10))
    qtbot.mouseMove(viewport, start + QPoint(52, 11))
    qtbot.mouseRelease(viewport, Qt.LeftButton, pos=start + QPoint(52, 11))
    crisis, tt = window.doc.node("crisis"), window.doc.node("tt")
    assert (crisis["x"], crisis["y"]) == (360, 20)          # the grabbed box on the grid
    assert (tt["x"] - crisis["x"], tt["y"] - crisis["y"]) == (7, 305)


def test_snap_on_nudges_go_to_the_next_grid_line(window, qtbot):
    window.editor.move({"tt": (300.0, 300.0)}, {"tt": (305.0, 293.0)})
    window.editor.stack.clear()
    feature(window).set_snap(True)
    click(window, qtbot, "tt")
    qtbot.keyClick(window.view, Qt.Key_Right)
    assert (window.doc.node("tt")["x"], window.doc.node("tt")["y"]) == (320, 300)
    qtbot.keyClick(window.view, Qt.Key_Right, Qt.ShiftModifier)
    qtbot.keyClick(window.view, Qt.Key_Up)
    assert (window.doc.node("tt")["x"], window.doc.node("tt")["y"]) == (340, 280)
    assert window.editor.stack.count() == 1  # nudges still merge into one step
    feature(window).set_snap(False)
    qtbot.keyClick(window.view, Qt.Key_Left)
    assert window.doc.node("tt")["x"] == 330


def test_snap_off_drops_a_box_where_it_is_let_go(window, qtbot):
    assert not feature(window).snap_action.isChecked() and window.scene.grid is None
    viewport = window.view.viewport()
    start = at(window, "crisis")
    qtbot.mousePress(viewport, Qt.LeftButton, pos=start)
    qtbot.mouseMove(viewport, start + QPoint(20, 10))
    qtbot.mouseMove(viewport, start + QPoint(37, 23))
    qtbot.mouseRelease(viewport, Qt.LeftButton, pos=start + QPoint(37, 23))
    assert (window.doc.node("crisis")["x"], window.doc.node("crisis")["y"]) == (337, 23)


def test_snap_is_remembered_for_the_next_window_and_map(window, new_window, tmp_path):
    feature(window).set_snap(True)
    other = tmp_path / "other.smap"
    store.save(small_map(), other)
    later = new_window()
    assert later.files.open_path(other, ask_save=False)
    assert feature(later).snap_action.isChecked()
    assert later.scene.grid == GRID
    feature(later).snap_action.trigger()  # off again, as a person would from the menu
    assert later.scene.grid is None
    assert feature(later).host.settings.snap_to_grid() is False
