"""The Outline dock: the map's organisations, directorates, services and places as a tree.

Rows are built in bulk from the document (items are filled before they join the model, so a
map of 10,000 services costs one insertion, not 10,000) and rebuilt after structural changes,
coalesced by a 0-ms timer so a burst of events (a delete, an undo, an import) costs one rebuild.
Renames only change the row's text. Selection follows the shared :class:`Selection` both ways.

Dragging service, directorate, access point or exit rows onto an organisation or directorate
row puts them there (onto "Unassigned services": in none), as one undo step; a drop the rules
refuse is not offered. Right-click asks the window for the row's menu.
"""

from __future__ import annotations

import time
from collections import defaultdict

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeView, QVBoxLayout, QWidget

from servicemap.graph.rules import check_join
from servicemap.model import KIND_LABELS, EdgeKind, NodeKind
from servicemap.ui.panels.base import Panel
from servicemap.words import plural

SLICED_NODES = 1000  # a map with more nodes has its rows made a slice at a time (2,000
# rows made at once held the window 0.2 s)
SLICE_ROWS = 200     # rows made between two looks at the clock
SLICE_SECONDS = 0.03  # rows made per turn of the event loop: about this long
FILTER_HINT = "Filter outline"

ID_ROLE = Qt.ItemDataRole.UserRole          # the node id of a row (None for group rows)
KEY_ROLE = Qt.ItemDataRole.UserRole + 1     # a group row's key ("group:..."), for expansion
SORT_ROLE = Qt.ItemDataRole.UserRole + 2    # what rows sort by: a rank, then the folded name

# (key, title) of the top-level groups, in the order they are shown.
GROUPS = (
    ("group:organisations", "Organisations"),
    ("group:partnerships", "Partnerships"),
    ("group:access_points", "Access points"),
    ("group:exits", "Exits"),
    ("group:unassigned", "Unassigned services"),
)
_GROUP_OF_KIND = {
    NodeKind.ORGANISATION: "group:organisations", NodeKind.PARTNERSHIP: "group:partnerships",
    NodeKind.ACCESS_POINT: "group:access_points", NodeKind.EXIT: "group:exits",
}
_STRUCTURE = (EdgeKind.PART_OF, EdgeKind.SERVES)


def _node_row(node_id: str, attrs) -> QStandardItem:
    item = QStandardItem(attrs["name"])
    item.setData(node_id, ID_ROLE)
    item.setData(_sort_key(attrs["kind"], attrs["name"]), SORT_ROLE)
    item.setEditable(False)
    return item


class _OutlineView(QTreeView):
    """The tree; drops re-parent through :meth:`OutlinePanel.drop_target` and never move
    rows by themselves (the tree is rebuilt from the document)."""

    def __init__(self, panel: OutlinePanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)

    def _target(self, event) -> str | None | bool:
        index = self.indexAt(event.position().toPoint())
        return self.panel.drop_target(index)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.source() is self and self.panel.dragged():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.source() is self and self._target(event) is not False:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        target = self._target(event) if event.source() is self else False
        event.setDropAction(Qt.DropAction.IgnoreAction)  # the model is not changed here
        event.accept()
        if target is not False:
            self.panel.move_dragged_to(target)

    def contextMenuEvent(self, event) -> None:  # noqa: N802 - Qt override
        index = self.indexAt(event.pos())
        item_id = index.data(ID_ROLE) if index.isValid() else None
        self.panel.context_requested.emit(item_id, event.globalPos())


def _sort_key(kind: str, name: str) -> str:
    """Directorates before services under the same parent; then by name, ignoring case."""
    return ("1" if kind == NodeKind.SERVICE else "0") + str(name).casefold()


