"""Containers on the canvas: a light rounded box behind the services of each directorate,
partnership or organisation, titled top left; a "shared" tag on services that serve several
partnerships; a pin on pinned nodes.

Containers are not stored in the map: each is drawn around its members' boxes where they are
now (:func:`servicemap.graph.groups.container_rect`, the same geometry the grouped layout packs),
so it moves with its services and follows every edit. They are decorations of the map scene
(:meth:`servicemap.render.scene.MapScene.add_decoration`), so an export's scene draws them too.
Flows are routed clear of the titles where they can be
(:meth:`servicemap.render.scene.MapScene.set_route_avoid`).
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from servicemap.graph import groups as grp
from servicemap.render import corner, style
from servicemap.words import plural

TITLE_LABELS = {"directorate": "Directorate", "partnership": "Partnership",
                "organisation": "Organisation"}
CONTAINERS = "containers"      # the scene's decoration layers: containers, free
TAGS = "container tags"        # "shared" tags and pins, anchored to their boxes
TAG_PT = style.FLOW_NUMBER_PT  # the "shared" tag's type: no smaller than flow numbers


def _small_font(points: float, bold: bool = False) -> QFont:
    font = style.label_font()
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


# Marks containers (an overlay): (document, grouping) -> {group id: (fill, border, the figure
# added to the title, a sentence for the tooltip)}; a group left out is drawn as usual.
Marker = Callable[[object, str], dict[str, tuple[QColor, QColor, str, str]]]


class ContainerItem(QGraphicsItem):
    """A group's container: very light tint, 1 px border in the group's colour, title top left.
    Drawn behind everything; only its title band takes the pointer, so dragging the empty
    canvas inside a container pans the view as it does outside."""

    def __init__(self, group_id: str) -> None:
        super().__init__()
        self.group_id = group_id
        self.title = ""
        self.colour = style.NO_GROUP
        self.fill: QColor | None = None  # a mark's own fill (an overlay), else a tint
        self._rect = QRectF()
        self.setZValue(-1)
        self.setAcceptedMouseButtons(Qt.NoButton)

    def set_look(self, rect: QRectF, title: str, colour: QColor, tooltip: str,
                 fill: QColor | None = None) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(rect)
        self.title, self.colour, self.fill = title, colour, fill
        self.setToolTip(tooltip)
        self.update()

    @property
    def rect(self) -> QRectF:
        return self._rect

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(QRectF(self._rect.left(), self._rect.top(), self._rect.width(),
                            grp.CONTAINER_TITLE))
        return path

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing, True)
        if self.fill is not None:  # marked by an overlay: its colour, a firmer border
            painter.setPen(QPen(self.colour, 2.0))
            painter.setBrush(self.fill)
        else:
            painter.setPen(QPen(style.border_colour(self.colour), 1.0))
            painter.setBrush(style.tint(self.colour, 0.9))
        painter.drawRoundedRect(self._rect, 12, 12)
        font = _small_font(10.5, bold=True)
        painter.setFont(font)
        painter.setPen(style.TEXT)
        metrics = QFontMetricsF(font)
        width = self._rect.width() - 1.5 * grp.CONTAINER_PAD
        text = metrics.elidedText(self.title, Qt.ElideRight, max(width, 20.0))
        painter.drawText(QPointF(self._rect.left() + grp.CONTAINER_PAD / 1.5,
                                 self._rect.top() + 6 + metrics.ascent()), text)


class TagItem(QGraphicsItem):
    """A small mark on a node's corner: the word "shared" in a pill, or a pin."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text  # "" draws a pin
        font = _small_font(TAG_PT)
        width = QFontMetricsF(font).horizontalAdvance(text) + 10 if text else 12.0
        self._rect = QRectF(-width / 2, -7, width, 14)
        self.corner_order = 0 if text else None  # "shared": on the box's corner (render.corner)
        self.setZValue(2)
        self.setAcceptedMouseButtons(Qt.NoButton)

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def corner_width(self) -> float:
        return self.boundingRect().width()

    def place_corner(self, right: float) -> None:
        self.setPos(right - self.boundingRect().width() / 2, self.parentItem().rect.top())

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing, True)
        if self.text:
            painter.setPen(QPen(style.DARK_GREY, 1.0))
            painter.setBrush(QColor("white"))
            painter.drawRoundedRect(self._rect, 7, 7)
            painter.setFont(_small_font(TAG_PT))
            painter.setPen(style.TEXT)
            painter.drawText(self._rect, Qt.AlignCenter, self.text)
            return
        painter.setPen(QPen(style.DARK_GREY, 1.6, Qt.SolidLine, Qt.RoundCap))
        painter.drawLine(QPointF(0, -1), QPointF(0, 7))
        painter.setBrush(style.DARK_GREY)
        painter.drawEllipse(QPointF(0, -3), 4, 4)


