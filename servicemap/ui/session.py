"""What the window has open: the document, its editor (undo stack), its canvas scene, the file
it came from and the one mode that says what may change.

The session is the only owner of the mode. Everything that behaves differently on a map that
cannot be changed (actions, panels, the canvas, the editor, saving, the title) asks the
session or follows :attr:`Session.mode_changed`; nothing keeps a read-only flag of its own.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from servicemap.graph.document import Document


class Mode(StrEnum):
    EDIT = "edit"            # the planner's own map: every edit allowed
    READ_ONLY = "read_only"  # someone else holds the map's lock: look, export, no edits
    REVIEW = "review"        # opened for review: no edits to the map, comments allowed


class Session(QObject):
    """The open map. ``document_changed`` fires after a new document is shown (its editor and
    scene are new too); ``mode_changed(mode)`` whenever the mode changes, including with a new
    document."""

    document_changed = Signal()
    mode_changed = Signal(str)
    containers_changed = Signal()  # containers_by or container_marker changed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc: Document | None = None
        self.editor = None   # servicemap.ui.editing.editor.Editor
        self.scene = None    # servicemap.ui.canvas scene of the document
        self.path: Path | None = None
        self.name = "Untitled map"
        self._mode = Mode.EDIT
        # The grouping whose containers the canvas shows ("directorate", "partnership",
        # "organisation") or None; exports of the window's map follow it.
        self.containers_by: str | None = None
        # What marks the containers, if anything (an overlay: the rates on partnership
        # containers): a servicemap.render.containers.Marker, or None.
        self.container_marker = None
        # The overlay the canvas shows (a key of servicemap.graph.measures.MEASURES) or None;
        # exported pictures of the window's map draw it too.
        self.overlay: str | None = None
        # The unit ("hours", "days", "weeks") the user chose for each wait or target field,
        # by field name: kept while the window is open, for every map, never saved in a file.
        self.units: dict[str, str] = {}
        # Scenarios (servicemap.ui.window.scenario_views): the map's own document, which holds
        # the scenarios and is what Save writes; the scenario shown (its id; None: the
        # baseline, and then ``doc is baseline``); the baseline's editor, kept while a
        # scenario is shown so its undo history and unsaved state stay; each scenario's
        # editor (its view and undo stack) by id, kept for the session once it has been
        # shown; and whether a scenario shown before has unsaved changes whose undo stack
        # is gone.
        self.baseline: Document | None = None
        self.scenario: str | None = None
        self.baseline_editor = None
        self.scenario_editors: dict = {}
        self.scenario_edits_unsaved = False

    def set_containers_by(self, by: str | None) -> None:
        self.containers_by = by
        self.containers_changed.emit()

    def set_container_marker(self, marker) -> None:
        """Mark the canvas's containers with ``marker`` (None: plain containers)."""
        self.container_marker = marker
        self.containers_changed.emit()

    @property
    def mode(self) -> Mode:
        return self._mode

    @property
    def editable(self) -> bool:
        """True when the map itself may be changed (not read-only, not in review)."""
        return self._mode == Mode.EDIT

    @property
    def dirty(self) -> bool:
        """Unsaved changes: in the undo stack shown, the baseline's (while a scenario is shown)
        or a scenario shown before."""
        kept = [self.baseline_editor, *self.scenario_editors.values()]
        return (self.editor is not None and not self.editor.stack.isClean()) \
            or any(e is not None and e is not self.editor and not e.stack.isClean()
                   for e in kept) \
            or self.scenario_edits_unsaved

    def keeps(self, editor) -> bool:
        """Whether ``editor`` outlives being shown (the baseline's, or a scenario's)."""
        return editor is self.baseline_editor or any(
            editor is e for e in self.scenario_editors.values())

    @property
    def scenario_name(self) -> str | None:
        """The name of the scenario shown, or None for the baseline."""
        if self.scenario is None or self.baseline is None \
                or self.scenario not in self.baseline.scenarios:
            return None
        return self.baseline.scenarios[self.scenario].name

    def set_mode(self, mode: Mode | str) -> None:
        mode = Mode(mode)
        if mode != self._mode:
            self._mode = mode
            self.mode_changed.emit(str(mode))
