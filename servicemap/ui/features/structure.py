"""Organisations, directorates and partnerships from the window: Map > Add organisation…,
Add directorate…, Add partnership… (also on the toolbar's "Structure" button and the canvas's
and the Outline's right-click menus). Each asks for what the item needs (an organisation's type
and ODS code, a directorate's organisation, a partnership's population) and is one undo step.
Services are put in them from the Inspector (Organisation / Directorate, Serves) or by
dragging rows in the Outline.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
)

from servicemap.model import ORG_TYPES, NodeKind
from servicemap.ui.api import Host

ORG_TYPE_LABELS = {"trust": "NHS trust", "icb": "Integrated care board", "council": "Council",
                   "voluntary": "Voluntary sector", "primary_care": "Primary care",
                   "police": "Police", "justice": "Justice", "other": "Other"}


@dataclass
class NewItem:
    """What the user typed in the Add dialog."""

    name: str
    fields: dict
    organisation: str | None = None   # a directorate's


class StructureDialog(QDialog):
    """Name and the fields of a new organisation, directorate or partnership; the number and
    code fields say what is wrong before OK is pressed."""

    def __init__(self, kind: NodeKind, organisations: list[tuple[str, str]], parent=None,
                 organisation: str | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        title = {NodeKind.ORGANISATION: "Add organisation", NodeKind.DIRECTORATE:
                 "Add directorate", NodeKind.PARTNERSHIP: "Add partnership"}[kind]
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.name = QLineEdit(self)
        self.name.setObjectName("structure_name")
        form.addRow("Name", self.name)
        self.org_type = self.ods = self.population = self.organisation = None
        if kind == NodeKind.ORGANISATION:
            self.org_type = QComboBox(self)
            self.org_type.setObjectName("structure_org_type")
            self.org_type.addItem("Not given", None)
            for key in ORG_TYPES:
                self.org_type.addItem(ORG_TYPE_LABELS.get(key, key), key)
            form.addRow("Type", self.org_type)
            self.ods = QLineEdit(self)
            self.ods.setObjectName("structure_ods")
            self.ods.setPlaceholderText("e.g. RXY")
            form.addRow("ODS code", self.ods)
        elif kind == NodeKind.DIRECTORATE:
            self.organisation = QComboBox(self)
            self.organisation.setObjectName("structure_organisation")
            self.organisation.addItem("None yet", None)
            for org_id, name in organisations:
                self.organisation.addItem(name, org_id)
            if organisation is not None:
                self.organisation.setCurrentIndex(max(0, self.organisation.findData(organisation)))
            elif organisations:
                self.organisation.setCurrentIndex(1)
            form.addRow("Part of", self.organisation)
        else:
            self.population = QLineEdit(self)
            self.population.setObjectName("structure_population")
            self.population.setPlaceholderText("people living in its area, e.g. 700,000")
            form.addRow("Population", self.population)
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.setWordWrap(True)
        form.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, parent=self)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.item: NewItem | None = None

    def read(self) -> NewItem:
        """What was typed; raises ValueError with a plain sentence when it cannot be used."""
        name = self.name.text().strip()
        if not name:
            raise ValueError("Give it a name.")
        fields: dict = {}
        organisation = None
        if self.kind == NodeKind.ORGANISATION:
            if self.org_type.currentData():
                fields["org_type"] = self.org_type.currentData()
            if self.ods.text().strip():
                fields["ods_code"] = self.ods.text().strip().upper()
        elif self.kind == NodeKind.DIRECTORATE:
            organisation = self.organisation.currentData()
        else:
            text = self.population.text().strip().replace(",", "").replace(" ", "")
            if text:
                try:
                    population = float(text)
                except ValueError:
                    raise ValueError("The population is a number of people, such as "
                                     "700,000.") from None
                if population < 0:
                    raise ValueError("The population cannot be below 0.")
                fields["population"] = population
        return NewItem(name, fields, organisation)

    def _accept(self) -> None:
        try:
            self.item = self.read()
        except ValueError as exc:
            self.problem.setText(str(exc))
            return
        self.accept()


class StructureFeature:
    """Add organisation / directorate / partnership, wherever a planner looks for them."""

    def __init__(self, host: Host) -> None:
        self.host = host
        add = host.add_action
        self.actions = {
            NodeKind.ORGANISATION: add(
                "map.add_organisation", "Add &organisation…",
                lambda: self.add(NodeKind.ORGANISATION), menu="map", section="structure",
                tip="Add an organisation (a trust, council, the ICB...) with its type and ODS "
                "code", enabled="edit"),
            NodeKind.DIRECTORATE: add(
                "map.add_directorate", "Add &directorate…",
                lambda: self.add(NodeKind.DIRECTORATE), menu="map", section="structure",
                tip="Add a directorate of an organisation; put services in it from the "
                "Inspector", enabled="edit"),
            NodeKind.PARTNERSHIP: add(
                "map.add_partnership", "Add &partnership…",
                lambda: self.add(NodeKind.PARTNERSHIP), menu="map", section="structure",
                tip="Add a health and care partnership with its population", enabled="edit"),
        }
        button = QToolButton(host.widget)
        button.setObjectName("structure-button")
        button.setText("Structure")
        button.setToolTip("Add an organisation, directorate or partnership")
        menu = QMenu(button)
        menu.addActions(list(self.actions.values()))
        button.setMenu(menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        host.add_toolbar_widget(button, "edit")
        self.button = button
        host.add_context_actions(self.context_actions)
        host.add_context_actions(self.outline_actions, where="outline")

    def context_actions(self, item_id: str | None) -> list:
        """On the empty canvas: the three Add entries."""
        return list(self.actions.values()) if item_id is None else []

    def outline_actions(self, item_id: str | None) -> list:
        """In the Outline: the Add entries (on an organisation, a directorate in it)."""
        doc = self.host.session.doc
        entries = list(self.actions.values())
        if item_id and doc is not None and doc.has_node(item_id) and \
                doc.node(item_id)["kind"] == NodeKind.ORGANISATION:
            act = self.host.make_action(f"Add directorate to {doc.node(item_id)['name']}…",
                                        lambda: self.add(NodeKind.DIRECTORATE, item_id))
            act.setEnabled(self.host.session.editable)
            entries.append(act)
        return entries

    # ----- questions (tests replace this) -------------------------------------------------
    def ask(self, kind: NodeKind, organisation: str | None = None) -> NewItem | None:
        doc = self.host.session.doc
        organisations = sorted(((o, doc.node(o)["name"])
                                for o in doc.nodes_of_kind(NodeKind.ORGANISATION)),
                               key=lambda pair: pair[1].casefold())
        dialog = StructureDialog(kind, organisations, self.host.widget, organisation)
        try:
            return dialog.item if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

    # ----- adding -------------------------------------------------------------------------
    def add(self, kind: NodeKind, organisation: str | None = None) -> str | None:
        """Ask, then add; the new item is selected (the Inspector shows it). Returns its id."""
        session = self.host.session
        if session.doc is None or not session.editable:
            self.host.status("This map is open read-only; changes are not allowed.")
            return None
        item = self.ask(kind, organisation)
        if item is None:
            return None
        editor = session.editor
        if kind == NodeKind.DIRECTORATE:
            node_id = editor.add_directorate(item.name, item.organisation, **item.fields)
        else:
            node_id = editor.add_node(kind, item.name, **item.fields)
        if node_id is not None:
            self.host.selection.set([node_id])
            self.host.status(f"Added {item.name}. Put services in it from the Inspector "
                             "(Organisation / Directorate, Serves).")
        return node_id
