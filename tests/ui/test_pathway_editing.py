"""Pathway editing from the Pathways dock and the canvas, each change one undo step."""

from __future__ import annotations

from PySide6.QtCore import Qt

import tests.ui.test_main_window as main_window_tests
from servicemap.render.items import StepBadge
from servicemap.render.scene import STEP_BADGES, STEP_GAPS
from tests.ui.test_main_window import at, viewport

# The window fixture of the main-window tests (the small map opened from a saved file).
window = main_window_tests.window


def panel(window):
    return window.docks["pathways"].widget()


def choose_step(p, row: int) -> None:
    p.steps.setCurrentRow(row)


def test_record_steps_by_clicking_on_the_map(window, qtbot):
    p = panel(window)
    p.ask_name = lambda title, text: "Talking therapies route"
    window.selection.set([])
    pid = p.new_from_selection()
    assert p.record_button.isChecked()
    for node in ("gp", "tt", "done"):
        qtbot.mouseClick(viewport(window), Qt.LeftButton, pos=at(window, node))
    assert window.doc.pathways[pid].steps == ["gp", "tt", "done"]
    assert window.actions.action("edit.undo").text() == "Undo Change pathway"
    window.editor.stack.undo()
    assert window.doc.pathways[pid].steps == ["gp", "tt"]


def test_new_from_selection_keeps_selection_order(window):
    p = panel(window)
    p.ask_name = lambda title, text: "Reverse"
    window.selection.set(["crisis", "gp", "org"])  # an organisation is not a step
    pid = p.new_from_selection()
    assert window.doc.pathways[pid].steps == ["crisis", "gp"]


def test_reorder_insert_remove_steps(window, qtbot):
    p = panel(window)
    p.select_pathway("p1")
    choose_step(p, 1)  # crisis
    qtbot.mouseClick(p.down_button, Qt.LeftButton)
    assert window.doc.pathways["p1"].steps == ["gp", "ward", "crisis", "done"]
    assert p.steps.currentRow() == 2
    qtbot.mouseClick(p.up_button, Qt.LeftButton)
    assert window.doc.pathways["p1"].steps == ["gp", "crisis", "ward", "done"]
    window.selection.set(["tt"])
    choose_step(p, 0)
    qtbot.mouseClick(p.insert_button, Qt.LeftButton)
    assert window.doc.pathways["p1"].steps == ["gp", "tt", "crisis", "ward", "done"]
    choose_step(p, 1)
    qtbot.mouseClick(p.remove_step_button, Qt.LeftButton)
    assert window.doc.pathways["p1"].steps == ["gp", "crisis", "ward", "done"]
    for _ in range(4):
        window.editor.stack.undo()
    assert window.doc.pathways["p1"].steps == ["gp", "crisis", "ward", "done"]
    assert window.editor.stack.index() == 0


def test_describe_is_undoable(window, qtbot):
    p = panel(window)
    p.select_pathway("p1")
    p.ask_description = lambda text: "From GP referral to recovery"
    qtbot.mouseClick(p.describe_button, Qt.LeftButton)
    assert window.doc.pathways["p1"].description == "From GP referral to recovery"
    window.editor.stack.undo()
    assert window.doc.pathways["p1"].description == ""


def test_missing_flows_are_marked_and_added_in_one_step(window, qtbot):
    p = panel(window)
    window.editor.update_pathway("p1", steps=["gp", "tt", "ward", "done"])
    p.select_pathway("p1")
    qtbot.waitUntil(lambda: p.steps.count() == 4)
    lines = [p.steps.item(i).text() for i in range(4)]
    assert "no flow" in lines[1] and "no flow" not in lines[0]
    [gap] = window.scene.decorations(STEP_GAPS)
    assert gap.anchor is None and gap.item.scene() is window.scene
    assert p.fix_button.isEnabled() and "2 unjoined pairs" not in p.fix_button.toolTip()
    shown = []
    p.confirm_flows = lambda lines: shown.append(lines) or False  # the planner says Cancel
    qtbot.mouseClick(p.fix_button, Qt.LeftButton)
    assert shown == [["Talking therapies → Acute ward"]]
    assert window.doc.find_flow("tt", "ward") is None
    p.confirm_flows = lambda lines: True
    before = window.editor.stack.count()
    qtbot.mouseClick(p.fix_button, Qt.LeftButton)
    assert window.doc.find_flow("tt", "ward") is not None
    assert not p.fix_button.isEnabled() and "already joined" in p.fix_button.toolTip()
    assert window.editor.stack.count() == before + 1
    assert window.scene.decorations(STEP_GAPS) == []
    window.editor.stack.undo()
    assert window.doc.find_flow("tt", "ward") is None


def test_highlighted_steps_are_numbered_on_the_canvas(window):
    panel(window).select_pathway("p1")
    badges = {d.anchor: d.item.text for d in window.scene.decorations(STEP_BADGES)}
    assert badges == {"gp": "1", "crisis": "2", "ward": "3", "done": "4"}
    assert all(isinstance(d.item, StepBadge) and d.item.parentItem() is window.scene.nodes[d.anchor]
               for d in window.scene.decorations(STEP_BADGES))
    panel(window).select_pathway(None)
    assert window.scene.decorations(STEP_BADGES) == []
    assert not [i for i in window.scene.items() if isinstance(i, StepBadge)]


def test_delete_pathway_undo(window, qtbot):
    p = panel(window)
    p.select_pathway("p1")
    qtbot.mouseClick(p.delete_button, Qt.LeftButton)
    assert "p1" not in window.doc.pathways
    window.editor.stack.undo()
    assert window.doc.pathways["p1"].steps == ["gp", "crisis", "ward", "done"]


def test_new_pathway_from_ctrl_clicks_keeps_the_order_they_were_clicked(window, qtbot):
    from PySide6.QtCore import QPoint, Qt

    view = window.view
    order = ["done", "gp", "ward", "crisis"]
    for i, node_id in enumerate(order):
        view.centerOn(window.scene.nodes[node_id])
        pos = view.mapFromScene(window.scene.nodes[node_id].pos()) + QPoint(0, -8)
        modifier = Qt.NoModifier if i == 0 else Qt.ControlModifier
        qtbot.mouseClick(view.viewport(), Qt.LeftButton, modifier, pos)
    assert window.selection.ids == order
    panel = window.pathways_panel()
    panel.ask_name = lambda title, text: "Backwards"
    pathway_id = panel.new_from_selection()
    assert window.doc.pathways[pathway_id].steps == order
