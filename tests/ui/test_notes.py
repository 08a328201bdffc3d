"""Notes in the window, driven as a person would: Map > Add note and the toolbar, right-click >
Add note here, typing the text at once, double-click and F2 to edit, dragging to move, the
corner handle to resize, the Inspector's Width, Delete, copy and paste, undo of each; refused
on a map that may not be changed; saved and reopened; drawn in SVG and PDF as real text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu, QToolButton

from servicemap import store
from servicemap.graph import analysis
from servicemap.model import Note
from servicemap.ui.session import Mode

from .test_main_window import viewport

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(open_window, map_file):
    return open_window(map_file, readable=True)


def keys(qtbot, window, key, modifiers=CTRL, widget=None) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    qtbot.keyClick(widget or window.view, key, modifiers)


def note_ids(window) -> list[str]:
    return list(window.doc.notes)


def corner(window, note_id) -> QPoint:
    """Where a note's resize handle is on the viewport."""
    item = window.scene.notes[note_id]
    return window.view.mapFromScene(item.mapToScene(item.handle_rect().center()))


def middle(window, note_id) -> QPoint:
    item = window.scene.notes[note_id]
    return window.view.mapFromScene(item.sceneBoundingRect().center())


def type_text(qtbot, window, text: str) -> None:
    """Type into the open note editor and keep it with Ctrl+Enter."""
    from servicemap.ui.features.notes import NotesFeature

    edit = window.host.feature(NotesFeature).text_editor
    assert edit is not None and edit.isVisible()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    qtbot.waitUntil(edit.hasFocus, timeout=2000)  # back from the menu or another window
    for i, line in enumerate(text.split("\n")):
        if i:
            qtbot.keyClick(edit, Qt.Key.Key_Return)  # Enter: a new line in the note
        qtbot.keyClicks(edit, line)
    qtbot.keyClick(edit, Qt.Key.Key_Return, CTRL)


def add_note_by_menu(qtbot, window, text: str) -> str:
    window.actions.action("map.add_note").trigger()
    (note_id,) = [n for n in note_ids(window)
                  if window.doc.note(n).text == "" and n in window.selection.ids]
    type_text(qtbot, window, text)
    return note_id


def test_map_menu_adds_a_note_with_its_text_in_edit_at_once(window, qtbot):
    action = window.actions.action("map.add_note")
    assert action in window.actions.menus["map"].actions()
    assert action.toolTip() and action.shortcut().toString() == "Ctrl+Shift+M"
    window.selection.set(["tt"])  # the new note goes beside the selected box
    note_id = add_note_by_menu(qtbot, window, "Waits from March returns")
    note = window.doc.note(note_id)
    assert note.text == "Waits from March returns"
    box = window.scene.nodes["tt"].sceneBoundingRect()
    drawn = window.scene.notes[note_id].sceneBoundingRect()
    assert drawn.left() > box.right() and not drawn.intersects(box)
    assert not any(drawn.intersects(i.sceneBoundingRect()) for i in window.scene.nodes.values())
    assert window.selection.ids == [note_id]
    assert window.editor.stack.count() == 2
    assert window.editor.stack.undoText() == "Edit note text"
    window.editor.stack.undo()
    assert window.doc.note(note_id).text == ""
    assert window.editor.stack.undoText() == "Add note"
    window.editor.stack.undo()
    assert window.doc.notes == {} and window.scene.notes == {}
    window.editor.stack.redo()
    assert note_id in window.scene.notes
    assert window.doc.counts() == store.load(window.files.path).counts()  # not in the graph


def test_toolbar_button_adds_a_note(open_window, map_file, qtbot):
    window = open_window(map_file, size=(1600, 800))  # wide enough for the whole toolbar
    button = next(b for b in window.actions.toolbar.findChildren(QToolButton)
                  if b.defaultAction() is window.actions.action("map.add_note"))
    assert button.isVisible()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert len(window.doc.notes) == 1
    type_text(qtbot, window, "From the toolbar")
    assert [n.text for n in window.doc.notes.values()] == ["From the toolbar"]


def test_right_click_add_note_here_puts_it_at_the_mouse(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    spot = window.view.mapFromScene(450, 500)
    chosen = []

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, choose)
            return
        [here] = [a for a in menu.actions() if a.text() == "Add &note here"]
        chosen.append(here.isEnabled())
        menu.close()
        here.trigger()

    QTimer.singleShot(10, choose)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, spot,
                              viewport(window).mapToGlobal(spot))
    QApplication.sendEvent(viewport(window), event)
    qtbot.waitUntil(lambda: bool(chosen), timeout=3000)
    assert chosen == [True]
    (note,) = window.doc.notes.values()
    assert (note.x, note.y) == pytest.approx((450, 500), abs=2)
    type_text(qtbot, window, "Here")
    assert window.doc.note(note.id).text == "Here"


