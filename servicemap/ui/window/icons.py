"""Toolbar icons that say what they do, drawn with QPainter (nothing loaded from disk or the
network): undo and redo as curved arrows, zoom in and out as a magnifier, fit as four corners.
Qt's standard icons offer only navigation arrows and a window-maximise box for these."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

INK = QColor("#003087")  # NHS dark blue
SIZE = 32


def _icon(draw) -> QIcon:
    icon = QIcon()
    for enabled in (True, False):
        pixmap = QPixmap(SIZE, SIZE)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(INK if enabled else QColor("#AEB7BD"), 3.0, Qt.PenStyle.SolidLine,
                   Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        draw(painter)
        painter.end()
        icon.addPixmap(pixmap, QIcon.Mode.Normal if enabled else QIcon.Mode.Disabled)
    return icon


def _curved_arrow(painter: QPainter, mirror: bool) -> None:
    if mirror:
        painter.translate(SIZE, 0)
        painter.scale(-1, 1)
    path = QPainterPath(QPointF(9, 13))
    path.cubicTo(QPointF(16, 5), QPointF(28, 9), QPointF(26, 19))
    path.cubicTo(QPointF(25, 25), QPointF(19, 27), QPointF(14, 26))
    painter.drawPath(path)
    painter.drawPolyline([QPointF(8, 5), QPointF(8, 13), QPointF(16, 13)])


def _magnifier(painter: QPainter, plus: bool) -> None:
    painter.drawEllipse(QRectF(4, 4, 18, 18))
    painter.drawLine(QPointF(19.5, 19.5), QPointF(28, 28))
    painter.drawLine(QPointF(8.5, 13), QPointF(17.5, 13))
    if plus:
        painter.drawLine(QPointF(13, 8.5), QPointF(13, 17.5))


def _corners(painter: QPainter) -> None:
    for x, y, dx, dy in ((4, 4, 1, 1), (28, 4, -1, 1), (4, 28, 1, -1), (28, 28, -1, -1)):
        painter.drawPolyline([QPointF(x, y + 7 * dy), QPointF(x, y), QPointF(x + 7 * dx, y)])
    painter.drawRect(QRectF(11, 12, 10, 8))


def undo() -> QIcon:
    return _icon(lambda p: _curved_arrow(p, mirror=False))


def redo() -> QIcon:
    return _icon(lambda p: _curved_arrow(p, mirror=True))


def zoom_in() -> QIcon:
    return _icon(lambda p: _magnifier(p, plus=True))


def zoom_out() -> QIcon:
    return _icon(lambda p: _magnifier(p, plus=False))


def fit() -> QIcon:
    return _icon(_corners)