class OutlinePanel(Panel):
    """A filterable tree of the map. Selecting rows selects the items everywhere else."""

    item_activated = Signal(str)  # a node id, when its row is double-clicked or Enter pressed
    context_requested = Signal(object, object)  # the row's node id (or None), screen point
    # events that change nothing the tree shows
    UNSHOWN = frozenset({"nodes_moved", "edge_changed", "pathway_added", "pathway_removed",
                         "pathway_changed", "map_changed", "comment_added", "comment_changed",
                         "comment_removed"})

    def __init__(self, document, selection, editor=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.editor = editor
        self._rows: dict[str, list[QStandardItem]] = {}   # node id -> its rows, main row first
        self._groups: dict[str, QStandardItem] = {}
        # each row that holds rows: (it, the ids of its rows, its rows), to select by sets
        self._holders: list[tuple[QStandardItem, frozenset[str], list[QStandardItem]]] = []
        self._structural: set[str] = set()  # ids of the part_of / serves edges shown
        self._slices = None  # the rows of a large map being made (see rebuild)
        self._slice_timer = QTimer(self)
        self._slice_timer.setInterval(0)
        self._slice_timer.timeout.connect(self._build_slice)
        self._syncing = False               # True while we change one side from the other
        self._built = False

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("outline_filter")
        self.filter_edit.setPlaceholderText(FILTER_HINT)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip("Show only rows whose name contains this text")

        self.model = QStandardItemModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setAutoAcceptChildRows(True)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setDynamicSortFilter(True)
        self.proxy.sort(0)

        self.view = _OutlineView(self)
        self.view.setObjectName("outline_view")
        self.view.setModel(self.proxy)
        self.view.setHeaderHidden(True)
        self.view.setUniformRowHeights(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view)

        self.filter_edit.textChanged.connect(self._apply_filter)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection)
        self.view.activated.connect(self._on_activated)
        self.connect_to(selection.changed, self._on_selection_changed)
        self.follow(document)
        self.rebuild()

    # ----- dragging rows to re-parent them --------------------------------------------------
    def dragged(self) -> list[str]:
        """The selected rows that can be put in an organisation or directorate."""
        kinds = self.doc.graph.nodes
        return [i for i in self.selected_ids() if self.doc.has_node(i) and kinds[i]["kind"]
                in (NodeKind.SERVICE, NodeKind.DIRECTORATE, NodeKind.ACCESS_POINT,
                    NodeKind.EXIT)]

    def drop_target(self, index: QModelIndex):
        """Where a drop on ``index`` puts the dragged rows: a node id, None (in no
        organisation or directorate: the "Unassigned services" row), or False (refused)."""
        ids = self.dragged()
        if self.editor is None or not self.editor.editable or not ids or not index.isValid():
            return False
        item_id = index.data(ID_ROLE)
        if item_id is None:
            return None if index.data(KEY_ROLE) == "group:unassigned" else False
        target_kind = self.doc.node(item_id)["kind"]
        for node_id in ids:
            if node_id == item_id or \
                    check_join(EdgeKind.PART_OF, self.doc.node(node_id)["kind"], target_kind):
                return False
        return item_id

    def move_dragged_to(self, target: str | None) -> str | None:
        """Put the dragged rows in ``target`` (None: in none) as one undo step."""
        ids = [i for i in self.dragged() if self.doc.parent(i) != target]
        if not ids:
            return None
        kinds = {self.doc.node(i)["kind"] for i in ids}
        word = KIND_LABELS[NodeKind(kinds.pop())] if len(kinds) == 1 else "item"
        count = plural(len(ids), word)
        where = self.doc.node(target)["name"] if target else "no directorate"
        with self.editor.transaction(f"Move {count} to {where}") as tx:
            for node_id in ids:
                self.editor.set_parent(node_id, target)
        return tx.error

    def on_event(self, name: str, *args) -> bool:
        if name in self.UNSHOWN:
            return True
        if self.building:
            return False  # rows half made from the map as it was: made again
        if name == "node_changed":
            self._on_node_changed(*args)
            return True
        if name == "edge_added":
            return not self._is_structural(args[0])
        if name == "edge_removed":
            return args[0] not in self._structural
        return False  # a node added or removed: rebuild

    def refresh(self) -> None:
        self.rebuild()

    # ----- looking rows up ----------------------------------------------------------------
    def index_for(self, item_id: str) -> QModelIndex:
        """The view (proxy) index of the item's main row; invalid when absent or filtered out."""
        rows = self._rows.get(item_id)
        if not rows:
            return QModelIndex()
        return self.proxy.mapFromSource(rows[0].index())

    def selected_ids(self) -> list[str]:
        """The ids of the selected rows, in view order."""
        ids = (i.data(ID_ROLE) for i in self.view.selectionModel().selectedRows())
        return list(dict.fromkeys(i for i in ids if i))

    # ----- building -----------------------------------------------------------------------
    def _is_structural(self, edge_id: str) -> bool:
        return self.doc.has_edge(edge_id) and self.doc.edge(edge_id).get("kind") in _STRUCTURE

    def _on_node_changed(self, node_id: str, fields) -> None:
        if "name" not in fields or not self.doc.has_node(node_id):
            return
        attrs = self.doc.node(node_id)
        self._syncing = True  # re-sorting or filtering a row must not change the selection
        try:
            for item in self._rows.get(node_id, ()):
                item.setText(attrs["name"])
                item.setData(_sort_key(attrs["kind"], attrs["name"]), SORT_ROLE)
        finally:
            self._syncing = False

    def _rows_in_slices(self):
        """Every row of the tree, parented but not yet in the model, made SLICE_ROWS at a
        time (a generator: it yields between slices and returns the rows, see
        :meth:`_show_rows`). Nothing the panel shows changes until they are all made."""
        graph = self.doc.graph
        parent_of: dict[str, str] = {}
        served: dict[str, list[str]] = defaultdict(list)
        structural: set[str] = set()
        for u, v, key, kind in graph.edges(keys=True, data="kind"):
            if kind == EdgeKind.PART_OF:
                parent_of[u] = v
                structural.add(key)
            elif kind == EdgeKind.SERVES:
                served[v].append(u)
                structural.add(key)
        yield

        rows: dict[str, list[QStandardItem]] = {}
        groups: dict[str, QStandardItem] = {}
        for rank, (key, title) in enumerate(GROUPS):
            group = QStandardItem(title)
            group.setData(key, KEY_ROLE)
            group.setData(str(rank), SORT_ROLE)
            group.setEditable(False)
            group.setSelectable(False)
            groups[key] = group

        items: dict[str, QStandardItem] = {}
        for made, (node_id, attrs) in enumerate(graph.nodes(data=True), 1):
            items[node_id] = item = _node_row(node_id, attrs)
            rows[node_id] = [item]
            if made % SLICE_ROWS == 0:
                yield
        parents = dict(groups)  # group key or node id -> the row that holds children
        parents.update(items)
        children: dict[str, list[tuple[str, QStandardItem]]] = defaultdict(list)
        nodes = graph.nodes
        for node_id, item in items.items():
            kind = nodes[node_id]["kind"]
            holder = _GROUP_OF_KIND.get(kind) or parent_of.get(node_id) or "group:unassigned"
            children[holder].append((node_id, item))
        made = 0
        for partnership, members in served.items():
            for member in members:
                item = _node_row(member, nodes[member])
                rows[member].append(item)
                children[partnership].append((member, item))
                made += 1
                if made % SLICE_ROWS == 0:
                    yield
        holders = []
        for holder, pairs in children.items():
            held = [item for _id, item in pairs]
            parents[holder].appendRows(held)
            holders.append((parents[holder], frozenset(i for i, _item in pairs), held))
        tops = [groups[key] for key, _ in GROUPS]
        if not groups["group:unassigned"].hasChildren():
            tops.pop()
        return tops, rows, groups, holders, structural

    def _expanded_keys(self) -> set[str]:
        """Keys (node ids or group keys) of the rows now expanded in the view."""
        keys: set[str] = set()
        stack = [self.model.invisibleRootItem()]
        while stack:
            item = stack.pop()
            for row in range(item.rowCount()):
                child = item.child(row)
                if not child.hasChildren():
                    continue
                index = self.proxy.mapFromSource(child.index())
                if index.isValid() and self.view.isExpanded(index):
                    keys.add(child.data(KEY_ROLE) or child.data(ID_ROLE))
                stack.append(child)
        return keys

    def rebuild(self) -> None:
        """Rebuild every row from the document, keeping expansion, selection and filter. A
        map of more than SLICED_NODES nodes has its rows made a slice at a time between the
        window's events (the rows shown until then stay), so opening one does not hold the
        window while 20,000 rows are made."""
        self._refresh_timer.stop()
        self._slice_timer.stop()
        steps = self._rows_in_slices()
        if self.doc.graph.number_of_nodes() <= SLICED_NODES:
            try:
                while True:
                    next(steps)
            except StopIteration as built:
                self._show_rows(built.value)
            return
        self._slices = steps
        self.filter_edit.setPlaceholderText("Listing the map…")
        self._slice_timer.start()

    @property
    def building(self) -> bool:
        """True while the rows of a large map are being made (the old ones still show)."""
        return self._slice_timer.isActive()

    def _build_slice(self) -> None:
        deadline = time.perf_counter() + SLICE_SECONDS
        try:
            while time.perf_counter() < deadline:
                next(self._slices)
        except StopIteration as built:
            self._slice_timer.stop()
            self._slices = None
            self.filter_edit.setPlaceholderText(FILTER_HINT)
            self._show_rows(built.value)

    def _show_rows(self, built) -> None:
        """Put the rows made by :meth:`_rows_in_slices` in the model, in one insertion."""
        expanded = self._expanded_keys() if self._built else {key for key, _ in GROUPS}
        tops, self._rows, self._groups, self._holders, self._structural = built
        self._syncing = True
        try:
            self.model.clear()
            self.model.invisibleRootItem().appendRows(tops)
            self._built = True
            if self.filter_edit.text():
                self.view.expandAll()
            else:
                for key in expanded:
                    item = self._groups.get(key) or (self._rows.get(key) or [None])[0]
                    if item is not None:
                        self.view.expand(self.proxy.mapFromSource(item.index()))
        finally:
            self._syncing = False
        self._follow(self.selection.ids, scroll=False)

    def detach(self) -> None:
        self._slice_timer.stop()
        self._slices = None
        super().detach()

    # ----- filter -------------------------------------------------------------------------
    def _apply_filter(self, text: str) -> None:
        self._syncing = True
        try:
            self.proxy.setFilterFixedString(text.strip())
            if text.strip():
                self.view.expandAll()
        finally:
            self._syncing = False
        self._follow(self.selection.ids, scroll=bool(text.strip()))

    # ----- selection, both ways -----------------------------------------------------------
    def _on_view_selection(self, selected, _deselected) -> None:
        """The user selected rows here: tell everyone, keeping the order things were picked."""
        if self._syncing:
            return
        now = self.selected_ids()
        chosen = set(now)
        picked = [i.data(ID_ROLE) for i in selected.indexes()]
        ids = [i for i in self.selection.ids if i in chosen] + \
              [i for i in picked if i in chosen] + now
        self._syncing = True
        try:
            self.selection.set(ids)
        finally:
            self._syncing = False

    def _on_selection_changed(self, ids: list) -> None:
        if not self._syncing:
            self._follow(ids, scroll=True)

    def _follow(self, ids, scroll: bool) -> None:
        """Select the rows of ``ids`` (quietly) and, if asked, scroll to the first one."""
        chosen, first = self._rows_of(ids)
        model = self.view.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        self._syncing = True
        try:
            model.select(chosen, flags.ClearAndSelect | flags.Rows)
            if first is not None:
                model.setCurrentIndex(first, flags.NoUpdate)
                if scroll:
                    parent = first.parent()
                    while parent.isValid():
                        self.view.expand(parent)
                        parent = parent.parent()
                    self.view.scrollTo(first)
        finally:
            self._syncing = False

    def _rows_of(self, ids) -> tuple[QItemSelection, QModelIndex | None]:
        """The view's rows of ``ids`` and the first of them shown. Each row holding rows
        finds its chosen ones by a set intersection; one whose rows are all chosen and all
        shown (Select all) is one range, with no row mapped through the sorting proxy one
        at a time."""
        wanted = set(ids)
        proxy = self.proxy
        rows: dict[QModelIndex, list[int]] = {}  # a parent row: its chosen rows
        whole = []  # (top, bottom) of the parents chosen whole
        for parent, child_ids, items in self._holders if wanted else ():
            common = child_ids & wanted
            if not common:
                continue
            shown = proxy.mapFromSource(parent.index())
            if not shown.isValid():
                continue  # filtered out
            count = proxy.rowCount(shown)
            if len(common) == len(items) == count:
                whole.append((proxy.index(0, 0, shown), proxy.index(count - 1, 0, shown)))
                continue
            for item in items:
                if item.data(ID_ROLE) in common:
                    index = proxy.mapFromSource(item.index())
                    if index.isValid():
                        rows.setdefault(shown, []).append(index.row())
        chosen = self._ranges(rows)
        for top, bottom in whole:
            chosen.select(top, bottom)
        for item_id in ids:
            for item in self._rows.get(item_id, ()):
                index = proxy.mapFromSource(item.index())
                if index.isValid():
                    return chosen, index
        return chosen, None

    def _ranges(self, rows: dict) -> QItemSelection:
        """The chosen rows as one range per run of neighbours under each parent: a selection
        of 10,000 one-row ranges takes Qt seconds to apply, a few hundred runs no time."""
        chosen = QItemSelection()
        for parent, numbers in rows.items():
            numbers.sort()
            start = previous = numbers[0]
            for row in [*numbers[1:], None]:
                if row is not None and row <= previous + 1:
                    previous = row
                    continue
                top = self.proxy.index(start, 0, parent)
                chosen.select(top, top.siblingAtRow(previous))
                if row is not None:
                    start = previous = row
        return chosen

    def _on_activated(self, index: QModelIndex) -> None:
        item_id = index.data(ID_ROLE)
        if item_id:
            self.item_activated.emit(item_id)
