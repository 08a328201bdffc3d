"""A map opens where its names can be read (issue #15): the whole map when its names are at
least 8 px tall that way, else zoomed until they are, with the access points at the left."""

from PySide6.QtGui import QFontInfo

from servicemap import demo
from servicemap.model import NodeKind
from servicemap.render import style
from servicemap.ui.canvas.view import READABLE_PX
from tests.maps import small_map


def _name_px(view) -> float:
    return QFontInfo(style.label_font()).pixelSize() * view.zoom


def _show(new_window, qtbot, doc, size=(1600, 1000)):
    window = new_window()
    window.files.show_document(doc, name="map")
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(30)
    return window


def test_the_bundled_map_opens_with_names_readable_and_its_access_points_in_view(
        new_window, qtbot):
    window = _show(new_window, qtbot, demo.kent_and_medway())
    view = window.view
    assert _name_px(view) >= READABLE_PX - 0.01
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    entries = [item.sceneBoundingRect() for item in window.scene.nodes.values()
               if item.kind == NodeKind.ACCESS_POINT]
    inside = [r for r in entries if seen.contains(r.center())]
    assert len(inside) >= len(entries) // 2  # the column where a map is read from
    leftmost = min(r.left() for r in entries)
    assert seen.left() < leftmost < seen.left() + seen.width() / 4


def test_a_small_map_opens_whole(new_window, qtbot):
    window = _show(new_window, qtbot, small_map())
    view = window.view
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    assert seen.contains(window.scene.itemsBoundingRect())
    assert _name_px(view) >= READABLE_PX


def test_fit_still_shows_the_whole_bundled_map(new_window, qtbot):
    window = _show(new_window, qtbot, demo.kent_and_medway())
    window.host.action("view.fit").trigger()
    seen = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert seen.contains(window.scene.itemsBoundingRect())
