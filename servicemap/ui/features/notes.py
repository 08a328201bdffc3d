"""Notes: free text boxes on the canvas (Map > Add note, the toolbar, right-click > Add note
here), as draw.io and Visio users expect.

A new note goes where the menu was asked for (right-click) or beside the selected box (else
the view's centre), never on top of a box, is selected and has its text in edit at once.
Double-click or F2 edits a note's text in place (Ctrl+Enter or a click elsewhere keeps it,
Esc cancels), a drag moves it, the square at its bottom-right corner resizes it (or the
Inspector's Width), Delete removes it, and the clipboard feature cuts, copies, pastes and
duplicates it with the boxes. Each is one undo step through the editor, and a map that may
not be changed (read-only, review) refuses them all. Notes are saved in the map and drawn in
every picture, but the analysis never sees them (:mod:`servicemap.graph.notes`).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QPlainTextEdit

from servicemap.graph.placement import free_spot
from servicemap.model import NOTE_WIDTH
from servicemap.render.notes import MIN_HEIGHT, NOTE_BORDER, NOTE_FILL, note_font
from servicemap.ui.api import Host
from servicemap.ui.editing.editor import READ_ONLY_REASON


def note_icon() -> QIcon:
    """A sticky note with a folded corner and two lines of text, drawn (nothing loaded)."""
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(NOTE_BORDER.darker(130), 2))
    painter.setBrush(NOTE_FILL.darker(104))
    painter.drawPolygon(QPolygonF([QPointF(4, 5), QPointF(21, 5), QPointF(28, 12),
                                   QPointF(28, 27), QPointF(4, 27)]))
    painter.drawPolyline([QPointF(21, 5), QPointF(21, 12), QPointF(28, 12)])
    painter.setPen(QPen(QColor("#425563"), 2))
    for y in (15, 21):
        painter.drawLine(QPointF(8, y), QPointF(23, y))
    painter.end()
    return QIcon(pixmap)


class NoteTextEdit(QPlainTextEdit):
    """The in-place editor of a note's text: Ctrl+Enter or leaving it keeps the text, Esc
    cancels; Enter starts a new line."""

    def __init__(self, parent, on_done) -> None:
        super().__init__(parent)
        self.setObjectName("note_editor")
        self._on_done = on_done
        self._done = False

    def finish(self, keep: bool) -> None:
        if not self._done:
            self._done = True
            self._on_done(self.toPlainText() if keep else None)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.finish(False)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.finish(True)
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        # Another window or a menu taking the focus for a while is not leaving the note: the
        # text stays in edit (as in draw.io) until the user clicks elsewhere in the window.
        if event.reason() not in (Qt.FocusReason.ActiveWindowFocusReason,
                                  Qt.FocusReason.PopupFocusReason):
            self.finish(True)


class NotesFeature:
    """Add note (Map menu, toolbar, canvas right-click), edit its text in place, resize it."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.text_editor: NoteTextEdit | None = None
        self._last: str | None = None  # the note added last: the next goes beside it
        self.add_action = host.add_action(
            "map.add_note", "Add &note", lambda: self.add_note(), menu="map",
            section="structure", shortcut="Ctrl+Shift+M", icon=note_icon(), toolbar="layout",
            tip="Add a note: text on the map (saved and exported, not part of the analysis)",
            enabled="edit")
        self.edit_action = host.add_action(
            "edit.edit_note", "Edit note te&xt", self.edit_selected, menu="edit",
            section="change", tip="Edit the text of the selected note (or double-click it)",
            enabled=lambda: self.host.session.editable and len(self.selected()) == 1)
        host.add_context_actions(self.context_actions)
        host.session.document_changed.connect(self._document_changed)

    # ----- following the window ---------------------------------------------------------
    def _document_changed(self) -> None:
        """A new map (a new canvas scene): follow its note gestures."""
        self.close_editor(keep=False)
        self._last = None
        scene = self.host.session.scene
        scene.note_edit_requested.connect(self.start_edit)
        scene.note_resized.connect(self.resize)

    def selected(self) -> list[str]:
        doc = self.host.session.doc
        return [] if doc is None else [i for i in self.host.selection.ids if doc.has_note(i)]

    def context_actions(self, item_id: str | None) -> list:
        """The empty canvas: Add note here; a note: Edit note text."""
        session = self.host.session
        if session.doc is None:
            return []
        if item_id is None:
            pos = self.host.context_pos
            here = self.host.make_action("Add &note here", lambda: self.add_note(pos))
            here.setEnabled(session.editable)
            return [here]
        if session.doc.has_note(item_id):
            return [self.edit_action]
        return []

    # ----- adding -----------------------------------------------------------------------
    def _free_place(self) -> tuple[float, float]:
        """Top-left corner for a new note: right of the selected box or note (else the note
        added last, else the view's centre), on no box or note."""
        scene, view = self.host.session.scene, self.host.view
        centre = view.mapToScene(view.viewport().rect().center())
        boxes = {key: item.sceneBoundingRect() for key, item in
                 (*scene.nodes.items(), *scene.notes.items())}
        chosen = [i for i in self.host.selection.ids if i in boxes] or \
            ([self._last] if self._last in boxes else [])
        rects = [(r.center().x(), r.center().y(), r.width(), r.height())
                 for r in boxes.values()]
        after = None
        if chosen:
            r = boxes[chosen[-1]]
            after = (r.center().x(), r.center().y(), r.width(), r.height())
        x, y = free_spot(rects, (NOTE_WIDTH, MIN_HEIGHT * 1.5), (centre.x(), centre.y()),
                         after)
        return x - NOTE_WIDTH / 2, y - MIN_HEIGHT * 0.75

    def add_note(self, at: QPointF | None = None, text: str = "") -> str | None:
        """Add a note (top-left corner at ``at``, else a free place), select it and put its
        text in edit; returns its id, or None when refused."""
        session = self.host.session
        if session.doc is None:
            return None
        if not session.editable:
            self.host.status(READ_ONLY_REASON)
            return None
        pos = (at.x(), at.y()) if at is not None else self._free_place()
        note_id = session.editor.add_note(pos, text)
        if note_id is None:
            return None
        self._last = note_id
        self.host.selection.set([note_id])
        self.start_edit(note_id)
        return note_id

    # ----- editing ----------------------------------------------------------------------
    def edit_selected(self) -> None:
        notes = self.selected()
        if len(notes) == 1:
            self.start_edit(notes[0])

    def start_edit(self, note_id: str) -> NoteTextEdit | None:
        """Edit a note's text in place, over the note."""
        session = self.host.session
        if session.doc is None or not session.doc.has_note(note_id):
            return None
        if not session.editable:
            self.host.status(READ_ONLY_REASON)
            return None
        self.close_editor(keep=True)
        item = session.scene.notes[note_id]
        view = self.host.view
        rect = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
        edit = NoteTextEdit(view.viewport(), lambda text: self._edited(note_id, text))
        font = note_font()
        font.setPointSizeF(max(8.0, font.pointSizeF() * view.transform().m11()))
        edit.setFont(font)
        edit.setStyleSheet(f"QPlainTextEdit {{ background: {NOTE_FILL.name()}; "
                           f"border: 2px solid #005EB8; }}")
        edit.setPlainText(session.doc.note(note_id).text)
        edit.selectAll()
        edit.setGeometry(rect.left(), rect.top(), max(rect.width(), 160),
                         max(rect.height() + 24, 72))
        edit.setToolTip("Ctrl+Enter or click elsewhere to keep the text; Esc cancels")
        edit.show()
        edit.setFocus()
        self.text_editor = edit
        return edit

    def close_editor(self, keep: bool) -> None:
        if self.text_editor is not None:
            self.text_editor.finish(keep)

    def _edited(self, note_id: str, text: str | None) -> None:
        edit, self.text_editor = self.text_editor, None
        if edit is not None:
            edit.hide()
            edit.deleteLater()
        session = self.host.session
        if text is not None and session.doc is not None and session.doc.has_note(note_id):
            session.editor.update_note(note_id, {"text": text})
        self.host.view.setFocus()

    def resize(self, note_id: str, width: float) -> None:
        """The corner handle was dragged: the note's new width, one undo step."""
        self.host.session.editor.update_note(note_id, {"width": round(width, 1)})