def test_double_click_and_f2_edit_the_text_and_escape_cancels(window, qtbot):
    window.editor.add_note((400, 300), "First words")
    (note_id,) = note_ids(window)
    qtbot.mouseDClick(viewport(window), Qt.MouseButton.LeftButton, pos=middle(window, note_id))
    type_text(qtbot, window, "Second words\nover two lines")
    assert window.doc.note(note_id).text == "Second words\nover two lines"
    tall = window.scene.notes[note_id].rect.height()
    window.selection.set([note_id])
    keys(qtbot, window, Qt.Key.Key_F2, Qt.KeyboardModifier.NoModifier)
    from servicemap.ui.features.notes import NotesFeature

    edit = window.host.feature(NotesFeature).text_editor
    assert edit.toPlainText() == "Second words\nover two lines"
    qtbot.keyClicks(edit, "thrown away")
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert window.doc.note(note_id).text == "Second words\nover two lines"
    assert window.host.feature(NotesFeature).text_editor is None
    assert tall > 40  # two lines of text make the box taller


def test_drag_moves_a_note_as_one_undo_step(window, qtbot):
    window.editor.add_note((400, 300), "Move me")
    (note_id,) = note_ids(window)
    start = middle(window, note_id)
    view = viewport(window)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(view, start + QPoint(12 * step, 6 * step))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=start + QPoint(60, 30))
    note = window.doc.note(note_id)
    assert (note.x, note.y) == pytest.approx((460, 330), abs=1)
    assert window.editor.stack.undoText() == "Move 1 note"
    window.editor.stack.undo()
    assert (window.doc.note(note_id).x, window.doc.note(note_id).y) == (400, 300)
    assert window.scene.notes[note_id].pos().x() == 400


def test_drag_a_note_with_a_box_is_one_step(window, qtbot):
    window.editor.add_note((400, 200), "With the box")
    (note_id,) = note_ids(window)
    window.selection.set(["tt", note_id])
    start = middle(window, note_id)
    view = viewport(window)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 5):
        qtbot.mouseMove(view, start + QPoint(10 * step, 0))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=start + QPoint(40, 0))
    assert window.doc.note(note_id).x == pytest.approx(440, abs=1)
    assert window.doc.node("tt")["x"] == pytest.approx(340, abs=1)
    assert window.editor.stack.undoText() == "Move 2 items"
    window.editor.stack.undo()
    assert window.doc.note(note_id).x == 400 and window.doc.node("tt")["x"] == 300


def test_corner_handle_resizes_and_the_inspector_shows_text_and_width(window, qtbot):
    window.editor.add_note((400, 300), "A note to make wider than it was before")
    (note_id,) = note_ids(window)
    window.selection.set([note_id])
    inspector = window.docks["inspector"].widget()
    assert inspector.heading.text().startswith("Note")
    assert inspector.field_editor("text").toPlainText().startswith("A note to make")
    assert inspector.field_editor("width").text() == "200.0"
    grip = corner(window, note_id)
    view = viewport(window)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=grip)
    for step in range(1, 6):
        qtbot.mouseMove(view, grip + QPoint(20 * step, 0))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=grip + QPoint(100, 0))
    note = window.doc.note(note_id)
    assert note.width == pytest.approx(300, abs=1)
    assert (note.x, note.y) == (400, 300)  # resized, not moved
    assert window.editor.stack.undoText() == "Resize note"
    assert inspector.field_editor("width").text() == format(note.width, ",")
    width = inspector.field_editor("width")
    width.setText("120")
    width.editingFinished.emit()
    assert window.doc.note(note_id).width == 120
    assert window.scene.notes[note_id].rect.width() == 120
    width.setText("5")
    width.editingFinished.emit()
    assert window.doc.note(note_id).width == 120  # refused: the reason beside the field
    window.editor.stack.undo()
    window.editor.stack.undo()
    assert window.doc.note(note_id).width == 200


