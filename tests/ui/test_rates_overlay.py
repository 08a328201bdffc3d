"""View > Overlay > Rates per head by partnership (issue #16): each service coloured by the
people a year per 100,000 population of the partnership it serves, against the map-wide rate,
with its legend; it follows edits. Figures as in tests/test_measures.py's rates map."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from servicemap import store
from servicemap.ui.features.analysis import overlay as ov
from servicemap.ui.features.analysis.feature import AnalysisFeature
from tests.maps import analysis_map


@pytest.fixture
def window(open_window, tmp_path):
    # the crisis team (320 a year) serves North (60,000) and South (100,000): 120 and 200 by
    # population; the helpline (200 a year) serves South; the ward and the island none
    doc = analysis_map()
    doc.add_node("partnership", "North", "north", population=60_000)
    doc.add_node("partnership", "South", "south", population=100_000)
    for sid, place in (("crisis", "north"), ("crisis", "south"), ("helpline", "south")):
        doc.add_edge("serves", sid, place)
    path = tmp_path / "rates.smap"
    store.save(doc, path)
    return open_window(path, size=(1400, 900), readable=True)


def test_rates_overlay_colours_services_by_their_partnership(window, qtbot):
    f = window.host.feature(AnalysisFeature)
    entry = next(a for a in f.overlay_menu.actions()
                 if a.text() == "Rates per head by partnership")
    assert "per 100,000 population" in entry.toolTip()
    entry.trigger()
    assert f.overlay.key == "rates" and f.legend_dock.isVisible()
    # North 120: 200 per 100,000; South 200 + 200: 400 per 100,000; map-wide 520 over
    # 160,000: 325 per 100,000
    marks, nodes = f.overlay.marks, window.scene.nodes
    assert marks["crisis"].badge == "325"  # North and South together
    assert nodes["crisis"].fill == ov.SCALE[2]  # the map-wide rate itself
    assert marks["helpline"].badge == "400" and nodes["helpline"].fill == ov.SCALE[4]  # 1.23x
    assert nodes["ward"].fill == ov.UNKNOWN_FILL and marks["ward"].badge == "?"
    assert nodes["island"].fill == ov.UNKNOWN_FILL  # no partnership: unknown, never 0
    assert f.overlay.reference == "Map-wide: 325 per 100,000"
    labels = [e[0] for e in f.overlay.entries()]
    assert labels[2] == "95–105% (about the same)"
    assert labels[-1] == "Unknown, or a lower bound (≥)"
    assert f.overlay.entries()[-1][-1] == 2  # the ward and the island
    assert "Rates per head by partnership" in marks["helpline"].toolTip()

    # South's population doubles: the crisis team's people split 60:200 (73.8 North, 246.2
    # South), South 446.2 over 200,000: 223 per 100,000; map-wide 520 over 260,000: 200
    window.editor.update_node("south", {"population": 200_000})
    qtbot.waitUntil(lambda: marks["helpline"].badge == "223", timeout=3000)
    assert nodes["helpline"].fill == ov.SCALE[3]  # 1.12x the map-wide rate
    assert marks["crisis"].badge == "200" and nodes["crisis"].fill == ov.SCALE[2]
    assert f.overlay.reference == "Map-wide: 200 per 100,000"
    qtbot.mouseClick(f.legend.button, Qt.LeftButton)
    assert f.overlay.key is None and f.overlay.reference == ""


def containers(window):
    from servicemap.render.containers import CONTAINERS

    return {d.item.group_id: d.item for d in window.scene.decorations(CONTAINERS)}


def test_partnership_containers_show_their_own_rate(window, qtbot):
    f = window.host.feature(AnalysisFeature)
    window.host.action("map.containers_partnership").trigger()
    plain = containers(window)
    # the crisis team (North and South) is drawn in South, the larger; the ward and the island
    # serve no partnership: their container is not a partnership's and gets no rate
    assert set(plain) == {"south", "kent-and-medway-wide"}
    assert plain["south"].title == "South" and plain["south"].fill is None
    next(a for a in f.overlay_menu.actions()
         if a.text() == "Rates per head by partnership").trigger()
    # South: 200 of the crisis team's 320 (by population) + the helpline's 200 over 100,000:
    # 400 per 100,000, 1.23x the map-wide 325
    qtbot.waitUntil(lambda: containers(window)["south"].fill is not None, timeout=3000)
    south, wide = containers(window)["south"], containers(window)["kent-and-medway-wide"]
    assert south.title == "South · 400 per 100,000"
    assert south.fill == ov.style.tint(ov.SCALE[4], ov.CONTAINER_TINT)
    assert south.colour == ov.bin_border(4)
    assert "400 people a year per 100,000 (over 120% of map-wide)" in south.toolTip()
    assert wide.fill is None and "per 100,000" not in wide.title
    assert f.overlay.note == "Containers: each partnership's own rate, in its title."
    # South's population doubles: 246.2 + 200 over 200,000: 223 per 100,000, 1.12x of 200
    window.editor.update_node("south", {"population": 200_000})
    qtbot.waitUntil(lambda: containers(window)["south"].title == "South · 223 per 100,000",
                    timeout=3000)
    assert containers(window)["south"].fill == ov.style.tint(ov.SCALE[3], ov.CONTAINER_TINT)
    window.host.action("map.containers_directorate").trigger()
    assert f.overlay.note.startswith("Map > Containers > By partnership")
    assert all(c.fill is None for c in containers(window).values())
    window.host.action("map.containers_partnership").trigger()
    assert containers(window)["south"].fill is not None
    qtbot.mouseClick(f.legend.button, Qt.LeftButton)  # directorate colours: plain again
    assert containers(window)["south"].title == "South" and f.overlay.note == ""
    assert containers(window)["south"].fill is None
