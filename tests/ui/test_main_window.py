"""The map window driven as a person would: mouse and keys on the canvas, menus, files."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QLineEdit

from servicemap import store
from servicemap.graph.document import Document
from servicemap.io.exchange import to_node_link
from servicemap.render.items import FlowItem
from servicemap.ui.file_safety import MapLock, Recovery
from servicemap.ui.session import Mode
from tests.maps import small_map

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(open_window, map_file):
    return open_window(map_file, readable=True)  # tests that care replace ask_unsaved


def by_id(doc: Document) -> dict:
    """The map as node-link data with nodes and edges keyed by id (order does not matter)."""
    data = to_node_link(doc)
    return {"graph": data["graph"], "nodes": {n["id"]: n for n in data["nodes"]},
            "edges": {e["id"]: e for e in data["edges"]}}


def at(window, node_id) -> QPoint:
    """Where a node is on the view's viewport."""
    return window.view.mapFromScene(window.scene.nodes[node_id].pos())


def viewport(window):
    return window.view.viewport()


def test_title_shows_file_name_and_modified_marker(window, map_file):
    assert "test.smap" in window.windowTitle()
    assert not window.isWindowModified()
    window.editor.rename("crisis", "Crisis resolution")
    assert window.isWindowModified()
    window.editor.stack.undo()
    assert not window.isWindowModified()


def test_double_click_empty_canvas_adds_a_service_there(window, qtbot):
    point = window.view.mapFromScene(450, 600)
    qtbot.mouseDClick(viewport(window), Qt.LeftButton, pos=point)
    added = [n for n in window.doc.nodes_of_kind("service")
             if n not in ("crisis", "ward", "tt")]
    assert len(added) == 1
    node = window.doc.node(added[0])
    assert (node["x"], node["y"]) == pytest.approx((450, 600), abs=2)
    assert window.editor.stack.undoText() == "Add service"
    window.editor.stack.undo()
    assert not window.doc.has_node(added[0])


