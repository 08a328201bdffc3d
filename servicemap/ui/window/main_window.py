"""The main window: canvas in the centre, Outline on the left, Inspector and Pathways on the
right, the legend below them; menus and toolbar for every action.

The window wires gestures to the editor and keeps files safe
(see :mod:`servicemap.ui.window.files`).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QAction, QCursor, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
)

from servicemap.graph.document import Document
from servicemap.graph.filters import filter_choices, ids_outside
from servicemap.model import KIND_LABELS, FlowType, NodeKind
from servicemap.render import style
from servicemap.render.scene import MapScene
from servicemap.ui.canvas.view import MapView
from servicemap.ui.panels.legend import LegendPanel
from servicemap.ui.window.actions import build_actions
from servicemap.ui.window.files import FileController
from servicemap.ui.window.selection import Selection

APP_NAME = "servicemap"


def feature_installers():
    """Feature modules that add their own menus, actions and docks to the window. Each is a
    function ``install(window) -> object``; the object may define ``document_changed(window)``,
    called after every :meth:`MainWindow.set_document`, and ``context_actions(item_id)``, the
    actions it adds to the canvas's right-click menu (item_id None: the empty canvas)."""
    from servicemap.ui.features.analysis import install as install_analysis
    from servicemap.ui.features.comments import install as install_comments
    from servicemap.ui.features.diff import install as install_diff
    from servicemap.ui.features.exchange import install as install_exchange
    from servicemap.ui.features.export import install as install_export
    from servicemap.ui.features.layout import install as install_layout
    from servicemap.ui.features.review import install as install_review

    return [install_layout, install_review, install_comments, install_export, install_analysis,
            install_exchange, install_diff]


