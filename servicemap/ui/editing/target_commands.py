"""Undo commands for targets: each calls one document mutator of
:mod:`servicemap.graph.targets` and its inverse, nothing else."""

from __future__ import annotations

from servicemap.model import Target
from servicemap.ui.editing.commands import DocumentCommand


class AddTarget(DocumentCommand):
    def __init__(self, document, target: Target, text: str) -> None:
        super().__init__(document, text)
        self.target = target

    def do(self) -> None:
        self.doc.add_target(self.target)

    def undo_it(self) -> None:
        self.doc.remove_target(self.target.id)


class UpdateTarget(DocumentCommand):
    """Change a target's fields (its name, owner, measure, threshold, ...)."""

    def __init__(self, document, target_id: str, changes: dict, text: str) -> None:
        super().__init__(document, text)
        self.target_id, self.changes, self.old = target_id, dict(changes), {}

    def do(self) -> None:
        self.old = self.doc.update_target(self.target_id, self.changes)

    def undo_it(self) -> None:
        self.doc.update_target(self.target_id, self.old)


class RemoveTarget(DocumentCommand):
    def __init__(self, document, target_id: str, text: str) -> None:
        super().__init__(document, text)
        self.target_id = target_id
        self.removed: tuple[int, Target] | None = None

    def do(self) -> None:
        self.removed = self.doc.remove_target(self.target_id)

    def undo_it(self) -> None:
        self.doc.restore_target(self.removed)
