"""The canvas's editable scene: the map scene plus the gestures that ask for edits.

It never changes the document either. Gestures become signals (moved, connect, add, rename,
context menu, nudge) that the main window turns into editor calls; the document's events then
update the items (:class:`servicemap.render.scene.MapScene`). Hovering shows a plain-text
tooltip; selection is read and set by id.

With a grid set (:meth:`CanvasScene.set_grid`, the Arrange menu's "Snap to grid") the grid is
drawn behind the map, dragged boxes jump from line to line and land on it (the box under the
pointer on a line, the others keeping their spacing), and :meth:`CanvasScene.nudge_positions`
moves nudged boxes to the next line.

A second plain click at the same place on the same stack of items selects the next one under
the pointer (the box, then the flows under it nearest first, and round), so a flow hidden
under a box or another flow can be picked (:meth:`CanvasScene.stack_at`); a click elsewhere
starts again from the top.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPen, QTransform
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsLineItem,
    QGraphicsRectItem,
    QToolTip,
)

from servicemap.graph import arrange, calendar_means
from servicemap.graph.rules import check_join
from servicemap.model import KIND_LABELS, EdgeKind, NodeKind
from servicemap.render import style
from servicemap.render.items import FlowItem, NodeItem
from servicemap.render.notes import NoteItem
from servicemap.render.scene import MapScene
from servicemap.render.text import plain_tooltip
from servicemap.ui.canvas.note_gestures import NoteGestures
from servicemap.units import format_duration

HANDLES = "connection handles"
FLOW_ENDS = "flow ends"
FLOW_REACH = 6.0  # screen pixels: how near a click must be to a flow to pick it
HANDLE_R = 7.0
SOURCES = (NodeKind.SERVICE, NodeKind.ACCESS_POINT)  # where a flow may start
GRID_COLOUR = QColor("#E3E8EE")
GRID_MIN_PIXELS = 8  # zoomed out further than this, the grid is not drawn


def _fmt_number(value) -> str:
    return "unknown" if value is None else f"{value:,g}"


class ConnectHandle(QGraphicsEllipseItem):
    """The dot on the right edge of the box under the pointer: drag it to another box to
    draw a flow (a plain drag on the box still moves it)."""

    def __init__(self, node_id: str, x: float) -> None:
        super().__init__(QRectF(x - HANDLE_R, -HANDLE_R, 2 * HANDLE_R, 2 * HANDLE_R))
        self.node_id = node_id
        self.setBrush(QBrush(QColor("white")))
        self.setPen(QPen(style.NHS_BLUE, 2))
        self.setZValue(5)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Drag to another box to draw a flow")


class FlowEnd(QGraphicsRectItem):
    """A square on one end of the selected flow: drag it to another box to re-connect that
    end of the flow there."""

    def __init__(self, edge_id: str, end: str, point: QPointF) -> None:
        super().__init__(QRectF(point.x() - 6, point.y() - 6, 12, 12))
        self.edge_id, self.end = edge_id, end  # end: "source" or "target"
        self.setBrush(QBrush(QColor("white")))
        self.setPen(QPen(style.NHS_BLUE, 2))
        self.setZValue(6)
        self.setCursor(Qt.CursorShape.SizeAllCursor)
        self.setToolTip("Drag to another box to move this end of the flow there")


def item_key(item) -> str:
    """The id of a box, flow or note item."""
    return item.node_id if isinstance(item, NodeItem) else \
        item.note_id if isinstance(item, NoteItem) else item.edge_id


class CanvasScene(NoteGestures, MapScene):
    uses_flow_layer = True  # flows drawn by one item (render/flow_layer.py), not each
    moved = Signal(dict, dict)              # old positions, new positions (after a drag)
    connect_requested = Signal(str, str)    # source id, target id
    add_requested = Signal(QPointF)         # double-click on empty canvas
    rename_requested = Signal(str)          # double-click on a node
    context_requested = Signal(object, QPointF, object)  # item id or None, scene pos, screen pos
    nudge_requested = Signal(float, float)
    feedback = Signal(str)                  # what a flow being drawn would do ("" when fine)
    reconnect_requested = Signal(str, str, str)  # flow id, "source"/"target", the new node
    note_edit_requested = Signal(str)       # double-click on a note: edit its text
    note_resized = Signal(str, float)       # a note's corner handle dragged: id, new width

    def __init__(self, document, parent=None, editable=lambda: True, build=True) -> None:
        super().__init__(document, parent, build)
        self.connect_from: str | None = None  # "Add flow to…": the next click picks the target
        self._press_positions: dict[str, QPointF] = {}
        self._grabbed: str | None = None  # the box under the pointer while boxes are dragged
        self.grid: float | None = None    # snap to this grid (map units); None: no snapping
        self.editable = editable  # whether the map may be changed (handles shown, drags)
        self._handle: ConnectHandle | None = None
        self._moving_end: FlowEnd | None = None
        self._hovered: FlowItem | None = None
        self._press_at: QPointF | None = None  # where a plain left click went down
        self._before_press: list[str] = []  # the selection before that press
        self._last_click: tuple[QPointF, list[str]] | None = None  # where, and the stack there
        self._double = False  # the press was a double-click's (renames; does not cycle)
        self.selectionChanged.connect(self.show_flow_ends)
        document.nodes_moved.connect(self._flow_ends_later)
        document.edge_changed.connect(self._flow_ends_later)

    def detach(self) -> None:
        super().detach()
        self.doc.nodes_moved.disconnect(self._flow_ends_later)
        self.doc.edge_changed.disconnect(self._flow_ends_later)

    def _flow_ends_later(self, *_args) -> None:
        self.show_flow_ends()

    def show_flow_ends(self) -> None:
        """End squares on the one selected flow (on a map that may be changed)."""
        self.clear_decorations(FLOW_ENDS)
        flows = [i for i in self.selectedItems() if isinstance(i, FlowItem)]
        if len(flows) != 1 or len(self.selectedItems()) != 1 or not self.editable():
            return
        flow = flows[0]
        path = flow.path()
        for end, percent in (("source", 0.0), ("target", 1.0)):
            point = flow.mapToScene(path.pointAtPercent(percent))
            self.add_decoration(FLOW_ENDS, FlowEnd(flow.edge_id, end, point))

    def flow_end_at(self, pos: QPointF) -> FlowEnd | None:
        for item in self.items(pos, Qt.IntersectsItemShape, Qt.DescendingOrder, QTransform()):
            if isinstance(item, FlowEnd):
                return item
        return None

    def rebuild_in_slices(self, every: int | None = None, background: bool = True):
        self._drag_line: QGraphicsLineItem | None = None  # Shift+drag: the flow being drawn
        self._handle = None
        self._hovered = None
        yield from (super().rebuild_in_slices(background=background) if every is None
                    else super().rebuild_in_slices(every, background))

    # ----- connection handles and the flow being drawn ----------------------------------
    def _show_handle(self, node: NodeItem | None) -> None:
        """A handle on ``node`` (a box a flow may start from), none elsewhere."""
        wanted = node is not None and node.kind in SOURCES and self.editable()
        if self._handle is not None and (not wanted or self._handle.node_id != node.node_id):
            self.remove_decoration(HANDLES, self._handle)
            self._handle = None
        if wanted and self._handle is None:
            self._handle = self.add_decoration(
                HANDLES, ConnectHandle(node.node_id, node.rect.right()), node.node_id)

    def _reach(self, pixels: float) -> float:
        """``pixels`` on screen in scene units, at the view's zoom."""
        views = self.views()
        zoom = views[0].transform().m11() if views else 1.0
        return pixels / max(zoom, 1e-6)

    def flows_near(self, pos: QPointF, pixels: float = FLOW_REACH) -> list[FlowItem]:
        """The flows within ``pixels`` on screen of ``pos``, nearest first."""
        reach = self._reach(pixels)
        area = QRectF(pos.x() - reach, pos.y() - reach, 2 * reach, 2 * reach)
        found = []
        for item in self.items(area, Qt.IntersectsItemShape, Qt.DescendingOrder, QTransform()):
            if isinstance(item, FlowItem) and item.isVisible():
                d = item.distance_to(pos)
                if d <= reach:
                    found.append((d, len(found), item))
        return [item for _d, _n, item in sorted(found, key=lambda f: f[:2])]

    def flow_near(self, pos: QPointF, pixels: float = FLOW_REACH) -> FlowItem | None:
        """The flow nearest ``pos`` within ``pixels`` on screen (at any zoom a flow is as easy
        to click as a box), or None."""
        near = self.flows_near(pos, pixels)
        return near[0] if near else None

    def stack_at(self, pos: QPointF) -> list[str]:
        """The ids of what a click at ``pos`` may pick, in the order repeated clicks go
        round them: the boxes under it (top first), then the flows near it (nearest first)."""
        boxes = [item.node_id for item in
                 self.items(pos, Qt.IntersectsItemShape, Qt.DescendingOrder, QTransform())
                 if isinstance(item, NodeItem) and item.isVisible()]
        return boxes + [flow.edge_id for flow in self.flows_near(pos)]

    def _cycle_click(self, pos: QPointF) -> None:
        """A plain click (no drag) at ``pos``: when the last click was at about the same place
        on the same items and one of them was the selection, select the next one."""
        stack = self.stack_at(pos)
        last, self._last_click = self._last_click, (pos, stack)
        if last is None or len(stack) < 2 or set(last[1]) != set(stack):
            return
        near = self._reach(FLOW_REACH)
        if abs(last[0].x() - pos.x()) > near or abs(last[0].y() - pos.y()) > near:
            return
        selected = self._before_press
        if len(selected) != 1 or selected[0] not in stack:
            return
        following = stack[(stack.index(selected[0]) + 1) % len(stack)]
        self.clearSelection()
        self.graphics_item(following).setSelected(True)

    def _hover_flow(self, flow: FlowItem | None) -> None:
        """Draw the flow under the pointer strong, so a person sees what a click will pick."""
        old = self._hovered
        if old is flow:
            return
        if old is not None and old.edge_id in self.flows and self.flows[old.edge_id] is old:
            old.hovered = False
            old.update()
        self._hovered = flow
        if flow is not None:
            flow.hovered = True
            flow.update()

    def handle_at(self, pos: QPointF) -> ConnectHandle | None:
        for item in self.items(pos, Qt.IntersectsItemShape, Qt.DescendingOrder, QTransform()):
            if isinstance(item, ConnectHandle):
                return item
        return None

    def _start_flow(self, node: NodeItem, pos: QPointF) -> None:
        line = QGraphicsLineItem(node.pos().x(), node.pos().y(), pos.x(), pos.y())
        line.setPen(QPen(style.NHS_BLUE, 2, Qt.DashLine))
        line.setZValue(10)
        line.setData(0, node.node_id)
        self.addItem(line)
        self._drag_line = line

    def refusal(self, source: str, target: str | None) -> str:
        """Why a flow from ``source`` may not end on ``target`` ("" when it may)."""
        if target is None or target == source:
            return ""
        kinds = self.doc.graph.nodes
        why = check_join(EdgeKind.FLOW, kinds[source]["kind"], kinds[target]["kind"])
        if not why:
            return ""
        return f"No flow from {kinds[source]['name']} to {kinds[target]['name']}: {why}."

    def _end_refusal(self, node_id: str | None, moving: FlowEnd | None = None) -> str:
        """Why the flow being drawn (or the end being moved) may not end on ``node_id``."""
        moving = moving or self._moving_end
        fixed = self._drag_line.data(0) if self._drag_line is not None else None
        if moving is None:
            return self.refusal(fixed, node_id)
        source, target = self.doc.edge_ends(moving.edge_id)
        if moving.end == "source":
            return self.refusal(node_id, target) if node_id not in (None, target) else ""
        return self.refusal(source, node_id)

    def _set_cursor(self, shape) -> None:
        for view in self.views():
            if shape is None:
                view.viewport().unsetCursor()
            else:
                view.viewport().setCursor(shape)

    # ----- what is under the pointer, and the selection ---------------------------------
    def node_at(self, pos: QPointF) -> NodeItem | None:
        for item in self.items(pos, Qt.IntersectsItemShape, Qt.DescendingOrder, QTransform()):
            if isinstance(item, NodeItem):
                return item
        return None

    def item_id_at(self, pos: QPointF) -> str | None:
        for item in self.items(pos, Qt.IntersectsItemShape, Qt.DescendingOrder, QTransform()):
            if isinstance(item, (NodeItem, FlowItem, NoteItem)):
                return item_key(item)
        return None

    def selected_ids(self) -> list[str]:
        return [item_key(item) for item in self.selectedItems()]

    def select_ids(self, ids) -> None:
        """Select exactly these ids' items, quietly. Selecting all of a 10,000-service map
        is 30,000 items: one dict look-up and one ``setSelected`` each (Qt returns at once
        for an item already so), and the end squares decided from the ids."""
        wanted = set(ids)
        nodes, flows, notes = self.nodes, self.flows, self.notes
        drawn = 0
        self.blockSignals(True)
        try:
            for item in self.selectedItems():
                if item_key(item) not in wanted:
                    item.setSelected(False)
            for key in wanted:
                item = nodes.get(key) or flows.get(key) or notes.get(key)
                if item is not None:
                    item.setSelected(True)
                    drawn += 1
        finally:
            self.blockSignals(False)
        if drawn > 1:  # the signals were blocked above; end squares on one flow only
            self.clear_decorations(FLOW_ENDS)
        else:
            self.show_flow_ends()
        self.overview_picture.invalidate()
        self.update()

    # ----- the grid -------------------------------------------------------------------
    def set_grid(self, size: float | None) -> None:
        """Snap dragged and nudged boxes to a grid of ``size`` map units, drawn behind the
        map; None: move freely, no grid drawn."""
        self.grid = size
        self.update()

    def nudge_positions(self, node_ids, dx: float, dy: float) -> dict[str, tuple[float, float]]:
        """Where an arrow-key nudge by (dx, dy) puts these boxes (id -> new centre). With a
        grid, the first box goes to the next grid line that way and the others keep their
        spacing."""
        items = [(n, self.graphics_item(n).pos()) for n in node_ids
                 if n in self.nodes or n in self.notes]
        if not items:
            return {}
        if self.grid:
            first = items[0][1]
            dx, dy = arrange.nudge_delta(first.x(), first.y(), dx, dy, self.grid)
        return {n: (pos.x() + dx, pos.y() + dy) for n, pos in items}

    def _snap_dragged(self) -> None:
        """Put the box under the pointer on the grid; the other dragged boxes move with it."""
        grabbed = self.nodes.get(self._grabbed) if self._grabbed else None
        if not self.grid or grabbed is None:
            return
        dx, dy = arrange.snap_delta(grabbed.pos().x(), grabbed.pos().y(), self.grid)
        if dx or dy:
            for node_id in self._press_positions:
                item = self.graphics_item(node_id)
                if item is not None:
                    item.moveBy(dx, dy)

    def drawBackground(self, painter, rect) -> None:  # noqa: N802 - Qt override
        super().drawBackground(painter, rect)
        grid = self.grid
        if not grid or painter.worldTransform().m11() * grid < GRID_MIN_PIXELS:
            return
        painter.setPen(QPen(GRID_COLOUR, 0))
        left, top = math.floor(rect.left() / grid), math.floor(rect.top() / grid)
        right, bottom = math.ceil(rect.right() / grid), math.ceil(rect.bottom() / grid)
        painter.drawLines([QLineF(i * grid, rect.top(), i * grid, rect.bottom())
                           for i in range(left, right + 1)]
                          + [QLineF(rect.left(), j * grid, rect.right(), j * grid)
                             for j in range(top, bottom + 1)])

    # ----- tooltips -------------------------------------------------------------------
    def tooltip(self, item_id: str) -> str:
        """What hovering over a node or flow shows (made when asked, not for every item)."""
        if self.doc.has_note(item_id):
            return ("Note (text on the map, not part of the analysis): double-click or F2 to "
                    "edit; drag its corner to resize" if self.editable() else
                    "Note (text on the map, not part of the analysis)")
        if self.doc.has_node(item_id):
            attrs = self.doc.node(item_id)
            tip = [f"{attrs['name']}", KIND_LABELS[NodeKind(attrs["kind"])].capitalize()]
            group = self.group_of(item_id)
            if group is not None:
                tip.append(f"Part of {self.doc.graph.nodes[group]['name']}")
            if attrs.get("category"):
                tip.append(f"Category: {attrs['category']}")
            if attrs.get("capacity") is not None:
                tip.append(f"Capacity: {_fmt_number(attrs['capacity'])} "
                           f"{attrs.get('capacity_unit') or ''}".rstrip())
            for name, what in (("capacity_calendar", "Places"), ("arrivals_calendar",
                                                                 "Arrivals")):
                timed = calendar_means.words(attrs, name)
                if timed:
                    tip.append(f"{what} follow a calendar: {timed}")
            return "\n".join(tip)
        attrs = self.doc.edge(item_id)
        u, v = self.doc.edge_ends(item_id)
        names = self.doc.graph.nodes
        label = style.FLOW_STYLES.get(attrs["flow_type"], (0, 0, attrs["flow_type"]))[2]
        tip = [f"{label}: {names[u]['name']} → {names[v]['name']}",
               f"Volume per year: {_fmt_number(attrs.get('volume_per_year'))}",
               f"Median wait: {format_duration(attrs.get('median_wait_days'))}"]
        if attrs.get("wait_target_days") is not None:
            tip.append(f"Wait target: {format_duration(attrs['wait_target_days'])}")
        return "\n".join(tip)

    def helpEvent(self, event) -> None:
        item_id = self.item_id_at(event.scenePos())
        if item_id is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(event.screenPos(), plain_tooltip(self.tooltip(item_id)))
        event.accept()

    # ----- gestures -------------------------------------------------------------------
    def begin_drag(self) -> None:
        """Boxes are being dragged: draw flows the cheap way until :meth:`end_drag`; zoomed
        out, the overview keeps its picture and the dragged boxes are drawn over it."""
        FlowItem.dragging = True
        self.overview_picture.hold([i for i in self.selectedItems() if isinstance(i, NodeItem)])

    def end_drag(self) -> None:
        self.overview_picture.release()
        if FlowItem.dragging:
            FlowItem.dragging = False
            self.update()  # repaint smoothly where the drag left rough lines

    def mousePressEvent(self, event) -> None:
        plain = event.button() == Qt.LeftButton and not event.modifiers()
        self._press_at = event.scenePos() if plain else None
        self._before_press = self.selected_ids()  # the press itself may select the top item
        self._double = False
        node = self.node_at(event.scenePos()) if event.button() == Qt.LeftButton else None
        if self.note_at(event.scenePos()) is not None:
            node = None  # a note lies on top of the box under it
        if self._press_note(event):
            return
        if self.connect_from is not None and event.button() == Qt.LeftButton:
            source, self.connect_from = self.connect_from, None
            self._press_at = None
            if node is not None:
                self.connect_requested.emit(source, node.node_id)
            event.accept()
            return
        end = self.flow_end_at(event.scenePos()) if event.button() == Qt.LeftButton else None
        if end is not None and end.edge_id in self.flows:
            flow = self.flows[end.edge_id]
            fixed = flow.target if end.end == "source" else flow.source
            self._start_flow(fixed, event.scenePos())
            self._moving_end = end
            event.accept()
            return
        handle = self.handle_at(event.scenePos()) if event.button() == Qt.LeftButton else None
        if handle is not None and handle.node_id in self.nodes:
            self._start_flow(self.nodes[handle.node_id], event.scenePos())
            event.accept()
            return
        if node is not None and event.modifiers() & Qt.ShiftModifier:
            self._start_flow(node, event.scenePos())
            event.accept()
            return
        if event.button() == Qt.LeftButton and node is None and \
                self.item_id_at(event.scenePos()) is None:
            flow = self.flow_near(event.scenePos())
            if flow is not None:  # a near miss on a thin line still picks it
                if not event.modifiers() & Qt.ControlModifier:
                    self.clearSelection()
                flow.setSelected(True)
                event.accept()
                return
        super().mousePressEvent(event)
        self._press_positions = {item_key(item): item.pos() for item in self.selectedItems()
                                 if isinstance(item, (NodeItem, NoteItem))}
        self._grabbed = node.node_id if node is not None and \
            node.node_id in self._press_positions else None
        if self._press_positions and node is not None:
            self.begin_drag()

    def mouseMoveEvent(self, event) -> None:
        if self._move_note_resize(event):
            return
        if self._drag_line is not None:
            line = self._drag_line.line()
            line.setP2(event.scenePos())
            self._drag_line.setLine(line)
            target = self.node_at(event.scenePos())
            why = self._end_refusal(target.node_id if target else None)
            self._set_cursor(Qt.CursorShape.ForbiddenCursor if why else
                             Qt.CursorShape.CrossCursor)
            self.feedback.emit(why)
            event.accept()
            return
        if not event.buttons():
            node = self.node_at(event.scenePos())
            if self.handle_at(event.scenePos()) is None:
                self._show_handle(node)
            self._hover_flow(None if node is not None else self.flow_near(event.scenePos()))
        super().mouseMoveEvent(event)
        if FlowItem.dragging and event.buttons() & Qt.LeftButton:
            self._snap_dragged()

    def mouseReleaseEvent(self, event) -> None:
        if self._release_note_resize(event):
            return
        if self._drag_line is not None:
            source = self._drag_line.data(0)
            self.removeItem(self._drag_line)
            self._drag_line = None
            self._set_cursor(None)
            target = self.node_at(event.scenePos())
            moving, self._moving_end = self._moving_end, None
            if moving is not None:
                if target is not None:
                    why = self._end_refusal(target.node_id, moving)
                    self.feedback.emit(why)
                    if not why:
                        self.reconnect_requested.emit(moving.edge_id, moving.end,
                                                      target.node_id)
                event.accept()
                return
            if target is not None and target.node_id != source:
                why = self.refusal(source, target.node_id)
                if why:  # said while dragging; nothing is asked or drawn
                    self.feedback.emit(why)
                else:
                    self.feedback.emit("")
                    self.connect_requested.emit(source, target.node_id)
            event.accept()
            return
        super().mouseReleaseEvent(event)
        pressed, self._press_at = self._press_at, None
        moved = any(self.graphics_item(n) is not None and self.graphics_item(n).pos() != before
                    for n, before in self._press_positions.items())
        if event.button() == Qt.LeftButton and pressed is not None and not moved \
                and not self._double and not event.modifiers() \
                and (pressed - event.scenePos()).manhattanLength() <= self._reach(3):
            self._cycle_click(event.scenePos())
        elif event.button() == Qt.LeftButton:
            self._last_click = None  # a drag, a Ctrl+click or a double-click starts again
        if self._press_positions and moved:
            self._snap_dragged()  # a drag ends on the grid (a click leaves boxes alone)
        self.end_drag()
        self._grabbed = None
        if self._press_positions:
            old, new = {}, {}
            for node_id, before in self._press_positions.items():
                item = self.graphics_item(node_id)
                if item is not None and item.pos() != before:
                    if node_id in self.notes:
                        note = self.doc.note(node_id)
                        old[node_id] = (note.x, note.y)
                    else:
                        attrs = self.doc.node(node_id)
                        old[node_id] = None if attrs["x"] is None else (attrs["x"], attrs["y"])
                    new[node_id] = (item.pos().x(), item.pos().y())
            self._press_positions = {}
            if new:
                self.moved.emit(old, new)

    def mouseDoubleClickEvent(self, event) -> None:
        if event.button() != Qt.LeftButton:
            return super().mouseDoubleClickEvent(event)
        self._double, self._press_at, self._last_click = True, None, None
        node = self.node_at(event.scenePos())
        note = self.note_at(event.scenePos())
        if note is not None:
            self.note_edit_requested.emit(note.note_id)
        elif node is not None:
            self.rename_requested.emit(node.node_id)
        elif self.item_id_at(event.scenePos()) is None:
            self.add_requested.emit(event.scenePos())
        event.accept()

    def contextMenuEvent(self, event) -> None:
        item_id = self.item_id_at(event.scenePos())
        if item_id is not None and item_id not in self.selected_ids():
            self.clearSelection()
            self.graphics_item(item_id).setSelected(True)
        self.context_requested.emit(item_id, event.scenePos(), event.screenPos())
        event.accept()

    def keyPressEvent(self, event) -> None:
        steps = {Qt.Key_Left: (-1, 0), Qt.Key_Right: (1, 0), Qt.Key_Up: (0, -1),
                 Qt.Key_Down: (0, 1)}
        if event.key() in steps and any(isinstance(i, (NodeItem, NoteItem))
                                        for i in self.selectedItems()):
            dx, dy = steps[event.key()]
            step = 1.0 if event.modifiers() & Qt.ShiftModifier else 10.0
            self.nudge_requested.emit(dx * step, dy * step)
            event.accept()
            return
        if event.key() == Qt.Key_Escape and self.connect_from is not None:
            self.connect_from = None
            event.accept()
            return
        super().keyPressEvent(event)
