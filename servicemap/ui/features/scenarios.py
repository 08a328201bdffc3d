"""Scenarios in the window: the Scenario box in the status bar (Baseline or a scenario: the
canvas, the panels and every edit follow it) and Map > New, Duplicate, Rename and Delete
scenario, each one undo step (undone from the view it was made in: a scenario made while the
baseline is shown is undone from the baseline). While a scenario is shown the window's title
and the bar over the canvas say so; its edits go into it and never into the baseline
(:mod:`servicemap.ui.window.scenario_views`). Map > Changes in this scenario lists them.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from servicemap.graph.document import new_id
from servicemap.graph.scenarios import BASELINE, Scenario, check_scenario_name, describe_change
from servicemap.ui.api import Host
from servicemap.words import plural

BASELINE_ITEM = f"{BASELINE} (the map as it is)"


class ScenariosFeature:
    def __init__(self, host: Host) -> None:
        self.host = host
        self.views = host.scenarios
        holder = QWidget(host.widget)
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(" Scenario: ", holder))
        self.box = QComboBox(holder)
        self.box.setObjectName("scenario_box")
        self.box.setToolTip("Which scenario the map shows: the baseline (the map as it is) or "
                            "a scenario, a named set of changes to it. Edits go into the one "
                            "shown.")
        self.box.setMinimumContentsLength(18)
        self.box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.box.activated.connect(self._chosen)
        row.addWidget(self.box)
        host.add_status_widget(holder)  # always in view, whatever the window's width
        editable = "edit"
        shown = lambda: self.views.active is not None  # noqa: E731
        host.add_action("map.scenario.new", "&New scenario…", self.new_scenario, menu="map",
                        section="scenarios", enabled=editable,
                        tip="Start a scenario: a named set of changes to the map, shown and "
                        "edited without changing the baseline")
        host.add_action("map.scenario.duplicate", "D&uplicate scenario…", self.duplicate,
                        menu="map", section="scenarios",
                        enabled=lambda: host.session.editable and shown(),
                        tip="A new scenario with the same changes as the one shown")
        host.add_action("map.scenario.rename", "Rena&me scenario…", self.rename, menu="map",
                        section="scenarios", enabled=lambda: host.session.editable and shown())
        host.add_action("map.scenario.delete", "Delete scenario", self.delete, menu="map",
                        section="scenarios", enabled=lambda: host.session.editable and shown(),
                        tip="Delete the scenario shown (the baseline is not changed)")
        host.add_action("map.scenario.changes", "Changes in this scenario…", self.show_changes,
                        menu="map", section="scenarios", enabled=shown)
        self.views.changed.connect(self.refresh)
        host.session.document_changed.connect(self.refresh)

    # ----- the box -----------------------------------------------------------------------
    def refresh(self) -> None:
        baseline = self.views.baseline
        self.box.blockSignals(True)
        self.box.clear()
        self.box.addItem(BASELINE_ITEM, None)
        if baseline is not None:
            for scenario in baseline.scenarios.values():
                self.box.addItem(scenario.name, scenario.id)
        index = self.box.findData(self.views.active)
        self.box.setCurrentIndex(max(index, 0))
        self.box.blockSignals(False)
        for action_id in ("map.scenario.duplicate", "map.scenario.rename",
                          "map.scenario.delete", "map.scenario.changes"):
            self.host.action(action_id).setEnabled(
                self.views.active is not None
                and (action_id == "map.scenario.changes" or self.host.session.editable))

    def _chosen(self, index: int) -> None:
        self.show(self.box.itemData(index))

    def show(self, scenario_id: str | None) -> None:
        """Show a scenario (None: the baseline), as choosing it in the box does."""
        self.views.show(scenario_id)
        self.refresh()
        name = self.host.session.scenario_name
        restarted = "; the map has changed since it was last shown, so its undo history " \
            "starts again" if name and self.views.restarted else ""
        self.host.status(f"Showing scenario “{name}”: edits go into it{restarted}" if name else
                         "Showing the baseline: the map as it is", 6000)

    # ----- questions (tests replace them) --------------------------------------------------
    def ask_name(self, title: str, current: str = "") -> str | None:
        name, ok = QInputDialog.getText(self.host.widget, title, "Name of the scenario:",
                                        QLineEdit.EchoMode.Normal, current)
        return name if ok else None

    # ----- making and changing scenarios ---------------------------------------------------
    def _names(self, except_id: str | None = None) -> list[str]:
        return [s.name for s in self.views.baseline.scenarios.values() if s.id != except_id]

    def _good_name(self, title: str, current: str, except_id: str | None = None) -> str | None:
        while True:
            name = self.ask_name(title, current)
            if name is None:
                return None
            why = check_scenario_name(name, self._names(except_id))
            if why is None:
                return name.strip()
            self.host.tell_error(why)
            current = name

    def _suggest(self, stem: str) -> str:
        names = {n.casefold() for n in self._names()}
        candidate, n = stem, 2
        while candidate.casefold() in names:
            candidate, n = f"{stem} {n}", n + 1
        return candidate

    def new_scenario(self) -> str | None:
        """Map > New scenario…: an empty scenario, then shown. Returns its id."""
        name = self._good_name("New scenario", self._suggest("Scenario"))
        return None if name is None else self._add(Scenario(new_id(), name))

    def duplicate(self) -> str | None:
        """Map > Duplicate scenario…: the scenario shown, copied (its changes too)."""
        active = self.views.active
        if active is None:
            return None
        self.views.sync()  # the changes made so far
        source = self.views.baseline.scenario(active)
        name = self._good_name("Duplicate scenario", self._suggest(f"Copy of {source.name}"))
        if name is None:
            return None
        copy = Scenario(new_id(), name, source.description, list(source.changes))
        return self._add(copy, f"Duplicate scenario “{source.name}”")

    def _add(self, scenario: Scenario, text: str | None = None) -> str | None:
        error = self.host.session.editor.add_scenario(self.views.baseline, scenario, text)
        if error:
            return None
        self.show(scenario.id)
        return scenario.id

    def rename(self) -> bool:
        active = self.views.active
        if active is None:
            return False
        current = self.views.baseline.scenario(active).name
        name = self._good_name("Rename scenario", current, active)
        if name is None:
            return False
        return self.host.session.editor.rename_scenario(self.views.baseline, active,
                                                        name) is None

    def delete(self) -> bool:
        """Delete the scenario shown: the baseline is shown, and the delete is one undo step
        there."""
        active = self.views.active
        if active is None:
            return False
        self.show(None)
        return self.host.session.editor.remove_scenario(self.views.baseline, active) is None

    # ----- the list of changes ------------------------------------------------------------
    def change_lines(self) -> list[str]:
        """The changes of the scenario shown, in words."""
        active = self.views.active
        if active is None:
            return []
        self.views.sync()
        baseline = self.views.baseline
        return [describe_change(baseline, c, self.host.session.doc)
                for c in baseline.scenario(active).changes]

    def show_changes(self) -> QDialog | None:
        lines = self.change_lines()
        if self.views.active is None:
            return None
        dialog = QDialog(self.host.widget)
        dialog.setObjectName("scenario_changes")
        name = self.host.session.scenario_name
        dialog.setWindowTitle(f"Changes in “{name}”")
        column = QVBoxLayout(dialog)
        column.addWidget(QLabel(f"{plural(len(lines), 'change')} to the baseline:", dialog))
        listing = QListWidget(dialog)
        listing.addItems(lines or ["(none yet: edit the map to make this scenario's changes)"])
        column.addWidget(listing)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.close)
        column.addWidget(buttons)
        dialog.resize(560, 380)
        dialog.show()
        return dialog
