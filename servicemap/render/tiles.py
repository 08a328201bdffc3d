"""The marks of a tiled map (:mod:`servicemap.render.paper`): on the key map, each tile's
outline and number; on each tile, where its neighbours' pages begin (dashed, with the page
they continue on) and crop marks at the map's corners, so printed pages can be trimmed and
joined.

A key map too small for names of at least 6 pt (most are: the map needed tiles) leaves them
out on purpose: it draws the map's outline instead of the map (containers, flows as thin lines
and boxes in their colours, no text), so the page numbers over it are all it reads."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPolygonF

from servicemap.render import style
from servicemap.render.containers import CONTAINERS
from servicemap.render.large_map import Box
from servicemap.render.page import Page
from servicemap.render.paper import Plan, Tile, to_page

OUTLINE_PEN = 0.5   # the key map's outline: flows and box borders this wide on the page

TILE_LINE = QColor(style.NHS_BLUE)
CROP = 8.0          # crop marks: this long, outside the map's corners
NOTE_PT = 7.0


def _font(points: float, bold: bool = False) -> QFont:
    font = style.label_font()
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def _boxed_text(painter: QPainter, rect: QRectF, text: str, font: QFont,
                align=Qt.AlignCenter) -> None:
    """``text`` in ``rect`` on a white backing, so it reads over the map."""
    painter.setFont(font)
    bounds = painter.boundingRect(rect, int(align), text).adjusted(-3, -1, 3, 1)
    painter.fillRect(bounds, QColor(255, 255, 255, 230))
    painter.setPen(style.TEXT)
    painter.drawText(rect, int(align), text)


def paint_outline(painter: QPainter, page: Page, picture) -> None:
    """The map without its text where ``page`` draws it: containers in their tints, flows as
    thin grey lines along their routes, boxes in their fill and border colours."""
    scale, left, top = page.scale, page.source.left(), page.source.top()
    ox, oy = page.map.left(), page.map.top()

    def at(x: float, y: float) -> QPointF:
        return QPointF(ox + (x - left) * scale, oy + (y - top) * scale)

    painter.save()
    painter.setClipRect(page.map)
    painter.setRenderHint(QPainter.Antialiasing, True)
    for decoration in picture.scene.decorations(CONTAINERS):
        item = decoration.item
        painter.setPen(QPen(style.border_colour(item.colour), OUTLINE_PEN))
        painter.setBrush(style.tint(item.colour, 0.9))
        painter.drawRect(to_page(page, item.rect))
    painter.setPen(QPen(style.DARK_GREY, OUTLINE_PEN))
    painter.setBrush(Qt.NoBrush)
    for flow in picture.shown.flows.values():
        painter.drawPolyline(QPolygonF([at(x, y) for x, y in flow.line_points()]))
    for node in picture.shown.nodes.values():
        painter.setPen(QPen(node.border, OUTLINE_PEN))
        painter.setBrush(node.fill)
        rect = node.scene_rect() if isinstance(node, Box) else node.mapRectToScene(node.rect)
        painter.drawRect(to_page(page, rect))
    painter.restore()


def paint_key(painter: QPainter, plan: Plan, picture=None) -> None:
    """Each tile's outline and page number over the key map (over the map's outline when the
    key map is too small for its names: ``plan.page.draw_scene`` is False)."""
    page = plan.page
    if not page.draw_scene and picture is not None:
        paint_outline(painter, page, picture)
    painter.save()
    painter.setClipRect(page.map.adjusted(-2, -2, 2, 2))
    pen = QPen(TILE_LINE, 1.5)
    painter.setBrush(Qt.NoBrush)
    size = max(9.0, min(28.0, min(to_page(page, plan.tiles[0].source).height(),
                                   to_page(page, plan.tiles[0].source).width()) / 6))
    for tile in plan.tiles:
        rect = to_page(page, tile.source)
        painter.setPen(pen)
        painter.drawRect(rect)
        _boxed_text(painter, rect, f"page {tile.number + 1}", _font(size, True))
    painter.restore()


def _neighbour(plan: Plan, tile: Tile, dr: int, dc: int) -> Tile | None:
    row, column = tile.row + dr, tile.column + dc
    if 1 <= row <= plan.rows and 1 <= column <= plan.columns:
        return plan.tiles[(row - 1) * plan.columns + column - 1]
    return None


def paint_marks(painter: QPainter, plan: Plan, tile: Tile, page: Page) -> None:
    """Overlap lines and "continues on page N" notes on ``tile``'s page, and crop marks."""
    rect = page.map
    painter.save()
    painter.setPen(QPen(style.DARK_GREY, 0.5))
    for corner, (dx, dy) in ((rect.topLeft(), (-1, -1)), (rect.topRight(), (1, -1)),
                             (rect.bottomLeft(), (-1, 1)), (rect.bottomRight(), (1, 1))):
        painter.drawLine(corner + QPointF(dx * 2, 0), corner + QPointF(dx * (2 + CROP), 0))
        painter.drawLine(corner + QPointF(0, dy * 2), corner + QPointF(0, dy * (2 + CROP)))
    dashed = QPen(TILE_LINE, 0.75, Qt.DashLine)
    font = _font(NOTE_PT)
    room = 150.0
    for dr, dc, arrow in ((0, -1, "←"), (0, 1, "→"), (-1, 0, "↑"), (1, 0, "↓")):
        other = _neighbour(plan, tile, dr, dc)
        if other is None:
            continue
        edge = to_page(page, other.source).intersected(rect)  # the shared strip
        painter.setPen(dashed)
        if dc:
            x = edge.right() if dc < 0 else edge.left()
            painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
        else:
            y = edge.bottom() if dr < 0 else edge.top()
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        text = f"{arrow} page {other.number + 1}"
        centre = rect.center()
        if dc:
            where = QRectF(rect.left() + 2 if dc < 0 else rect.right() - room - 2,
                           centre.y() - 8, room, 16)
            align = (Qt.AlignLeft if dc < 0 else Qt.AlignRight) | Qt.AlignVCenter
        else:
            where = QRectF(centre.x() - room / 2, rect.top() + 2 if dr < 0
                           else rect.bottom() - 18, room, 16)
            align = Qt.AlignCenter
        _boxed_text(painter, where, text, font, align)
    painter.restore()
