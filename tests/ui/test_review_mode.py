"""Review mode: the map opens read-only and refuses every edit path (menus, keys, drag,
Shift+drag, double-click, context menu, inspector, pathways), while comments can still be added
and saved, only into the map's file when its lock can be taken."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QGraphicsItem,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QWidget,
)

from servicemap import store
from servicemap.io.exchange import to_node_link
from servicemap.ui.features.comments import CommentsFeature
from servicemap.ui.features.review import ReviewFeature
from servicemap.ui.file_safety import MapLock, Recovery
from servicemap.ui.session import Mode

from .test_main_window import at, by_id, viewport


def reviewing(window) -> ReviewFeature:
    return window.host.feature(ReviewFeature)


@pytest.fixture
def review(qtbot, new_window, map_file):
    w = new_window()
    assert reviewing(w).open_for_review(map_file)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(20)
    w.view.set_zoom(1.0)
    w.view.centerOn(450, 150)
    yield w
    w.files.ask_unsaved = lambda: "discard"
    w.close()


def comments_feature(window):
    return window.host.feature(CommentsFeature)


def unchanged(window, before) -> None:
    assert by_id(window.doc) == before
    assert window.editor.stack.count() == 0


# ----- what review mode looks like ----------------------------------------------------------
def test_title_banner_and_read_only_state(review, map_file):
    assert review.windowTitle().startswith("test.smap")
    assert "— Review" in review.windowTitle()
    assert reviewing(review).active and reviewing(review).banner.isVisible()
    assert review.session.mode == Mode.REVIEW
    assert review.files.lock is None  # a review holds no lock: the planner can still edit


def test_every_editing_action_is_disabled_and_viewing_ones_are_not(review):
    editing = review.actions.editing()
    assert len(editing) >= 6
    assert all(not action.isEnabled() for action in editing)
    a = review.actions.action
    for name in ("add_service", "add_access", "add_exit", "add_flow", "rename", "delete"):
        assert not a(f"edit.{name}").isEnabled()
    review.selection.set(["crisis"])  # selecting does not enable them again
    assert not a("edit.delete").isEnabled() and not a("edit.rename").isEnabled()
    assert not a("edit.add_flow").isEnabled()
    for name in ("view.fit", "view.zoom_in", "view.zoom_out", "view.find",
                 "view.zoom_selection", "edit.select_all"):
        assert a(name).isEnabled()
    feature = comments_feature(review)
    assert feature.add_action.isEnabled() and feature.export_action.isEnabled()


def test_menu_entries_refuse_when_triggered_anyway(review):
    before = by_id(review.doc)
    review.selection.set(["crisis"])
    for action in review.actions.editing():
        action.trigger()  # a disabled QAction ignores trigger(); the editor would refuse too
    unchanged(review, before)
    assert review.editor.add_node("service", "Sneaky") is None
    assert review.editor.rename("crisis", "x") is not None
    assert review.editor.delete(["crisis"]) is not None
    unchanged(review, before)


def test_keys_del_f2_arrows_and_shortcuts_do_nothing(review, qtbot):
    before = by_id(review.doc)
    qtbot.mouseClick(viewport(review), Qt.LeftButton, pos=at(review, "tt"))
    assert review.selection.ids == ["tt"]
    qtbot.keyClick(review.view, Qt.Key_Delete)
    qtbot.keyClick(review.view, Qt.Key_F2)
    assert review.view.viewport().findChild(QLineEdit, "rename") is None
    for key in (Qt.Key_Left, Qt.Key_Right, Qt.Key_Up, Qt.Key_Down):
        qtbot.keyClick(review.view, key)
        qtbot.keyClick(review.view, key, Qt.ShiftModifier)
    qtbot.keyClick(review, Qt.Key_N, Qt.ControlModifier | Qt.ShiftModifier)
    qtbot.keyClick(review, Qt.Key_L, Qt.ControlModifier)
    unchanged(review, before)
    assert review.scene.nodes["tt"].pos().x() == 300
    assert "read-only" in review.statusBar().currentMessage()


def test_drag_does_not_move_a_box(review, qtbot):
    before = by_id(review.doc)
    start = at(review, "crisis")
    qtbot.mousePress(viewport(review), Qt.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(viewport(review), start + QPoint(10 * step, 8 * step))
    qtbot.mouseRelease(viewport(review), Qt.LeftButton, pos=start + QPoint(50, 40))
    assert review.scene.nodes["crisis"].pos().x() == 300
    assert review.scene.nodes["crisis"].pos().y() == 0
    unchanged(review, before)
    assert review.selection.ids == ["crisis"]  # selecting still works


def test_a_box_drawn_later_cannot_be_dragged_either(review, qtbot):
    review.doc.add_node("service", "Drawn later", "later", x=450.0, y=300.0)
    assert "later" in review.scene.nodes
    start = review.view.mapFromScene(450, 300)
    qtbot.mousePress(viewport(review), Qt.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(viewport(review), start + QPoint(10 * step, 10 * step))
    qtbot.mouseRelease(viewport(review), Qt.LeftButton, pos=start + QPoint(50, 50))
    assert review.scene.nodes["later"].pos().x() == 450
    assert review.doc.node("later")["x"] == 450 and review.editor.stack.count() == 0


def test_shift_drag_does_not_connect(review, qtbot):
    asked = []
    review.choose_flow_type = lambda: asked.append(1) or "referral"
    before = by_id(review.doc)
    qtbot.mousePress(viewport(review), Qt.LeftButton, Qt.ShiftModifier, at(review, "tt"))
    qtbot.mouseMove(viewport(review), at(review, "ward"))
    qtbot.mouseRelease(viewport(review), Qt.LeftButton, Qt.ShiftModifier, at(review, "ward"))
    assert asked == []
    assert review.doc.find_flow("tt", "ward") is None
    unchanged(review, before)


def test_double_click_adds_and_renames_nothing(review, qtbot):
    before = by_id(review.doc)
    qtbot.mouseDClick(viewport(review), Qt.LeftButton, pos=review.view.mapFromScene(450, 600))
    qtbot.mouseDClick(viewport(review), Qt.LeftButton, pos=at(review, "ward"))
    qtbot.wait(10)
    assert review.view.viewport().findChild(QLineEdit, "rename") is None
    unchanged(review, before)


def menu_entries(window, item_id, scene_pos) -> dict[str, bool]:
    """Open the canvas's context menu, note its entries (text: enabled), and close it."""
    shown = {}

    def read_and_close() -> None:
        menu = QApplication.activePopupWidget()
        if isinstance(menu, QMenu):
            shown.update({a.text(): a.isEnabled() for a in menu.actions() if a.text()})
            menu.close()
        else:
            QTimer.singleShot(10, read_and_close)

    QTimer.singleShot(10, read_and_close)
    window.show_context_menu(item_id, scene_pos, window.mapToGlobal(QPoint(100, 100)))
    return shown


