"""Undo commands for notes: each calls one document mutator of
:mod:`servicemap.graph.notes` and its inverse, nothing else."""

from __future__ import annotations

from servicemap.model import Note
from servicemap.ui.editing.commands import DocumentCommand


class AddNote(DocumentCommand):
    def __init__(self, document, note: Note, text: str) -> None:
        super().__init__(document, text)
        self.note = note

    def do(self) -> None:
        self.doc.add_note(self.note)

    def undo_it(self) -> None:
        self.doc.remove_note(self.note.id)


class UpdateNote(DocumentCommand):
    """Change a note's text, position or width."""

    def __init__(self, document, note_id: str, changes: dict, text: str) -> None:
        super().__init__(document, text)
        self.note_id, self.changes, self.old = note_id, dict(changes), {}

    def do(self) -> None:
        self.old = self.doc.update_note(self.note_id, self.changes)

    def undo_it(self) -> None:
        self.doc.update_note(self.note_id, self.old)


class RemoveNote(DocumentCommand):
    def __init__(self, document, note_id: str, text: str) -> None:
        super().__init__(document, text)
        self.note_id = note_id
        self.removed: tuple[int, Note] | None = None

    def do(self) -> None:
        self.removed = self.doc.remove_note(self.note_id)

    def undo_it(self) -> None:
        self.doc.restore_note(self.removed)
