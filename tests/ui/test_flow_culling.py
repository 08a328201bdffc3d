"""Long flows are drawn only where a view shows them: the part of the line in view, and the
arrowhead only when the line's end is in view, so a frame at 100% on a large map does not
stroke every flow that crosses it end to end."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter

from servicemap.render.clipping import visible_part
from servicemap.render.scene import MapScene


@pytest.fixture
def scene(qapp, doc):
    s = MapScene(doc)
    yield s
    s.detach()


def test_the_part_of_a_straight_line_in_view_is_found():
    line = [(0.0, 0.0), (1000.0, 0.0)]
    assert visible_part(line, QRectF(400, -10, 100, 20), pad=0) == pytest.approx((0.4, 0.5))
    assert visible_part(line, QRectF(400, 50, 100, 20), pad=0) is None  # below it
    assert visible_part(line, QRectF(400, 50, 100, 20), pad=60) == pytest.approx((0.34, 0.56))
    assert visible_part(line, QRectF(900, -10, 500, 20), pad=0) == pytest.approx((0.9, 1.0))
    assert visible_part([(0.0, 0.0), (0.0, 1000.0)], QRectF(-5, 250, 10, 500), pad=0) == \
        pytest.approx((0.25, 0.75))  # upright: no division by its zero width
    assert visible_part([(0.0, 0.0), (0.0, 1000.0)], QRectF(5, 250, 10, 500), pad=0) is None
    elbow = [(0.0, 0.0), (500.0, 0.0), (500.0, 800.0)]
    assert visible_part(elbow, QRectF(480, 300, 40, 40), pad=0) == (0.0, 1.0)  # whole path
    assert visible_part(elbow, QRectF(100, 300, 40, 40), pad=0) is None


def dark_rows(scene, rect: QRectF) -> int:
    """How many pixel rows of ``rect`` (drawn at 100%) have something dark in them."""
    image = QImage(int(rect.width()), int(rect.height()), QImage.Format_RGB32)
    image.fill(Qt.white)
    painter = QPainter(image)
    scene.render(painter, QRectF(image.rect()), rect)
    painter.end()
    return sum(any(image.pixelColor(x, y).lightness() < 160 for x in range(image.width()))
               for y in range(image.height()))


def test_a_long_flow_shows_its_line_in_view_and_its_arrowhead_only_at_its_end(scene, doc):
    doc.move_nodes({"gp": (0.0, 0.0), "crisis": (6000.0, 0.0)})
    flow = scene.flows["gp-crisis"]
    (ax, ay), (bx, by) = flow.line_points()[0], flow.line_points()[-1]
    assert len(flow.line_points()) == 2 and ay == by  # one straight line across the map
    middle = QRectF((ax + bx) / 2 - 100, ay - 30, 200, 60)
    end = QRectF(bx - 150, by - 30, 140, 60)
    along = dark_rows(scene, middle)
    assert 0 < along <= 6  # the line itself, a few pixels thick
    assert dark_rows(scene, end) > along + 4  # the arrowhead spreads either side of it