def test_context_menu_offers_no_edits_but_offers_a_comment(review):
    empty = menu_entries(review, None, review.view.mapToScene(10, 10))
    node = menu_entries(review, "crisis", review.scene.nodes["crisis"].pos())
    shown = [empty, node]
    empty, node = shown
    assert not any(enabled for text, enabled in empty.items() if text.startswith("Add"))
    assert empty["Comment on the map…"]
    assert not node["Add flow to…"] and not node["&Rename"] and not node["&Delete"]
    assert node["Comment on this…"]


def test_inspector_fields_take_no_edits(review, qtbot):
    inspector = review.docks["inspector"].widget()
    for target in (["crisis"], ["f1"], []):
        review.selection.set(target)
        fields = [w for w in inspector.findChildren(QWidget)
                  if isinstance(w, (QLineEdit, QComboBox, QCheckBox, QPlainTextEdit))
                  and w.objectName().startswith("field_") and w.isVisibleTo(inspector)]
        assert fields, target
        for field in fields:
            locked = not field.isEnabled() or (isinstance(field, (QLineEdit, QPlainTextEdit))
                                               and field.isReadOnly())
            assert locked, field.objectName()
    review.selection.set(["crisis"])
    before = by_id(review.doc)
    name = inspector.field_editor("name")
    qtbot.keyClicks(name, "changed")
    qtbot.keyClick(name, Qt.Key_Return)
    unchanged(review, before)


def test_pathways_buttons_are_disabled(review, qtbot):
    panel = review.docks["pathways"].widget()
    panel.select_pathway("p1")
    qtbot.wait(5)
    picture = "view.pathway_picture"  # looking at a pathway changes nothing: still works
    buttons = [b for b in panel.findChildren(QAbstractButton) if b.objectName() != picture]
    assert buttons and not any(b.isEnabled() for b in buttons)
    assert panel.findChild(QAbstractButton, picture).isEnabled()
    assert review.scene.highlighted_pathway == "p1"  # highlighting still works


def test_viewing_search_and_filter_still_work(review, qtbot):
    assert review.find("talking") == "tt"
    index = review.filter_box.findText("Directorate: Acute")
    review.filter_box.setCurrentIndex(index)
    assert review.scene.nodes["tt"].opacity() < 0.5
    zoom = review.view.zoom
    review.actions.action("view.zoom_in").trigger()
    assert review.view.zoom > zoom


# ----- comments in review mode --------------------------------------------------------------
def test_comments_can_be_added_and_saved_changing_only_comments(review, map_file, qtbot):
    before = to_node_link(store.load(map_file))
    panel = comments_feature(review).panel
    panel.ask_text = lambda title, label: "Is 40 the caseload or the staff?"
    review.selection.set(["crisis"])
    cid = comments_feature(review).add_comment()
    assert cid in review.doc.comments
    assert review.isWindowModified()
    qtbot.keyClick(review, Qt.Key_S, Qt.ControlModifier)
    assert not review.isWindowModified()
    assert reviewing(review).active and not review.session.editable
    saved = store.load(map_file)
    assert [c.text for c in saved.comments.values()] == ["Is 40 the caseload or the staff?"]
    after = to_node_link(saved)
    assert after["graph"].pop("comments") and before["graph"].pop("comments") == []
    assert after == before  # nothing but comments changed, not even the modified time
    assert not MapLock(map_file).lock_path.exists()  # the lock was let go after saving


