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
