"""The canvas on a map that may not be changed (read-only or in review): boxes cannot be
dragged and Shift+drag draws no flow. Selecting, panning and menus still work."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QGraphicsItem


class ReadOnlyGuard(QObject):
    """An event filter on the canvas scene that swallows the gestures that would change the
    map while ``editable()`` is False; ``say(message)`` tells the user why."""

    def __init__(self, editable, say, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._editable = editable
        self._say = say
        self._pressed_on_node = False

    def eventFilter(self, scene, event) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.GraphicsSceneMousePress:
            self._pressed_on_node = False
            if self._editable():
                return False
            node = scene.node_at(event.scenePos())
            scene.connect_from = None  # no flow is being drawn on a read-only map
            if node is not None and event.button() == Qt.MouseButton.LeftButton:
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self._say("This map is open read-only: flows cannot be drawn.")
                    return True
                self._pressed_on_node = True
        elif kind == QEvent.Type.GraphicsSceneMouseMove:
            if self._pressed_on_node and not self._editable() and \
                    event.buttons() & Qt.MouseButton.LeftButton:
                return True
        elif kind == QEvent.Type.GraphicsSceneMouseRelease:
            self._pressed_on_node = False
        return False


def set_movable(scene, movable: bool) -> None:
    """Let the boxes and notes of ``scene`` be dragged (and notes resized), or not."""
    flag = QGraphicsItem.GraphicsItemFlag.ItemIsMovable
    for item in scene.nodes.values():
        if bool(item.flags() & flag) != movable:  # a new map's boxes are movable already:
            item.setFlag(flag, movable)  # setting it again costs 15 µs a box (itemChange)
    for note in scene.notes.values():
        note.setFlag(note.GraphicsItemFlag.ItemIsMovable, movable)
        note.show_handle = movable
        note.update()
