"""Pens thinner than a device pixel on a raster image (a large map's PNG export).

Qt's raster engine strokes a wide (non-cosmetic) antialiased pen by building the outline of
the whole stroke and filling it, whatever its width on the device: a flow 0.05 px wide across a
page of a 10,000-service map took about 3 ms, 67 s for its 19,925 flows. A cosmetic pen is
drawn pixel by pixel along the line (about 0.06 ms). Below a pixel an antialiased line only
covers its width's share of each pixel it crosses, so a one-pixel cosmetic line whose colour
keeps that share of its alpha puts the same ink on the page.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QPaintEngine, QPainter, QPen

MIN_ALPHA = 0.08  # a line stays just visible, however thin it would be drawn
MIN_DASH_PX = 2.0  # shorter dashes than this are not drawn as dashes
RASTER = QPaintEngine.Type.Raster
ANTIALIASING = QPainter.RenderHint.Antialiasing
_MADE: dict[int, tuple[QPen, float, QPen]] = {}  # id(pen): (pen, device width, its thin pen)


def device_width(painter: QPainter, pen: QPen) -> float:
    """``pen``'s width in device pixels under the painter's transform (0: a hairline)."""
    t = painter.worldTransform()
    return pen.widthF() * math.sqrt(abs(t.m11() * t.m22() - t.m12() * t.m21()))


def raster_pen(painter: QPainter, pen: QPen) -> QPen:
    """``pen``, or on an antialiased raster device where it is thinner than a pixel its
    one-pixel cosmetic equivalent (colour alpha scaled by the width it would have had).
    The equivalent is kept for the pen object, so a pen is not to be changed once drawn with
    (the items' pens are made once per look and never changed)."""
    engine = painter.paintEngine()
    if engine is None or engine.type() != RASTER:
        return pen  # vector devices (PDF, SVG, printers) keep the true width
    if pen.isCosmetic() or not painter.testRenderHint(ANTIALIASING):
        return pen
    width = device_width(painter, pen)
    if width >= 1.0:
        return pen
    made = _MADE.get(id(pen))
    if made is not None and made[0] is pen and made[1] == width:
        return made[2]  # one page draws thousands of flows with a few pens at one scale
    if len(_MADE) > 256:
        _MADE.clear()
    thin = _thin(pen, width)
    _MADE[id(pen)] = (pen, width, thin)  # holding the pen keeps its id from being reused
    return thin


def _thin(pen: QPen, width: float) -> QPen:
    thin = QPen(pen)
    thin.setCosmetic(True)
    thin.setWidthF(1.0)
    share = width
    dashes = pen.dashPattern() if pen.style() != Qt.SolidLine else []
    if dashes:
        scaled = [d * width for d in dashes]  # a cosmetic pen's dashes are in pixels
        if min(scaled) >= MIN_DASH_PX:
            thin.setDashPattern(scaled)
        else:  # dashes finer than the pixels: a solid line with the dashes' share of ink
            thin.setStyle(Qt.SolidLine)
            share *= sum(dashes[0::2]) / sum(dashes)
    colour = thin.color()
    colour.setAlphaF(colour.alphaF() * max(MIN_ALPHA, share))
    thin.setColor(colour)
    return thin
