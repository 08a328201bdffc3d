"""The Map menu: automatic layouts (flow, grouped, organic, tidy), containers and pinning.

Every layout is worked out by :mod:`servicemap.graph.layout` from the real sizes of the boxes
on the canvas and applied as one undoable "Layout" step; pinned nodes never move. Containers
(View by directorate, partnership or organisation) are drawn by
:class:`servicemap.render.containers.ContainerLayer`.
"""

from __future__ import annotations

from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QInputDialog, QMenu, QToolButton

from servicemap.graph import layout
from servicemap.graph.groups import GROUPINGS, groups_of
from servicemap.graph.pathways import find_pathway
from servicemap.model import KIND_LABELS, NodeKind
from servicemap.render.containers import ContainerLayer
from servicemap.ui.api import Host, busy
from servicemap.words import plural


class LayoutFeature:
    """Owns the Map menu's actions and the canvas's containers for one window."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.layer = ContainerLayer()
        self._make_actions()
        self._make_button()
        host.add_context_actions(self.context_actions)
        host.add_drop_handler(self.boxes_dropped)
        host.session.document_changed.connect(self._document_changed)
        host.session.containers_changed.connect(self._marker_changed)

    # ----- menus and actions ------------------------------------------------------------
    def _make_actions(self) -> None:
        add = self.host.add_action
        self.flow = add("map.flow_layout", "&Flow layout", self.flow_layout, menu="map",
                        section="layout", shortcut="Ctrl+Shift+L",
                        tip="Lay the map out by flow, left to right: each access point before "
                        "the services it sends people to, exits after theirs", enabled="edit")
        self.flow_selection = add(
            "map.flow_layout_selection", "Flow layout of &selection",
            self.flow_layout_of_selection, menu="map", section="layout",
            tip="Lay out only the selected nodes by flow, clear of the rest of the map",
            enabled="edit+selection")
        # An edit of the map, named as one: seeing a pathway laid out on its own, without
        # moving anything, is View > Pathway picture.
        self.flow_pathway = add(
            "map.flow_layout_pathway", "Line up &pathway steps on the map…",
            self.flow_layout_of_pathway, menu="map", section="layout",
            tip="Move the steps of one pathway (the one chosen in the Pathways panel, else you "
            "choose) into a row on the map itself, left to right; one undo step. To see a "
            "pathway on its own without moving anything, use View > Pathway picture",
            enabled="edit")
        self.grouped = {by: add(f"map.grouped_{by}", f"&Grouped layout by {by}"
                                if by == "directorate" else f"Grouped layout by {by}",
                                lambda _=False, by=by: self.grouped_layout(by), menu="map",
                                section="grouped", tip=f"Put services in containers by {by}, "
                                "each laid out by flow", enabled="edit") for by in GROUPINGS}
        self.organic = add("map.organic_layout", "&Organic layout", self.organic_layout,
                           menu="map", section="more", tip="A force-directed layout for a "
                           "first look at an unfamiliar map", enabled="edit")
        self.tidy = add("map.tidy", "&Tidy (place new nodes)", self.tidy_layout, menu="map",
                        section="more", shortcut="Ctrl+Shift+T", tip="Place new, unplaced nodes "
                        "next to their neighbours without moving anything else", enabled="edit")
        self.containers_menu = self.host.add_menu("map.containers", "&Containers", "map",
                                                  "containers")
        self.show_containers: dict[str | None, object] = {}
        group = QActionGroup(self.host.widget)
        group.setExclusive(True)
        for by in (None, *GROUPINGS):
            action = add(f"map.containers_{by or 'none'}", "&None" if by is None else
                         f"By &{by}", lambda _=False, by=by: self.set_containers(by),
                         menu="map.containers", tip="Draw no containers" if by is None else
                         f"Draw a container around the services of each {by}", checkable=True)
            group.addAction(action)
            self.show_containers[by] = action
        self.show_containers[None].setChecked(True)
        self.pin = add("map.pin", "Pi&n selected", lambda: self.set_pinned(True), menu="map",
                       section="pins", shortcut="Ctrl+Shift+P", tip="Pin the selected nodes: "
                       "layouts leave them where they are", enabled="edit+selection")
        self.unpin = add("map.unpin", "&Unpin selected", lambda: self.set_pinned(False),
                         menu="map", section="pins", shortcut="Ctrl+Shift+U",
                         tip="Let layouts move the selected nodes again",
                         enabled="edit+selection")

    def _make_button(self) -> None:
        w = self.host.widget
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
        self.host.add_toolbar_widget(button, "layout")
        self.button = button

    def context_actions(self, item_id: str | None) -> list:
        """Actions for the canvas's right-click menu: on a node, pin or unpin it."""
        doc = self.host.session.doc
        if item_id is None:
            return [self.flow, self.tidy]
        if doc is None or not doc.has_node(item_id):
            return []
        pinned = doc.node(item_id)["pinned"]
        return [self.unpin if pinned else self.pin, self.flow_selection]

    def _document_changed(self) -> None:
        """A new map is shown: draw its containers on the new canvas."""
        self.layer.attach(self.host.session.scene, self.host.session.doc)

    # ----- running a layout -------------------------------------------------------------
    def _sizes(self) -> dict:
        return {n: (item.rect.width(), item.rect.height())
                for n, item in self.host.session.scene.nodes.items()}

    def _say(self, message: str) -> None:
        self.host.status(message)

    def _apply(self, name: str, compute, undo_text: str = "Layout") -> bool:
        """Work out positions with ``compute(sizes)`` and move the nodes as one undo step
        (named ``undo_text`` in Edit > Undo)."""
        session = self.host.session
        if session.doc is None or not session.editable:
            self._say("This map is open read-only; layouts are not allowed.")
            return False
        with busy():
            positions = compute(self._sizes())
        editor = session.editor
        old = editor.positions(positions)
        if not any(old[n] != positions[n] for n in positions):
            self._say(f"{name}: nothing to move (pinned nodes stay where they are).")
            return False
        if editor.move(old, positions, text=undo_text) is not None:
            return False
        self.host.view.fit_map()
        share = layout.left_to_right_share(session.doc)
        self._say(f"{name}: {plural(len(positions), 'node')} placed; {share:.0%} of flows "
                  "run left to right. Undo (Ctrl+Z) puts them back.")
        return True

    def flow_layout(self) -> bool:
        doc = self.host.session.doc
        return self._apply("Flow layout", lambda sizes: layout.layered(doc, sizes=sizes))

    def flow_layout_of_selection(self) -> bool:
        doc = self.host.session.doc
        ids = [i for i in self.host.selection.ids if i in self.host.session.scene.nodes]
        if not ids:
            self._say("Select the services, access points or exits to lay out first.")
            return False
        return self._apply("Flow layout of the selection",
                           lambda sizes: layout.layered(doc, ids, sizes))

    def ask_pathway(self) -> str | None:
        """Ask which pathway to lay out (tests replace this)."""
        doc = self.host.session.doc
        names = [p.name for p in doc.pathways.values()]
        name, ok = QInputDialog.getItem(self.host.widget, "Line up pathway steps on the map",
                                        "Move the steps of this pathway into a row on the "
                                        "map:", names, 0, False)
        if not ok:
            return None
        return find_pathway(doc, name)

    def flow_layout_of_pathway(self) -> bool:
        doc = self.host.session.doc
        if not doc.pathways:
            self._say("This map has no pathways yet; make one in the Pathways panel first.")
            return False
        pathway_id = self.host.current_pathway() or self.ask_pathway()
        if pathway_id is None or pathway_id not in doc.pathways:
            return False
        pathway = doc.pathways[pathway_id]
        text = f"Line up the steps of “{pathway.name}” on the map"
        return self._apply(text, lambda sizes: layout.layered(doc, pathway.steps, sizes),
                           text)

    def grouped_layout(self, by: str) -> bool:
        doc = self.host.session.doc
        done = self._apply(f"Grouped layout by {by}",
                           lambda sizes: layout.grouped(doc, by, sizes).positions)
        self.set_containers(by)
        return done

    def organic_layout(self) -> bool:
        doc = self.host.session.doc
        return self._apply("Organic layout", lambda sizes: layout.organic(doc, sizes))

    def tidy_layout(self) -> bool:
        doc = self.host.session.doc
        if not any(doc.node(n)["x"] is None for n in self.host.session.scene.nodes):
            self._say("Tidy: every node already has a place; nothing to do.")
            return False
        return self._apply("Tidy", lambda sizes: layout.tidy(doc, sizes))

    def boxes_dropped(self, old: dict, new: dict) -> bool:
        """Services dropped inside another directorate's (or organisation's) container move
        there: the move and the change of parent are one undo step."""
        by = self.layer.by
        session = self.host.session
        if by not in ("directorate", "organisation") or not session.editable:
            return False
        doc = session.doc
        moves = {}
        for node_id, (x, y) in new.items():
            if not doc.has_node(node_id) or doc.node(node_id)["kind"] != NodeKind.SERVICE:
                continue
            group = self.layer.group_at(x, y)
            if group is not None and group not in groups_of(doc, node_id, by):
                moves[node_id] = group
        if not moves:
            return False
        targets = {doc.node(g)["name"] for g in moves.values()}
        where = targets.pop() if len(targets) == 1 else plural(len(targets), by)
        editor = session.editor
        with editor.transaction(f"Move {plural(len(moves), 'service')} to {where}") as tx:
            editor.move(old, new)
            for node_id, group in moves.items():
                editor.set_parent(node_id, group)
        if tx.ok:
            self._say(f"Moved {plural(len(moves), 'service')} to {where}. Undo (Ctrl+Z) puts "
                      f"{'it' if len(moves) == 1 else 'them'} back.")
        return True

    # ----- containers and pins ----------------------------------------------------------
    @property
    def containers_by(self) -> str | None:
        """The grouping whose containers the canvas shows (None: none)."""
        return self.layer.by

    def set_containers(self, by: str | None) -> None:
        """Draw containers by ``by`` (directorate, partnership, organisation) or none; the
        session says so, for exports to follow."""
        self.show_containers[by].setChecked(True)
        self.layer.set_grouping(by)
        self.host.session.set_containers_by(by)

    def _marker_changed(self) -> None:
        """An overlay marks the containers (or stops): redraw them with its marks."""
        marker = self.host.session.container_marker
        if marker is not self.layer.marker:
            self.layer.set_marker(marker)

    def set_pinned(self, pinned: bool) -> bool:
        """Pin (or unpin) the selected nodes as one undo step."""
        session, selection = self.host.session, self.host.selection
        doc = session.doc
        ids = [i for i in selection.ids if i in session.scene.nodes
               and bool(doc.node(i)["pinned"]) != pinned]
        verb = "Pin" if pinned else "Unpin"
        if not ids:
            self._say(f"The selected nodes are already {verb.lower()}ned." if selection.ids
                      else f"Select the nodes to {verb.lower()} first.")
            return False
        if not session.editable:
            self._say("This map is open read-only; changes are not allowed.")
            return False
        kinds = {doc.node(i)["kind"] for i in ids}
        word = KIND_LABELS[NodeKind(kinds.pop())] if len(kinds) == 1 else "node"
        text = f"{verb} {plural(len(ids), word)}"
        with session.editor.transaction(text) as tx:
            for node_id in ids:
                session.editor.update_node(node_id, {"pinned": pinned})
        if not tx.ok:
            return False
        self._say(f"{text}: layouts {'leave' if pinned else 'may move'} "
                  f"{'it' if len(ids) == 1 else 'them'}.")
        return True

