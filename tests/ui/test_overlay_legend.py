"""With an overlay on, the legends say what colour means (the overlay's measure), never
"colour = directorate": the Legend dock (View > Overlay) and exported pictures
(``export --overlay``)."""

from __future__ import annotations

import pytest

from servicemap import store
from servicemap.render import export
from servicemap.render.legend import OVERLAY_BINS_NOTE, OVERLAY_SERVICE_LABEL
from servicemap.render.style import NODE_KIND_LABELS
from servicemap.ui.features.analysis.feature import AnalysisFeature
from tests.maps import analysis_map
from tests.pdftext import pdf_lines

DIRECTORATE_WORDS = ("colour = directorate", "Service colour: directorate or organisation")


def says_directorate(labels) -> bool:
    return any(words in label for label in labels for words in DIRECTORATE_WORDS)


@pytest.fixture
def window(open_window, tmp_path):
    path = tmp_path / "analysis.smap"
    store.save(analysis_map(), path)
    return open_window(path, size=(1400, 900))


def test_the_legend_dock_says_what_colour_means_while_an_overlay_is_on(window, qtbot):
    analysis = window.host.feature(AnalysisFeature)
    labels = [e.label for e in window.legend.entries]
    assert NODE_KIND_LABELS["service"] in labels and says_directorate(labels)
    analysis.overlay_actions["load"].trigger()
    labels = [e.label for e in window.legend.entries]
    assert not says_directorate(labels), labels
    assert labels[:2] == ["Service colour: Load against capacity", OVERLAY_BINS_NOTE]
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
    assert OVERLAY_BINS_NOTE not in labels  # the bins are on the page itself
    plain = export.prepare(doc, export.ExportOptions())
    try:
        assert NODE_KIND_LABELS["service"] in [e.label for e in plain.entries()]
    finally:
        plain.close()
    export.export_file(doc, tmp_path / "m.pdf", export.ExportOptions(overlay="load"))
    lines = pdf_lines((tmp_path / "m.pdf").read_bytes())
    assert OVERLAY_SERVICE_LABEL in lines and not says_directorate(lines)
