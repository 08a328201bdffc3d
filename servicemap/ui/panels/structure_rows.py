"""The Inspector's structure rows: where a node sits (Organisation / Directorate) and which
partnerships it serves. Each change is one undo step through the editor; the canvas recolours
the box from the document's events.

* a service: **Organisation / Directorate**, one drop-down listing each organisation with its
  directorates under it, "None" and "New directorate…"; **Serves**, a tick list of partnerships;
* a directorate: its **Organisation** and **Serves**;
* an access point or exit: an optional **Organisation** (an emergency department belongs to its
  acute trust).
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QListWidget, QListWidgetItem

from servicemap.model import NodeKind
from servicemap.ui.panels.base import ERROR_STYLE

NONE, NEW = "", "\x00new"
ID_ROLE = Qt.ItemDataRole.UserRole
PARENT_TITLES = {NodeKind.SERVICE: "Organisation / Directorate",
                 NodeKind.DIRECTORATE: "Organisation", NodeKind.ACCESS_POINT: "Organisation",
                 NodeKind.EXIT: "Organisation"}
SERVES = frozenset({NodeKind.SERVICE, NodeKind.DIRECTORATE})


def _by_name(doc, kind) -> list[str]:
    return sorted(doc.nodes_of_kind(kind), key=lambda n: doc.node(n)["name"].casefold())


class StructureRows:
    """Adds the rows for ``node_id`` to ``layout``; :meth:`refresh` shows the document's
    state. ``ask_new_directorate(organisations)`` returns (name, organisation id) or None."""

    def __init__(self, doc, editor, node_id: str, layout: QFormLayout, editable: bool,
                 ask_new_directorate) -> None:
        self.doc, self.editor, self.node_id = doc, editor, node_id
        self.kind = NodeKind(doc.node(node_id)["kind"])
        self.ask_new_directorate = ask_new_directorate
        self.parent_box: QComboBox | None = None
        self.serves_list: QListWidget | None = None
        self.error = QLabel()
        self.error.setObjectName("error_structure")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.hide()
        if self.kind in PARENT_TITLES:
            box = self.parent_box = QComboBox()
            box.setObjectName("field_parent")
            box.setAccessibleName(PARENT_TITLES[self.kind])
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(8)
            box.setEnabled(editable)
            box.activated.connect(self._parent_chosen)
            label = QLabel(PARENT_TITLES[self.kind])
            label.setBuddy(box)
            layout.addRow(label, box)
        if self.kind in SERVES:
            serves = self.serves_list = QListWidget()
            serves.setObjectName("field_serves")
            serves.setAccessibleName("Serves")
            serves.setMaximumHeight(110)
            serves.setEnabled(editable)
            serves.itemChanged.connect(self._serves_changed)
            label = QLabel("Serves")
            label.setBuddy(serves)
            layout.addRow(label, serves)
        layout.addRow(self.error)
        self.refresh()

    # ----- showing ----------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.doc.has_node(self.node_id):
            return
        if self.parent_box is not None:
            self._fill_parents()
        if self.serves_list is not None:
            self._fill_serves()

    def _fill_parents(self) -> None:
        doc, box = self.doc, self.parent_box
        current = doc.parent(self.node_id) or NONE
        with QSignalBlocker(box):
            box.clear()
            box.addItem("None", NONE)
            for org in _by_name(doc, NodeKind.ORGANISATION):
                box.addItem(doc.node(org)["name"], org)
                if self.kind != NodeKind.SERVICE:
                    continue
                for directorate in _by_name(doc, NodeKind.DIRECTORATE):
                    if doc.parent(directorate) == org:
                        box.addItem(f"    {doc.node(directorate)['name']}", directorate)
            if self.kind == NodeKind.SERVICE:
                for directorate in _by_name(doc, NodeKind.DIRECTORATE):
                    if doc.parent(directorate) is None:  # in no organisation yet
                        box.addItem(doc.node(directorate)["name"], directorate)
                box.addItem("New directorate…", NEW)
            box.setCurrentIndex(max(0, box.findData(current)))

    def _fill_serves(self) -> None:
        doc, serves = self.doc, self.serves_list
        ticked = set(self.editor.served(self.node_id))
        with QSignalBlocker(serves):
            serves.clear()
            for partnership in _by_name(doc, NodeKind.PARTNERSHIP):
                item = QListWidgetItem(doc.node(partnership)["name"], serves)
                item.setData(ID_ROLE, partnership)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if partnership in ticked
                                   else Qt.CheckState.Unchecked)
            if not serves.count():
                item = QListWidgetItem("No partnerships yet (Map > Add partnership…)", serves)
                item.setFlags(Qt.ItemFlag.NoItemFlags)

    # ----- editing ----------------------------------------------------------------------
    def _say(self, error: str | None) -> None:
        self.error.setText(error or "")
        self.error.setVisible(bool(error))

    def _parent_chosen(self, index: int) -> None:
        chosen = self.parent_box.itemData(index)
        if chosen == NEW:
            self._new_directorate()
        else:
            self._say(self.editor.set_parent(self.node_id, chosen or None))
        self.refresh()

    def _new_directorate(self) -> None:
        organisations = [(org, self.doc.node(org)["name"])
                         for org in _by_name(self.doc, NodeKind.ORGANISATION)]
        answer = self.ask_new_directorate(organisations)
        if answer is None:
            return
        name, organisation = answer
        with self.editor.transaction(f"Move “{self.doc.node(self.node_id)['name']}” to a new "
                                     f"directorate “{name.strip()}”") as tx:
            directorate = self.editor.add_directorate(name, organisation)
            self.editor.set_parent(self.node_id, directorate)
        self._say(tx.error)

    def _serves_changed(self, _item) -> None:
        ticked = [self.serves_list.item(i).data(ID_ROLE) for i in range(self.serves_list.count())
                  if self.serves_list.item(i).checkState() == Qt.CheckState.Checked]
        self._say(self.editor.set_serves(self.node_id, ticked))
        self.refresh()
