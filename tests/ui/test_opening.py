"""Opening a large map: the window stays responsive, says how far it has got, and Cancel
leaves the map shown before."""

from __future__ import annotations

import pytest

from servicemap import demo, store
from servicemap.render.legend import legend_entries


@pytest.fixture(scope="module")
def large_map(tmp_path_factory):
    """A map of 3,000 services: over a megabyte, so File > Open reads it in the background."""
    path = tmp_path_factory.mktemp("large") / "large.smap"
    store.save(demo.synthetic(3000), path)
    return path


def open_from_menu(window, path):
    window.files.ask_open_path = lambda title="Open map": str(path)
    window.actions.action("file.open").trigger()
    return window.files.opening


def test_a_large_map_opens_in_the_background_with_progress(open_window, map_file,
                                                            large_map, qtbot):
    window = open_window(map_file)
    opening = open_from_menu(window, large_map)
    assert opening is not None and not opening.done
    assert window.doc.node("crisis")  # still the map shown before while it reads
    reports = []
    opening.progress.connect(lambda text, percent: reports.append((text, percent)))
    qtbot.waitUntil(lambda: opening.done, timeout=120_000)
    assert window.session.path == large_map
    assert len(window.scene.nodes) > 3000
    drawing = [percent for text, percent in reports if text.startswith("Drawing")]
    assert len(drawing) >= 2 and drawing == sorted(drawing)  # in slices, going forward
    assert reports[-1][1] == 100
    # a large map's legend, filter choices and counts are worked out beside the window
    qtbot.waitUntil(lambda: not window.aside.busy, timeout=60_000)
    counts = window.doc.counts()
    assert window.counts_label.text().startswith(f"{counts['services']:,} services")
    assert window.filter_box.count() > 1 + len(window.doc.nodes_of_kind("directorate"))
    assert [e.label for e in window.legend.entries] == \
        [e.label for e in legend_entries(window.scene)]


def test_cancel_keeps_the_map_shown_before(open_window, map_file, large_map, qtbot):
    window = open_window(map_file)
    scene = window.scene
    opening = open_from_menu(window, large_map)
    qtbot.waitUntil(lambda: opening.dialog.labelText().startswith("Drawing")
                    or opening.done, timeout=120_000)
    opening.dialog.canceled.emit()  # the dialog's Cancel button
    assert opening.done and opening.cancelled
    qtbot.wait(50)
    assert window.scene is scene and window.session.path == map_file
    assert window.doc.node("crisis")


def test_a_file_that_cannot_be_read_is_told_and_the_map_stays(open_window, map_file,
                                                               tmp_path, qtbot):
    window = open_window(map_file)
    bad = tmp_path / "bad.smap"
    bad.write_bytes(b"not a map" * 200_000)
    messages = []
    window.files.tell_error = messages.append
    opening = open_from_menu(window, bad)
    qtbot.waitUntil(lambda: opening.done, timeout=60_000)
    assert messages and "bad.smap" in messages[0]
    assert window.session.path == map_file


def test_at_start_the_window_comes_first_and_cancel_leaves_it_empty(new_window, large_map,
                                                                    qtbot):
    from servicemap.ui import app

    window = new_window()
    window.show()
    app.start(window, str(large_map))  # as `servicemap large.smap` does once the window shows
    opening = window.files.opening
    assert window.session.doc is None and not opening.done
    opening.cancel()
    qtbot.wait(50)
    assert window.session.doc is None  # an empty window, not the bundled map
    window.files.ask_open_path = lambda title="Open map": str(large_map)
    window.actions.action("file.open").trigger()  # the planner can still open a map
    qtbot.waitUntil(lambda: window.files.opening.done, timeout=120_000)
    assert window.session.path == large_map


def test_the_window_answers_between_the_slices_of_an_open(open_window, map_file, large_map,
                                                          qtbot):
    from PySide6.QtCore import QTimer

    window = open_window(map_file)
    phase = {"now": "reading"}
    beats = []
    heart = QTimer(window)
    heart.setInterval(1)
    heart.timeout.connect(lambda: beats.append(phase["now"]))
    heart.start()
    opening = open_from_menu(window, large_map)
    opening.progress.connect(lambda text, _percent: phase.update(now=text.split()[0]))
    qtbot.waitUntil(lambda: opening.done, timeout=120_000)
    heart.stop()
    assert window.session.path == large_map
    assert beats.count("Reading") + beats.count("reading") > 2  # while the worker reads
    assert beats.count("Drawing") > 20  # the event loop ran between the drawing slices


def test_a_small_map_from_file_open_is_read_in_the_background_too(open_window, map_file,
                                                                  tmp_path, qtbot):
    from tests.maps import small_map

    window = open_window(map_file)
    other = tmp_path / "other.smap"
    doc = small_map()
    doc.set_map_fields({"title": "Another map"})
    store.save(doc, other)
    opening = open_from_menu(window, other)
    assert opening is not None and not opening.done  # not all at once on the window's turn
    assert window.session.path == map_file
    qtbot.waitUntil(lambda: opening.done, timeout=30_000)
    assert window.session.path == other and window.doc.graph.graph["title"] == "Another map"