def test_drag_moves_selected_nodes_as_one_undo_step(window, qtbot):
    start = at(window, "crisis")
    qtbot.mousePress(viewport(window), Qt.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(viewport(window), start + QPoint(10 * step, 8 * step))
    assert FlowItem.dragging  # flows are drawn the cheap way while boxes move
    qtbot.mouseRelease(viewport(window), Qt.LeftButton, pos=start + QPoint(50, 40))
    assert not FlowItem.dragging
    node = window.doc.node("crisis")
    assert (node["x"], node["y"]) == pytest.approx((350, 40), abs=1)
    assert window.editor.stack.count() == 1
    assert window.actions.action("edit.undo").text() == "Undo Move 1 service"
    window.editor.stack.undo()
    assert (window.doc.node("crisis")["x"], window.doc.node("crisis")["y"]) == (300, 0)
    assert window.scene.nodes["crisis"].pos().x() == 300


def test_shift_drag_between_nodes_adds_a_flow_of_the_chosen_type(window, qtbot):
    window.choose_flow_type = lambda: "transition"
    qtbot.mousePress(viewport(window), Qt.LeftButton, Qt.ShiftModifier, at(window, "tt"))
    qtbot.mouseMove(viewport(window), at(window, "ward"))
    qtbot.mouseRelease(viewport(window), Qt.LeftButton, Qt.ShiftModifier, at(window, "ward"))
    flow = window.doc.find_flow("tt", "ward", "transition")
    assert flow is not None
    assert flow in window.scene.flows
    window.editor.stack.undo()
    assert window.doc.find_flow("tt", "ward") is None
    assert flow not in window.scene.flows


def test_add_flow_from_context_menu_path(window, qtbot):
    window.choose_flow_type = lambda: "referral"
    window.selection.set(["tt"])
    window.actions.action("edit.add_flow").trigger()
    qtbot.mouseClick(viewport(window), Qt.LeftButton, pos=at(window, "done"))
    assert window.doc.find_flow("tt", "done", "referral") is not None


def test_refused_flow_changes_nothing_and_says_why(window, qtbot):
    window.choose_flow_type = lambda: "referral"
    window.scene.connect_requested.emit("crisis", "gp")  # into an access point: not allowed
    assert window.doc.find_flow("crisis", "gp") is None
    assert window.editor.stack.count() == 0
    assert "cannot go from" in window.statusBar().currentMessage()


def test_f2_renames_in_place(window, qtbot):
    qtbot.mouseClick(viewport(window), Qt.LeftButton, pos=at(window, "ward"))
    assert window.selection.ids == ["ward"]
    qtbot.keyClick(window.view, Qt.Key_F2)
    edit = window.view.viewport().findChild(QLineEdit, "rename")
    assert edit is not None and edit.text() == "Acute ward"
    edit.selectAll()
    qtbot.keyClicks(edit, "Acute ward (adults)")
    qtbot.keyClick(edit, Qt.Key_Return)
    assert window.doc.node("ward")["name"] == "Acute ward (adults)"
    window.editor.stack.undo()
    assert window.doc.node("ward")["name"] == "Acute ward"


def test_delete_removes_flows_and_steps_and_one_undo_restores_all(window, qtbot):
    before = by_id(window.doc)
    fill = window.scene.nodes["crisis"].fill
    qtbot.mouseClick(viewport(window), Qt.LeftButton, pos=at(window, "crisis"))
    qtbot.keyClick(window.view, Qt.Key_Delete)
    assert not window.doc.has_node("crisis")
    assert not window.doc.has_edge("f1") and not window.doc.has_edge("f2")
    assert window.doc.pathways["p1"].steps == ["gp", "ward", "done"]
    assert "crisis" not in window.scene.nodes and "f1" not in window.scene.flows
    qtbot.keyClick(window.view, Qt.Key_Z, Qt.ControlModifier)
    assert by_id(window.doc) == before
    assert "crisis" in window.scene.nodes and "f2" in window.scene.flows
    assert window.scene.nodes["crisis"].fill == fill  # its directorate's colour again


def test_arrow_keys_nudge_and_merge_into_one_step(window, qtbot):
    qtbot.mouseClick(viewport(window), Qt.LeftButton, pos=at(window, "tt"))
    for _ in range(3):
        qtbot.keyClick(window.view, Qt.Key_Right)
    qtbot.keyClick(window.view, Qt.Key_Down, Qt.ShiftModifier)
    assert (window.doc.node("tt")["x"], window.doc.node("tt")["y"]) == (330, 301)
    assert window.editor.stack.count() == 1
    window.editor.stack.undo()
    assert (window.doc.node("tt")["x"], window.doc.node("tt")["y"]) == (300, 300)


def test_select_all_and_rubber_band(window, qtbot):
    window.actions.action("edit.select_all").trigger()
    assert set(window.selection.ids) == {"gp", "crisis", "ward", "done", "tt",
                                         "f1", "f2", "f3", "f4"}
    window.selection.set([])
    a = window.view.mapFromScene(150, 200)
    b = window.view.mapFromScene(450, 400)
    qtbot.mousePress(viewport(window), Qt.LeftButton, Qt.ShiftModifier, a)
    qtbot.mouseMove(viewport(window), (a + b) / 2)
    qtbot.mouseMove(viewport(window), b)
    qtbot.mouseRelease(viewport(window), Qt.LeftButton, Qt.ShiftModifier, b)
    assert "tt" in window.selection.ids
    assert "crisis" not in window.selection.ids


def test_inspector_refuses_an_impossible_value(window, qtbot):
    window.selection.set(["f1"])
    field = window.docks["inspector"].widget().findChild(QLineEdit, "field_volume_per_year")
    field.selectAll()
    qtbot.keyClicks(field, "-5")
    qtbot.keyClick(field, Qt.Key_Return)
    assert window.doc.edge("f1")["volume_per_year"] == 300
    assert window.editor.stack.count() == 0
    error = window.docks["inspector"].widget().findChild(type(window.selected_label),
                                                     "error_volume_per_year")
    assert "at least 0" in error.text()


def test_search_selects_and_centres_the_match(window, qtbot):
    window.view.centerOn(-2000, -2000)
    qtbot.keyClick(window, Qt.Key_F, Qt.ControlModifier)
    assert window.focusWidget() is window.search_box
    qtbot.keyClicks(window.search_box, "talking")
    assert window.selection.ids == ["tt"]
    centre = window.view.mapToScene(window.view.viewport().rect().center())
    assert (centre.x(), centre.y()) == pytest.approx((300, 300), abs=30)


def test_filter_dims_other_services(window, qtbot):
    index = window.filter_box.findText("Directorate: Acute")
    window.filter_box.setCurrentIndex(index)
    assert window.scene.nodes["crisis"].opacity() == 1.0
    assert window.scene.nodes["tt"].opacity() < 0.5
    assert window.scene.flows["f4"].opacity() < 0.5
    assert window.doc.has_node("tt")  # dimmed, not deleted
    window.filter_box.setCurrentIndex(0)
    assert window.scene.nodes["tt"].opacity() == 1.0


def test_hover_shows_what_an_item_is(window):
    assert "Volume per year: 300" in window.scene.tooltip("f1")
    assert "Part of Acute" in window.scene.tooltip("crisis")


def test_far_zoom_draws_the_overview_and_zooming_in_the_items(window):
    window.view.set_zoom(0.05)
    assert window.scene.overview  # the view draws the overview picture, not the items
    window.view.set_zoom(1.0)
    assert not window.scene.overview


def test_pathway_highlight_dims_the_rest(window, qtbot):
    window.docks["pathways"].widget().pathway_selected.emit("p1")
    assert window.scene.nodes["ward"].highlighted
    assert window.scene.flows["f2"].highlighted
    assert window.scene.nodes["tt"].opacity() < 0.5


def test_save_and_reopen_keep_everything(window, qtbot, map_file):
    qtbot.mouseClick(viewport(window), Qt.LeftButton, pos=at(window, "tt"))
    qtbot.keyClick(window.view, Qt.Key_Left)
    window.editor.rename("ward", "Acute ward (adults)")
    qtbot.keyClick(window, Qt.Key_S, Qt.ControlModifier)
    assert not window.isWindowModified()
    saved = store.load(map_file)
    assert saved.node("tt")["x"] == 290
    assert saved.node("ward")["name"] == "Acute ward (adults)"
    assert to_node_link(saved)["edges"] == to_node_link(window.doc)["edges"]
    assert saved.pathways == window.doc.pathways


def test_unsaved_prompt_on_new_and_cancel_keeps_the_map(window, qtbot):
    asked = []
    window.files.ask_unsaved = lambda: asked.append(1) or "cancel"
    window.editor.rename("ward", "Changed")
    window.actions.action("file.new").trigger()
    assert asked == [1]
    assert window.doc.node("ward")["name"] == "Changed"
    window.files.ask_unsaved = lambda: "discard"
    window.actions.action("file.new").trigger()
    assert window.doc.counts()["services"] == 0


def test_unsaved_prompt_save_writes_the_file(window, map_file):
    window.files.ask_unsaved = lambda: "save"
    window.editor.rename("ward", "Saved on close")
    window.actions.action("file.new").trigger()
    assert store.load(map_file).node("ward")["name"] == "Saved on close"


def test_opening_a_corrupt_file_says_so_and_keeps_the_map(window, tmp_path):
    bad = tmp_path / "bad.smap"
    bad.write_text("this is not a map")
    messages = []
    window.files.tell_error = messages.append
    window.editor.rename("ward", "Unsaved edit")
    assert not window.files.open_path(bad, ask_save=False)
    assert len(messages) == 1 and "bad.smap" in messages[0]
    assert window.doc.node("ward")["name"] == "Unsaved edit"
    assert "test.smap" in window.windowTitle()


def test_autosave_then_recovery_after_a_crash(window, qtbot, new_window):
    window.editor.rename("ward", "Edited before the crash")
    window.files.autosave_timer.setInterval(10)
    window.files.autosave_timer.start()
    qtbot.waitUntil(lambda: window.files.recovery.map_file.exists())
    # Simulate a crash: the session's lock goes away without a clean close.
    crashed = window.files.recovery
    crashed._lock.unlock()
    new = new_window(recovery=crashed.folder)
    new.files.ask_recover = lambda items: True
    assert new.files.recover_on_start()
    assert new.doc.node("ward")["name"] == "Edited before the crash"
    assert new.isWindowModified()
    new.files.ask_unsaved = lambda: "discard"
    new.close()


def test_clean_close_leaves_nothing_to_recover(window, tmp_path):
    folder = window.files.recovery.folder
    window.editor.rename("ward", "x")
    window.files.autosave()
    window.files.ask_unsaved = lambda: "discard"
    window.close()
    assert Recovery(folder).orphans() == []


def test_a_second_process_sees_the_lock(window, map_file, child_env):
    script = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(ROOT)!r})
        from PySide6.QtCore import QCoreApplication
        from servicemap.ui.file_safety import MapLock
        app = QCoreApplication([])
        lock = MapLock({str(map_file)!r})
        got = lock.acquire()
        print(json.dumps({{"acquired": got, "owner": lock.owner().describe()}}))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60, check=True, env=child_env).stdout
    assert '"acquired": false' in out
    assert " since " in out