class ContainerLayer:
    """Keeps the containers of one grouping (or none), shared tags and pins on a scene in step
    with the map. Changes are gathered and redrawn once, just after the edit that made them.

    Containers are free decorations of the scene (layer :data:`CONTAINERS`), tags and pins are
    anchored to their boxes (layer :data:`TAGS`), so a tag moves with its box, even mid-drag."""

    def __init__(self, pins: bool = True) -> None:
        self.pins = pins  # draw a pin on pinned nodes (not on exports)
        self.by: str | None = None
        self.scene = None
        self.doc = None
        self.grouping: grp.Grouping | None = None
        self.marker: Marker | None = None
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)

    def _signals(self):
        d = self.doc
        return (d.node_added, d.node_removed, d.node_changed, d.nodes_moved, d.edge_added,
                d.edge_removed)

    def attach(self, scene, doc) -> None:
        """Follow a new scene and document (after the window shows another map)."""
        if self.doc is not None:
            for signal in self._signals():
                signal.disconnect(self.schedule)
        self.scene, self.doc = scene, doc
        for signal in self._signals():
            signal.connect(self.schedule)
        self.refresh()

    def schedule(self, *_args) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def group_at(self, x: float, y: float) -> str | None:
        """The group whose container holds the scene point (x, y), if any."""
        if self.scene is None or not shiboken6.isValid(self.scene):
            return None
        for decoration in self.scene.decorations(CONTAINERS):
            if decoration.item.rect.contains(QPointF(x, y)):
                return decoration.item.group_id
        return None

    def set_grouping(self, by: str | None) -> None:
        self.by = by
        self.refresh()

    def set_marker(self, marker: Marker | None) -> None:
        """Mark containers from now on (an overlay's colours and figures; see :data:`Marker`),
        or stop (None); redraws."""
        self.marker = marker
        self.refresh()

    def refresh(self) -> None:
        """Redraw containers, shared tags and pins from the map as it is now."""
        self._timer.stop()
        scene = self.scene
        if scene is None or not shiboken6.isValid(scene):
            return
        nodes = scene.nodes
        self.grouping = grp.group_services(self.doc, self.by) if self.by else None
        rects = {}
        marks = self.marker(self.doc, self.by) if self.marker is not None and \
            self.grouping is not None else {}
        titles: dict[str, str] = {}
        if self.grouping is not None:
            for group, members in self.grouping.members.items():
                boxes = [(nodes[m].pos().x(), nodes[m].pos().y(), nodes[m].rect.width(),
                          nodes[m].rect.height()) for m in members if m in nodes]
                name = self.grouping.names[group]
                titles[group] = f"{name} · {marks[group][2]}" if group in marks else name
                if boxes:  # as wide as its title needs, the mark's figure too
                    rects[group] = QRectF(*grp.container_rect(boxes, titles[group]))
        scene.set_route_avoid(self._titles(rects))
        drawn = {d.item.group_id: d.item for d in scene.decorations(CONTAINERS)}
        for group in [g for g in drawn if g not in rects]:
            scene.remove_decoration(CONTAINERS, drawn.pop(group))
        for i, (group, rect) in enumerate(rects.items()):
            item = drawn.get(group) or scene.add_decoration(CONTAINERS, ContainerItem(group))
            colour = scene.colours.get(group) if self.by != "partnership" else None
            colour = colour or QColor(style.PALETTE[i % len(style.PALETTE)])
            name = self.grouping.names[group]
            count = len(self.grouping.members[group])
            tip = f"{TITLE_LABELS[self.by]}: {name}\n{plural(count, 'service')}"
            mark = marks.get(group)
            if mark is None:
                item.set_look(rect, name, colour, tip)
            else:
                fill, border, _figure, why = mark
                item.set_look(rect, titles[group], border, f"{tip}\n{why}", fill)
        self._refresh_tags()

    def _titles(self, rects: dict[str, QRectF]) -> list[QRectF]:
        """Each container's whole title band: flows are routed clear of these, so they come
        into a container by its sides."""
        return [QRectF(r.left(), r.top(), r.width(), grp.CONTAINER_TITLE) for r in rects.values()]

    def _refresh_tags(self) -> None:
        scene = self.scene
        nodes, names = scene.nodes, self.doc.graph.nodes
        wanted: dict[tuple[str, str], str] = {}
        if self.grouping is not None and self.by == "partnership":
            for service, groups in self.grouping.shared.items():
                listed = ", ".join(names[g]["name"] for g in groups)
                home = self.grouping.names[self.grouping.group_of[service]]
                wanted[(service, "shared")] = (f"Serves {plural(len(groups), 'partnership')}: "
                                               f"{listed}. Shown in {home}.")
        for node_id in nodes if self.pins else ():
            if names[node_id]["pinned"]:
                wanted[(node_id, "pin")] = "Pinned: layouts leave this node where it is."
        drawn = {(d.anchor, "shared" if d.item.text else "pin"): d.item
                 for d in scene.decorations(TAGS)}
        untagged = []  # boxes that lost their "shared" tag: an overlay badge moves back
        for key in [k for k in drawn if k not in wanted]:
            scene.remove_decoration(TAGS, drawn.pop(key))
            if key[1] == "shared" and key[0] in nodes:
                untagged.append(nodes[key[0]])
        for key, tip in wanted.items():
            node_id, what = key
            node = nodes.get(node_id)
            if node is None:
                continue
            item = drawn.get(key) or scene.add_decoration(
                TAGS, TagItem("shared" if what == "shared" else ""), node_id)
            if what == "shared":
                corner.arrange(node)  # on the corner, an overlay badge left of it
            else:
                item.setPos(node.rect.topLeft() + QPointF(10, 0))
            item.setToolTip(tip)
        for node in untagged:
            corner.arrange(node)


def draw_containers(scene, doc, by: str | None) -> ContainerLayer:
    """Draw the containers of grouping ``by`` (and shared tags) on ``scene`` as the map is now,
    for a scene of its own such as an export's; returns the layer (``refresh()`` redraws)."""
    layer = ContainerLayer(pins=False)
    layer.scene, layer.doc, layer.by = scene, doc, by
    layer.refresh()
    return layer
