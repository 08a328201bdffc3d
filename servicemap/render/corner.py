"""The top-right corner of a box, where two marks may sit on its top edge: the "shared" tag
(containers by partnership, :mod:`servicemap.render.containers`) at the corner and an overlay's
badge (:mod:`servicemap.render.overlay_marks`) just left of it, so they never overlap.

A mark that takes part is a child item of the box with ``corner_order`` (its place from the
corner: 0 first), ``corner_width()`` and ``place_corner(right)`` (put its right edge there, in
the box's coordinates); whoever adds, moves or takes away such a mark calls :func:`arrange`."""

from __future__ import annotations

from PySide6.QtWidgets import QGraphicsItem

EDGE = 6.0  # from the box's right edge to the first mark
GAP = 4.0   # between two marks


def arrange(node: QGraphicsItem) -> None:
    """Place the corner marks of ``node`` from its top-right corner leftwards."""
    marks = sorted((c for c in node.childItems() if getattr(c, "corner_order", None)
                    is not None), key=lambda c: c.corner_order)
    right = node.rect.right() - EDGE
    for mark in marks:
        mark.place_corner(right)
        right -= mark.corner_width() + GAP