def test_opening_a_locked_map_offers_read_only(window, new_window, map_file):
    other = new_window()
    choices = []
    other.files.ask_locked = lambda path, owner: choices.append(owner.describe()) or "read_only"
    assert other.files.open_path(map_file, ask_save=False)
    assert choices and "since" in choices[0]
    assert "read-only" in other.windowTitle()
    assert not other.actions.action("edit.add_service").isEnabled()
    assert other.editor.rename("ward", "x") is not None
    assert other.doc.node("ward")["name"] == "Acute ward"
    other.close()


def test_stale_lock_is_taken_over(tmp_path, qtbot):
    path = tmp_path / "m.smap"
    store.save(small_map(), path)
    (tmp_path / "m.smap.lock").write_text("999999\nservicemap\nnot-this-host\n")
    lock = MapLock(path)
    # A lock from another host cannot be proven stale: it is respected.
    assert not lock.acquire()
    import socket

    (tmp_path / "m.smap.lock").write_text(f"999999\nservicemap\n{socket.gethostname()}\n")
    assert lock.acquire()  # the process that held it is gone: taken over
    lock.release()


def test_names_are_never_read_as_markup(window):
    from servicemap.render.text import plain_tooltip
    from servicemap.ui.dialogs import message_box

    window.editor.rename("ward", "<b>Ward</b> & more")
    tip = plain_tooltip(window.scene.tooltip("ward"))
    assert "&lt;b&gt;Ward&lt;/b&gt; &amp; more" in tip
    box = message_box(window, message_box.__globals__["QMessageBox"].Warning, "t", "<b>x</b>")
    assert box.textFormat() == Qt.PlainText


