"""Notes on the map: a pale sticky-note box with wrapped text, drawn by the canvas and by
every export (real text in SVG and PDF).

:class:`NoteItem` draws one :class:`~servicemap.model.Note` (its position is the note's
top-left corner); :class:`NoteLayer` is the part of
:class:`~servicemap.render.scene.MapScene` that makes, updates and drops note items as the
document's notes change. A note is never part of the graph: no flow meets it and the
analysis never sees it.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem

from servicemap import palette
from servicemap.model import Note
from servicemap.render import style

NOTE_FILL = QColor(palette.NOTE_FILL)  # see palette.py (docs/look.md: never colour alone)
NOTE_BORDER = QColor(palette.NOTE_BORDER)
NOTE_FOLD = QColor(palette.NOTE_FOLD)
PAD = 8.0
FOLD = 12.0
MIN_HEIGHT = 36.0
HANDLE = 10.0  # the resize handle's side, bottom-right, on the canvas when selected
Z_NOTES = 3  # above boxes (1) and flows (0), below badges and comment marks


def note_font():
    font = style.label_font()
    font.setPointSizeF(9.0)
    return font


class NoteItem(QGraphicsItem):
    """One note. The scene gives it the note's record with :meth:`set_note`."""

    def __init__(self, note_id: str) -> None:
        super().__init__()
        self.note_id = note_id
        self.text = ""
        self.show_handle = False  # the canvas shows the resize handle on an editable map
        self._rect = QRectF(0, 0, 200, MIN_HEIGHT)
        self.setFlags(QGraphicsItem.ItemIsSelectable | QGraphicsItem.ItemIsMovable)
        self.setZValue(Z_NOTES)

    def set_note(self, note: Note) -> None:
        self.set_geometry(note.text, note.width)
        self.setPos(QPointF(note.x, note.y))

    def set_geometry(self, text: str, width: float) -> None:
        """Wrap ``text`` to ``width`` (the box grows downwards to hold every line)."""
        self.text = text
        metrics = QFontMetricsF(note_font())
        inner = QRectF(0, 0, max(width - 2 * PAD, 10.0), 1e6)
        used = metrics.boundingRect(inner, int(Qt.TextWordWrap | Qt.AlignLeft), text) \
            if text else QRectF()
        height = max(MIN_HEIGHT, used.height() + 2 * PAD)
        self.prepareGeometryChange()
        self._rect = QRectF(0, 0, width, height)
        self.update()

    @property
    def rect(self) -> QRectF:
        return self._rect

    def handle_rect(self) -> QRectF:
        r = self._rect
        return QRectF(r.right() - HANDLE, r.bottom() - HANDLE, HANDLE, HANDLE)

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-3, -3, 3, 3)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self._rect)
        return path

    def paint(self, painter: QPainter, option, widget=None) -> None:
        r = self._rect
        selected = self.isSelected()
        painter.setRenderHint(QPainter.Antialiasing, True)
        paper = QPolygonF([r.topLeft(), r.topRight() - QPointF(FOLD, 0),
                           r.topRight() + QPointF(0, FOLD), r.bottomRight(), r.bottomLeft()])
        painter.setPen(QPen(style.NHS_BLUE if selected else NOTE_BORDER,
                            2.5 if selected else 1.0))
        painter.setBrush(QBrush(NOTE_FILL))
        painter.drawPolygon(paper)
        painter.setPen(QPen(NOTE_BORDER, 1.0))
        painter.setBrush(QBrush(NOTE_FOLD))
        corner = r.topRight()
        painter.drawPolygon(QPolygonF([corner - QPointF(FOLD, 0), corner - QPointF(FOLD, -FOLD),
                                       corner + QPointF(0, FOLD)]))
        if self.text:
            painter.setPen(style.TEXT)
            painter.setFont(note_font())
            painter.drawText(r.adjusted(PAD, PAD, -PAD, -PAD),
                             int(Qt.TextWordWrap | Qt.AlignLeft | Qt.AlignTop), self.text)
        if selected and self.show_handle:
            painter.setPen(QPen(style.NHS_BLUE, 1.5))
            painter.setBrush(QBrush(QColor("white")))
            painter.drawRect(self.handle_rect())


class NoteLayer:
    """The notes of a :class:`~servicemap.render.scene.MapScene`: ``self.notes`` (id -> item)
    follows the document's ``note_added``, ``note_changed`` and ``note_removed``."""

    notes: dict[str, NoteItem]

    def _note_subscriptions(self):
        d = self.doc
        return [(d.note_added, self._on_note), (d.note_changed, self._on_note),
                (d.note_removed, self._drop_note)]

    def _build_notes(self) -> None:
        self.notes = {}
        for note_id in self.doc.notes:
            self._on_note(note_id)

    def _on_note(self, note_id: str, *_fields) -> None:
        item = self.notes.get(note_id)
        if item is None:
            item = self.notes[note_id] = NoteItem(note_id)
            self.addItem(item)
            self._stack_notes()
        item.set_note(self.doc.note(note_id))
        self._grow_rect(item)

    def _stack_notes(self) -> None:
        """Later notes are drawn over earlier ones (the document's order, kept on undo)."""
        order = {n: i for i, n in enumerate(self.doc.notes)}
        for note_id, item in self.notes.items():
            item.setZValue(Z_NOTES + order.get(note_id, 0) / (len(order) + 1))

    def _drop_note(self, note_id: str) -> None:
        item = self.notes.pop(note_id, None)
        if item is not None:
            self._forget_anchor(note_id)
            self.removeItem(item)
