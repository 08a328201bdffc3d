"""The map scene: draws a document and follows its events; display only, no gestures.

It never changes the document. It builds one item per drawn node and flow, colours services by
their group, curves parallel flows, dims and highlights (a pathway's numbered steps), and hides
flows far zoomed out. Exports draw a fresh one; the canvas's editable scene
(:class:`servicemap.ui.canvas.scene.CanvasScene`) adds the gestures.

Everything else drawn on top of the map (comment badges, comparison marks, overlay marks,
containers, export comment numbers) is a *decoration*: an item added to a named layer with
:meth:`MapScene.add_decoration`, either anchored to a node or flow (it becomes that item's
child, moves with it and goes when it is removed) or free in scene coordinates. A new scene
(another document) starts with none.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from typing import NamedTuple

import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsLineItem, QGraphicsScene

from servicemap.gcpause import gc_paused
from servicemap.graph import flow_labels, placement, routing
from servicemap.graph.document import Document
from servicemap.graph.pathways import step_flows
from servicemap.model import DRAWN_EDGE_KINDS, DRAWN_KINDS, EdgeKind, NodeKind
from servicemap.render import style
from servicemap.render.flow_layer import FlowLayer
from servicemap.render.items import FlowItem, NodeItem, StepBadge, moving_together
from servicemap.render.notes import NoteItem, NoteLayer
from servicemap.render.overview import Overview

DIM_OPACITY = 0.18
STEP_BADGES = "pathway steps"    # decoration layers of the highlighted pathway: numbered badges
STEP_GAPS = "pathway gaps"       # and dashed "no flow" connectors between consecutive steps
SCENE_MARGIN = 300  # room around the boxes in the scene rect
ESTIMATE_PAD = (200.0, 120.0)  # round the boxes' centres: half the widest box and a lane
SLICE = 250  # items made between two yields of rebuild_in_slices
WAIT_SECONDS = 0.02  # a slice waits this long at a time for the routes from the worker
ITEMS_SHARE, ROUTES_SHARE = 0.5, 0.4  # of a slow build's progress: the items made, the
# routes (worked out, then set); filing the flows for drawing is the rest
MANY_MOVED = 2000  # more boxes moved at once than this: the scene's index is built afresh
MAX_PLACED_LABELS = 800  # beyond this many flows numbers stay in the middle (placing is
# quadratic: about 0.1 s at 800 flows, 1 s at 2,500, and it runs after every edit)


class Decoration(NamedTuple):
    anchor: str | None       # the node or flow id it sits on; None: free, in scene coordinates
    item: QGraphicsItem


class MapScene(NoteLayer, QGraphicsScene):
    uses_flow_layer = False  # draw the flows with one FlowLayer (the canvas; exports: each)
    colour_meaning_changed = Signal()  # what the service colours mean (``colour_meaning``)

    def __init__(self, document: Document, parent=None, build: bool = True) -> None:
        super().__init__(parent)
        self.doc = document
        self.nodes: dict[str, NodeItem] = {}
        self.flows: dict[str, FlowItem] = {}
        self.notes: dict[str, NoteItem] = {}  # the map's text boxes (render/notes.py)
        self.colours: dict[str, QColor] = {}
        self._parents: dict[str, str] = {}  # node -> the directorate/organisation it is part of
        self._node_colours: dict[str, tuple[QColor, QColor]] = {}  # set_node_colours
        self.colour_meaning = ""  # what those colours mean (an overlay's measure); "": groups
        self._layers: dict[str, dict[QGraphicsItem, str | None]] = {}  # layer: {item: anchor}
        self._anchored: dict[str, list[tuple[str, QGraphicsItem]]] = {}  # anchor: (layer, item)
        self._corner: tuple[float, float] | None = None  # (left, bottom) of the boxes
        self._corner_known = False
        self._estimated = False  # the scene rect was set before the items were made
        self._built_bounds: tuple[QRectF, QRectF] | None = None  # (items, scene rect) then
        self.router: routing.Router | None = None  # the flows' routes (route_flows)
        # More flows than this: none is routed, each runs between its boxes' middle ports
        # (an export of a very large map sets it; None: always routed, as on the canvas)
        self.route_limit: int | None = None
        self._avoid: list[tuple[float, float, float, float]] = []  # areas routes avoid
        self.show_flow_labels = False
        self._dimmed: set[str] = set()
        self._highlight: str | None = None
        self.overview = False  # far zoomed out: the view draws the overview picture
        self.overview_picture = Overview(self)
        self.flow_layer: FlowLayer | None = None  # draws the flows (uses_flow_layer)
        # Items draw labels, arrowheads and smooth lines at every scale (exports set this);
        # False: below DETAIL_LOD / SMOOTH_LOD of the view's zoom they draw plain boxes and
        # lines, which keeps a far zoomed-out canvas fast.
        self._full_detail = False
        self.setBackgroundBrush(QColor("white"))
        self.setItemIndexMethod(QGraphicsScene.BspTreeIndex)
        self.setBspTreeDepth(8)  # automatic depth costs >1 GB and ~10 s at 10,000 items
        for signal, slot in self._subscriptions():
            signal.connect(slot)
        self.selectionChanged.connect(self.overview_picture.invalidate)
        self.selectionChanged.connect(self._repaint_flows)
        if build:  # else the caller builds it, with rebuild() or rebuild_in_slices()
            self.rebuild()

    def _subscriptions(self):
        d = self.doc
        return [(d.node_added, self._on_node_added), (d.node_removed, self._on_node_removed),
                (d.node_changed, self._on_node_changed), (d.nodes_moved, self._on_nodes_moved),
                (d.edge_added, self._on_edge_added), (d.edge_removed, self._on_edge_removed),
                (d.edge_changed, self._on_edge_changed),
                (d.pathway_changed, self._on_pathway_changed),
                (d.pathway_removed, self._on_pathway_changed), *self._note_subscriptions()]

    def detach(self) -> None:
        """Stop following the document (before the scene is thrown away)."""
        for signal, slot in self._subscriptions():
            signal.disconnect(slot)

    # ----- building -------------------------------------------------------------------
    def rebuild(self) -> None:
        """Draw the document afresh (every decoration goes with the old items)."""
        for _done in self.rebuild_in_slices(background=False):
            pass

    def rebuild_in_slices(self, every: int = SLICE, background: bool = True):
        """:meth:`rebuild` as a generator: it yields the share of the work done (0 to 1)
        after every ``every`` items made, so a window can build a large map a slice at a
        time between its events (showing progress, able to stop) instead of freezing. With
        ``background`` the flows are routed in a thread of its own (Qt-free) while it
        yields, and their routes are applied and filed for drawing a slice at a time."""
        with gc_paused():  # tens of thousands of items and records, no cycles to find yet
            yield from self._build_in_slices(every, background)

    def _build_in_slices(self, every: int, background: bool):
        self.clear()
        self.flow_layer = FlowLayer() if self.uses_flow_layer else None
        if self.flow_layer is not None:
            self.flow_layer.full_detail = self._full_detail
        self._layers, self._anchored = {}, {}
        self.nodes.clear()
        self.flows.clear()
        graph = self.doc.graph
        parents: dict[str, str] = {}
        for seen, (u, v, kind) in enumerate(graph.edges(data="kind"), 1):
            if kind == EdgeKind.PART_OF:
                parents[u] = v
            if seen % (every * 8) == 0:  # reading a link is far cheaper than making an item
                yield 0.0
        self._parents = parents
        self.colours = style.group_colours(self.doc, parents)
        self._built_bounds = None
        if background:
            yield from self._estimate_scene_rect(every)
        total = max(1, graph.number_of_nodes() + graph.number_of_edges())
        made = 0
        unplaced = []
        for node_id, attrs in graph.nodes(data=True):
            if attrs["kind"] in DRAWN_KINDS:
                if not self._make_node(node_id, attrs):
                    unplaced.append(node_id)
            made += 1
            if made % every == 0:
                yield made / total * ITEMS_SHARE
        self._corner_known = False
        self._place(unplaced)
        for u, v, k, attrs in graph.edges(keys=True, data=True):
            if attrs["kind"] in DRAWN_EDGE_KINDS:
                self._make_flow(k, u, v, attrs)
            made += 1
            if made % every == 0:
                yield made / total * ITEMS_SHARE
        if background:
            yield from self._route_aside(every)
        else:
            self.route_flows()
        if self.flow_layer is not None:
            self.addItem(self.flow_layer)
            yield from self.flow_layer.fit_in_slices(self.flows.values(), every, ITEMS_SHARE +
                                                     ROUTES_SHARE)
            filed, count = 0, max(1, len(self.flows))
            while self.flow_layer.file_some(every):  # filed for drawing before the first paint
                filed += every
                yield ITEMS_SHARE + ROUTES_SHARE + (1 - ITEMS_SHARE - ROUTES_SHARE) * \
                    min(0.99, filed / count)
        self._build_notes()
        self.place_flow_labels()
        if background:  # the bounds of every item visited a slice at a time
            yield from self._fit_scene_rect_in_slices(every)
        else:
            self.fit_scene_rect()
        self.overview_picture.invalidate()
        yield 1.0

    def _estimate_scene_rect(self, every: int):
        """Set the scene rect before any item is made, from where the boxes will be: Qt
        indexes every item again whenever the scene rect changes (15 s at 50,000 services
        when it was set at the end of the build), so it must not change once they are made."""
        left = top = math.inf
        right = bottom = -math.inf
        for seen, (_node, attrs) in enumerate(self.doc.graph.nodes(data=True), 1):
            x, y = attrs.get("x"), attrs.get("y")
            if x is not None and y is not None and attrs["kind"] in DRAWN_KINDS:
                left, right = min(left, x), max(right, x)
                top, bottom = min(top, y), max(bottom, y)
            if seen % (every * 8) == 0:
                yield 0.0
        if left == math.inf:
            return  # nothing placed yet: the rect is fitted at the end
        rect = QRectF(left, top, right - left, bottom - top).adjusted(
            -ESTIMATE_PAD[0], -ESTIMATE_PAD[1], ESTIMATE_PAD[0], ESTIMATE_PAD[1])
        self.setSceneRect(rect.adjusted(-SCENE_MARGIN, -SCENE_MARGIN, SCENE_MARGIN,
                                        SCENE_MARGIN))
        self._estimated = True

    def _fit_scene_rect_in_slices(self, every: int):
        """Where the items are, found a slice of them at a time (itemsBoundingRect asks every
        item in one go: half a second at 50,000 services); the scene rect changes only when
        they reach past the estimate (:meth:`_estimate_scene_rect`)."""
        rect = QRectF()
        if self.flow_layer is not None:
            rect = self.flow_layer.sceneBoundingRect()
        items = itertools.chain(self.nodes.values(), self.notes.values(), self.flows.values())
        for seen, item in enumerate(items, 1):
            rect = rect.united(item.sceneBoundingRect())
            if seen % every == 0:
                yield 0.999  # the filing of the flows ends just below
        if rect.isNull():
            rect = QRectF(-400, -300, 800, 600)
        wanted = rect.adjusted(-SCENE_MARGIN, -SCENE_MARGIN, SCENE_MARGIN, SCENE_MARGIN)
        if not self._estimated:
            self.setSceneRect(wanted)
        elif not self.sceneRect().contains(rect):  # past the estimate: indexed once more
            self.setSceneRect(self.sceneRect().united(wanted))
        self._estimated = False
        self._built_bounds = (QRectF(rect), self.sceneRect())

    def fit_scene_rect(self) -> None:
        rect = self.itemsBoundingRect()
        if rect.isNull():
            rect = QRectF(-400, -300, 800, 600)
        self.setSceneRect(rect.adjusted(-SCENE_MARGIN, -SCENE_MARGIN, SCENE_MARGIN,
                                        SCENE_MARGIN))

    def map_bounds(self) -> QRectF:
        """Where the boxes are (the scene rect less its margin), without visiting them."""
        built = self._built_bounds  # a build in slices found them exactly
        if built is not None and built[1] == self.sceneRect():
            return QRectF(built[0])
        return self.sceneRect().adjusted(SCENE_MARGIN, SCENE_MARGIN, -SCENE_MARGIN,
                                         -SCENE_MARGIN)

    def group_of(self, node_id: str) -> str | None:
        """The directorate a service belongs to, else its organisation."""
        return self._parents.get(node_id)

    def graphics_item(self, item_id: str) -> NodeItem | FlowItem | NoteItem | None:
        """The box, arrow or note drawn for an id (None when it is not drawn)."""
        return self.nodes.get(item_id) or self.flows.get(item_id) or self.notes.get(item_id)

    def _assign_colours(self) -> None:
        """Read every part_of link once (the scene asks for parents 30,000 times while a
        large map is built) and give each group of services its colour."""
        self._parents = {u: v for u, v, kind in self.doc.graph.edges(data="kind")
                         if kind == EdgeKind.PART_OF}
        self.colours = style.group_colours(self.doc, self._parents)

    def _make_node(self, node_id: str, attrs) -> bool:
        """Make a node's box; False when it has no position yet (see :meth:`_place`)."""
        item = NodeItem(node_id, attrs["kind"])
        item.full_detail = self._full_detail
        item.picture = self.overview_picture  # told when the box moves
        self.nodes[node_id] = item
        self._style_node(node_id, attrs)
        placed = attrs["x"] is not None and attrs["y"] is not None
        if placed:
            item.setPos(QPointF(attrs["x"], attrs["y"]))
        if node_id in self._dimmed:
            item.setOpacity(DIM_OPACITY)
        self.addItem(item)
        self.overview_picture.invalidate()
        return placed

    @staticmethod
    def _box(item: NodeItem) -> placement.Box:
        return item.pos().x(), item.pos().y(), item.rect.width(), item.rect.height()

    def _place(self, node_ids: list[str]) -> None:
        """Put boxes with no position on the grid below the others
        (:func:`servicemap.graph.placement.unplaced_positions`, as the file exports do)."""
        if not node_ids:
            return
        if not self._corner_known:
            waiting = set(node_ids)
            self._corner = placement.boxes_corner(
                self._box(item) for n, item in self.nodes.items() if n not in waiting)
            self._corner_known = True
        items = [self.nodes[n] for n in node_ids]
        spots = placement.unplaced_positions(
            self._corner, [(i.rect.width(), i.rect.height()) for i in items])
        for item, (x, y) in zip(items, spots, strict=True):
            item.setPos(QPointF(x, y))
        self._corner = placement.boxes_corner((self._box(i) for i in items), self._corner)

    def _style_node(self, node_id: str, attrs) -> None:
        fill, border = self._look(node_id, attrs["kind"])
        self.nodes[node_id].set_look(attrs["name"], fill, border)

    def _look(self, node_id: str, kind: str) -> tuple[QColor, QColor]:
        if node_id in self._node_colours:
            return self._node_colours[node_id]
        if kind == NodeKind.SERVICE:
            colour = self.colours.get(self.group_of(node_id), style.NO_GROUP)
            return style.tint(colour), style.border_colour(colour)
        return QColor("white"), style.DARK_GREY

    def set_node_colours(self, colours: Mapping[str, tuple[QColor, QColor]],
                         meaning: str = "") -> None:
        """Draw these nodes with this (fill, border) instead of their own colours (an
        overlay), until the next call; an empty mapping puts every node's own colours back.
        ``meaning`` is what the colours stand for (an overlay's title, for the legend; ""
        when they are still the groups' colours)."""
        changed = self._node_colours.keys() | colours.keys()
        self._node_colours = dict(colours)
        meaning = meaning if colours else ""
        if meaning != self.colour_meaning:
            self.colour_meaning = meaning
            self.colour_meaning_changed.emit()
        self.overview_picture.invalidate()
        for node_id in changed:
            item = self.nodes.get(node_id)
            if item is not None:
                item.set_colours(*self._look(node_id, item.kind))

    def _make_flow(self, edge_id: str, u: str, v: str, attrs) -> None:
        if u not in self.nodes or v not in self.nodes:
            return
        item = FlowItem(edge_id, self.nodes[u], self.nodes[v])
        item.full_detail = self._full_detail
        self.flows[edge_id] = item
        item.show_label = self.show_flow_labels
        if self.flow_layer is not None:
            self.flow_layer.join(item)
        self._style_flow(edge_id, attrs)
        if edge_id in self._dimmed:
            item.setOpacity(DIM_OPACITY)
        self.addItem(item)

    def _style_flow(self, edge_id: str, attrs) -> None:
        self.overview_picture.invalidate()
        volume = attrs.get("volume_per_year")
        self.flows[edge_id].set_look(attrs["flow_type"], style.flow_width(volume),
                                     "" if volume is None else f"{volume:,g}")

    @property
    def full_detail(self) -> bool:
        return self._full_detail

    @full_detail.setter
    def full_detail(self, on: bool) -> None:
        """Every item draws all its detail at any scale (exports), or follows the zoom. Each
        item keeps the flag itself: paint() runs for every item on every frame, and asking the
        scene there costs a call into Qt each time."""
        self._full_detail = bool(on)
        for item in (*self.nodes.values(), *self.flows.values()):
            item.full_detail = self._full_detail
        if self.flow_layer is not None:
            self.flow_layer.full_detail = self._full_detail
            self.flow_layer.update()

    def _repaint_flows(self) -> None:
        """The flow layer again (Qt repaints no flow item: they have no contents)."""
        if self.flow_layer is not None:
            self.flow_layer.update()

    def set_flow_labels(self, show: bool) -> None:
        """Show or hide the number (people per year) on every flow."""
        self.show_flow_labels = show
        for item in self.flows.values():
            item.show_label = show
            item.update()
        self.place_flow_labels()

    def place_flow_labels(self) -> None:
        """Move each shown number along its flow, clear of the other lines and numbers where
        it can be (:func:`servicemap.graph.flow_labels.place_labels`). Run once per change of
        the layout (not per paint), only while the numbers are shown, and on maps of up to
        ``MAX_PLACED_LABELS`` flows (a bigger map keeps its numbers in the middle)."""
        if not self.show_flow_labels or len(self.flows) > MAX_PLACED_LABELS:
            return
        flows = [flow_labels.Flow(key, item.line_points(), item.label_size())
                 for key, item in self.flows.items()]
        for key, at in flow_labels.place_labels(flows).items():
            item = self.flows[key]
            if item.label_at != at:
                item.label_at = at
                item.update()

    # ----- routes -----------------------------------------------------------------------
    def route_flows(self) -> None:
        """Route every flow round the boxes afresh (:mod:`servicemap.graph.routing`): once per
        build; after that only the flows of boxes that move, come or go are routed again.
        Past :attr:`route_limit` flows nothing is routed (:meth:`routed` is then False)."""
        if self.route_limit is not None and len(self.flows) > self.route_limit:
            self.router = None
            return
        bundle = [n for n, item in self.nodes.items() if item.kind == NodeKind.EXIT]
        self.router = routing.Router(
            {n: item.box() for n, item in self.nodes.items()},
            [routing.Flow(k, f.source.node_id, f.target.node_id) for k, f in self.flows.items()],
            bundle, self._avoid)
        for key, item in self.flows.items():
            item.set_route(self.router.routes[key])

    def _route_aside(self, every: int):
        """:meth:`route_flows` with the routing in a worker thread (the router is plain
        Python on copies of the boxes and flows) while this yields, waiting a little at a
        time without holding the interpreter, then the routes set a slice at a time."""
        if self.route_limit is not None and len(self.flows) > self.route_limit:
            self.router = None
            return
        bundle = [n for n, item in self.nodes.items() if item.kind == NodeKind.EXIT]
        boxes = {}
        for made, (n, item) in enumerate(self.nodes.items(), 1):
            boxes[n] = item.box()
            if made % every == 0:
                yield ITEMS_SHARE
        flows = []
        for made, (k, f) in enumerate(self.flows.items(), 1):
            flows.append(routing.Flow(k, f.source.node_id, f.target.node_id))
            if made % every == 0:
                yield ITEMS_SHARE
        avoid = list(self._avoid)
        result: list = []

        def work() -> None:  # in the worker thread: no Qt here
            try:
                result.append(routing.Router(boxes, flows, bundle, avoid))
            except BaseException as exc:  # noqa: BLE001 - raised again on this thread
                result.append(exc)

        worker = threading.Thread(target=work, name="servicemap-routes", daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(WAIT_SECONDS)
            yield ITEMS_SHARE  # how long routing takes is not known
        if isinstance(result[0], BaseException):
            raise result[0]
        self.router = result[0]
        routes = self.router.routes
        count = max(1, len(self.flows))
        for made, (key, item) in enumerate(self.flows.items(), 1):
            item.set_route(routes[key])
            if made % every == 0:
                yield ITEMS_SHARE + ROUTES_SHARE * made / count

    def routed(self) -> bool:
        """Whether the flows run along routes round the boxes (not past ``route_limit``)."""
        return self.router is not None or not self.flows

    def set_route_avoid(self, rects: Iterable[QRectF]) -> None:
        """Areas flows keep out of where they can (the containers' titles): the flows that run
        through them are routed again."""
        self._avoid = [(r.left(), r.top(), r.right(), r.bottom()) for r in rects]
        if self.router is not None:
            changed = self.router.set_avoid(self._avoid)
            self._apply_routes(changed)
            if changed:
                self.place_flow_labels()

    def _reroute(self, **changes) -> None:
        """Tell the router what changed (see :meth:`Router.update`) and redraw the flows whose
        routes it changed."""
        if self.router is not None:
            self._apply_routes(self.router.update(**changes))

    def _apply_routes(self, keys: Iterable[str]) -> None:
        routes = self.router.routes
        for key in keys:
            item = self.flows.get(key)
            if item is not None and key in routes:
                item.set_route(routes[key])

    def _flow_record(self, edge_id: str) -> routing.Flow:
        item = self.flows[edge_id]
        return routing.Flow(edge_id, item.source.node_id, item.target.node_id)

    def keep_only(self, node_ids: Iterable[str], flow_ids: Iterable[str],
                  note_ids: Iterable[str] = ()) -> None:
        """Take every box, arrow and note off the scene except these (a scene of its own,
        such as an export's: the document is not changed, and later events may draw again)."""
        nodes, flows, notes = set(node_ids), set(flow_ids), set(note_ids)
        for key in [k for k in self.notes if k not in notes]:
            self._drop_note(key)
        for key in [k for k in self.flows if k not in flows]:
            self._drop_flow(key)
        for key in [k for k in self.nodes if k not in nodes]:
            self._drop_node(key)
        self.route_flows()

    def _drop_node(self, node_id: str) -> None:
        item = self.nodes.pop(node_id, None)
        self.overview_picture.invalidate()
        if item is not None:
            self._forget_anchor(node_id)
            self.removeItem(item)
            self._corner_known = False

    def _drop_flow(self, edge_id: str) -> FlowItem | None:
        item = self.flows.pop(edge_id, None)
        self.overview_picture.invalidate()
        if item is not None:
            self._forget_anchor(edge_id)
            item.detach()
            self.removeItem(item)
        return item

    # ----- decorations ------------------------------------------------------------------
    def add_decoration(self, layer: str, item: QGraphicsItem,
                       anchor: str | None = None) -> QGraphicsItem:
        """Draw ``item`` on top of the map in ``layer``; returns it.

        With an ``anchor`` (a drawn node or flow id) the item becomes a child of that box or
        arrow: its position is in the anchor's coordinates (a flow's are the scene's), it moves
        and dims with it, and it goes when the anchor is removed from the scene (an undo that
        brings the node back draws a new box, without it). Without one it stands free, in
        scene coordinates, until it is removed or the scene is rebuilt."""
        if anchor is None:
            self.addItem(item)
        else:
            owner = self.graphics_item(anchor)
            if owner is None:
                raise KeyError(f"{anchor!r} is not drawn on this scene")
            item.setParentItem(owner)
            self._anchored.setdefault(anchor, []).append((layer, item))
        self._layers.setdefault(layer, {})[item] = anchor
        return item

    def decorations(self, layer: str) -> list[Decoration]:
        """The decorations of ``layer`` on the scene now, in the order they were added."""
        return [Decoration(anchor, item) for item, anchor in self._layers.get(layer, {}).items()]

    def decoration_items(self) -> list[QGraphicsItem]:
        """Every decoration of every layer on the scene now (the overview draws them over its
        picture)."""
        return [item for items in self._layers.values() for item in items
                if shiboken6.isValid(item)]

    def remove_decoration(self, layer: str, item: QGraphicsItem) -> None:
        """Take one decoration off the scene (nothing happens if it is not on it)."""
        anchor = self._layers.get(layer, {}).pop(item, None)
        if anchor is not None:
            self._anchored[anchor] = [(lay, i) for lay, i in self._anchored.get(anchor, ())
                                      if i is not item]
        if shiboken6.isValid(item):
            item.setParentItem(None)
            if item.scene() is self:
                self.removeItem(item)

    def clear_decorations(self, layer: str) -> None:
        """Take every decoration of ``layer`` off the scene."""
        for item in list(self._layers.get(layer, ())):
            self.remove_decoration(layer, item)

    def _forget_anchor(self, anchor: str) -> None:
        """An anchor's box or arrow is leaving the scene, and its decorations with it."""
        for layer, item in self._anchored.pop(anchor, ()):
            self._layers[layer].pop(item, None)

    # ----- following the document ------------------------------------------------------
    def _on_node_added(self, node_id: str) -> None:
        attrs = self.doc.node(node_id)
        if attrs["kind"] in DRAWN_KINDS:
            if self._make_node(node_id, attrs):
                self._corner_known = False
            else:
                self._place([node_id])
            self._grow_rect(self.nodes[node_id])
            self._reroute(boxes={node_id: self.nodes[node_id].box()})

    def _on_node_removed(self, node_id: str) -> None:
        self._drop_node(node_id)
        self._reroute(removed=[node_id])

    def _on_node_changed(self, node_id: str, fields) -> None:
        self.overview_picture.invalidate()
        if node_id in self.nodes:
            self._style_node(node_id, self.doc.node(node_id))
            self._corner_known = False  # a longer name can make a taller box
            for edge in self.nodes[node_id].edges:
                edge.adjust()
            self._reroute(boxes={node_id: self.nodes[node_id].box()})
            self.place_flow_labels()
        elif self.doc.node(node_id)["kind"] in (NodeKind.DIRECTORATE, NodeKind.ORGANISATION):
            self._restyle_services()

    def _restyle_services(self) -> None:
        self._assign_colours()
        for node_id, item in self.nodes.items():
            if item.kind == NodeKind.SERVICE:
                self._style_node(node_id, self.doc.node(node_id))

    def _on_nodes_moved(self, node_ids) -> None:
        self._corner_known = False
        self.overview_picture.invalidate()
        unplaced = []
        with self._unindexed(len(node_ids) > MANY_MOVED), moving_together():
            for node_id in node_ids:
                item = self.nodes.get(node_id)
                if item is None:
                    continue
                attrs = self.doc.node(node_id)
                if attrs["x"] is None or attrs["y"] is None:
                    unplaced.append(node_id)
                else:
                    item.setPos(QPointF(attrs["x"], attrs["y"]))
            self._place(unplaced)
            for node_id in node_ids:
                if node_id in self.nodes:
                    self._grow_rect(self.nodes[node_id])
            # in the block: each flow's line is worked out once, along its new route
            self._reroute(boxes={n: self.nodes[n].box() for n in node_ids if n in self.nodes})
        if self.flow_layer is not None:
            self.flow_layer.fit(self.flows.values())
        self.place_flow_labels()
        if self._highlight is not None:
            self.highlight_pathway(self._highlight)

    @contextmanager
    def _unindexed(self, many: bool):
        """Many boxes moving at once (a layout, its undo): the scene keeps no index while they
        and their flows move, and builds it afresh once after (each move taken out of and put
        back in the BSP tree costs more the larger the map: 2.5 s of a layout's undo at 50,000
        services, against about 1 s to build the tree again)."""
        if not many:
            yield
            return
        depth = self.bspTreeDepth()
        self.setItemIndexMethod(QGraphicsScene.NoIndex)
        try:
            yield
        finally:
            self.setItemIndexMethod(QGraphicsScene.BspTreeIndex)
            self.setBspTreeDepth(depth)

    def _grow_rect(self, item) -> None:
        rect = item.sceneBoundingRect().adjusted(-SCENE_MARGIN, -SCENE_MARGIN, SCENE_MARGIN,
                                                 SCENE_MARGIN)
        if not self.sceneRect().contains(rect):
            self.setSceneRect(self.sceneRect().united(rect))

    def _on_edge_added(self, edge_id: str) -> None:
        attrs = self.doc.edge(edge_id)
        u, v = self.doc.edge_ends(edge_id)
        if attrs["kind"] == EdgeKind.FLOW:
            self._make_flow(edge_id, u, v, attrs)
            if edge_id in self.flows:
                self._reroute(added_flows=[self._flow_record(edge_id)])
            self.place_flow_labels()
            self._refresh_highlight()
        elif attrs["kind"] == EdgeKind.PART_OF:
            self._restyle_services()

    def _on_edge_removed(self, edge_id: str) -> None:
        item = self._drop_flow(edge_id)
        if item is not None:
            self._reroute(removed_flows=[edge_id])
            self.place_flow_labels()
            self._refresh_highlight()
        elif self.nodes:
            self._restyle_services()

    def _refresh_highlight(self, *_args) -> None:
        if self._highlight is not None:
            self.highlight_pathway(self._highlight)

    def _on_edge_changed(self, edge_id: str, fields) -> None:
        if edge_id in self.flows:
            self._style_flow(edge_id, self.doc.edge(edge_id))
            self.place_flow_labels()

    def _on_pathway_changed(self, pathway_id: str) -> None:
        if pathway_id == self._highlight:
            self.highlight_pathway(pathway_id if pathway_id in self.doc.pathways else None)

    def set_overview(self, on: bool) -> None:
        """Far zoomed out, the view draws :attr:`overview_picture` (every box in its colour
        at a visible size, flows as a density layer, one cached image) instead of the items:
        no per-item work on a frame. Nothing changes on the items themselves."""
        if on == self.overview:
            return
        self.overview = on
        self.update()

    # ----- dimming and highlighting ---------------------------------------------------
    def set_dimmed(self, ids) -> None:
        """Dim these node/flow ids (filters and pathway focus); others at full strength."""
        self._dimmed = set(ids)
        self.overview_picture.invalidate()
        for key, item in list(self.nodes.items()) + list(self.flows.items()):
            item.setOpacity(DIM_OPACITY if key in self._dimmed else 1.0)
        self._repaint_flows()

    def highlight_pathway(self, pathway_id: str | None) -> None:
        """Highlight a pathway's steps (numbered) and the flows between them; dim the rest.
        Consecutive steps with no flow between them get a dashed vermillion connector."""
        self._highlight = pathway_id
        self.overview_picture.invalidate()
        self.clear_decorations(STEP_BADGES)
        self.clear_decorations(STEP_GAPS)
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
                self.add_decoration(STEP_BADGES, StepBadge("·".join(nums), self.nodes[step].rect),
                                    step)
        for a, b, flow in zip(steps, steps[1:], step_flows(self.doc, pathway_id), strict=False):
            if flow is not None and flow in self.flows:
                keep.add(flow)
            elif a in self.nodes and b in self.nodes and a != b:
                pa, pb = self.nodes[a].pos(), self.nodes[b].pos()
                gap = QGraphicsLineItem(pa.x(), pa.y(), pb.x(), pb.y())
                gap.setPen(QPen(QColor("#D55E00"), 2.5, Qt.DashLine))
                gap.setToolTip("No flow joins these two steps")
                gap.setZValue(0.5)
                self.add_decoration(STEP_GAPS, gap)
        for key in keep:
            item = self.graphics_item(key)
            if item is not None:
                item.highlighted = True
                item.update()
        self.set_dimmed([k for k in list(self.nodes) + list(self.flows) if k not in keep])

    @property
    def highlighted_pathway(self) -> str | None:
        return self._highlight
