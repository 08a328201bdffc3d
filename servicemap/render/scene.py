"""The map scene: draws a document and follows its events; display only, no gestures.

It never changes the document. It builds one item per drawn node and flow, colours services by
their group, curves parallel flows, dims and highlights (a pathway's numbered steps), and hides
flows far zoomed out. Exports draw a fresh one; the canvas's editable scene
(:class:`servicemap.ui.canvas.scene.CanvasScene`) adds the gestures.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsLineItem, QGraphicsScene

from servicemap.graph.document import Document
from servicemap.graph.pathways import step_flows
from servicemap.model import DRAWN_EDGE_KINDS, DRAWN_KINDS, EdgeKind, NodeKind
from servicemap.render import style
from servicemap.render.items import FlowItem, NodeItem, StepBadge

DIM_OPACITY = 0.18
UNPLACED_GAP = 200.0


class MapScene(QGraphicsScene):
    def __init__(self, document: Document, parent=None) -> None:
        super().__init__(parent)
        self.doc = document
        self.nodes: dict[str, NodeItem] = {}
        self.flows: dict[str, FlowItem] = {}
        self.colours: dict[str, QColor] = {}
        self._parents: dict[str, str] = {}  # node -> the directorate/organisation it is part of
        self.show_flow_labels = False
        self._dimmed: set[str] = set()
        self._highlight: str | None = None
        self._marks: list = []  # step badges and "no flow" connectors of the highlighted pathway
        self.overview = False  # far zoomed out: flows hidden, boxes only
        self.setBackgroundBrush(QColor("white"))
        self.setItemIndexMethod(QGraphicsScene.BspTreeIndex)
        self.setBspTreeDepth(8)  # automatic depth costs >1 GB and ~10 s at 10,000 items
        for signal, slot in self._subscriptions():
            signal.connect(slot)
        self.rebuild()

    def _subscriptions(self):
        d = self.doc
        return [(d.node_added, self._on_node_added), (d.node_removed, self._on_node_removed),
                (d.node_changed, self._on_node_changed), (d.nodes_moved, self._on_nodes_moved),
                (d.edge_added, self._on_edge_added), (d.edge_removed, self._on_edge_removed),
                (d.edge_changed, self._on_edge_changed),
                (d.pathway_changed, self._on_pathway_changed),
                (d.pathway_removed, self._on_pathway_changed)]

    def detach(self) -> None:
        """Stop following the document (before the scene is thrown away)."""
        for signal, slot in self._subscriptions():
            signal.disconnect(slot)

    # ----- building -------------------------------------------------------------------
    def rebuild(self) -> None:
        self.clear()
        self._marks = []
        self.nodes.clear()
        self.flows.clear()
        self._assign_colours()
        unplaced = 0
        for node_id, attrs in self.doc.graph.nodes(data=True):
            if attrs["kind"] in DRAWN_KINDS:
                unplaced += self._make_node(node_id, attrs, unplaced)
        for u, v, k, attrs in self.doc.graph.edges(keys=True, data=True):
            if attrs["kind"] in DRAWN_EDGE_KINDS:
                self._make_flow(k, u, v, attrs)
        self._set_bends_all()
        self.fit_scene_rect()

    def fit_scene_rect(self) -> None:
        rect = self.itemsBoundingRect()
        if rect.isNull():
            rect = QRectF(-400, -300, 800, 600)
        self.setSceneRect(rect.adjusted(-300, -300, 300, 300))

    def _group_of(self, node_id: str) -> str | None:
        """The directorate a service belongs to, else its organisation."""
        return self._parents.get(node_id)

    def _assign_colours(self) -> None:
        """Read every part_of link once (the scene asks for parents 30,000 times while a
        large map is built) and give each group of services its colour."""
        self._parents = {u: v for u, v, kind in self.doc.graph.edges(data="kind")
                         if kind == EdgeKind.PART_OF}
        groups = sorted({g for n in self.doc.nodes_of_kind(NodeKind.SERVICE)
                         if (g := self._group_of(n)) is not None},
                        key=lambda g: (self.doc.graph.nodes[g]["name"].casefold(), g))
        self.colours = style.group_colours(groups)

    def _make_node(self, node_id: str, attrs, unplaced_index: int) -> int:
        item = NodeItem(node_id, attrs["kind"])
        self.nodes[node_id] = item
        self._style_node(node_id, attrs)
        placed = attrs["x"] is not None and attrs["y"] is not None
        item.setPos(self._position(attrs, unplaced_index))
        if node_id in self._dimmed:
            item.setOpacity(DIM_OPACITY)
        if self.overview:
            item.setCacheMode(QGraphicsItem.ItemCoordinateCache, QSize(32, 10))
        self.addItem(item)
        return 0 if placed else 1

    def _position(self, attrs, unplaced_index: int = 0) -> QPointF:
        if attrs["x"] is not None and attrs["y"] is not None:
            return QPointF(attrs["x"], attrs["y"])
        rect = self.itemsBoundingRect()
        return QPointF(rect.left() + unplaced_index * UNPLACED_GAP, rect.bottom() + 120)

    def _style_node(self, node_id: str, attrs) -> None:
        item = self.nodes[node_id]
        if attrs["kind"] == NodeKind.SERVICE:
            colour = self.colours.get(self._group_of(node_id), style.NO_GROUP)
            fill, border = style.tint(colour), style.border_colour(colour)
        else:
            fill, border = QColor("white"), style.DARK_GREY
        item.set_look(attrs["name"], fill, border)

    def _make_flow(self, edge_id: str, u: str, v: str, attrs) -> None:
        if u not in self.nodes or v not in self.nodes:
            return
        item = FlowItem(edge_id, self.nodes[u], self.nodes[v])
        self.flows[edge_id] = item
        item.show_label = self.show_flow_labels
        if self.overview:
            item.setVisible(False)
        self._style_flow(edge_id, attrs)
        if edge_id in self._dimmed:
            item.setOpacity(DIM_OPACITY)
        self.addItem(item)

    def _style_flow(self, edge_id: str, attrs) -> None:
        volume = attrs.get("volume_per_year")
        self.flows[edge_id].set_look(attrs["flow_type"], style.flow_width(volume),
                                     "" if volume is None else f"{volume:,g}")

    def _set_bends(self, u: str, v: str) -> None:
        """Spread parallel flows between two nodes (either direction) as curves."""
        ids = [k for a, b in ((u, v), (v, u))
               for k in self.doc.graph.get_edge_data(a, b, default={}) if k in self.flows]
        for i, edge_id in enumerate(ids):
            item = self.flows[edge_id]
            forward = self.doc.edge_ends(edge_id) == (u, v)
            offset = 0.0 if len(ids) == 1 else (i - (len(ids) - 1) / 2) * 36.0 + 18.0
            item.bend = offset if forward else -offset
            item.adjust()

    def _set_bends_all(self) -> None:
        """Curve the flows of every pair of nodes joined by more than one flow."""
        pairs: Counter[tuple[str, str]] = Counter()
        for item in self.flows.values():
            a, b = item.source.node_id, item.target.node_id
            pairs[(a, b) if a <= b else (b, a)] += 1
        for (u, v), count in pairs.items():
            if count > 1:
                self._set_bends(u, v)

    # ----- following the document ------------------------------------------------------
    def _on_node_added(self, node_id: str) -> None:
        attrs = self.doc.node(node_id)
        if attrs["kind"] in DRAWN_KINDS:
            self._make_node(node_id, attrs, 0)
            self._grow_rect(self.nodes[node_id])

    def _on_node_removed(self, node_id: str) -> None:
        item = self.nodes.pop(node_id, None)
        if item is not None:
            self.removeItem(item)

    def _on_node_changed(self, node_id: str, fields) -> None:
        if node_id in self.nodes:
            self._style_node(node_id, self.doc.node(node_id))
            for edge in self.nodes[node_id].edges:
                edge.adjust()
        elif self.doc.node(node_id)["kind"] in (NodeKind.DIRECTORATE, NodeKind.ORGANISATION):
            self._restyle_services()

    def _restyle_services(self) -> None:
        self._assign_colours()
        for node_id, item in self.nodes.items():
            if item.kind == NodeKind.SERVICE:
                self._style_node(node_id, self.doc.node(node_id))

    def _on_nodes_moved(self, node_ids) -> None:
        for node_id in node_ids:
            item = self.nodes.get(node_id)
            if item is not None:
                item.setPos(self._position(self.doc.node(node_id)))
                self._grow_rect(item)
        if self._highlight is not None:
            self.highlight_pathway(self._highlight)

    def _grow_rect(self, item) -> None:
        rect = item.sceneBoundingRect().adjusted(-300, -300, 300, 300)
        if not self.sceneRect().contains(rect):
            self.setSceneRect(self.sceneRect().united(rect))

    def _on_edge_added(self, edge_id: str) -> None:
        attrs = self.doc.edge(edge_id)
        u, v = self.doc.edge_ends(edge_id)
        if attrs["kind"] == EdgeKind.FLOW:
            self._make_flow(edge_id, u, v, attrs)
            self._set_bends(u, v)
            self._refresh_highlight()
        elif attrs["kind"] == EdgeKind.PART_OF:
            self._restyle_services()

    def _on_edge_removed(self, edge_id: str) -> None:
        item = self.flows.pop(edge_id, None)
        if item is not None:
            item.detach()
            self.removeItem(item)
            u, v = item.source.node_id, item.target.node_id
            if u in self.nodes and v in self.nodes:
                self._set_bends(u, v)
            self._refresh_highlight()
        elif self.nodes:
            self._restyle_services()

    def _refresh_highlight(self, *_args) -> None:
        if self._highlight is not None:
            self.highlight_pathway(self._highlight)

    def _on_edge_changed(self, edge_id: str, fields) -> None:
        if edge_id in self.flows:
            self._style_flow(edge_id, self.doc.edge(edge_id))

    def _on_pathway_changed(self, pathway_id: str) -> None:
        if pathway_id == self._highlight:
            self.highlight_pathway(pathway_id if pathway_id in self.doc.pathways else None)

    def set_overview(self, on: bool) -> None:
        """Hide flows when the map is too small to read them (hidden items cost nothing to
        paint; at 10,000 services that keeps a zoomed-out frame fast)."""
        if on == self.overview:
            return
        self.overview = on
        for item in self.flows.values():
            item.setVisible(not on)
        # Far out a box is a few pixels: paint each once into a tiny cached image that Qt
        # scales itself, instead of calling Python for 10,000 boxes on every frame.
        mode, size = ((QGraphicsItem.ItemCoordinateCache, QSize(32, 10)) if on
                      else (QGraphicsItem.NoCache, QSize()))
        for item in self.nodes.values():
            item.setCacheMode(mode, size)

    # ----- dimming and highlighting ---------------------------------------------------
    def set_dimmed(self, ids) -> None:
        """Dim these node/flow ids (filters and pathway focus); others at full strength."""
        self._dimmed = set(ids)
        for key, item in list(self.nodes.items()) + list(self.flows.items()):
            item.setOpacity(DIM_OPACITY if key in self._dimmed else 1.0)

    def _clear_marks(self) -> None:
        for mark in self._marks:
            if mark.scene() is self:
                self.removeItem(mark)
        self._marks = []

    def highlight_pathway(self, pathway_id: str | None) -> None:
        """Highlight a pathway's steps (numbered) and the flows between them; dim the rest.
        Consecutive steps with no flow between them get a dashed vermillion connector."""
        self._highlight = pathway_id
        self._clear_marks()
        for item in list(self.nodes.values()) + list(self.flows.values()):
            item.highlighted = False
            item.update()
        if pathway_id is None or pathway_id not in self.doc.pathways:
            self._highlight = None
            self.set_dimmed(())
            return
        steps = self.doc.pathways[pathway_id].steps
        keep = set(steps)
        numbers: dict[str, list[str]] = {}
        for i, step in enumerate(steps, start=1):
            numbers.setdefault(step, []).append(str(i))
        for step, nums in numbers.items():
            if step in self.nodes:
                self._marks.append(StepBadge("·".join(nums), self.nodes[step]))
        for a, b, flow in zip(steps, steps[1:], step_flows(self.doc, pathway_id), strict=False):
            if flow is not None and flow in self.flows:
                keep.add(flow)
            elif a in self.nodes and b in self.nodes and a != b:
                pa, pb = self.nodes[a].pos(), self.nodes[b].pos()
                gap = QGraphicsLineItem(pa.x(), pa.y(), pb.x(), pb.y())
                gap.setPen(QPen(QColor("#D55E00"), 2.5, Qt.DashLine))
                gap.setToolTip("No flow joins these two steps")
                gap.setZValue(0.5)
                self.addItem(gap)
                self._marks.append(gap)
        for key in keep:
            item = self.nodes.get(key) or self.flows.get(key)
            if item is not None:
                item.highlighted = True
                item.update()
        self.set_dimmed([k for k in list(self.nodes) + list(self.flows) if k not in keep])

    @property
    def highlighted_pathway(self) -> str | None:
        return self._highlight