def test_a_crashed_review_comes_back_as_a_copy(window, new_window, map_file):
    window.session.set_mode(Mode.READ_ONLY)
    window.files.force_dirty = True
    window.files.autosave()
    crashed = window.files.recovery
    crashed._lock.unlock()
    new = new_window(recovery=crashed.folder)
    new.files.ask_recover = lambda items: True
    assert new.files.recover_on_start()
    assert new.files.path is None  # saving asks for a new name: the planner's file is safe
    assert "Recovered copy of test" in new.windowTitle()
    new.files.ask_unsaved = lambda: "discard"
    new.close()


def test_the_wheel_zooms_unless_the_planner_chose_wheel_scrolls(window, qtbot):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent

    view = window.view

    def wheel(modifiers=Qt.NoModifier):
        centre = QPointF(view.viewport().rect().center())
        event = QWheelEvent(centre, QPointF(view.viewport().mapToGlobal(centre.toPoint())),
                            QPoint(0, 0), QPoint(0, 120), Qt.NoButton, modifiers,
                            Qt.NoScrollPhase, False)
        view.wheelEvent(event)

    before = view.zoom
    wheel()
    assert view.zoom > before  # the wheel zooms by default
    action = window.actions.action("view.wheel_scrolls")
    action.trigger()
    assert view.wheel_scrolls and window.settings.wheel_scrolls()
    before = view.zoom
    wheel()
    assert view.zoom == before  # now it scrolls
    wheel(Qt.ControlModifier)
    assert view.zoom > before