class MainWindow(QMainWindow):
    def __init__(self, recovery=None) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.resize(1400, 900)
        self.selection = Selection(self)
        self.doc: Document | None = None
        self.editor = None
        self.scene: MapScene | None = None
        self.view = MapView(None, self)
        self.setCentralWidget(self.view)
        self._syncing = False
        self._make_docks()
        self.files = FileController(self, recovery)
        self.actions = build_actions(self)
        self._make_toolbar_widgets()
        self._make_status_bar()
        self.features = [install(self) for install in feature_installers()]
        self.inspector_dock.raise_()  # features add tabs beside it; the Inspector comes first
        self.selection.changed.connect(self._on_selection_changed)
        self.view.zoom_changed.connect(lambda z: self.zoom_label.setText(f"Zoom {z:.0%}"))

    # ----- layout ---------------------------------------------------------------------
    def _dock(self, title: str, name: str, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        self.addDockWidget(area, dock)
        return dock

    def _make_docks(self) -> None:
        self.outline_dock = self._dock("Outline", "outline", Qt.LeftDockWidgetArea)
        self.inspector_dock = self._dock("Inspector", "inspector", Qt.RightDockWidgetArea)
        self.pathways_dock = self._dock("Pathways", "pathways", Qt.RightDockWidgetArea)
        self.tabifyDockWidget(self.inspector_dock, self.pathways_dock)
        self.inspector_dock.raise_()
        self.legend_dock = self._dock("Legend", "legend", Qt.LeftDockWidgetArea)
        self.legend = LegendPanel()
        scroll = QScrollArea(self)
        scroll.setWidget(self.legend)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        self.legend_dock.setWidget(scroll)
        self.resizeDocks([self.outline_dock, self.inspector_dock], [280, 330], Qt.Horizontal)
        self.resizeDocks([self.outline_dock, self.legend_dock], [500, 300], Qt.Vertical)

    def _make_toolbar_widgets(self) -> None:
        bar = self.actions.toolbar
        bar.addSeparator()
        self.filter_box = QComboBox(self)
        self.filter_box.setObjectName("filter")
        self.filter_box.setToolTip("Show one directorate, partnership, organisation or kind; "
                                   "the rest is dimmed, not deleted")
        self.filter_box.setMinimumContentsLength(16)
        self.filter_box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.filter_box.currentIndexChanged.connect(self._apply_filter)
        bar.addWidget(QLabel(" Show: ", self))
        bar.addWidget(self.filter_box)
        bar.addSeparator()
        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("search")
        self.search_box.setPlaceholderText("Find a service (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaximumWidth(220)
        self.search_box.textEdited.connect(lambda text: self.find(text))
        self.search_box.returnPressed.connect(lambda: self.find(self.search_box.text(), True))
        bar.addWidget(self.search_box)
        self._search_index = -1

    def _make_status_bar(self) -> None:
        self.counts_label = QLabel(self)
        self.zoom_label = QLabel(self)
        self.selected_label = QLabel(self)
        bar = self.statusBar()
        bar.addWidget(self.selected_label, 1)
        bar.addPermanentWidget(self.counts_label)
        bar.addPermanentWidget(self.zoom_label)

    # ----- the document ---------------------------------------------------------------
    def set_document(self, doc: Document, read_only: bool = False) -> None:
        """Show ``doc``: a new editor (undo stack), scene and panels."""
        from servicemap.ui.editing.editor import Editor
        from servicemap.ui.panels.inspector import InspectorPanel
        from servicemap.ui.panels.outline import OutlinePanel
        from servicemap.ui.panels.pathways import PathwaysPanel

        if self.scene is not None:
            self.scene.detach()
        if self.editor is not None:
            self.editor.dispose()
        self.selection.set([])
        self.doc = doc
        self.editor = Editor(doc, self)
        self.editor.read_only = read_only
        self.editor.refused.connect(self.show_refusal)
        self.scene = MapScene(doc, self)
        self.scene.selectionChanged.connect(self._on_scene_selection)
        self.scene.moved.connect(lambda old, new: self.editor.move(old, new))
        self.scene.connect_requested.connect(self.connect_nodes)
        self.scene.add_requested.connect(lambda pos: self.add_node(NodeKind.SERVICE, pos))
        self.scene.rename_requested.connect(self.start_rename)
        self.scene.context_requested.connect(self.show_context_menu)
        self.scene.nudge_requested.connect(self.nudge)
        for item in self.scene.items():
            item.setFlag(item.GraphicsItemFlag.ItemIsMovable, not read_only)
        self.view.setScene(self.scene)
        for dock, panel in ((self.outline_dock, OutlinePanel(doc, self.selection)),
                            (self.inspector_dock, InspectorPanel(doc, self.editor,
                                                                 self.selection)),
                            (self.pathways_dock, PathwaysPanel(doc, self.editor,
                                                               self.selection))):
            old = dock.widget()
            dock.setWidget(panel)
            if old is not None:
                old.detach()  # stop following the previous document and selection
                old.deleteLater()
        self.pathways_dock.widget().pathway_selected.connect(self.scene.highlight_pathway)
        self.legend.set_scene(self.scene)
        self.actions.bind_stack(self.editor.stack)
        self.actions.set_read_only(read_only)
        self.editor.stack.indexChanged.connect(self._on_edit)
        for sig in (doc.node_added, doc.node_removed, doc.edge_added, doc.edge_removed,
                    doc.pathway_added, doc.pathway_removed):
            sig.connect(lambda *_: self._update_counts())
        self._refresh_filters()
        self._update_counts()
        self._on_selection_changed([])
        for feature in getattr(self, "features", ()):
            hook = getattr(feature, "document_changed", None)
            if hook is not None:
                hook(self)
        QTimer.singleShot(0, self.view.fit_map)
        self.view.fit_map()

    def _on_edit(self, _index: int) -> None:
        self.files.edited()
        self._update_counts()

    def _update_counts(self) -> None:
        c = self.doc.counts()
        self.counts_label.setText(f"{c['services']} services · {c['access_points']} access "
                                  f"points · {c['exits']} exits · {c['flows']} flows · "
                                  f"{c['pathways']} pathways")

    def show_refusal(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    # ----- selection ------------------------------------------------------------------
    def _on_scene_selection(self) -> None:
        if not self._syncing:
            self._syncing = True
            try:
                self.selection.set(self.scene.selected_ids())
            finally:
                self._syncing = False

    def _on_selection_changed(self, ids) -> None:
        if self.scene is not None and not self._syncing:
            self._syncing = True
            try:
                self.scene.select_ids(ids)
                if len(ids) == 1 and ids[0] in self.scene.nodes:
                    self.view.ensureVisible(self.scene.nodes[ids[0]], 80, 80)
            finally:
                self._syncing = False
        if not ids:
            self.selected_label.setText("Nothing selected")
        elif len(ids) == 1 and self.doc is not None:
            self.selected_label.setText(f"Selected: {self.doc.describe(ids[0])}")
        else:
            self.selected_label.setText(f"{len(ids)} items selected")
        self.actions.selection_changed(ids)

    # ----- editing gestures -----------------------------------------------------------
    def add_node(self, kind: str, pos: QPointF | None = None) -> str | None:
        if pos is None:
            pos = self.view.mapToScene(self.view.viewport().rect().center())
        label = KIND_LABELS[NodeKind(kind)]
        name = f"New {label}"
        node_id = self.editor.add_node(kind, name, (pos.x(), pos.y()))
        if node_id is not None:
            self.selection.set([node_id])
            QTimer.singleShot(0, lambda: self.start_rename(node_id))
        return node_id

    def choose_flow_type(self) -> str | None:
        """Ask which kind of flow to draw (a menu at the pointer)."""
        menu = QMenu(self)
        menu.setTitle("Flow type")
        for ft in FlowType:
            menu.addAction(style.FLOW_STYLES[ft][2]).setData(str(ft))
        chosen = menu.exec(QCursor.pos())
        return chosen.data() if chosen is not None else None

    def connect_nodes(self, source: str, target: str) -> str | None:
        flow_type = self.choose_flow_type()
        if flow_type is None:
            return None
        edge_id = self.editor.add_flow(source, target, flow_type)
        if edge_id is not None:
            self.selection.set([edge_id])
        return edge_id

    def start_connect(self, source: str) -> None:
        self.scene.connect_from = source
        self.statusBar().showMessage(f"Click the service or exit that people go to from "
                                     f"{self.doc.node(source)['name']} (Esc cancels).", 10000)

    def start_rename(self, node_id: str) -> None:
        """Edit a node's name in place, over its box."""
        if self.editor.read_only or node_id not in self.scene.nodes:
            return
        item = self.scene.nodes[node_id]
        rect = self.view.mapFromScene(item.sceneBoundingRect()).boundingRect()
        edit = QLineEdit(self.view.viewport())
        edit.setObjectName("rename")
        edit.setText(self.doc.node(node_id)["name"])
        edit.selectAll()
        edit.setGeometry(rect.left(), rect.center().y() - 14, max(rect.width(), 180), 28)
        done = {"flag": False}

        def commit() -> None:
            if done["flag"]:
                return
            done["flag"] = True
            text = edit.text()
            edit.deleteLater()
            if self.doc.has_node(node_id) and text != self.doc.node(node_id)["name"]:
                self.editor.rename(node_id, text)
            self.view.setFocus()

        def cancel() -> None:
            done["flag"] = True
            edit.deleteLater()
            self.view.setFocus()

        edit.editingFinished.connect(commit)
        edit.addAction(QAction(edit, shortcut=QKeySequence(Qt.Key_Escape),
                               shortcutContext=Qt.WidgetShortcut, triggered=cancel))
        edit.show()
        edit.setFocus()
        self.rename_editor = edit

    def rename_selected(self) -> None:
        nodes = [i for i in self.selection.ids if i in self.scene.nodes]
        if len(nodes) == 1:
            self.start_rename(nodes[0])

    def delete_selected(self) -> None:
        self.editor.delete(self.selection.ids)

    def select_all(self) -> None:
        self.selection.set(list(self.scene.nodes) + list(self.scene.flows))

    def nudge(self, dx: float, dy: float) -> None:
        old, new = {}, {}
        for node_id in self.selection.ids:
            if node_id in self.scene.nodes:
                pos = self.scene.nodes[node_id].pos()
                attrs = self.doc.node(node_id)
                old[node_id] = None if attrs["x"] is None else (attrs["x"], attrs["y"])
                new[node_id] = (pos.x() + dx, pos.y() + dy)
        self.editor.move(old, new, nudge=True)

    def show_context_menu(self, item_id, scene_pos: QPointF, screen_pos) -> None:
        menu = QMenu(self)
        a = self.actions
        if item_id is None:
            for kind in (NodeKind.SERVICE, NodeKind.ACCESS_POINT, NodeKind.EXIT):
                act = menu.addAction(f"Add {KIND_LABELS[kind]} here")
                act.triggered.connect(lambda _=False, k=kind: self.add_node(k, scene_pos))
                act.setEnabled(not self.editor.read_only)
            menu.addSeparator()
            menu.addAction(a.fit)
        elif item_id in self.scene.nodes:
            kind = self.doc.node(item_id)["kind"]
            if kind in (NodeKind.SERVICE, NodeKind.ACCESS_POINT):
                act = menu.addAction("Add flow to…")
                act.triggered.connect(lambda: self.start_connect(item_id))
                act.setEnabled(not self.editor.read_only)
            menu.addAction(a.rename)
            menu.addAction(a.delete)
            menu.addSeparator()
            menu.addAction(a.zoom_selection)
        else:
            menu.addAction(a.delete)
        extra = [act for feature in getattr(self, "features", ())
                 for act in getattr(feature, "context_actions", lambda _id: [])(item_id)]
        if extra:  # features' own entries (a node's pin, ...)
            menu.addSeparator()
            for act in extra:
                menu.addAction(act)
        menu.exec(screen_pos if hasattr(screen_pos, "x") else QCursor.pos())

    # ----- view -----------------------------------------------------------------------
    def find(self, text: str, next_match: bool = False) -> str | None:
        """Select and centre the first service (or the next, on Enter) whose name matches."""
        text = text.strip().casefold()
        if not text or self.doc is None:
            return None
        matches = [n for n, item in self.scene.nodes.items()
                   if text in self.doc.node(n)["name"].casefold()]
        matches.sort(key=lambda n: (self.doc.node(n)["kind"] != NodeKind.SERVICE,
                                    self.doc.node(n)["name"].casefold()))
        if not matches:
            self.statusBar().showMessage(f"No service matches “{text}”.", 4000)
            return None
        self._search_index = (self._search_index + 1) % len(matches) if next_match else 0
        node_id = matches[self._search_index]
        self.selection.set([node_id])
        self.view.centerOn(self.scene.nodes[node_id])
        self.statusBar().showMessage(f"Match {self._search_index + 1} of {len(matches)}.", 4000)
        return node_id

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def _refresh_filters(self) -> None:
        self.filter_box.blockSignals(True)
        self.filter_box.clear()
        for label, key in filter_choices(self.doc):
            self.filter_box.addItem(label, key)
        self.filter_box.blockSignals(False)

    def _apply_filter(self, _index: int = 0) -> None:
        key = self.filter_box.currentData()
        self.scene.set_dimmed(ids_outside(self.doc, key, self.scene) if key else ())

    def toggle_flow_labels(self, on: bool) -> None:
        self.scene.show_flow_labels = on
        for item in self.scene.flows.values():
            item.show_label = on
            item.update()

    def about(self) -> None:
        from servicemap import __version__

        QMessageBox.about(self, "About servicemap",
                          f"<b>servicemap {__version__}</b><p>Map how people move between "
                          "NHS mental health and community services.</p><p>The bundled Kent "
                          "and Medway map uses structural facts from the public pages of "
                          "KMPT, KCHFT and NHS Kent and Medway ICB; its volumes, waits and "
                          "capacities are illustrative, not published figures.</p>")

    def closeEvent(self, event) -> None:
        if self.files.close_all():
            if self.editor is not None:
                self.editor.dispose()
            event.accept()
        else:
            event.ignore()
