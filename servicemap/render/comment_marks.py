"""Review comments in exports: thread numbers beside the commented items on the map, and a
numbered appendix (one or more pages after the map in PDF and print) listing every comment.

The numbers are the ones the Comments dock and the CSV export use
(:func:`servicemap.graph.comments.comment_numbers`), so a board paper, the CSV and the
window all say "comment 3" about the same thing.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from servicemap.graph.comments import comment_numbers, rows
from servicemap.graph.document import Document
from servicemap.render import style
from servicemap.render.items import FlowItem, NodeItem

MARK_COLOUR = QColor("#7C2855")  # NHS plum: not in the group palette, dark enough for white text
LAYER = "comment numbers"  # the scene's decoration layer of the marks


class CommentMark(QGraphicsItem):
    """A "C3" tag at the top-right of a commented box, or at the middle of a commented flow."""

    def __init__(self, text: str, x: float, y: float) -> None:
        super().__init__()
        self.text = text
        font = style.label_font()
        font.setBold(True)
        font.setPointSizeF(8.5)
        self.font = font
        width = QFontMetricsF(font).horizontalAdvance(text) + 10
        self._rect = QRectF(x - width / 2, y - 9, width, 18)
        self.setZValue(6)

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing, True)
        painter.setPen(QPen(QColor("white"), 1.2))
        painter.setBrush(MARK_COLOUR)
        painter.drawRoundedRect(self._rect, 4, 4)
        painter.setFont(self.font)
        painter.setPen(QColor("white"))
        painter.drawText(self._rect, Qt.AlignCenter, self.text)


def mark_comments(scene, doc: Document, shown_nodes, shown_flows) -> dict[str, str]:
    """Tag each shown item that has comment threads with their numbers ("C1, C4"), as free
    decorations of ``scene`` (a :class:`servicemap.render.scene.MapScene`) in :data:`LAYER`;
    returns {item id: tag text}."""
    numbers = comment_numbers(doc)
    tags: dict[str, list[str]] = {}
    for cid, comment in doc.comments.items():
        if comment.reply_to or not comment.target or not doc.comment_target_exists(comment):
            continue
        tags.setdefault(comment.target, []).append(f"C{numbers[cid]}")
    placed = {}
    for target, names in tags.items():
        text = ", ".join(names)
        item = shown_nodes.get(target) or shown_flows.get(target)
        if isinstance(item, NodeItem):
            corner = item.sceneBoundingRect().topRight()
            scene.add_decoration(LAYER, CommentMark(text, corner.x() - 6, corner.y() + 2))
        elif isinstance(item, FlowItem):
            mid = item.midpoint()
            scene.add_decoration(LAYER, CommentMark(text, mid.x(), mid.y() - 16))
        else:
            continue
        placed[target] = text
    return placed


def _font(points: float, bold: bool = False) -> QFont:
    font = style.label_font()
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def appendix_lines(doc: Document) -> list[tuple[str, str]]:
    """(heading, text) per comment, threads in order with their replies after them."""
    out = []
    for row in rows(doc):
        status = "" if row["status"] == "open" else " (resolved)"
        reply = "    reply " if "." in row["number"] else ""
        heading = (f"{reply}C{row['number']}{status} on {row['item']}: {row['author']}, "
                   f"{row['created'][:16].replace('T', ' ')}")
        out.append((heading, row["text"]))
    return out


def paint_appendix(painter: QPainter, device, title: str, doc: Document) -> int:
    """Paint the comments appendix on new pages of ``device`` (a QPdfWriter or QPrinter whose
    painter is ``painter``); returns the number of pages added."""
    lines = appendix_lines(doc)
    if not lines:
        return 0
    width, height = float(device.width()), float(device.height())
    heading_font, body_font, title_font = _font(9.5, True), _font(9.5), _font(15, True)
    flags = int(Qt.TextWordWrap | Qt.AlignLeft | Qt.AlignTop)
    pages, y = 0, height  # start a page at once

    def new_page() -> float:
        nonlocal pages
        device.newPage()
        pages += 1
        painter.setFont(title_font)
        painter.setPen(style.TEXT)
        head = QRectF(0, 0, width, 28)
        painter.drawText(head, int(Qt.AlignLeft | Qt.AlignVCenter),
                         f"Comments on {title}" + (" (continued)" if pages > 1 else ""))
        painter.setPen(QPen(style.DARK_GREY, 0.8))
        painter.drawLine(0, 32, width, 32)
        return 44.0

    for heading, text in lines:
        painter.setFont(body_font)
        body_h = painter.boundingRect(QRectF(16, 0, width - 16, 10_000), flags, text).height()
        need = 18 + body_h + 10
        if y + need > height:
            y = new_page()
        painter.setFont(heading_font)
        painter.setPen(MARK_COLOUR)
        painter.drawText(QRectF(0, y, width, 18), flags, heading)
        painter.setFont(body_font)
        painter.setPen(style.TEXT)
        painter.drawText(QRectF(16, y + 18, width - 16, body_h + 2), flags, text)
        y += need
    return pages
