"""Map > Targets…: the map's targets in one table, to add, change and delete.

Each row is a target: its name, the organisation that owns it, the measure, the threshold, the
date it is due, the type of service it covers, the wait a waiting-time standard counts and
notes, then its result on the map as it stands (read-only: the patient-weighted value over the
organisation's services, and whether it is met). Every change (a cell typed, a drop-down
chosen, Add target, Delete target) is one undo step through the editor; a refused value says
why in one line and the cell shows the target as it is. The Analysis dock's Targets table
shows the same results beside the other measures.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from servicemap.graph import analysis
from servicemap.graph.document import new_id
from servicemap.model import TARGET_MEASURES, Target
from servicemap.ui.api import Host
from servicemap.ui.panels.base import Panel
from servicemap.units import format_duration, parse_duration, parse_percent
from servicemap.words import plural

COLUMNS = ("name", "result", "organisation", "measure", "threshold", "due", "service_type",
           "wait_days", "notes")
HEADINGS = ("Target", "Result on this map", "Owner", "Measure", "Threshold", "Due (YYYY-MM-DD)",
            "Services of type", "Wait counted", "Notes")
TIPS = ("What the target is called.",
        "The patient-weighted value over the services in scope, and whether it is met (the "
        "tooltip lists the services left out and why).",
        "The organisation that owns it: its services, directly or through its directorates, "
        "are in scope.",
        "What is measured over the services in scope.",
        "The figure to reach: a percentage (at least), or points for the DNA gap (below).",
        "When it is due (empty: no date).",
        "Only the owner's services of this category or type (the name before a comma); empty: "
        "all of them.",
        "For a waiting-time standard: the wait it counts (such as 2 weeks); a service counts "
        "when its wait target is this wait.",
        "Where the target comes from, or anything else.")
MEASURE_LABELS = {m: words for m, (words, _) in TARGET_MEASURES.items()}


def result_text(entry: dict) -> str:
    """ "90.5% — met (5 of 5 services)", "unknown (0 of 2 services: figures unknown)"."""
    met = {None: "unknown", True: "met", False: "not met"}[entry["meets"]]
    counted = f"{entry['services_counted']} of {plural(len(entry['services']), 'service')}"
    if entry["value"] is None:
        return f"unknown ({counted} counted)"
    value = (f"{entry['value']:.1f} points" if entry["unit"] == "points"
             else f"{entry['value']:.1f}%")
    return f"{value}: {met} ({counted} counted)"


class TargetsPanel(Panel):
    """The table of targets, following the open map."""

    debounce_ms = 150

    def __init__(self, host: Host, parent=None) -> None:
        super().__init__(parent)
        self.host = host
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("targets_table")
        self.table.setHorizontalHeaderLabels(HEADINGS)
        for i, tip in enumerate(TIPS):
            self.table.horizontalHeaderItem(i).setToolTip(tip)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        for column, width in enumerate((260, 250, 230, 220, 80, 120, 150, 100, 300)):
            self.table.setColumnWidth(column, width)
        self.table.itemChanged.connect(self._item_changed)
        self.add_button = QPushButton("&Add target", self)
        self.add_button.setObjectName("targets_add")
        self.add_button.clicked.connect(self.add_target)
        self.delete_button = QPushButton("&Delete target", self)
        self.delete_button.setObjectName("targets_delete")
        self.delete_button.clicked.connect(self.delete_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.ids: list[str] = []
        self._filling = False

    # ----- showing ----------------------------------------------------------------------
    def on_event(self, name: str, *args) -> bool:
        """Moves and review comments change no target's result: nothing to redo."""
        return name == "nodes_moved" or name.startswith("comment_") or name.startswith("note_")

    def refresh_due(self) -> None:
        """Measured again only while the window is open (:meth:`TargetsFeature.show` refreshes
        when it opens)."""
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        doc = self.doc
        self._filling = True
        try:
            self.ids = list(doc.targets) if doc is not None else []
            results = {e["id"]: e for e in analysis.targets(doc)["list"]} if self.ids else {}
            organisations = sorted(((doc.node(o)["name"], o) for o in doc.organisation_ids()),
                                   key=lambda p: p[0].casefold()) if doc is not None else []
            self.table.setRowCount(len(self.ids))
            for row, target_id in enumerate(self.ids):
                self._fill_row(row, doc.target(target_id), results[target_id], organisations)
            self.table.resizeRowsToContents()
        finally:
            self._filling = False
        editable = self.host.session.editable and doc is not None
        triggers = QAbstractItemView.EditTrigger
        self.table.setEditTriggers(triggers.DoubleClicked | triggers.EditKeyPressed
                                   | triggers.AnyKeyPressed if editable
                                   else triggers.NoEditTriggers)
        self.add_button.setEnabled(editable and bool(doc and doc.organisation_ids()))
        self.delete_button.setEnabled(editable and bool(self.ids))

    def _fill_row(self, row: int, target: Target, entry: dict, organisations) -> None:
        texts = {"name": target.name, "threshold": f"{target.threshold:g}", "due": target.due,
                 "service_type": target.service_type, "notes": target.notes,
                 "wait_days": "" if target.wait_days is None else
                 format_duration(target.wait_days), "result": result_text(entry)}
        for column, name in enumerate(COLUMNS):
            if name in ("organisation", "measure"):
                self.table.setCellWidget(row, column, self._combo(target, name, organisations))
                continue
            item = QTableWidgetItem(texts[name])
            if name == "result":
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setToolTip("; ".join(f"{u['name']}: {u['reason']}"
                                          for u in entry["unknown"]) or "Every service counted.")
            self.table.setItem(row, column, item)

    def _combo(self, target: Target, name: str, organisations) -> QComboBox:
        box = QComboBox(self.table)
        box.setObjectName(f"target_{name}")
        choices = organisations if name == "organisation" else \
            [(words, m) for m, words in MEASURE_LABELS.items()]
        for label, value in choices:
            box.addItem(label, value)
        box.setCurrentIndex(max(0, box.findData(getattr(target, name))))
        box.setEnabled(self.host.session.editable)
        box.currentIndexChanged.connect(
            lambda _i, t=target.id, b=box, n=name: self.change(t, {n: b.currentData()}))
        return box

    # ----- editing ----------------------------------------------------------------------
    def change(self, target_id: str, changes: dict) -> str | None:
        """One change to a target through the editor (one undo step); why not, or None."""
        if self._filling:
            return None
        error = self.host.session.editor.update_target(target_id, changes)
        self.say(error)
        self.schedule()  # a refused value: show the target as it is again
        return error

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        name, target_id = COLUMNS[item.column()], self.ids[item.row()]
        text = item.text()
        try:
            value = self.parse(name, text)
        except ValueError as exc:
            self.say(f"{HEADINGS[item.column()].split(' (')[0]} {exc}.")
            self.schedule()
            return
        self.change(target_id, {name: value})

    @staticmethod
    def parse(name: str, text: str) -> object:
        """A typed cell as the target's value; raises ValueError("must be ...")."""
        if name == "threshold":
            value = parse_percent(text.replace("points", "").replace("point", ""))
            if value is None:
                raise ValueError("must not be empty")
            return value
        if name == "wait_days":
            return parse_duration(text)[0]
        return text.strip() if name in ("name", "due", "service_type") else text

    def say(self, error: str | None) -> None:
        self.show_error(error)

    def add_target(self) -> str | None:
        """A new target owned by the first organisation, as one undo step; its id."""
        doc = self.doc
        if doc is None or not doc.organisation_ids():
            return None
        owner = min(doc.organisation_ids(), key=lambda o: doc.node(o)["name"].casefold())
        target = Target(new_id(), "New target", owner, "patients_within_wait_target", 80)
        target_id = self.host.session.editor.add_target(target)
        self.refresh()
        if target_id in self.ids:
            self.table.setCurrentCell(self.ids.index(target_id), 0)
        return target_id

    def delete_selected(self) -> str | None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.ids):
            return None
        error = self.host.session.editor.remove_target(self.ids[row])
        self.say(error)
        self.refresh()
        return error