def test_zoom_box_shows_and_sets_the_zoom(window, qtbot):
    box = window.zoom_box
    window.view.set_zoom(0.5)
    assert box.currentText() == "50%"
    box.lineEdit().setText("150 %")
    box.lineEdit().editingFinished.emit()
    assert window.view.zoom == pytest.approx(1.5)
    box.lineEdit().setText("lots")
    box.lineEdit().editingFinished.emit()
    assert box.currentText() == "150%" and window.view.zoom == pytest.approx(1.5)
    index = box.findData(1.0)
    box.activated.emit(index)
    assert window.view.zoom == pytest.approx(1.0)


def test_hovering_a_box_shows_a_handle_that_draws_a_flow(window, qtbot):
    from servicemap.ui.canvas.scene import HANDLES

    window.choose_flow_type = lambda: "referral"
    view = viewport(window)
    qtbot.mouseMove(view, at(window, "tt"))
    [handle] = window.scene.decorations(HANDLES)
    assert handle.anchor == "tt"
    grip = window.view.mapFromScene(handle.item.sceneBoundingRect().center())
    target = at(window, "done")
    qtbot.mousePress(view, Qt.LeftButton, pos=grip)
    for step in range(1, 6):
        qtbot.mouseMove(view, grip + (target - grip) * step / 5)
    qtbot.mouseRelease(view, Qt.LeftButton, pos=target)
    flow = window.doc.find_flow("tt", "done")
    assert flow is not None and window.doc.edge(flow)["flow_type"] == "referral"
    assert (window.doc.node("tt")["x"], window.doc.node("tt")["y"]) == (300, 300)  # not moved
    hover(view, at(window, "done") + QPoint(3, 2))
    assert window.scene.decorations(HANDLES) == []  # no flow starts at an exit


def hover(widget, pos):
    """The pointer moves over ``pos`` with no button down (sent as the window system does)."""
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    event = QMouseEvent(QEvent.Type.MouseMove, QPointF(pos),
                        QPointF(widget.mapToGlobal(pos)), Qt.NoButton, Qt.NoButton,
                        Qt.NoModifier)
    QApplication.sendEvent(widget, event)


def test_a_flow_the_rules_refuse_is_refused_while_dragging(window, qtbot):
    asked = []
    window.choose_flow_type = lambda: asked.append(1) or "referral"
    view = viewport(window)
    start, target = at(window, "crisis"), at(window, "gp")
    qtbot.mousePress(view, Qt.LeftButton, Qt.ShiftModifier, start)
    for step in range(1, 6):
        qtbot.mouseMove(view, start + (target - start) * step / 5)
    assert view.cursor().shape() == Qt.ForbiddenCursor
    assert "No flow from Crisis team to GP practice" in window.statusBar().currentMessage()
    qtbot.mouseRelease(view, Qt.LeftButton, Qt.ShiftModifier, target)
    assert asked == [] and window.doc.find_flow("crisis", "gp") is None
    assert view.cursor().shape() != Qt.ForbiddenCursor


