"""Notes: free text boxes on the canvas, kept by the map beside (never in) the graph.

A note is a :class:`~servicemap.model.Note` (id, text, top-left ``x``/``y``, ``width``). The
graph, and so the analysis, validation counts, pathways and hand-offs, never sees one; the
file, the exchange formats and the pictures do. :class:`NotesMixin` gives
:class:`~servicemap.graph.document.Document` its ``notes`` (in order, drawn in that order) and
the only code that changes them: :meth:`~NotesMixin.add_note`, :meth:`~NotesMixin.update_note`
(returns the old values), :meth:`~NotesMixin.remove_note` (returns what
:meth:`~NotesMixin.restore_note` puts back where it was), each checking first and emitting one
event (``note_added``, ``note_changed``, ``note_removed``).
"""

from __future__ import annotations

import math
from dataclasses import replace

from servicemap.errors import ValidationError
from servicemap.events import Signal
from servicemap.model import NOTE_MAX_TEXT, NOTE_MAX_WIDTH, NOTE_MIN_WIDTH, Note

NOTE_EVENTS = ("note_added", "note_changed", "note_removed")
CHANGEABLE = ("text", "x", "y", "width")


def check_note(note: Note) -> Note:
    """``note`` with its numbers as floats; raises ValidationError (one sentence naming the
    note by its first words) when a field is not allowed."""
    if not isinstance(note.id, str) or not note.id.strip():
        raise ValidationError("A note needs an id.")
    if not isinstance(note.text, str):
        raise ValidationError(f"note {note.id!r}: its text must be text")
    what = f"note {note.id!r}"
    if len(note.text) > NOTE_MAX_TEXT:
        raise ValidationError(f"{what}: its text is longer than {NOTE_MAX_TEXT:,} characters")
    values = {}
    for name in ("x", "y", "width"):
        value = getattr(note, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value):
            raise ValidationError(f"{what}: {name} must be a number (got {value!r})")
        values[name] = float(value)
    if not NOTE_MIN_WIDTH <= values["width"] <= NOTE_MAX_WIDTH:
        raise ValidationError(f"{what}: width must be between {NOTE_MIN_WIDTH:g} and "
                              f"{NOTE_MAX_WIDTH:g} (got {values['width']:g})")
    return replace(note, **values)


def note_snippet(text: str, limit: int = 30) -> str:
    """A note's first words on one line (``Waits are from the March…``); "" when empty."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


def note_words(text: str, limit: int = 30) -> str:
    """A note for menus and messages: ``note “Waits are from…”`` (``empty note``)."""
    snippet = note_snippet(text, limit)
    return f"note “{snippet}”" if snippet else "empty note"


class NotesMixin:
    """The notes of a document (see the module's docstring)."""

    def _init_notes(self) -> None:
        self.notes: dict[str, Note] = {}
        self.note_added = Signal()     # (id)
        self.note_changed = Signal()   # (id, field names)
        self.note_removed = Signal()   # (id)

    def _taken(self, item_id: str) -> bool:  # the graph's and pathways' ids (Document)
        raise NotImplementedError

    def _check_new_note(self, note: Note) -> Note:
        note = check_note(note)
        if note.id in self.notes or self._taken(note.id):
            raise ValidationError(f"note {note.id!r}: id is already used")
        return note

    def has_note(self, note_id: str) -> bool:
        return note_id in self.notes

    def note(self, note_id: str) -> Note:
        try:
            return self.notes[note_id]
        except KeyError:
            raise ValidationError(f"There is no note {note_id!r} in the map.") from None

    def add_note(self, note: Note) -> str:
        """Add a note (at the end: drawn on top of the others); returns its id."""
        note = self._check_new_note(note)
        self.notes[note.id] = note
        self.note_added.emit(note.id)
        return note.id

    def update_note(self, note_id: str, changes: dict[str, object]) -> dict[str, object]:
        """Change a note's ``text``, ``x``, ``y`` or ``width``; returns the old values."""
        old_note = self.note(note_id)
        unknown = set(changes) - set(CHANGEABLE)
        if unknown:
            raise ValidationError(f"note {note_id!r}: cannot change {sorted(unknown)[0]!r}")
        new = check_note(replace(old_note, **changes))
        old = {k: getattr(old_note, k) for k in changes}
        self.notes[note_id] = new
        self.note_changed.emit(note_id, tuple(changes))
        return old

    def remove_note(self, note_id: str) -> tuple[int, Note]:
        """Remove a note; returns ``(index, note)`` for :meth:`restore_note`."""
        note = self.note(note_id)
        index = list(self.notes).index(note_id)
        del self.notes[note_id]
        self.note_removed.emit(note_id)
        return index, note

    def restore_note(self, removed: tuple[int, Note]) -> None:
        """Put back a note removed by :meth:`remove_note`, where it was in the order."""
        index, note = removed
        note = self._check_new_note(note)
        items = list(self.notes.items())
        items.insert(index, (note.id, note))
        self.notes = dict(items)
        self.note_added.emit(note.id)