def test_undo_in_review_undoes_a_comment(review):
    panel = comments_feature(review).panel
    panel.ask_text = lambda title, label: "Note"
    cid = panel.add_comment("")
    assert review.doc.comments[cid].target == ""
    review.actions.action("edit.undo").trigger()
    assert review.doc.comments == {}
    review.actions.action("edit.redo").trigger()
    assert list(review.doc.comments) == [cid]


def test_locked_map_is_not_overwritten_a_copy_is_offered(review, map_file, tmp_path,
                                                         file_state):
    planner = MapLock(map_file)
    assert planner.acquire()
    try:
        before = file_state(map_file)
        panel = comments_feature(review).panel
        panel.ask_text = lambda title, label: "Reviewed"
        panel.add_comment("ward")
        offers = []
        reviewing(review).ask_save_copy = lambda path, owner: offers.append(owner) or False
        assert not review.files.save()
        assert len(offers) == 1 and file_state(map_file) == before
        copy = tmp_path / "reviewed copy.smap"
        reviewing(review).ask_save_copy = lambda path, owner: True
        review.files.ask_save_path = lambda: str(copy)
        assert review.files.save()
        assert file_state(map_file) == before
        assert [c.text for c in store.load(copy).comments.values()] == ["Reviewed"]
        # still reviewing, now the copy
        assert reviewing(review).active and not review.session.editable
        assert not review.actions.action("edit.add_service").isEnabled()
        assert "reviewed copy.smap" in review.windowTitle() and "Review" in review.windowTitle()
        panel = comments_feature(review).panel
        panel.ask_text = lambda title, label: "Second"
        panel.add_comment("ward")
        assert review.files.save()
        assert len(store.load(copy).comments) == 2
    finally:
        planner.release()


def test_saving_comments_keeps_what_the_planner_saved_meanwhile(review, map_file):
    planner_doc = store.load(map_file)
    planner_doc.update_node("ward", {"name": "Acute ward (adults)"})
    planner_doc.add_comment("Planner's note", "", "Planner", comment_id="planner")
    store.save(planner_doc, map_file)
    panel = comments_feature(review).panel
    panel.ask_text = lambda title, label: "Reviewer's note"
    mine = panel.add_comment("crisis")
    assert review.files.save()
    saved = store.load(map_file)
    assert saved.node("ward")["name"] == "Acute ward (adults)"
    assert list(saved.comments) == ["planner", mine]
    # the window now shows the file as it is, still in review
    assert review.doc.node("ward")["name"] == "Acute ward (adults)"
    assert set(review.doc.comments) == {"planner", mine}
    assert reviewing(review).active and not review.isWindowModified()


def test_close_with_unsaved_comments_offers_to_save_them(review, map_file):
    panel = comments_feature(review).panel
    panel.ask_text = lambda title, label: "Keep me"
    panel.add_comment("tt")
    review.files.ask_unsaved = lambda: "save"
    assert review.files.maybe_save()
    assert [c.text for c in store.load(map_file).comments.values()] == ["Keep me"]


# ----- leaving and entering review mode -----------------------------------------------------
def test_opening_normally_leaves_review_mode(review, map_file, qtbot):
    assert review.files.open_path(map_file, ask_save=False)
    assert not reviewing(review).active and not reviewing(review).banner.isVisible()
    assert "Review" not in review.windowTitle()
    assert review.actions.action("edit.add_service").isEnabled()
    review.selection.set(["crisis"])
    name = review.docks["inspector"].widget().field_editor("name")
    assert name.isEnabled() and not name.isReadOnly()
    assert review.scene.nodes["crisis"].flags() & QGraphicsItem.GraphicsItemFlag.ItemIsMovable


def test_open_for_review_is_in_the_file_menu(new_window, map_file):
    w = new_window()
    file_menu = w.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert "Open for re&view…" in texts
    w.files.ask_open_path = lambda title="": str(map_file)
    reviewing(w).open_action.trigger()
    assert reviewing(w).active and "— Review" in w.windowTitle()
    w.close()


def test_open_for_review_of_a_bad_file_keeps_the_map(review, tmp_path):
    bad = tmp_path / "bad.smap"
    bad.write_text("not a map")
    messages = []
    review.files.tell_error = messages.append
    assert not reviewing(review).open_for_review(bad)
    assert messages and "bad.smap" in messages[0]
    assert reviewing(review).active and "test.smap" in review.windowTitle()


def test_app_opens_a_window_for_review(qtbot, map_file, tmp_path, window_settings):
    from servicemap.ui import app

    window = app.open_window(str(map_file), review=True, recovery=Recovery(tmp_path / "rec"),
                             settings=window_settings)
    qtbot.addWidget(window)
    try:
        assert reviewing(window).active and not window.session.editable
        assert "— Review" in window.windowTitle()
    finally:
        window.files.ask_unsaved = lambda: "discard"
        window.close()
