"""The main window: canvas in the centre, Outline on the left, Inspector and Pathways on the
right, the legend below them; menus and toolbar for every action.

The window wires gestures to the editor and keeps files safe
(see :mod:`servicemap.ui.window.files`).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, Qt, QTimer
from PySide6.QtGui import QAction, QCursor, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from servicemap.graph.document import Document
from servicemap.graph.filters import filter_choices, ids_outside
from servicemap.graph.placement import estimate_size, free_spot
from servicemap.model import DRAWN_KINDS, KIND_LABELS, FlowType, NodeKind
from servicemap.render import style
from servicemap.ui import dialogs
from servicemap.ui.api import Host
from servicemap.ui.canvas.mode_bar import ModeBar
from servicemap.ui.canvas.read_only import ReadOnlyGuard, set_movable
from servicemap.ui.canvas.scene import CanvasScene
from servicemap.ui.canvas.view import MapView
from servicemap.ui.file_safety import Recovery
from servicemap.ui.panels.legend import LegendPanel
from servicemap.ui.session import Mode, Session
from servicemap.ui.window.actions import ActionRegistry
from servicemap.ui.window.aside import Aside
from servicemap.ui.window.files import FileController
from servicemap.ui.window.scenario_views import ScenarioViews
from servicemap.ui.window.selection import Selection
from servicemap.ui.window.settings import Settings
from servicemap.ui.window.window_actions import add_window_actions
from servicemap.words import plural, without_ids

APP_NAME = "servicemap"
ZOOM_CHOICES = (10, 25, 50, 75, 100, 150, 200, 400)
FREEZE_AT_ONCE = 3000  # nodes: a larger map's objects are frozen as it is shown, not after
# a full collection (one over a 3,000-service map's objects takes about 0.1 s)


class MainWindow(QMainWindow):
    """The shell: canvas, the core docks, menus and toolbar, files, and the features given as
    ``features`` (classes taking a :class:`servicemap.ui.api.Host`, installed in order).
    ``recovery``: where this session autosaves; ``settings``: what it remembers (recent maps,
    last folder, the reviewer's name). The app passes the user's own; tests temporary ones."""

    def __init__(self, *, recovery: Recovery, settings: Settings, features=()) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.resize(1400, 900)
        self.settings = settings
        self.session = Session(self)
        self.selection = Selection(self)
        self.view = MapView(None, self)
        self.mode_bar = ModeBar(self)
        centre = QWidget(self)
        column = QVBoxLayout(centre)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.mode_bar)
        column.addWidget(self.view, 1)
        self.setCentralWidget(centre)
        self._syncing = False
        self._counting: list = []  # (document signal, slot) for the status-bar counts
        self._last_added: str | None = None  # where the next box from the toolbar goes
        self.docks: dict[str, QDockWidget] = {}
        self._pathway_actions: list = []  # features' buttons on every Pathways dock
        self.files = FileController(self, self.session, recovery)
        self.aside = Aside(self)  # a large map's legend, filters and counts (set_document)
        self.scenarios = ScenarioViews(self, self.session)
        self.actions = ActionRegistry(self, self.session, self.selection)
        self.guard = ReadOnlyGuard(lambda: self.session.editable,
                                   lambda m: self.statusBar().showMessage(m, 5000), self)
        self._make_docks()
        add_window_actions(self)
        self._make_toolbar_widgets()
        self._make_status_bar()
        self.session.mode_changed.connect(self._on_mode_changed)
        self.mode_bar.copy_requested.connect(self.files.open_copy)
        self.host = Host(self)
        self.host.install(features)
        self.docks["inspector"].raise_()  # features add tabs beside it; the Inspector first
        self.selection.changed.connect(self._on_selection_changed)
        self.view.zoom_changed.connect(lambda z: self.zoom_label.setText(f"Zoom {z:.0%}"))

    # ----- what is open (the session's) -----------------------------------------------
    @property
    def doc(self) -> Document | None:
        return self.session.doc

    @property
    def editor(self):
        return self.session.editor

    @property
    def scene(self) -> CanvasScene | None:
        return self.session.scene

    # ----- layout ---------------------------------------------------------------------
    def add_dock(self, dock_id: str, title: str, widget: QWidget | None, area,
                 tab_with: str | None = None, shown: bool = True, menu: str = "view",
                 section: str = "docks") -> QDockWidget:
        """A dock with a unique id; its toggle goes in ``menu``'s ``section``."""
        if dock_id in self.docks:
            raise ValueError(f"a dock {dock_id!r} exists already")
        dock = QDockWidget(title, self)
        dock.setObjectName(dock_id)
        if widget is not None:
            dock.setWidget(widget)
        self.addDockWidget(area, dock)
        if tab_with is not None and tab_with in self.docks:
            self.tabifyDockWidget(self.docks[tab_with], dock)
        self.docks[dock_id] = dock
        self.actions.place(dock.toggleViewAction(), menu, section)
        if not shown:
            dock.hide()
        return dock

    def _make_docks(self) -> None:
        left, right = Qt.LeftDockWidgetArea, Qt.RightDockWidgetArea
        outline = self.add_dock("outline", "Outline", None, left)
        inspector = self.add_dock("inspector", "Inspector", None, right)
        self.add_dock("pathways", "Pathways", None, right, tab_with="inspector")
        inspector.raise_()
        self.legend = LegendPanel()
        scroll = QScrollArea(self)
        scroll.setWidget(self.legend)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        legend = self.add_dock("legend", "Legend", scroll, left)
        self.resizeDocks([outline, inspector], [280, 330], Qt.Horizontal)
        self.resizeDocks([outline, legend], [500, 300], Qt.Vertical)

    def pathways_panel(self):
        return self.docks["pathways"].widget()

    def add_pathway_action(self, action) -> None:
        """A button for ``action`` on the Pathways dock, now and for every map shown later."""
        self._pathway_actions.append(action)
        if self.pathways_panel() is not None:
            self.pathways_panel().add_action_button(action)

    def _make_toolbar_widgets(self) -> None:
        self.zoom_box = QComboBox(self)
        self.zoom_box.setObjectName("zoom_box")
        self.zoom_box.setEditable(True)
        self.zoom_box.setToolTip("Zoom: choose or type a percentage")
        self.zoom_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for percent in ZOOM_CHOICES:
            self.zoom_box.addItem(f"{percent}%", percent / 100)
        self.zoom_box.setMinimumContentsLength(5)
        self.zoom_box.activated.connect(
            lambda i: self.view.set_zoom(self.zoom_box.itemData(i)))
        self.zoom_box.lineEdit().editingFinished.connect(self._zoom_typed)
        self.view.zoom_changed.connect(self._show_zoom)
        self.actions.add_toolbar_widget(self.zoom_box, "view")
        self.filter_box = QComboBox(self)
        self.filter_box.setObjectName("filter")
        self.filter_box.setToolTip("Show one directorate, partnership, organisation or kind; "
                                   "the rest is dimmed, not deleted")
        self.filter_box.setMinimumContentsLength(16)
        self.filter_box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.filter_box.currentIndexChanged.connect(self._apply_filter)
        holder = QWidget(self)
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(" Show: ", holder))
        row.addWidget(self.filter_box)
        self.actions.add_toolbar_widget(holder, "filter")
        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("search")
        self.search_box.setPlaceholderText("Find a service (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaximumWidth(220)
        self.search_box.textEdited.connect(lambda text: self.find(text))
        self.search_box.returnPressed.connect(lambda: self.find(self.search_box.text(), True))
        self.actions.add_toolbar_widget(self.search_box, "search")
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
    def new_scene(self, doc: Document, build: bool = True) -> CanvasScene:
        """The canvas scene for ``doc``; ``build=False``: without its items yet (the caller
        builds them, a slice at a time: :mod:`servicemap.ui.window.opening`)."""
        scene = CanvasScene(doc, self, editable=lambda: self.session.editable, build=False)
        # Active from the start, while it is empty: Qt sends every top-level item an event
        # when a scene turns active (shown in the active window) or inactive (another map
        # shown, the window left): 0.4 s at 10,000 services, each time.
        QCoreApplication.sendEvent(scene, QEvent(QEvent.WindowActivate))
        if build:
            scene.rebuild()
        return scene

    def set_document(self, doc: Document, mode: Mode = Mode.EDIT,
                     scene: CanvasScene | None = None, *, editor=None,
                     view: bool = False) -> None:
        """Show ``doc`` in ``mode``: a new editor (undo stack; ``editor``, when given), scene
        (``scene``, when it was built already from :meth:`new_scene`) and panels; then the
        session says so (``mode_changed``, ``document_changed``). Files call this through
        :meth:`FileController.show_document` for a new map; ``view``: ``doc`` is a scenario's
        view of the map shown, or its baseline again (:meth:`show_view`)."""
        from servicemap.gcpause import freeze_after_next_full_collection
        from servicemap.ui.editing.editor import Editor
        from servicemap.ui.panels.inspector import InspectorPanel
        from servicemap.ui.panels.outline import OutlinePanel
        from servicemap.ui.panels.pathways import PathwaysPanel

        session = self.session
        self._last_added = None
        if session.scene is not None:
            session.scene.detach()
        if session.editor is not None:
            if view and session.keeps(session.editor):
                session.editor.refused.disconnect(self.show_refusal)
                session.editor.stack.indexChanged.disconnect(self._on_edit)
            else:
                session.editor.dispose()
        if not view:
            self.scenarios.reset(doc)
        self.selection.set([])
        session.doc = doc
        session.editor = editor or Editor(doc, self, editable=lambda: session.editable)
        if not view:
            session.baseline_editor = session.editor
        session.editor.refused.connect(self.show_refusal)
        session.scene = scene if scene is not None else self.new_scene(doc)
        session.scene.feedback.connect(self._flow_feedback)
        session.scene.reconnect_requested.connect(
            lambda edge_id, end, node_id: self.editor.reconnect_flow(edge_id, end, node_id))
        session.scene.installEventFilter(self.guard)
        self.scene.selectionChanged.connect(self._on_scene_selection)
        self.scene.moved.connect(self._boxes_moved)
        self.scene.connect_requested.connect(self.connect_nodes)
        self.scene.add_requested.connect(lambda pos: self.add_node(NodeKind.SERVICE, pos))
        self.scene.rename_requested.connect(self.start_rename)
        self.scene.context_requested.connect(self.show_context_menu)
        self.scene.nudge_requested.connect(self.nudge)
        self.view.setScene(self.scene)
        docks = self.docks
        outline = OutlinePanel(doc, self.selection, self.editor)
        outline.context_requested.connect(self.show_outline_menu)
        for dock, panel in ((docks["outline"], outline),
                            (docks["inspector"], InspectorPanel(doc, self.editor,
                                                                self.selection,
                                                                unit_choices=session.units)),
                            (docks["pathways"], PathwaysPanel(doc, self.editor,
                                                              self.selection))):
            old = dock.widget()
            dock.setWidget(panel)
            if old is not None:
                old.detach()  # stop following the previous document and selection
                old.deleteLater()
        self.pathways_panel().pathway_selected.connect(self.scene.highlight_pathway)
        for action in self._pathway_actions:
            self.pathways_panel().add_action_button(action)
        large = doc.graph.number_of_nodes() > FREEZE_AT_ONCE
        if not large:
            self.legend.set_scene(self.scene)
        self.actions.bind_stack(self.editor.stack)
        self.editor.stack.indexChanged.connect(self._on_edit)
        for old_signal, slot in self._counting:
            old_signal.disconnect(slot)
        self._counting = [(sig, self._on_count_event) for sig in (
            doc.node_added, doc.node_removed, doc.edge_added, doc.edge_removed,
            doc.pathway_added, doc.pathway_removed)]
        for sig, slot in self._counting:
            sig.connect(slot)
        if large:
            self._read_aside(doc)
        else:
            self._refresh_filters()
            self._update_counts()
        self._on_selection_changed([])
        if mode != session.mode:
            session.set_mode(mode)  # -> _on_mode_changed
        else:
            self._on_mode_changed(str(mode))
        session.document_changed.emit()
        if not view:
            self.view.fit_until_used()
        # the map's objects out of later full collections' sight once the next one has run
        freeze_after_next_full_collection(at_once=doc.graph.number_of_nodes() > FREEZE_AT_ONCE)

    def _read_aside(self, doc: Document) -> None:
        """A large map's legend, filter choices and counts each visit every item (a third of
        a second each at 50,000 services): worked out in a worker thread, shown when ready."""
        from servicemap.render.legend import legend_entries

        scene = self.scene
        self.legend.set_scene(scene, [])
        self._show_filters([("Everything", None)])
        self.counts_label.setText("Counting…")

        def still() -> bool:
            return self.session.doc is doc and self.session.scene is scene
        def show(found) -> None:
            entries, choices, counts = found
            self.legend.set_scene(scene, entries)
            self._show_filters(choices)
            self._show_counts(counts)
        self.aside.run(lambda: (legend_entries(scene), filter_choices(doc), doc.counts()),
                       show, still)  # one thread: starting one waits for the interpreter

    def show_view(self, doc: Document, editor) -> None:
        """Show a scenario's view (or the baseline again) with its ``editor``, keeping the
        file, its lock, the mode and the part of the map in view."""
        transform = self.view.transform()
        centre = self.view.mapToScene(self.view.viewport().rect().center())
        self.set_document(doc, self.session.mode, editor=editor, view=True)
        self.view.setTransform(transform)
        self.view.centerOn(centre)
        self.files.update_title()

    def update_mode_bar(self) -> None:
        """Say across the canvas why the map cannot be changed (nothing when it can)."""
        mode, name = self.session.mode, self.session.name
        if mode == Mode.READ_ONLY:
            holder = self.files.held_by
            message = (f"Read-only: {name} is open in servicemap by {holder}. You can look, "
                       "export and print; to make changes, open a copy." if holder else
                       f"Read-only: {name} cannot be changed here; to make changes, open a "
                       "copy.")
        elif mode == Mode.REVIEW:
            message = (f"Review: you can read {name} and comment on it; the map itself is "
                       "not changed. Save puts your comments into its file.")
        else:
            message = None
        scenario = self.session.scenario_name
        if scenario is not None:
            shown = (f"Scenario “{scenario}”: what you change here goes into the scenario; the "
                     "baseline (the map as it is) stays as it was. Choose Baseline in the "
                     "Scenario box (bottom right) to see it.")
            message = f"{message} {shown}" if message else shown
        self.mode_bar.show_message(message, copy=mode != Mode.EDIT)

    def _on_mode_changed(self, _mode: str) -> None:
        """Everything in the shell that differs on a map that may not be changed."""
        self.update_mode_bar()
        editable = self.session.editable
        if self.scene is not None:
            set_movable(self.scene, editable)
            self.scene.show_flow_ends()  # none on a map that may not be changed
        for dock in ("inspector", "pathways"):
            panel = self.docks[dock].widget()
            if panel is not None:
                panel.mode_changed()

    def _flow_feedback(self, message: str) -> None:
        """While a flow is drawn: why it cannot end where the pointer is."""
        if message:
            self.statusBar().showMessage(message, 6000)
        else:
            self.statusBar().clearMessage()

    def _boxes_moved(self, old: dict, new: dict) -> None:
        """Boxes were dragged and dropped: a feature may make more of it (a drop into a
        container moves the service there), else they move."""
        if not self.host.boxes_dropped(old, new):
            self.editor.move(old, new)

    def _on_edit(self, _index: int) -> None:
        self.files.edited()
        self._update_counts()

    def _on_count_event(self, *_args) -> None:
        self._update_counts()

    def _update_counts(self) -> None:
        self._show_counts(self.doc.counts())

    def _show_counts(self, c: dict[str, int]) -> None:
        self.counts_label.setText(" · ".join(plural(c[key], word) for key, word in (
            ("services", "service"), ("access_points", "access point"), ("exits", "exit"),
            ("flows", "flow"), ("pathways", "pathway"))))

    def show_refusal(self, message: str) -> None:
        """Why an edit did nothing, in the status bar (the editor's messages name items by
        name; an id that slipped through is taken out here)."""
        self.statusBar().showMessage(without_ids(message), 8000)
        if not self.session.editable:
            self.mode_bar.flash()  # the bar says why

    # ----- selection ------------------------------------------------------------------
    def _on_scene_selection(self) -> None:
        if not self._syncing:
            self._syncing = True
            try:
                # keep the order things were picked in (Ctrl+click A, C, B: A, C, B), which
                # "New pathway from selection" follows; the scene reports its own order
                now = self.scene.selected_ids()
                chosen = set(now)
                before = [i for i in self.selection.ids if i in chosen]
                kept = set(before)
                self.selection.set(before + [i for i in now if i not in kept])
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
            self.selected_label.setText(f"Selected: {without_ids(self.doc.describe(ids[0]))}")
        else:
            self.selected_label.setText(f"{plural(len(ids), 'item')} selected")

    # ----- editing gestures -----------------------------------------------------------
    def add_node(self, kind: str, pos: QPointF | None = None) -> str | None:
        """Add a box (at ``pos``, else beside the one added last or in the view's centre,
        never on top of another), select it and put its name in edit."""
        label = KIND_LABELS[NodeKind(kind)]
        name = f"New {label}"
        if pos is None:
            where = self._free_spot(kind, name)
        else:
            where = (pos.x(), pos.y())
        node_id = self.editor.add_node(kind, name, where)
        if node_id is not None:
            self._last_added = node_id
            self.selection.set([node_id])
            QTimer.singleShot(0, lambda: self.start_rename(node_id))
        return node_id

    def _free_spot(self, kind: str, name: str) -> tuple[float, float]:
        centre = self.view.mapToScene(self.view.viewport().rect().center())
        boxes = {n: (i.pos().x(), i.pos().y(), i.rect.width(), i.rect.height())
                 for n, i in self.scene.nodes.items()}
        last = boxes.get(self._last_added) if self._last_added else None
        return free_spot(boxes.values(), estimate_size(kind, name), (centre.x(), centre.y()),
                         last)

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
        if self.doc.find_flow(source, target, flow_type) and \
                not self.ask_parallel_flow(source, target, flow_type):
            return None
        edge_id = self.editor.add_flow(source, target, flow_type)
        if edge_id is not None:
            self.selection.set([edge_id])
        return edge_id

    def start_connect(self, source: str) -> None:
        self.scene.connect_from = source
        self.statusBar().showMessage(f"Click the service or exit that people go to from "
                                     f"{self.doc.node(source)['name']} (Esc cancels).", 10000)

    def connect_from_selection(self) -> None:
        if self.selection.ids:
            self.start_connect(self.selection.ids[0])

    def start_rename(self, node_id: str) -> None:
        """Edit a node's name in place, over its box."""
        if not self.session.editable or node_id not in self.scene.nodes:
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
        notes = [i for i in self.selection.ids if i in self.scene.notes]
        if len(nodes) == 1:
            self.start_rename(nodes[0])
        elif len(notes) == 1 and not nodes:  # F2 on a note edits its text (the notes feature)
            self.scene.note_edit_requested.emit(notes[0])

    def delete_selected(self) -> None:
        """Delete the selection; say what an organisation or directorate leaves behind."""
        doc = self.doc
        chosen = set(self.selection.ids)
        members = [n for n in doc.graph.nodes if n not in chosen and doc.parent(n) in chosen]
        if self.editor.delete(self.selection.ids) is None and members:
            self.statusBar().showMessage(
                f"{plural(len(members), 'item')} stay on the map in no directorate or "
                "organisation; Undo (Ctrl+Z) puts them back in it.", 8000)

    def reverse_selected_flows(self) -> None:
        flows = [i for i in self.selection.ids if self.doc.has_edge(i)
                 and self.doc.edge(i)["kind"] == "flow"]
        if len(flows) == 1:
            self.editor.reverse_flow(flows[0])
            return
        with self.editor.transaction(f"Reverse {len(flows)} flows"):
            for flow in flows:
                self.editor.reverse_flow(flow)

    def select_all(self) -> None:
        self.selection.set(list(self.scene.nodes) + list(self.scene.flows))

    def nudge(self, dx: float, dy: float) -> None:
        """Move the selected boxes by (dx, dy), or to the next grid line when snapping."""
        new = self.scene.nudge_positions(self.selection.ids, dx, dy)
        self.editor.move(self.editor.positions(new), new, nudge=True)

    def show_context_menu(self, item_id, scene_pos: QPointF, screen_pos) -> None:
        menu = QMenu(self)
        a = self.actions.action
        editable = self.session.editable
        if item_id is None:
            for kind in DRAWN_KINDS:
                act = menu.addAction(f"Add {KIND_LABELS[kind]} here")
                act.triggered.connect(lambda _=False, k=kind: self.add_node(k, scene_pos))
                act.setEnabled(editable)
            menu.addSeparator()
            menu.addAction(a("view.fit"))
        elif item_id in self.scene.nodes:
            kind = self.doc.node(item_id)["kind"]
            if kind in (NodeKind.SERVICE, NodeKind.ACCESS_POINT):
                act = menu.addAction("Add flow to…")
                act.triggered.connect(lambda: self.start_connect(item_id))
                act.setEnabled(editable)
            menu.addAction(a("edit.rename"))
            menu.addAction(a("edit.delete"))
            menu.addSeparator()
            menu.addAction(a("view.zoom_selection"))
        elif item_id in self.scene.notes:
            menu.addAction(a("edit.delete"))  # the notes feature adds "Edit text"
        else:
            menu.addAction(a("edit.reverse_flow"))
            menu.addAction(a("edit.delete"))
        extra = self.host.context_actions(item_id, pos=scene_pos)
        if extra:  # features' own entries (a node's pin, ...)
            menu.addSeparator()
            for act in extra:
                menu.addAction(act)
        menu.exec(screen_pos if hasattr(screen_pos, "x") else QCursor.pos())

    def show_outline_menu(self, item_id, screen_pos) -> None:
        """The Outline's right-click menu: rename and delete a row's item, then what the
        features offer there (adding structure, ...)."""
        menu = QMenu(self)
        editable = self.session.editable
        if item_id is not None and self.doc.has_node(item_id):
            self.selection.set([item_id])
            rename = menu.addAction("Rename…")
            rename.triggered.connect(lambda: self.rename_by_dialog(item_id))
            rename.setEnabled(editable)
            menu.addAction(self.actions.action("edit.delete"))
            menu.addSeparator()
        for act in self.host.context_actions(item_id, "outline"):
            menu.addAction(act)
        menu.exec(screen_pos)

    def ask_parallel_flow(self, source: str, target: str, flow_type: str) -> bool:
        """Whether to draw a second flow of a type that already joins the two (tests replace
        this): a map may hold several, but one drawn twice by mistake is easy to miss."""
        kind = flow_type.replace("_", "-")
        names = [self.doc.node(n)["name"] for n in (source, target)]
        answer = dialogs.ask(self, "Add another flow?",
                             f"A {kind} flow already goes from {names[0]} to {names[1]}. Add "
                             "a second, separate one (with its own volume and waits)?",
                             dialogs.Button.Yes | dialogs.Button.No, dialogs.Button.No)
        return answer == dialogs.Button.Yes

    def ask_name(self, title: str, current: str) -> str | None:
        """A new name (tests replace this); None when cancelled."""
        from PySide6.QtWidgets import QInputDialog

        name, ok = QInputDialog.getText(self, title, "Name:", QLineEdit.EchoMode.Normal,
                                        current)
        return name if ok else None

    def rename_by_dialog(self, node_id: str) -> str | None:
        name = self.ask_name("Rename", self.doc.node(node_id)["name"])
        if name is None or name == self.doc.node(node_id)["name"]:
            return None
        return self.editor.rename(node_id, name)

    # ----- view -----------------------------------------------------------------------
    def show_item(self, item_id: str) -> bool:
        """Select a node or flow and scroll it into view."""
        self.selection.set([item_id])
        item = self.scene.graphics_item(item_id)
        if item is not None:
            self.view.ensureVisible(item, 80, 80)
        return item is not None

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
        self._show_filters(filter_choices(self.doc))

    def _show_filters(self, choices) -> None:
        self.filter_box.blockSignals(True)
        self.filter_box.clear()
        for label, key in choices:
            self.filter_box.addItem(label, key)
        self.filter_box.blockSignals(False)

    def _apply_filter(self, _index: int = 0) -> None:
        key = self.filter_box.currentData()
        if not key:
            self.scene.set_dimmed(())
            return
        flows = {k: (item.source.node_id, item.target.node_id)
                 for k, item in self.scene.flows.items()}
        self.scene.set_dimmed(ids_outside(self.doc, key, self.scene.nodes, flows))

    def _show_zoom(self, zoom: float) -> None:
        if not self.zoom_box.lineEdit().hasFocus():
            self.zoom_box.setEditText(f"{zoom:.0%}")

    def _zoom_typed(self) -> None:
        """A typed zoom ("150", "150%"); anything else goes back to the current zoom."""
        text = self.zoom_box.currentText().strip().rstrip("%").strip()
        try:
            percent = float(text)
        except ValueError:
            percent = 0
        if percent > 0:
            self.view.set_zoom(percent / 100)
        self.zoom_box.setEditText(f"{self.view.zoom:.0%}")

    def set_wheel_scrolls(self, on: bool) -> None:
        """View > Mouse wheel scrolls: remembered for next time."""
        self.view.wheel_scrolls = bool(on)
        self.settings.set_wheel_scrolls(bool(on))

    def toggle_flow_labels(self, on: bool) -> None:
        self.scene.set_flow_labels(on)

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
            session = self.session  # every undo history, the kept ones too, while all alive
            for editor in (self.editor, session.baseline_editor,
                           *session.scenario_editors.values()):
                if editor is not None:
                    editor.dispose()
            event.accept()
        else:
            event.ignore()