def test_delete_key_and_context_menu_and_undo(window, qtbot):
    window.editor.add_note((400, 300), "Delete me")
    (note_id,) = note_ids(window)
    window.selection.set([note_id])
    texts = [a.text() for a in window.host.context_actions(note_id)]
    assert "Edit note te&xt" in texts and "Comment on this…" not in texts
    keys(qtbot, window, Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier)
    assert window.doc.notes == {} and window.scene.notes == {}
    assert window.editor.stack.undoText() == "Delete 1 note"
    window.editor.stack.undo()
    assert window.doc.note(note_id).text == "Delete me"
    window.selection.set([note_id, "tt"])
    keys(qtbot, window, Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier)
    assert window.doc.notes == {} and not window.doc.has_node("tt")
    window.editor.stack.undo()
    assert window.doc.has_note(note_id) and window.doc.has_node("tt")


def test_copy_paste_and_duplicate_notes_with_boxes(window, qtbot):
    window.editor.add_note((400, 300), "Copied note")
    (note_id,) = note_ids(window)
    window.selection.set(["crisis", note_id])
    keys(qtbot, window, Qt.Key.Key_C)
    assert "Copied note" in QGuiApplication.clipboard().text()
    keys(qtbot, window, Qt.Key.Key_V)
    new = [n for n in note_ids(window) if n != note_id]
    assert len(new) == 1
    pasted = window.doc.note(new[0])
    assert pasted.text == "Copied note" and (pasted.x, pasted.y) == (440, 340)
    assert new[0] in window.selection.ids
    assert window.editor.stack.undoText() == "Paste 1 service and 1 note"
    window.editor.stack.undo()
    assert list(window.doc.notes) == [note_id]
    window.selection.set([note_id])
    keys(qtbot, window, Qt.Key.Key_D)
    assert len(window.doc.notes) == 2
    assert window.editor.stack.undoText() == "Duplicate 1 note"


def test_read_only_map_refuses_every_note_edit(open_window, map_file, qtbot):
    doc = store.load(map_file)
    doc.add_note(Note("n", "Fixed", 400, 300))
    store.save(doc, map_file)
    window = open_window(map_file, readable=True)
    window.session.set_mode(Mode.READ_ONLY)
    assert not window.actions.action("map.add_note").isEnabled()
    from servicemap.ui.features.notes import NotesFeature

    feature = window.host.feature(NotesFeature)
    assert feature.add_note() is None
    assert "read-only" in window.statusBar().currentMessage()
    qtbot.mouseDClick(viewport(window), Qt.MouseButton.LeftButton, pos=middle(window, "n"))
    assert feature.text_editor is None
    start = middle(window, "n")
    qtbot.mousePress(viewport(window), Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport(window), start + QPoint(40, 40))
    qtbot.mouseRelease(viewport(window), Qt.MouseButton.LeftButton, pos=start + QPoint(40, 40))
    assert (window.doc.note("n").x, window.doc.note("n").y) == (400, 300)
    assert window.editor.update_note("n", {"text": "x"}) is not None
    assert window.editor.stack.count() == 0 and window.doc.note("n").text == "Fixed"


def test_notes_are_saved_reopened_and_ignored_by_the_analysis(window, qtbot, tmp_path):
    before = analysis.analyse(window.doc)
    add_note_by_menu(qtbot, window, "Saved with the map")
    assert analysis.analyse(window.doc) == before
    window.files.save()
    again = store.load(window.files.path)
    assert [n.text for n in again.notes.values()] == ["Saved with the map"]


def test_a_note_is_real_text_in_svg_and_pdf(window, tmp_path):
    from servicemap.render import export
    from tests.pdftext import pdf_lines

    window.editor.add_note((-200, -150), "Board note: data from March", width=400)
    for suffix in (".svg", ".pdf"):
        out = tmp_path / f"map{suffix}"
        export.export_file(window.doc, out)
        if suffix == ".svg":
            text = out.read_text(encoding="utf-8")
            assert ">Board note: data from March<" in text
        else:
            assert "Board note: data from March" in pdf_lines(out.read_bytes())


def test_arrange_aligns_a_note_with_boxes_by_its_edges(window):
    window.editor.add_note((470, 200), "Lined up")
    (note_id,) = note_ids(window)
    window.selection.set(["crisis", "tt", note_id])
    window.actions.action("arrange.align_left").trigger()
    box = window.scene.nodes["crisis"].sceneBoundingRect()
    note = window.doc.note(note_id)
    assert note.x == pytest.approx(box.left() + 3, abs=0.01)  # the box's drawn left edge
    assert note.y == 200
    assert window.editor.stack.undoText() == "Align 3 boxes left"
    window.editor.stack.undo()
    assert window.doc.note(note_id).x == 470
