"""With an overlay on, the legends say what colour means (the overlay's measure), never
"colour = directorate": the Legend dock (View > Overlay) and exported pictures
(``export --overlay``)."""

from __future__ import annotations

import pytest

from servicemap import store
from servicemap.render import export
from servicemap.render.legend import OVERLAY_SERVICE_LABEL
from servicemap.render.style import NODE_KIND_LABELS
from servicemap.ui.features.analysis.feature import AnalysisFeature
from tests.maps import analysis_map
from tests.pdftext import pdf_lines
from tests.ui.test_export_overlay import rates_map

DIRECTORATE_WORDS = ("colour = directorate", "Service colour: directorate or organisation")


def says_directorate(labels) -> bool:
    return any(words in label for label in labels for words in DIRECTORATE_WORDS)


def opened(open_window, folder, doc):
    """``doc`` saved and opened in a window, as a person would."""
    store.save(doc, folder / "m.smap")
    return open_window(folder / "m.smap", size=(1400, 900))


def test_the_legend_dock_says_what_colour_means_while_an_overlay_is_on(open_window, tmp_path):
    window = opened(open_window, tmp_path, analysis_map())
    analysis = window.host.feature(AnalysisFeature)
    labels = [e.label for e in window.legend.entries]
    assert NODE_KIND_LABELS["service"] in labels and says_directorate(labels)
    analysis.overlay_actions["load"].trigger()
    labels = [e.label for e in window.legend.entries]
    assert not says_directorate(labels), labels
    assert labels[:2] == ["Service colour: Load against capacity", "Shapes"]
    assert OVERLAY_SERVICE_LABEL in labels
    assert not [e for e in window.legend.entries if e.kind == "group"]
    analysis.overlay_actions["waits"].trigger()
    assert window.legend.entries[0].label == "Service colour: Waits against target"
    analysis.overlay_actions[""].trigger()  # View > Overlay > Directorate colours
    labels = [e.label for e in window.legend.entries]
    assert says_directorate(labels) and OVERLAY_SERVICE_LABEL not in labels
    assert [e for e in window.legend.entries if e.kind == "group"]


def test_an_exported_overlay_legend_never_says_colour_is_the_directorate(qapp, tmp_path):
    doc = analysis_map()
    picture = export.prepare(doc, export.ExportOptions(overlay="load"))
    try:
        labels = [e.label for e in picture.entries()]
    finally:
        picture.close()
    assert labels[0] == "Service colour: Load against capacity"
    assert OVERLAY_SERVICE_LABEL in labels and not says_directorate(labels), labels
    assert labels.count("Service colour: Load against capacity") == 1  # then its bins
    plain = export.prepare(doc, export.ExportOptions())
    try:
        assert NODE_KIND_LABELS["service"] in [e.label for e in plain.entries()]
    finally:
        plain.close()
    export.export_file(doc, tmp_path / "m.pdf", export.ExportOptions(overlay="load"))
    lines = pdf_lines((tmp_path / "m.pdf").read_bytes())
    assert OVERLAY_SERVICE_LABEL in lines and not says_directorate(lines)


# ----- the overlay badge and the "shared" tag on one box ---------------------------------------
def corner_rects(scene, node_id: str):
    """The scene rectangles of the box's "shared" tag and of its overlay badge (None: none)."""
    from servicemap.render.containers import TAGS, TagItem
    from servicemap.render.overlay_marks import LAYER

    tag = next((d.item for d in scene.decorations(TAGS) if d.anchor == node_id
                and isinstance(d.item, TagItem) and d.item.text), None)
    mark = next((d.item for d in scene.decorations(LAYER) if d.anchor == node_id), None)
    return (None if tag is None else tag.sceneBoundingRect(),
            None if mark is None else mark.mapRectToScene(mark.badge_rect))


def apart(tag, badge) -> bool:
    return tag is not None and badge is not None and not tag.intersects(badge)


def test_the_badge_sits_beside_the_shared_tag_on_the_canvas(open_window, tmp_path, qtbot):
    window = opened(open_window, tmp_path, rates_map())  # the crisis team serves two places
    analysis = window.host.feature(AnalysisFeature)
    node = window.scene.nodes["crisis"]
    box = node.mapRectToScene(node.rect)
    analysis.overlay_actions["load"].trigger()  # the badge first, then the tag comes
    _, alone = corner_rects(window.scene, "crisis")
    assert alone.right() == pytest.approx(box.right() - 6, abs=1.5)  # on the corner
    window.host.action("map.containers_partnership").trigger()
    qtbot.waitUntil(lambda: corner_rects(window.scene, "crisis")[0] is not None, timeout=3000)
    tag, badge = corner_rects(window.scene, "crisis")
    assert apart(tag, badge), (tag, badge)
    assert box.left() < badge.left() and badge.right() < tag.left() < tag.right() < box.right()
    analysis.overlay_actions["waits"].trigger()  # a new figure, a new width: still apart
    assert apart(*corner_rects(window.scene, "crisis"))
    analysis.overlay_actions[""].trigger()
    analysis.overlay_actions["dna"].trigger()  # the tag first, then a new badge
    assert apart(*corner_rects(window.scene, "crisis"))
    window.host.action("map.containers_none").trigger()  # no tag: the badge back on the corner
    qtbot.waitUntil(lambda: corner_rects(window.scene, "crisis")[0] is None, timeout=3000)
    assert corner_rects(window.scene, "crisis")[1].right() == pytest.approx(
        box.right() - 6, abs=1.5)


def test_an_export_puts_the_badge_beside_the_shared_tag(qapp):
    picture = export.prepare(rates_map(), export.ExportOptions(overlay="rates",
                                                                containers="partnership"))
    try:
        tag, badge = corner_rects(picture.scene, "crisis")
        assert apart(tag, badge), (tag, badge)
        node = picture.scene.nodes["crisis"]
        box = node.mapRectToScene(node.rect)
        assert box.left() < badge.left() and tag.right() < box.right()
    finally:
        picture.close()
