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


def _boxes_inside(window) -> bool:
    view = window.view
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    return all(seen.contains(item.sceneBoundingRect()) for item in window.scene.nodes.values())


def test_a_window_resized_after_it_is_shown_still_shows_the_whole_map(new_window, qtbot):
    # sizes where the whole map can be shown with its names readable (the docks take 600 px)
    window = _show(new_window, qtbot, small_map(), size=(1500, 900))
    assert _boxes_inside(window)
    for size in ((1800, 1000), (1480, 820), (1650, 1000)):  # maximised, docks settling, ...
        window.resize(*size)
        qtbot.waitUntil(lambda s=size: window.size().toTuple() == s)
        qtbot.wait(20)
        assert _boxes_inside(window), size
    zoom = window.view.zoom
    window.view.zoom_in()  # the planner zooms: the view is theirs from now on
    window.resize(1500, 900)
    qtbot.wait(20)
    assert abs(window.view.zoom - zoom * 1.25) < 1e-9


def test_a_map_opened_by_file_open_fits_the_viewport_shown(new_window, qtbot, tmp_path):
    from servicemap import store

    path = tmp_path / "small.smap"
    store.save(small_map(), path)
    window = _show(new_window, qtbot, small_map(), size=(1500, 900))
    window.files.ask_open_path = lambda title="Open map": str(path)
    window.actions.action("file.open").trigger()
    qtbot.waitUntil(lambda: window.files.opening.done, timeout=30_000)
    assert window.session.path == path
    window.resize(1700, 1000)
    qtbot.wait(30)
    assert _boxes_inside(window)


def test_a_window_left_unmaximised_takes_the_screens_free_area(new_window, qtbot):
    from servicemap.ui.app import fill_screen

    window = _show(new_window, qtbot, small_map(), size=(500, 400))  # no window manager
    area = window.screen().availableGeometry()
    fill_screen(window)
    qtbot.waitUntil(lambda: window.width() >= area.width() * 0.9)
    window.resize(area.width(), area.height())
    fill_screen(window)  # as big as the screen already: left alone
    assert window.width() == area.width()
