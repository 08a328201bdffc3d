"""Flows thinner than a pixel on a PNG are drawn with a one-pixel cosmetic pen carrying their
share of ink (render/hairline.py): as dark on the page as Qt's antialiased wide pen, which
costs milliseconds per long line; PDF and SVG keep the true width."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QIODevice, QLineF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPdfWriter, QPen

from servicemap.render.hairline import MIN_DASH_PX, raster_pen


def _ink(image: QImage) -> float:
    """How much darker than white the image is, summed over its pixels (0-1 each)."""
    total = 0.0
    for y in range(image.height()):
        for x in range(image.width()):
            total += 1 - QColor(image.pixel(x, y)).lightnessF()
    return total


def _draw(pen: QPen, scale: float, swap: bool) -> QImage:
    image = QImage(120, 120, QImage.Format_RGB32)
    image.fill(Qt.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing, True)
    painter.scale(scale, scale)
    painter.setPen(raster_pen(painter, pen) if swap else pen)
    for k in range(5):  # slanted and level lines, as flows run
        painter.drawLine(QLineF(10 / scale, (10 + 20 * k) / scale,
                                110 / scale, (30 + 15 * k) / scale))
    painter.end()
    return image


def test_a_sub_pixel_line_keeps_its_ink_on_an_image(qapp):
    pen = QPen(QColor("#425563"), 2.0, Qt.SolidLine, Qt.FlatCap, Qt.MiterJoin)
    for scale in (0.3, 0.1):  # the pen 0.6 and 0.2 px wide on the image
        wide, thin = _draw(pen, scale, False), _draw(pen, scale, True)
        assert raster_pen(QPainter(), pen) is pen  # no device: nothing to change
        assert 0.6 < _ink(thin) / _ink(wide) < 1.5


def test_only_raster_devices_and_thin_pens_change(qapp):
    pen = QPen(QColor("#425563"), 2.0)
    image = QImage(50, 50, QImage.Format_RGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing, True)
    assert raster_pen(painter, pen) is pen  # 2 px wide: drawn as it is
    painter.scale(0.05, 0.05)
    thin = raster_pen(painter, pen)
    assert thin.isCosmetic() and thin.widthF() == 1.0
    assert abs(thin.color().alphaF() - 0.1) < 0.02  # a tenth of a pixel's ink
    painter.setRenderHint(QPainter.Antialiasing, False)
    assert raster_pen(painter, pen) is pen  # aliased lines are fast already
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.WriteOnly)
    pdf = QPdfWriter(buffer)
    painter = QPainter(pdf)
    painter.setRenderHint(QPainter.Antialiasing, True)
    painter.scale(0.001, 0.001)
    assert raster_pen(painter, pen) is pen  # a vector page keeps the true width
    painter.end()


def test_dashes_finer_than_pixels_become_a_lighter_solid_line(qapp):
    dashed = QPen(QColor("black"), 2.0, Qt.DashLine)
    dashed.setDashPattern([4, 4])  # half the line is ink
    image = QImage(50, 50, QImage.Format_RGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing, True)
    painter.scale(0.1, 0.1)  # 0.2 px wide, dashes 0.8 px long
    thin = raster_pen(painter, dashed)
    assert thin.style() == Qt.SolidLine
    assert abs(thin.color().alphaF() - 0.1) < 0.02  # 0.2 px, half of it dashes
    painter.resetTransform()
    painter.scale(0.9, 0.9)  # 1.8 px: drawn as it is
    assert raster_pen(painter, dashed) is dashed
    painter.resetTransform()
    painter.scale(0.4, 0.4)  # 0.8 px wide, dashes 3.2 px long: still dashes, in pixels
    thin = raster_pen(painter, dashed)
    assert thin.style() != Qt.SolidLine and min(thin.dashPattern()) >= MIN_DASH_PX
    painter.end()