def test_reverse_flow_turns_it_round_as_one_step_and_refuses_what_the_rules_refuse(window):
    window.selection.set(["f2"])  # crisis -> ward
    action = window.actions.action("edit.reverse_flow")
    assert action.isEnabled()
    count = window.editor.stack.count()
    action.trigger()
    assert window.doc.edge_ends("f2") == ("ward", "crisis")
    assert window.doc.edge("f2")["volume_per_year"] == 40
    assert window.editor.stack.count() == count + 1
    window.editor.stack.undo()
    assert window.doc.edge_ends("f2") == ("crisis", "ward")
    window.selection.set(["f1"])  # gp -> crisis: reversed it would go into an access point
    action.trigger()
    assert window.doc.edge_ends("f1") == ("gp", "crisis")
    assert window.editor.stack.count() == count + 1  # the undone step waits to be redone
    assert "access point" in window.statusBar().currentMessage()


def test_a_near_miss_on_a_thin_flow_still_selects_it_when_zoomed_out(window, qtbot):
    window.view.set_zoom(0.35)
    window.view.centerOn(450, 150)
    assert window.scene.item_id_at(window.view.mapToScene(QPoint(0, 0))) is None
    mid = window.view.mapFromScene(window.scene.flows["f4"].midpoint())  # as routed
    window.selection.set([])
    qtbot.mouseClick(viewport(window), Qt.LeftButton, pos=mid + QPoint(4, -3))
    assert window.selection.ids == ["f4"]  # gp -> tt, missed by 4 and 3 pixels


def test_dragging_a_selected_flows_end_to_another_box_re_connects_it(window, qtbot):
    from servicemap.ui.canvas.scene import FLOW_ENDS

    window.selection.set(["f3"])  # ward -> done
    ends = {d.item.end: d.item for d in window.scene.decorations(FLOW_ENDS)}
    assert set(ends) == {"source", "target"}
    view = viewport(window)
    grip = window.view.mapFromScene(ends["source"].sceneBoundingRect().center())
    target = at(window, "tt")
    qtbot.mousePress(view, Qt.LeftButton, pos=grip)
    for step in range(1, 6):
        qtbot.mouseMove(view, grip + (target - grip) * step / 5)
    qtbot.mouseRelease(view, Qt.LeftButton, pos=target)
    assert window.doc.edge_ends("f3") == ("tt", "done")
    assert window.doc.edge("f3")["volume_per_year"] == 35
    window.editor.stack.undo()
    assert window.doc.edge_ends("f3") == ("ward", "done")
    assert window.editor.reconnect_flow("f3", "target", "gp") is not None  # into an access point
    assert window.doc.edge_ends("f3") == ("ward", "done")


def test_the_flow_under_the_pointer_is_drawn_strong(window):
    hover(viewport(window), window.view.mapFromScene(window.scene.flows["f4"].midpoint()))
    assert window.scene.flows["f4"].hovered
    hover(viewport(window), window.view.mapFromScene(QPointF(-400, 400)))
    assert not window.scene.flows["f4"].hovered


def test_deleting_a_directorate_says_its_services_stay(window):
    window.selection.set(["dir"])
    window.actions.action("edit.delete").trigger()
    assert not window.doc.has_node("dir") and window.doc.has_node("crisis")
    assert window.statusBar().currentMessage().startswith("2 items stay on the map")


def test_a_new_map_is_fitted_again_when_the_window_grows_until_the_planner_zooms(
        open_window, map_file, qtbot):
    w = open_window(map_file, size=(700, 500))
    small = w.view.zoom
    w.resize(1500, 1000)  # as when the window is maximised after the map was opened
    qtbot.waitUntil(lambda: w.view.zoom > small * 1.2)
    w.actions.action("view.zoom_out").trigger()  # the planner takes over
    zoom = w.view.zoom
    w.resize(900, 600)
    qtbot.wait(20)
    assert w.view.zoom == pytest.approx(zoom)