class TargetsDialog(QDialog):
    """Map > Targets…: the table in a window of its own (not modal: the map stays usable)."""

    def __init__(self, host: Host) -> None:
        super().__init__(host.widget)
        self.setWindowTitle("Targets")
        self.panel = TargetsPanel(host, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        close = QPushButton("Close", self)
        close.setAutoDefault(False)  # Return ends typing in a cell, never closes the window
        close.clicked.connect(self.close)
        layout.addWidget(close, alignment=Qt.AlignmentFlag.AlignRight)
        self.resize(1300, 380)


class TargetsFeature:
    """Map > Targets… (see the module's docstring)."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.dialog: TargetsDialog | None = None
        self.action = host.add_action(
            "map.targets", "&Targets…", self.show, menu="map", section="more",
            tip="The map's targets: add, change or delete them, and see each one's result",
            enabled="document")
        host.session.document_changed.connect(self._document_changed)
        host.session.mode_changed.connect(lambda _mode: self._document_changed())

    def _document_changed(self) -> None:
        if self.dialog is not None:
            self.dialog.panel.follow(self.host.session.doc)
            self.dialog.panel.refresh()

    def show(self) -> TargetsDialog:
        if self.dialog is None:
            self.dialog = TargetsDialog(self.host)
        self.dialog.panel.follow(self.host.session.doc)
        self.dialog.panel.refresh()
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog
