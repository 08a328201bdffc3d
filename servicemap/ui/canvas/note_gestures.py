"""The canvas's gestures on notes: resizing by the corner handle, and which notes a drag moved.

:class:`NoteGestures` is part of :class:`servicemap.ui.canvas.scene.CanvasScene`. A note is
moved like a box (dragged alone or with boxes; the drop is one ``moved`` signal and one undo
step), resized by dragging the square at its bottom-right corner, which shows while it is
selected on a map that may be changed (``note_resized``: id, new width, on release), and
double-clicked to edit its text (``note_edit_requested``). The scene never changes the
document: the window and the notes feature turn these signals into editor calls.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QTransform

from servicemap.model import NOTE_MAX_WIDTH, NOTE_MIN_WIDTH
from servicemap.render.notes import NoteItem


class NoteGestures:
    """Note handling for the canvas scene (a mixin: the scene has ``notes``, ``doc``,
    ``editable``, ``note_resized`` and ``_set_cursor``)."""

    _resizing: tuple[NoteItem, float] | None = None  # the note, the pointer's x offset

    def note_at(self, pos: QPointF) -> NoteItem | None:
        for item in self.items(pos, Qt.IntersectsItemShape, Qt.DescendingOrder, QTransform()):
            if isinstance(item, NoteItem):
                return item
        return None

    def _on_note(self, note_id: str, *fields) -> None:
        super()._on_note(note_id, *fields)
        item = self.notes.get(note_id)
        editable = getattr(self, "editable", None)  # not yet set while the scene is built
        if item is not None and editable is not None:  # new items follow the mode
            item.show_handle = editable()
            item.setFlag(NoteItem.GraphicsItemFlag.ItemIsMovable, editable())

    def _note_handle_at(self, pos: QPointF) -> NoteItem | None:
        """The selected note whose resize handle is under ``pos`` (on an editable map)."""
        if not self.editable():
            return None
        for item in self.notes.values():
            if item.isSelected() and item.handle_rect().adjusted(-3, -3, 3, 3).contains(
                    item.mapFromScene(pos)):
                return item
        return None

    def _press_note(self, event) -> bool:
        """A press on a note's handle starts resizing it (True: the press is taken)."""
        if event.button() != Qt.LeftButton:
            return False
        item = self._note_handle_at(event.scenePos())
        if item is None:
            return False
        self._resizing = (item, item.rect.right() - item.mapFromScene(event.scenePos()).x())
        self._set_cursor(Qt.CursorShape.SizeFDiagCursor)
        event.accept()
        return True

    def _resize_width(self, event) -> float:
        item, offset = self._resizing
        x = item.mapFromScene(event.scenePos()).x() + offset
        return min(max(x, NOTE_MIN_WIDTH), NOTE_MAX_WIDTH)

    def _move_note_resize(self, event) -> bool:
        if self._resizing is None:
            if not event.buttons():
                over = self._note_handle_at(event.scenePos()) is not None
                for view in self.views():
                    if over:
                        view.viewport().setCursor(Qt.CursorShape.SizeFDiagCursor)
                    elif view.viewport().cursor().shape() == Qt.CursorShape.SizeFDiagCursor:
                        view.viewport().unsetCursor()
            return False
        item = self._resizing[0]
        item.set_geometry(item.text, self._resize_width(event))  # a preview until release
        event.accept()
        return True

    def _release_note_resize(self, event) -> bool:
        if self._resizing is None:
            return False
        item = self._resizing[0]
        width = self._resize_width(event)
        self._resizing = None
        self._set_cursor(None)
        note = self.doc.notes.get(item.note_id)
        if note is not None:
            item.set_geometry(note.text, note.width)  # the document decides; events redraw
            if width != note.width:
                self.note_resized.emit(item.note_id, width)
        event.accept()
        return True
