"""The Map menu: automatic layouts (flow, grouped, organic, tidy), containers and pinning.

Every layout is worked out by :mod:`servicemap.graph.layout` from the real sizes of the boxes
on the canvas and applied as one undoable "Layout" step; pinned nodes never move. Containers
(View by directorate, partnership or organisation) are drawn by
:class:`servicemap.render.containers.ContainerLayer`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu, QToolButton

from servicemap.graph import layout
from servicemap.graph.groups import GROUPINGS
from servicemap.model import KIND_LABELS, NodeKind
from servicemap.render.containers import ContainerLayer
from servicemap.ui.editing import commands


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


class LayoutFeature:
    """Owns the Map menu's actions and the canvas's containers for one window."""

    def __init__(self, window) -> None:
        self.w = window
        self.layer = ContainerLayer()
        self._make_actions()
        self._make_menu()

    # ----- menus and actions ------------------------------------------------------------
    def _make_actions(self) -> None:
        make = self.w.actions.make
        self.flow = make("&Flow layout", self.flow_layout, QKeySequence("Ctrl+Shift+L"),
                         "Lay the map out by flow: access points on the left, exits on the "
                         "right, services between them", edits=True)
        self.flow_selection = make(
            "Flow layout of &selection", self.flow_layout_of_selection, None,
            "Lay out only the selected nodes by flow, clear of the rest of the map",
            edits=True, needs_selection=True)
        self.flow_pathway = make(
            "Flow layout of &pathway…", self.flow_layout_of_pathway, None,
            "Lay out the steps of one pathway left to right (the one chosen in the Pathways "
            "panel, else you choose)", edits=True)
        self.grouped = {by: make(f"&Grouped layout by {by}" if by == "directorate" else
                                 f"Grouped layout by {by}",
                                 lambda _=False, by=by: self.grouped_layout(by), None,
                                 f"Put services in containers by {by}, each laid out by flow",
                                 edits=True) for by in GROUPINGS}
        self.organic = make("&Organic layout", self.organic_layout, None,
                            "A force-directed layout for a first look at an unfamiliar map",
                            edits=True)
        self.tidy = make("&Tidy (place new nodes)", self.tidy_layout,
                         QKeySequence("Ctrl+Shift+T"), "Place new, unplaced nodes next to "
                         "their neighbours without moving anything else", edits=True)
        self.pin = make("Pi&n selected", lambda: self.set_pinned(True),
                        QKeySequence("Ctrl+Shift+P"), "Pin the selected nodes: layouts "
                        "leave them where they are", edits=True, needs_selection=True)
        self.unpin = make("&Unpin selected", lambda: self.set_pinned(False),
                          QKeySequence("Ctrl+Shift+U"), "Let layouts move the selected "
                          "nodes again", edits=True, needs_selection=True)
        self.show_containers: dict[str | None, object] = {}
        group = QActionGroup(self.w)
        group.setExclusive(True)
        for by in (None, *GROUPINGS):
            action = make("&None" if by is None else f"By &{by}",
                          lambda _=False, by=by: self.set_containers(by), None,
                          "Draw no containers" if by is None else
                          f"Draw a container around the services of each {by}",
                          checkable=True)
            group.addAction(action)
            self.show_containers[by] = action
        self.show_containers[None].setChecked(True)

    def _make_menu(self) -> None:
        w = self.w
        bar = w.menuBar()
        self.menu = QMenu("&Map", w)
        help_action = w.actions.help_menu.menuAction()
        if help_action is None:
            bar.addMenu(self.menu)
        else:
            bar.insertMenu(help_action, self.menu)
        for action in (self.flow, self.flow_selection, self.flow_pathway, None,
                       *self.grouped.values(), None, self.organic, self.tidy):
            self.menu.addSeparator() if action is None else self.menu.addAction(action)
        self.containers_menu = self.menu.addMenu("&Containers")
        for action in self.show_containers.values():
            self.containers_menu.addAction(action)
        self.menu.addSeparator()
        self.menu.addAction(self.pin)
        self.menu.addAction(self.unpin)
        button = QToolButton(w)
        button.setObjectName("layout-button")
        button.setDefaultAction(self.flow)
        button.setText("Layout")
        button.setToolTip("Lay the map out by flow (Ctrl+Shift+L); the arrow offers the others")
        layouts = QMenu(button)
        for action in (self.flow, self.flow_selection, self.flow_pathway,
                       *self.grouped.values(), self.organic, self.tidy):
            layouts.addAction(action)
        button.setMenu(layouts)
        button.setPopupMode(QToolButton.MenuButtonPopup)
        w.actions.toolbar.addSeparator()
        w.actions.toolbar.addWidget(button)
        self.button = button

    def context_actions(self, item_id: str | None) -> list:
        """Actions for the canvas's right-click menu: on a node, pin or unpin it."""
        if item_id is None:
            return [self.flow, self.tidy]
        if self.w.doc is None or not self.w.doc.has_node(item_id):
            return []
        pinned = self.w.doc.node(item_id)["pinned"]
        return [self.unpin if pinned else self.pin, self.flow_selection]

    def document_changed(self, window) -> None:
        """A new map is shown: draw its containers on the new canvas."""
        self.layer.attach(window.scene, window.doc)

    # ----- running a layout -------------------------------------------------------------
    def _sizes(self) -> dict:
        return {n: (item.rect.width(), item.rect.height())
                for n, item in self.w.scene.nodes.items()}

    def _say(self, message: str) -> None:
        self.w.statusBar().showMessage(message, 8000)

    def _apply(self, name: str, compute) -> bool:
        """Work out positions with ``compute(sizes)`` and move the nodes as one undo step."""
        w = self.w
        if w.doc is None or w.editor.read_only:
            self._say("This map is open read-only; layouts are not allowed.")
            return False
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            positions = compute(self._sizes())
        finally:
            QApplication.restoreOverrideCursor()
        old = w.editor.positions(positions)
        if not any(old[n] != positions[n] for n in positions):
            self._say(f"{name}: nothing to move (pinned nodes stay where they are).")
            return False
        if w.editor.move(old, positions, text="Layout") is not None:
            return False
        w.view.fit_map()
        share = layout.left_to_right_share(w.doc)
        self._say(f"{name}: {_plural(len(positions), 'node')} placed; {share:.0%} of flows "
                  "run left to right. Undo (Ctrl+Z) puts them back.")
        return True

    def flow_layout(self) -> bool:
        doc = self.w.doc
        return self._apply("Flow layout", lambda sizes: layout.layered(doc, sizes=sizes))

    def flow_layout_of_selection(self) -> bool:
        doc = self.w.doc
        ids = [i for i in self.w.selection.ids if i in self.w.scene.nodes]
        if not ids:
            self._say("Select the services, access points or exits to lay out first.")
            return False
        return self._apply("Flow layout of the selection",
                           lambda sizes: layout.layered(doc, ids, sizes))

    def ask_pathway(self) -> str | None:
        """Ask which pathway to lay out (tests replace this)."""
        doc = self.w.doc
        names = [p.name for p in doc.pathways.values()]
        name, ok = QInputDialog.getItem(self.w, "Flow layout of pathway",
                                        "Lay out the steps of:", names, 0, False)
        if not ok:
            return None
        return next((pid for pid, p in doc.pathways.items() if p.name == name), None)

    def flow_layout_of_pathway(self) -> bool:
        doc = self.w.doc
        if not doc.pathways:
            self._say("This map has no pathways yet; make one in the Pathways panel first.")
            return False
        panel = self.w.pathways_dock.widget()
        pathway_id = getattr(panel, "current_pathway", None) or self.ask_pathway()
        if pathway_id is None or pathway_id not in doc.pathways:
            return False
        pathway = doc.pathways[pathway_id]
        return self._apply(f"Flow layout of “{pathway.name}”",
                           lambda sizes: layout.layered(doc, pathway.steps, sizes))

    def grouped_layout(self, by: str) -> bool:
        doc = self.w.doc
        done = self._apply(f"Grouped layout by {by}",
                           lambda sizes: layout.grouped(doc, by, sizes).positions)
        self.set_containers(by)
        return done

    def organic_layout(self) -> bool:
        doc = self.w.doc
        return self._apply("Organic layout", lambda sizes: layout.organic(doc, sizes))

    def tidy_layout(self) -> bool:
        doc = self.w.doc
        if not any(doc.node(n)["x"] is None for n in self.w.scene.nodes):
            self._say("Tidy: every node already has a place; nothing to do.")
            return False
        return self._apply("Tidy", lambda sizes: layout.tidy(doc, sizes))

    # ----- containers and pins ----------------------------------------------------------
    @property
    def containers_by(self) -> str | None:
        """The grouping whose containers the canvas shows (None: none), for exports to follow
        with :func:`servicemap.render.containers.draw_containers`."""
        return self.layer.by

    def set_containers(self, by: str | None) -> None:
        """Draw containers by ``by`` (directorate, partnership, organisation) or none."""
        self.show_containers[by].setChecked(True)
        self.layer.set_grouping(by)

    def set_pinned(self, pinned: bool) -> bool:
        """Pin (or unpin) the selected nodes as one undo step."""
        w = self.w
        ids = [i for i in w.selection.ids if i in w.scene.nodes
               and bool(w.doc.node(i)["pinned"]) != pinned]
        verb = "Pin" if pinned else "Unpin"
        if not ids:
            self._say(f"The selected nodes are already {verb.lower()}ned." if w.selection.ids
                      else f"Select the nodes to {verb.lower()} first.")
            return False
        if w.editor.read_only:
            self._say("This map is open read-only; changes are not allowed.")
            return False
        kinds = {w.doc.node(i)["kind"] for i in ids}
        word = KIND_LABELS[NodeKind(kinds.pop())] if len(kinds) == 1 else "node"
        text = f"{verb} {_plural(len(ids), word)}"
        w.editor.stack.beginMacro(text)
        try:
            for node_id in ids:
                w.editor.push(commands.UpdateFields(w.doc, "node", node_id,
                                                    {"pinned": pinned}, text))
        finally:
            w.editor.stack.endMacro()
        self._say(f"{text}: layouts {'leave' if pinned else 'may move'} "
                  f"{'it' if len(ids) == 1 else 'them'}.")
        return True


def install(window) -> LayoutFeature:
    """Add the Map menu, its toolbar button and the canvas containers to ``window``."""
    return LayoutFeature(window)
