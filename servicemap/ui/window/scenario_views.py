"""Which scenario the window shows, and keeping the baseline safe while it does.

The session's ``baseline`` is the map's own document: it holds the scenarios and is what Save
and autosave write. Showing a scenario shows its view (``graph.scenarios.apply_scenario``, a
new document) with an editor of its own, so every edit (Inspector, canvas, outline, features)
goes through the editor into the view and never reaches the baseline; the scenario's change
records are then what turns the baseline into the view (``changes_between``), worked out again
whenever the baseline is wanted (:meth:`ScenarioViews.sync`: before Save, autosave, switching,
comparing). The baseline's editor is kept while a scenario is shown, so coming back to the
baseline finds its undo history; each scenario's editor (its view and undo history) is kept
for the session too, so Edit > Undo after coming back to it undoes its last edit, and is
dropped when the scenario is deleted. If the baseline has changed the scenario's view
meanwhile, the view is made again and that scenario's undo history starts again (the status
bar says so): its steps were made on the map as it was.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from servicemap.errors import ValidationError
from servicemap.graph.document import Document
from servicemap.graph.scenarios import View, apply_scenario, changes_between
from servicemap.words import plural


class ScenarioViews(QObject):
    """``changed`` fires when the scenario shown changes, or a scenario is added, renamed,
    changed or deleted."""

    changed = Signal()

    def __init__(self, window, session) -> None:
        super().__init__(window)
        self.w = window
        self.session = session
        self._followed: Document | None = None
        # the last scenario shown had undo steps, dropped as the baseline had changed it
        self.restarted = False

    # ----- state ----------------------------------------------------------------------------
    @property
    def baseline(self) -> Document | None:
        return self.session.baseline

    @property
    def active(self) -> str | None:
        """The id of the scenario shown (None: the baseline)."""
        return self.session.scenario

    def reset(self, doc: Document) -> None:
        """A new map is shown (open, new, import): it is the baseline, no scenario shown."""
        session = self.session
        kept = session.baseline_editor
        if kept is not None and kept is not session.editor:
            kept.dispose()
        for scenario_id in list(session.scenario_editors):
            self._drop_editor(scenario_id, unsaved=False)
        session.baseline, session.scenario = doc, None
        session.baseline_editor, session.scenario_edits_unsaved = None, False
        self._follow(doc)

    def _follow(self, doc: Document) -> None:
        if self._followed is not None:
            for name in ("scenario_added", "scenario_changed", "scenario_removed"):
                getattr(self._followed, name).disconnect(self._on_scenario_event)
            self._followed.scenario_removed.disconnect(self._on_removed)
        self._followed = doc
        for name in ("scenario_added", "scenario_changed", "scenario_removed"):
            getattr(doc, name).connect(self._on_scenario_event)
        doc.scenario_removed.connect(self._on_removed)
        self.changed.emit()

    def _on_scenario_event(self, *_args) -> None:
        baseline = self.session.baseline
        for scenario_id, editor in self.session.scenario_editors.items():
            if baseline is not None and scenario_id in baseline.scenarios:
                editor.scenario = baseline.scenarios[scenario_id].name  # renamed
        self.w.files.update_title()
        self.w.update_mode_bar()
        self.changed.emit()

    def _on_removed(self, scenario_id: str) -> None:
        if scenario_id == self.session.scenario:  # never leave a deleted scenario on screen
            QTimer.singleShot(0, lambda: self.show(None))
        # its undo history goes with it (the edits it held go with the scenario; undoing
        # the delete brings the scenario back, its history starting again)
        self._drop_editor(scenario_id, unsaved=False)

    def _drop_editor(self, scenario_id: str, unsaved: bool = True) -> None:
        """Forget a scenario's kept editor; ``unsaved``: its unsaved edits still count (they
        are in the scenario's records)."""
        editor = self.session.scenario_editors.pop(scenario_id, None)
        if editor is None:
            return
        if unsaved and not editor.stack.isClean():
            self.session.scenario_edits_unsaved = True
        if editor is not self.session.editor:  # the shown one goes when it is replaced
            editor.dispose()

    # ----- the baseline and the views -------------------------------------------------------
    def sync(self) -> None:
        """Write the scenario shown's edits into its change records (in the baseline)."""
        session = self.session
        if session.scenario is None or session.baseline is None:
            return
        if session.scenario not in session.baseline.scenarios:
            return
        changes = changes_between(session.baseline, session.doc)
        if changes != session.baseline.scenarios[session.scenario].changes:
            session.baseline.update_scenario(session.scenario, changes=changes)

    def map_document(self) -> Document | None:
        """The map to save: the baseline with every scenario's changes up to date."""
        self.sync()
        return self.session.baseline if self.session.baseline is not None else self.session.doc

    def view_of(self, scenario_id: str | None) -> View:
        """A scenario's view (None: the baseline itself), for reading only. Raises
        ValidationError when the scenario cannot be shown."""
        self.sync()
        baseline = self.session.baseline
        if scenario_id is None:
            return View(baseline, [])
        return apply_scenario(baseline, baseline.scenario(scenario_id))

    def show(self, scenario_id: str | None) -> str | None:
        """Show a scenario (None: the baseline); returns why not, or None."""
        from servicemap.ui.editing.editor import Editor

        session = self.session
        if session.baseline is None or scenario_id == session.scenario:
            return None
        try:
            view = self.view_of(scenario_id)
        except ValidationError as exc:
            reason = str(exc)
            self.w.show_refusal(reason)
            return reason
        restarted = False
        if scenario_id is None:
            editor = session.baseline_editor
        else:
            editor = session.scenario_editors.get(scenario_id)
            if editor is not None and not same_map(editor.doc, view.doc):
                restarted = editor.stack.count() > 0
                self._drop_editor(scenario_id)  # the baseline changed it: made again
                editor = None
            elif editor is not None and editor.doc.map_fields() != view.doc.map_fields():
                editor.doc.set_map_fields(view.doc.map_fields())  # saved: its modified date
            if editor is None:
                name = session.baseline.scenario(scenario_id).name
                editor = Editor(view.doc, self.w, editable=lambda: session.editable,
                                scenario=name)
                session.scenario_editors[scenario_id] = editor
        session.scenario = scenario_id
        self.restarted = restarted
        self.w.show_view(editor.doc, editor)
        if view.skipped:
            self.w.statusBar().showMessage(
                f"{plural(len(view.skipped), 'change')} of this scenario could not be made: "
                f"{'; '.join(view.skipped)}. They are left out of it from now on.", 15000)
        self.changed.emit()
        return None

    def mark_clean(self) -> None:
        """The map was saved: nothing shown or kept is unsaved."""
        session = self.session
        for editor in (session.editor, session.baseline_editor,
                       *session.scenario_editors.values()):
            if editor is not None:
                editor.stack.setClean()
        session.scenario_edits_unsaved = False


def same_map(kept: Document, fresh: Document) -> bool:
    """Whether a kept scenario view is the map its fresh view is: the same nodes and edges
    with the same fields, and the same pathways, notes, targets and comments (which a view
    takes from the baseline; its map fields are brought up to date in place)."""
    if changes_between(kept, fresh) or changes_between(fresh, kept):
        return False
    return all(
        [item.to_dict() for item in getattr(kept, part).values()]
        == [item.to_dict() for item in getattr(fresh, part).values()]
        for part in ("pathways", "notes", "targets", "comments"))
