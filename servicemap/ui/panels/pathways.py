"""The Pathways dock: the map's named routes, and the steps of the one selected.

Choosing a pathway emits :attr:`PathwaysPanel.pathway_selected` so the canvas can highlight it.
Its steps are listed in order, each marked when no flow joins it to the next step (a warning,
not an error: the planner may be sketching a new route). New, Rename and Delete go through the
:class:`Editor`, so each is one undo step; so does each change to the chosen pathway's source,
as-of date and verified tick (:mod:`servicemap.ui.panels.pathway_facts`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from servicemap.graph.pathways import pathways_through, step_flows
from servicemap.graph.rules import STEP_KINDS, check_join
from servicemap.model import EdgeKind, FlowType
from servicemap.ui.panels.base import Panel
from servicemap.ui.panels.pathway_facts import PathwayFacts
from servicemap.words import plural

ID_ROLE = Qt.ItemDataRole.UserRole
NO_FLOW = "⚠ no flow to next step"


class PathwaysPanel(Panel):
    """A list of pathways, the selected one's steps, and buttons to add, rename and delete."""

    pathway_selected = Signal(object)  # the selected pathway's id, or None

    def __init__(self, document, editor, selection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc, self.editor, self.selection = document, editor, selection
        self._current: str | None = None
        self._rebuilding = False

        self.list = QListWidget(self)
        self.list.setObjectName("pathway_list")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.steps = QListWidget(self)
        self.steps.setObjectName("pathway_steps")
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.steps_label = QLabel("Steps", self)
        self.new_button = self._button("New from selection", "pathway_new",
                                       "Make a pathway of the selected access points, services "
                                       "and exits, in the order they were selected",
                                       self.new_from_selection)
        self.rename_button = self._button("Rename…", "pathway_rename",
                                          "Rename the selected pathway", self.rename_selected)
        self.delete_button = self._button("Delete", "pathway_delete",
                                          "Delete the selected pathway (undoable)",
                                          self.delete_selected)
        self.describe_button = self._button("Describe…", "pathway_describe",
                                            "Edit the pathway's description",
                                            self.describe_selected)
        self.record_button = self._button("Record steps on map", "pathway_record",
                                          "While on, each box you click on the map is added "
                                          "as the next step", self._toggle_record)
        self.record_button.setCheckable(True)
        self.insert_button = self._button("Insert selected", "step_insert",
                                          "Insert the nodes selected on the map after the "
                                          "chosen step (or at the end)", self.insert_selected)
        self.remove_step_button = self._button("Remove step", "step_remove",
                                               "Remove the chosen step", self.remove_step)
        self.up_button = self._button("Up", "step_up", "Move the chosen step earlier",
                                      lambda: self.move_step(-1))
        self.down_button = self._button("Down", "step_down", "Move the chosen step later",
                                        lambda: self.move_step(1))
        self.fix_button = self._button("Add the missing flows", "pathway_fix",
                                       "Add a referral flow wherever two steps are not joined "
                                       "(one undo step)", self.add_missing_flows)
        self.error.setObjectName("pathway_error")
        self.facts = PathwayFacts(editor, self.show_error, self)

        buttons = QHBoxLayout()
        for button in (self.new_button, self.rename_button, self.delete_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 2)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        more = QHBoxLayout()
        more.addWidget(self.describe_button)
        more.addWidget(self.record_button)
        layout.addLayout(more)
        layout.addWidget(self.facts)
        self.feature_buttons = QHBoxLayout()  # features' actions (add_action_button)
        layout.addLayout(self.feature_buttons)
        layout.addWidget(self.steps_label)
        layout.addWidget(self.steps, 3)
        step_buttons = QHBoxLayout()
        for button in (self.insert_button, self.remove_step_button, self.up_button,
                       self.down_button):
            step_buttons.addWidget(button)
        layout.addLayout(step_buttons)
        layout.addWidget(self.fix_button)
        self.connect_to(self.selection.changed, self._on_selection_for_record)
        self.steps.itemSelectionChanged.connect(self._update_buttons)

        # Flows added or removed change only the steps' "no flow" marks: their own refresh.
        self._steps_timer = QTimer(self)
        self._steps_timer.setSingleShot(True)
        self._steps_timer.setInterval(0)
        self._steps_timer.timeout.connect(self._refresh_steps)

        self.list.itemSelectionChanged.connect(self._on_list_selection)
        self.follow(document)
        self._refresh_list()

    def on_event(self, name: str, *args) -> bool:
        if name in ("pathway_added", "pathway_removed", "pathway_changed"):
            return False  # refresh the list
        if name == "node_changed":
            node_id, fields = args
            return not ("name" in fields and pathways_through(self.doc, node_id))
        if name in ("edge_added", "edge_removed"):
            self._steps_timer.start()
        return True  # nothing else is shown here

    def refresh(self) -> None:
        self._refresh_list()

    def add_action_button(self, action) -> QToolButton:
        """A button that triggers a feature's ``action`` (its text, tip and enabled state)."""
        button = QToolButton(self)
        button.setObjectName(action.objectName())
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.feature_buttons.addWidget(button)
        return button

    def _button(self, text: str, name: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    # ----- reading ------------------------------------------------------------------------
    @property
    def current_pathway(self) -> str | None:
        """The id of the selected pathway, or None."""
        return self._current

    def select_pathway(self, pathway_id: str | None) -> None:
        """Select a pathway by id (None clears the selection)."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(ID_ROLE) == pathway_id:
                self.list.setCurrentItem(item)
                return
        self.list.clearSelection()

    def step_lines(self, pathway_id: str) -> list[str]:
        """The numbered step texts, with a warning where no flow joins a step to the next."""
        steps = self.doc.pathways[pathway_id].steps
        flows = step_flows(self.doc, pathway_id)
        lines = []
        for number, step in enumerate(steps, start=1):
            line = f"{number}. {self._name(step)}"
            if number < len(steps) and flows[number - 1] is None:
                line += f"  {NO_FLOW}"
            lines.append(line)
        return lines

    def _name(self, node_id: str) -> str:
        return self.doc.node(node_id)["name"] if self.doc.has_node(node_id) else node_id

    # ----- following the document ---------------------------------------------------------
    def _refresh_list(self, *_args) -> None:
        """Rebuild the list (pathways are few), keeping the selected one if it still exists."""
        self._refresh_timer.stop()
        self._rebuilding = True
        try:
            self.list.clear()
            for pathway in self.doc.pathways.values():
                item = QListWidgetItem(pathway.name)
                item.setData(ID_ROLE, pathway.id)
                tip = [pathway.name]
                if pathway.description:
                    tip.append(pathway.description)
                tip += [" → ".join(self._name(s) for s in pathway.steps) or "(no steps yet)"]
                if pathway.source or pathway.as_of:
                    tip.append(f"Source: {pathway.source or 'not recorded'}"
                               + (f", as of {pathway.as_of}" if pathway.as_of else "")
                               + (" (verified)" if pathway.verified else ""))
                item.setToolTip("\n".join(tip))
                self.list.addItem(item)
                if pathway.id == self._current:
                    self.list.setCurrentItem(item)
        finally:
            self._rebuilding = False
        self._on_list_selection()

    def _on_list_selection(self) -> None:
        if self._rebuilding:
            return
        items = self.list.selectedItems()
        current = items[0].data(ID_ROLE) if items else None
        changed = current != self._current
        self._current = current
        if changed and self.record_button.isChecked():
            self.record_button.setChecked(False)
        self._refresh_steps()
        if changed:
            self.pathway_selected.emit(current)

    def mode_changed(self) -> None:
        """Follow the session's mode: no editing buttons on a map that may not be changed."""
        self._update_buttons()

    def _update_buttons(self) -> None:
        editable = self.editor.editable
        has = self._current is not None and self._current in self.doc.pathways
        row = self.steps.currentRow() if self.steps.selectedItems() else -1
        count = len(self.doc.pathways[self._current].steps) if has else 0
        self.new_button.setEnabled(editable)
        for button in (self.rename_button, self.delete_button, self.describe_button,
                       self.record_button, self.insert_button):
            button.setEnabled(editable and has)
        self.remove_step_button.setEnabled(editable and 0 <= row < count)
        self.up_button.setEnabled(editable and 0 < row < count)
        self.down_button.setEnabled(editable and 0 <= row < count - 1)
        missing = self.missing_flows(self._current) if has else []
        self.fix_button.setEnabled(editable and bool(missing))
        self.fix_button.setToolTip(
            "This map is open read-only; flows cannot be added." if not editable else
            "Choose a pathway first." if not has else
            "Every step is already joined to the next by a flow." if not missing else
            f"Add a referral flow for each of the {len(missing)} unjoined pairs of steps "
            "(you see the list first; one undo step)")

    def _refresh_steps(self, *_args) -> None:
        self._steps_timer.stop()
        keep_row = self.steps.currentRow()
        self.steps.clear()
        self._update_buttons()
        pathway = self.doc.pathways.get(self._current) if self._current is not None else None
        self.facts.show_pathway(pathway, self.editor.editable)
        if pathway is None:
            self.steps_label.setText("Steps")
            return
        self.steps_label.setText(f"Steps of “{pathway.name}”")
        lines = self.step_lines(self._current)
        for line in lines or ["(no steps yet)"]:
            item = QListWidgetItem(line)
            if NO_FLOW in line:
                item.setToolTip("No flow joins this step to the next one. Add a flow on the "
                                "map, or check the order of the steps.")
            self.steps.addItem(item)
        if 0 <= keep_row < len(lines):
            self.steps.setCurrentRow(keep_row)
        self._update_buttons()

    # ----- actions ------------------------------------------------------------------------
    def ask_name(self, title: str, text: str) -> str | None:
        """Ask for a pathway name; None when cancelled. (Tests replace this.)"""
        name, ok = QInputDialog.getText(self, title, "Pathway name:", QLineEdit.EchoMode.Normal,
                                        text)
        return name if ok else None

    def new_from_selection(self) -> str | None:
        """Make a pathway of the selected step nodes in selection order; returns its id."""
        steps = [i for i in self.selection.ids
                 if self.doc.has_node(i) and self.doc.node(i)["kind"] in STEP_KINDS]
        name = self.ask_name("New pathway", f"Pathway {len(self.doc.pathways) + 1}")
        if name is None:
            return None
        refusals: list[str] = []

        def note(reason: str) -> None:
            refusals.append(reason)

        self.editor.refused.connect(note)
        try:
            pathway_id = self.editor.add_pathway(name, steps)
        finally:
            self.editor.refused.disconnect(note)
        self.show_error(refusals[0] if refusals else None)
        if pathway_id is not None:
            self._refresh_list()
            self.select_pathway(pathway_id)
            if not steps:  # an empty pathway: the next boxes clicked on the map are its steps
                self.record_button.setChecked(True)
                self._toggle_record(True)
        return pathway_id

    def rename_selected(self) -> None:
        if self._current is None:
            return
        name = self.ask_name("Rename pathway", self.doc.pathways[self._current].name)
        if name is not None and name.strip() != self.doc.pathways[self._current].name:
            self.show_error(self.editor.update_pathway(self._current, name=name))

    def delete_selected(self) -> None:
        if self._current is not None:
            self.show_error(self.editor.remove_pathway(self._current))

    # ----- step editing (each change is one undo step) ------------------------------------
    def _set_steps(self, steps: list[str], row: int | None = None) -> None:
        self.show_error(self.editor.update_pathway(self._current, steps=steps))
        self._refresh_steps()
        if row is not None and 0 <= row < self.steps.count():
            self.steps.setCurrentRow(row)

    def _chosen_row(self) -> int:
        return self.steps.currentRow() if self.steps.selectedItems() else -1

    def insert_selected(self) -> None:
        """Insert the step nodes selected on the map after the chosen step (or at the end)."""
        if self._current is None:
            return
        new = [i for i in self.selection.ids
               if self.doc.has_node(i) and self.doc.node(i)["kind"] in STEP_KINDS]
        if not new:
            self.show_error("Select access points, services or exits on the map first.")
            return
        steps = list(self.doc.pathways[self._current].steps)
        row = self._chosen_row()
        at = len(steps) if row < 0 else row + 1
        steps[at:at] = new
        self._set_steps(steps, at + len(new) - 1)

    def remove_step(self) -> None:
        row = self._chosen_row()
        if self._current is None or row < 0:
            return
        steps = list(self.doc.pathways[self._current].steps)
        del steps[row]
        self._set_steps(steps, min(row, len(steps) - 1))

    def move_step(self, delta: int) -> None:
        row = self._chosen_row()
        if self._current is None or row < 0:
            return
        steps = list(self.doc.pathways[self._current].steps)
        other = row + delta
        if not 0 <= other < len(steps):
            return
        steps[row], steps[other] = steps[other], steps[row]
        self._set_steps(steps, other)

    def describe_selected(self) -> None:
        if self._current is None:
            return
        text = self.ask_description(self.doc.pathways[self._current].description)
        if text is not None and text != self.doc.pathways[self._current].description:
            self.show_error(self.editor.update_pathway(self._current, description=text))

    def ask_description(self, text: str) -> str | None:
        """Ask for a description; None when cancelled. (Tests replace this.)"""
        value, ok = QInputDialog.getMultiLineText(self, "Describe pathway", "Description:", text)
        return value if ok else None

    def _toggle_record(self, on: bool) -> None:
        if on and self._current is None:
            self.record_button.setChecked(False)
            return
        self.record_button.setText("Stop recording" if on else "Record steps on map")

    def _on_selection_for_record(self, ids) -> None:
        """While recording, a single box clicked on the map becomes the next step."""
        if not self.record_button.isChecked() or self._current not in self.doc.pathways \
                or len(ids) != 1 or not self.doc.has_node(ids[0]) \
                or self.doc.node(ids[0])["kind"] not in STEP_KINDS:
            return
        steps = list(self.doc.pathways[self._current].steps)
        if steps and steps[-1] == ids[0]:
            return
        self._set_steps(steps + [ids[0]], len(steps))

    def missing_flows(self, pathway_id: str) -> list[tuple[str, str]]:
        """Consecutive steps with no flow between them that a flow may join."""
        steps = self.doc.pathways[pathway_id].steps
        pairs = []
        for a, b, flow in zip(steps, steps[1:], step_flows(self.doc, pathway_id), strict=False):
            if a == b or flow is not None or (a, b) in pairs:
                continue
            if check_join(EdgeKind.FLOW, self.doc.node(a)["kind"], self.doc.node(b)["kind"]):
                continue
            pairs.append((a, b))
        return pairs

    def confirm_flows(self, lines: list[str]) -> bool:
        """Show the referral flows about to be added; True to add them. (Tests replace this.)"""
        from servicemap.ui.dialogs import ask

        count = plural(len(lines), "referral flow")
        answer = ask(self, "Add the missing flows",
                     f"Add {count} (one undo step)?\n\n" + "\n".join(lines),
                     QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
                     QMessageBox.StandardButton.Ok)
        return answer == QMessageBox.StandardButton.Ok

    def add_missing_flows(self) -> int:
        """Join every unjoined pair of steps with a referral flow, as one undo step."""
        if self._current is None:
            return 0
        pairs = self.missing_flows(self._current)
        if not pairs:
            return 0
        lines = [f"{self._name(a)} → {self._name(b)}" for a, b in pairs]
        if not self.confirm_flows(lines):
            return 0
        text = f"Add {plural(len(pairs), 'missing flow')}"
        with self.editor.transaction(text) as tx:
            for a, b in pairs:
                self.editor.add_flow(a, b, str(FlowType.REFERRAL))
        self._refresh_steps()
        if not tx.ok:
            self.show_error(f"No flows were added: {tx.error}")
            return 0
        return len(pairs)
