"""Overlays in exported pictures: ``servicemap export MAP OUT --overlay NAME`` draws the
overlay's colours, badges and legend (and the rates on partnership containers); a wrong name is
bad input in one sentence; File > Export… draws the overlay the canvas shows and says so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from servicemap import cli, store
from servicemap.graph.measures import MEASURES
from servicemap.render import export
from servicemap.render.overlay_marks import SCALE, UNKNOWN_FILL
from servicemap.ui.features.analysis.feature import AnalysisFeature
from servicemap.ui.features.export.feature import ExportFeature
from tests.maps import analysis_map
from tests.pdftext import pdf_lines

REPO = Path(__file__).resolve().parents[2]


def rates_map():
    # as tests/ui/test_rates_overlay.py: North 60,000 and South 100,000; the crisis team (320
    # a year) serves both, the helpline (200 a year) South: South 400 per 100,000, map-wide 325
    doc = analysis_map()
    doc.add_node("partnership", "North", "north", population=60_000)
    doc.add_node("partnership", "South", "south", population=100_000)
    for sid, place in (("crisis", "north"), ("crisis", "south"), ("helpline", "south")):
        doc.add_edge("serves", sid, place)
    return doc


def run(*argv, cwd):
    return subprocess.run([sys.executable, "-m", "servicemap", *map(str, argv)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_the_command_line_lists_exactly_the_overlays_the_window_offers():
    assert cli.OVERLAYS == {k: m.title for k, m in MEASURES.items()}
    help_text = run("export", "--help", cwd=REPO).stdout
    for key in MEASURES:
        assert key in help_text
    assert "--overlay NAME" in help_text


def test_a_pdf_with_the_rates_overlay_has_its_legend_and_container_rates(tmp_path):
    store.save(rates_map(), tmp_path / "m.smap")
    proc = run("export", tmp_path / "m.smap", tmp_path / "m.pdf", "--overlay", "rates",
               "--containers", "partnership", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = pdf_lines((tmp_path / "m.pdf").read_bytes())
    assert "Service colour: Rates per head by partnership" in lines
    assert "Map-wide: 325 per 100,000" in lines
    assert "Containers: each partnership's own rate, in its title." in lines
    assert "over 120% of map-wide (1)" in lines  # the helpline: 400, 1.23x
    assert "95–105% (about the same) (1)" in lines  # the crisis team: 325
    assert "South · 400 per 100,000" in lines
    assert "400" in lines and "325" in lines  # the badges
    assert not any(line.startswith("Service colour: directorate") for line in lines)
    plain = run("export", tmp_path / "m.smap", tmp_path / "plain.pdf", cwd=tmp_path)
    assert plain.returncode == 0
    assert "Service colour: Rates per head by partnership" not in \
        pdf_lines((tmp_path / "plain.pdf").read_bytes())


@pytest.mark.parametrize("argv, message", [
    (["--overlay", "speed"], "servicemap: there is no overlay 'speed'; choose one of load, "
                             "waits, dna, rates, queue."),
    (["--overlay", "load"], "servicemap: --overlay is for pictures (PNG, SVG, PDF), not "
                            "m.json."),
])
def test_a_wrong_overlay_is_bad_input_in_one_sentence(tmp_path, argv, message):
    store.save(rates_map(), tmp_path / "m.smap")
    out = "m.png" if argv[1] == "speed" else "m.json"
    proc = run("export", tmp_path / "m.smap", tmp_path / out, *argv, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == message.replace("m.json", out)
    assert not (tmp_path / out).exists()


def test_an_exported_png_colours_the_services_by_the_overlay(qapp, tmp_path):
    doc = rates_map()
    picture = export.prepare(doc, export.ExportOptions(overlay="rates"))
    try:
        nodes = picture.scene.nodes
        assert nodes["helpline"].fill == SCALE[4] and nodes["crisis"].fill == SCALE[2]
        assert nodes["ward"].fill == UNKNOWN_FILL
        labels = [e.label for e in picture.entries()]
        assert labels[0] == "Service colour: Rates per head by partnership"
    finally:
        picture.close()
    export.export_file(doc, tmp_path / "m.png", export.ExportOptions(overlay="load", dpi=96))
    assert not QImage(str(tmp_path / "m.png")).isNull()


@pytest.fixture
def window(open_window, tmp_path):
    path = tmp_path / "rates.smap"
    store.save(rates_map(), path)
    return open_window(path, show=False)


def test_the_window_exports_the_overlay_it_shows_and_says_so(window, tmp_path):
    analysis = window.host.feature(AnalysisFeature)
    feature = window.host.feature(ExportFeature)
    seen = []

    def answer(dialog):
        seen.append((dialog.overlay_check.isVisibleTo(dialog), dialog.overlay_check.text(),
                     dialog.options().overlay))
        dialog.format_box.setCurrentIndex(dialog.format_box.findData(".pdf"))
        return True

    out = tmp_path / "out.pdf"
    feature.ask_options = answer
    feature.ask_path = lambda suffix: str(out)
    next(a for a in analysis.overlay_menu.actions()
         if a.text() == "Waits against target").trigger()
    assert feature.export() == out
    visible, text, key = seen[0]
    assert visible and key == "waits"
    assert text.startswith("Overlay: Waits against target (as on the canvas")
    assert "Service colour: Waits against target" in pdf_lines(out.read_bytes())
    analysis.legend.button.click()  # directorate colours again: no overlay to offer
    out.unlink()
    assert feature.export() == out
    assert seen[1] == (False, seen[1][1], None)
    assert "Service colour: Waits against target" not in pdf_lines(out.read_bytes())
