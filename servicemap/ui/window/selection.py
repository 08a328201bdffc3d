"""What the user has selected, shared by the canvas, the outline and the inspector.

Each view sets it when the user selects there and follows it when it changes elsewhere, so
selecting in one place selects in all of them. Ids are node, edge or pathway ids.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Selection(QObject):
    # the selected ids, in the order they were selected: a Python list passed as it is
    # (``Signal(list)`` would copy 30,000 ids through a QVariantList for every receiver)
    changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids: list[str] = []

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    def __len__(self) -> int:
        """How many ids are selected (without copying them, as :attr:`ids` does)."""
        return len(self._ids)

    def set(self, ids) -> None:
        ids = list(dict.fromkeys(ids))
        if ids != self._ids:
            self._ids = ids
            self.changed.emit(list(ids))

    def discard(self, item_id: str) -> None:
        if item_id in self._ids:
            self.set([i for i in self._ids if i != item_id])
