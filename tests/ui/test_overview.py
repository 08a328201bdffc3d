"""Large maps in the window: the overview at fit is a coloured picture, it is not made again
on every frame, select all and a layout's undo work on a map of a few thousand items."""

from __future__ import annotations

from PySide6.QtGui import QImage

from servicemap import demo, store


def coloured(image: QImage) -> int:
    """Pixels that are not white, grey or black (a box in its group's colour)."""
    image = image.convertToFormat(QImage.Format_RGB888)
    data, stride = bytes(image.constBits()), image.bytesPerLine()
    count = 0
    for y in range(0, image.height(), 2):
        row = y * stride
        for x in range(row, row + image.width() * 3, 6):
            r, g, b = data[x], data[x + 1], data[x + 2]
            if max(r, g, b) - min(r, g, b) > 24:
                count += 1
    return count


def big_window(open_window, tmp_path, services=1500):
    path = tmp_path / "big.smap"
    store.save(demo.synthetic(services), path)
    window = open_window(path)
    window.view.fit_map()
    return window


def test_a_large_map_at_fit_is_a_coloured_overview(open_window, tmp_path):
    window = big_window(open_window, tmp_path)
    assert window.scene.overview
    shot = window.view.viewport().grab().toImage()
    sampled = (shot.width() // 2) * (shot.height() // 2)
    assert coloured(shot) > sampled * 0.02  # boxes in their colours, not a white canvas


def test_the_overview_is_made_once_and_again_after_a_change(open_window, tmp_path):
    window = big_window(open_window, tmp_path, services=400)
    picture = window.scene.overview_picture
    viewport = window.view.viewport()
    viewport.grab()
    made = picture.renders
    for _ in range(3):
        viewport.grab()
    assert picture.renders == made  # frames draw the cached picture
    node = next(iter(window.scene.nodes))
    window.editor.move(window.editor.positions({node: (0, 0)}), {node: (-5000.0, -5000.0)})
    viewport.grab()
    assert picture.renders == made + 1


def test_the_selection_shows_in_the_overview(open_window, tmp_path):
    window = big_window(open_window, tmp_path, services=400)
    before = window.view.viewport().grab().toImage()
    window.actions.action("edit.select_all").trigger()
    after = window.view.viewport().grab().toImage()
    assert before != after  # selected boxes turn blue


def test_select_all_selects_every_box_and_flow(open_window, tmp_path, qtbot):
    window = big_window(open_window, tmp_path)
    window.actions.action("edit.select_all").trigger()
    everything = set(window.scene.nodes) | set(window.scene.flows)
    assert set(window.selection.ids) == everything
    assert len(window.scene.selectedItems()) == len(everything)
    outline = window.docks["outline"].widget()
    qtbot.waitUntil(lambda: not outline.building, timeout=30_000)  # rows made in slices
    assert set(outline.selected_ids()) >= set(window.scene.nodes) - {None}


def test_undo_of_a_layout_puts_every_box_back(open_window, tmp_path):
    window = big_window(open_window, tmp_path, services=300)
    before = {n: (a["x"], a["y"]) for n, a in window.doc.graph.nodes(data=True)
              if n in window.scene.nodes}
    window.actions.action("map.flow_layout").trigger()
    moved = {n: (window.doc.node(n)["x"], window.doc.node(n)["y"]) for n in before}
    assert moved != before
    window.actions.action("edit.undo").trigger()
    assert {n: (window.doc.node(n)["x"], window.doc.node(n)["y"]) for n in before} == before
    assert {n: (i.pos().x(), i.pos().y()) for n, i in window.scene.nodes.items()} == before


def test_a_drag_far_out_keeps_the_picture_and_draws_the_boxes_over_it(open_window, tmp_path,
                                                                      qtbot):
    window = big_window(open_window, tmp_path, services=400)
    scene, viewport = window.scene, window.view.viewport()
    box = next(iter(scene.nodes.values()))
    window.selection.set([box.node_id])
    before = viewport.grab().toImage()
    made = scene.overview_picture.renders
    scene.begin_drag()  # as a press on a selected box does
    box.setPos(box.pos().x() + 2000, box.pos().y())
    during = viewport.grab().toImage()
    assert scene.overview_picture.renders == made  # no new picture per frame of the drag
    assert during != before  # the box shows where it is now
    scene.end_drag()
    viewport.grab()
    assert scene.overview_picture.renders == made + 1  # and the picture follows on release
