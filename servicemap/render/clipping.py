"""Which part of a flow's line a view shows: flows are culled and clipped to the part in
view before they are stroked, because Qt strokes (and dashes) a whole path before clipping
it, and a long flow's bounding box reaches into far more views than its line does."""

from __future__ import annotations

from PySide6.QtCore import QRectF

PAD = 40.0  # scene units round the view: an arrowhead or a number this near a line shows


def visible_part(points: list[tuple[float, float]], rect: QRectF,
                 pad: float = PAD) -> tuple[float, float] | None:
    """Which part of the polyline ``points`` passes within ``pad`` of ``rect`` (the
    arrowhead and the number sit that near the line): None for none of it; for a straight
    line the fractions (t0, t1) of its length, else (0, 1). The Liang-Barsky test on each
    piece, written out (it runs for every flow in view on every frame)."""
    x1, y1, x2, y2 = rect.getCoords()
    left, top, right, bottom = x1 - pad, y1 - pad, x2 + pad, y2 + pad
    ax, ay = points[0]
    for bx, by in points[1:]:
        piece = clip_segment(ax, ay, bx, by, left, top, right, bottom)
        if piece is not None:
            return piece if len(points) == 2 else (0.0, 1.0)
        ax, ay = bx, by
    return None


def clip_segment(ax: float, ay: float, bx: float, by: float, left: float, top: float,
          right: float, bottom: float) -> tuple[float, float] | None:
    """The fractions (t0, t1) of the segment from (ax, ay) to (bx, by) inside the rectangle,
    or None when it misses it."""
    if (ax < left and bx < left) or (ax > right and bx > right) \
            or (ay < top and by < top) or (ay > bottom and by > bottom):
        return None
    t0, t1 = 0.0, 1.0
    dx, dy = bx - ax, by - ay
    if dx:
        ta, tb = (left - ax) / dx, (right - ax) / dx
        if ta > tb:
            ta, tb = tb, ta
        t0, t1 = max(t0, ta), min(t1, tb)
    elif not left <= ax <= right:
        return None
    if dy:
        ta, tb = (top - ay) / dy, (bottom - ay) / dy
        if ta > tb:
            ta, tb = tb, ta
        t0, t1 = max(t0, ta), min(t1, tb)
    elif not top <= ay <= bottom:
        return None
    return (t0, t1) if t0 <= t1 else None
