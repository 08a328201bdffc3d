"""Pathway pictures: a pathway's steps laid out on their own, left to right in step order and
numbered (PDF text positions, SVG text), long ones turning like a snake; or on the map with the
rest faded; the legend sized to the pathway; the map never changed. Then the command line, the
export dialog and View > Pathway picture as a person uses them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QToolButton

from servicemap import store
from servicemap.cli import EXIT_BAD_INPUT, EXIT_OK, main
from servicemap.graph.document import Document
from servicemap.render import export
from servicemap.render.export import ExportOptions, prepare
from servicemap.render.pathway_picture import GAP_NOTE
from servicemap.render.scene import DIM_OPACITY, STEP_BADGES, STEP_GAPS, MapScene
from servicemap.ui.features.export.dialog import ExportDialog
from servicemap.ui.features.pathway_picture import PathwayPictureFeature
from tests.pdftext import pdf_text_boxes

from .test_export import svg_texts

ROOT = Path(__file__).resolve().parents[2]
# Where the steps sit on the big map: step 4 bottom right, 5 left of 3 (as issue #15 found).
PLACES = {"gp": (0, 0), "triage": (700, 400), "ward": (300, 0), "home": (900, 500),
          "done": (100, 250)}
NAMES = {"gp": "GP practice", "triage": "Triage team", "ward": "Acute ward",
         "home": "Home treatment", "done": "Recovered", "other": "Talking therapies",
         "rehab": "Rehab unit", "clinic": "Day clinic", "hub": "Wellbeing hub"}


def picture_map() -> Document:
    d = Document()
    d.set_map_fields({"title": "Picture test map", "source": "Tests", "marking": "OFFICIAL"})
    d.add_node("organisation", "Kent Trust", "org")
    d.add_node("directorate", "Acute directorate", "acute")
    d.add_node("directorate", "Community directorate", "community")
    d.add_node("access_point", NAMES["gp"], "gp", x=0.0, y=0.0)
    for key in ("triage", "ward", "home", "other", "rehab", "clinic", "hub"):
        x, y = PLACES.get(key, (600 + 150 * len(key), 700))
        d.add_node("service", NAMES[key], key, x=float(x), y=float(y))
    d.add_node("exit", NAMES["done"], "done", x=100.0, y=250.0)
    for key, group in (("triage", "acute"), ("ward", "acute"), ("home", "acute"),
                       ("other", "community"), ("rehab", "acute"), ("clinic", "acute"),
                       ("hub", "acute")):
        d.add_edge("part_of", key, group, f"in-{key}")
    for i, (a, b, volume) in enumerate((("gp", "triage", 700), ("triage", "ward", 150),
                                        ("ward", "home", 160), ("home", "done", 125),
                                        ("gp", "other", 4400), ("home", "rehab", 90),
                                        ("rehab", "clinic", 80), ("clinic", "hub", 70),
                                        ("hub", "ward", 60), ("ward", "done", 55))):
        d.add_edge("flow", a, b, f"f{i}", flow_type="referral", volume_per_year=volume)
    d.add_pathway("Crisis care", ["gp", "triage", "ward", "home", "done"], pathway_id="short",
                  description="Same-day help in a crisis, then home treatment.")
    d.add_pathway("Long road", ["gp", "triage", "ward", "home", "rehab", "clinic", "hub",
                                "ward", "done"], pathway_id="long")
    return d


@pytest.fixture
def pmap(qapp) -> Document:
    return picture_map()


def snapshot(doc: Document):
    return (doc.node_records(), doc.edge_records(), doc.map_fields(),
            [p.to_dict() for p in doc.pathways.values()])


def boxes_of(path: Path) -> dict[str, list[tuple[float, float]]]:
    """Where each line of text starts on the PDF page, by its text."""
    found: dict[str, list[tuple[float, float]]] = {}
    for text, x, y in pdf_text_boxes(path.read_bytes()):
        found.setdefault(text, []).append((x, y))
    return found


# ----- the picture ----------------------------------------------------------------------------
def test_pdf_steps_read_left_to_right_in_step_order(pmap, tmp_path):
    path = export.export_file(pmap, tmp_path / "p.pdf", ExportOptions(
        what="pathway", pathway="short", orientation="landscape"))
    boxes = boxes_of(path)
    steps = ["gp", "triage", "ward", "home", "done"]
    names = [boxes[NAMES[s]] for s in steps]
    assert all(len(b) == 1 for b in names)  # each step drawn once
    xs, ys = [b[0][0] for b in names], [b[0][1] for b in names]
    assert xs == sorted(xs) and len(set(xs)) == 5
    assert max(ys) - min(ys) < 12  # one row
    numbers = [boxes[str(n)][0] for n in range(1, 6)]  # the step badges
    assert [x for x, _ in numbers] == sorted(x for x, _ in numbers)
    for (bx, by), (nx, ny) in zip(numbers, [b[0] for b in names], strict=True):
        assert bx < nx and 0 < by - ny < 30  # each number at its box's top-left corner
    assert NAMES["other"] not in boxes  # only the pathway's services
    assert boxes["Crisis care"][0][1] > boxes["Same-day help in a crisis, then home "
                                              "treatment."][0][1]  # description under title


def test_a_long_pathway_turns_like_a_snake_and_repeats_a_revisited_service(pmap, tmp_path):
    path = export.export_file(pmap, tmp_path / "long.pdf", ExportOptions(
        what="pathway", pathway="long", orientation="landscape"))
    boxes = boxes_of(path)
    assert len(boxes[NAMES["ward"]]) == 2  # visited twice: drawn twice
    order = ["gp", "triage", "ward", "home", "rehab", "clinic", "hub", "ward", "done"]
    seen: dict[str, int] = {}
    places = []
    for step in order:
        places.append(sorted(boxes[NAMES[step]], key=lambda p: -p[1])[seen.get(step, 0)])
        seen[step] = seen.get(step, 0) + 1
    rows = [places[0:5], places[5:9]]  # 9 steps: rows of 5 and 4
    assert all(abs(y - rows[0][0][1]) < 12 for _, y in rows[0])
    assert all(abs(y - rows[1][0][1]) < 12 for _, y in rows[1])
    assert rows[1][0][1] < rows[0][0][1]  # the second row is below (PDF y grows up)
    assert [x for x, _ in rows[0]] == sorted(x for x, _ in rows[0])
    assert [x for x, _ in rows[1]] == sorted((x for x, _ in rows[1]), reverse=True)
    numbers = [boxes[str(n)][0] for n in range(1, 10)]
    assert len(numbers) == 9
    assert "A service the pathway visits twice is drawn twice." in " ".join(boxes)


def test_svg_is_numbered_with_a_legend_sized_to_the_pathway(pmap, tmp_path):
    options = ExportOptions(what="pathway", pathway="short")
    texts = svg_texts(export.export_file(pmap, tmp_path / "p.svg", options).read_bytes())
    assert {"1", "2", "3", "4", "5"} <= set(texts) and "6" not in texts
    assert texts[1] == "Crisis care"  # after the marking: the pathway's name is the title
    assert "Same-day help in a crisis, then home treatment." in texts
    assert "Acute directorate" in texts and "Community directorate" not in texts
    assert "Talking therapies" not in texts and "4,400" not in texts
    assert {"700", "150", "160", "125"} <= set(texts)  # the flows between steps, numbered
    assert "Exit (double border)" in texts and "Referral" in texts
    assert "Transfer" not in texts  # no kind of flow the pathway does not show
    picture = prepare(pmap, options)
    try:
        assert [d.item.text for d in picture.scene.decorations(STEP_BADGES)] == [
            "1", "2", "3", "4", "5"]
    finally:
        picture.close()


def test_services_keep_the_maps_colours(pmap):
    canvas = MapScene(pmap)
    picture = prepare(pmap, ExportOptions(what="pathway", pathway="short"))
    try:
        for key in ("triage", "ward", "home"):
            assert picture.scene.nodes[key].fill == canvas.nodes[key].fill
            assert picture.scene.nodes[key].border == canvas.nodes[key].border
    finally:
        picture.close()
        canvas.detach()


def test_the_faded_map_draws_every_other_service_behind_the_steps(pmap, tmp_path):
    options = ExportOptions(what="pathway", pathway="short", faded_map=True)
    picture = prepare(pmap, options)
    try:
        scene = picture.scene
        assert set(scene.nodes) == {n for n, k in pmap.graph.nodes(data="kind")
                                    if k in ("service", "access_point", "exit")}
        for key in PLACES:  # the steps stay where they are on the map, at full strength
            assert scene.nodes[key].pos().toTuple() == PLACES[key]
            assert scene.nodes[key].opacity() == 1.0
        assert scene.nodes["other"].opacity() == DIM_OPACITY
        assert scene.flows["f4"].opacity() == DIM_OPACITY
        assert set(picture.shown.nodes) == set(PLACES)  # the legend's
    finally:
        picture.close()
    texts = svg_texts(export.export_file(pmap, tmp_path / "f.svg", options).read_bytes())
    assert "Talking therapies" in texts and "Rehab unit" in texts
    assert "4,400" not in texts and "700" in texts  # only the pathway's flows numbered
    assert "Community directorate" not in texts  # nor the faded services' colours
    assert any("rest of the map faded" in t for t in texts)


def test_a_missing_flow_is_a_dashed_gap_and_said_so(pmap, tmp_path):
    pmap.remove_edge("f2")  # ward -> home
    for faded in (False, True):
        picture = prepare(pmap, ExportOptions(what="pathway", pathway="short",
                                              faded_map=faded))
        try:
            assert len(picture.scene.decorations(STEP_GAPS)) == 1
            assert GAP_NOTE in picture.subtitle
            assert "160" not in {item.label for item in picture.scene.flows.values()}
        finally:
            picture.close()


def test_viewing_and_exporting_change_nothing(pmap, tmp_path):
    before = snapshot(pmap)
    heard = []
    for _name, signal in pmap.events():
        signal.connect(lambda *args: heard.append(args))
    for faded in (False, True):
        for suffix in (".png", ".svg", ".pdf"):
            export.export_file(pmap, tmp_path / f"p{faded}{suffix}", ExportOptions(
                what="pathway", pathway="long", faded_map=faded))
    assert snapshot(pmap) == before and heard == []


# ----- the command line -----------------------------------------------------------------------
@pytest.fixture
def map_file(tmp_path, qapp) -> Path:
    path = tmp_path / "picture.smap"
    store.save(picture_map(), path)
    return path


def test_cli_takes_a_pathway_by_id_and_draws_it_in_order(map_file, tmp_path):
    out = tmp_path / "by-id.pdf"
    done = subprocess.run([sys.executable, "-m", "servicemap", "export", str(map_file),
                           str(out), "--pathway", "short", "--landscape"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == EXIT_OK, done.stderr
    boxes = boxes_of(out)
    xs = [boxes[NAMES[s]][0][0] for s in ("gp", "triage", "ward", "home", "done")]
    assert xs == sorted(xs)
    assert store.load(map_file).node("home")["x"] == 900.0  # the file is only read


def test_cli_faded_map(map_file, tmp_path, capsys):
    out = tmp_path / "faded.svg"
    assert main(["export", str(map_file), str(out), "--pathway", "Crisis care",
                 "--faded-map"]) == EXIT_OK
    assert "Talking therapies" in svg_texts(out.read_bytes())
    assert main(["export", str(map_file), str(tmp_path / "x.svg"), "--faded-map"]) \
        == EXIT_BAD_INPUT
    assert "--faded-map needs --pathway" in capsys.readouterr().err
    assert not (tmp_path / "x.svg").exists()


# ----- the export dialog ----------------------------------------------------------------------
def test_the_export_dialog_offers_the_faded_map_for_a_pathway(pmap):
    dialog = ExportDialog(pmap, pathway="short")
    try:
        assert not dialog.faded_check.isEnabled()  # the whole map is chosen
        dialog.what_box.setCurrentIndex(dialog.what_box.findData("pathway"))
        assert dialog.faded_check.isEnabled()
        assert set(dialog.picture().scene.nodes) == set(PLACES)  # laid out on its own
        dialog.faded_check.setChecked(True)
        options = dialog.options()
        assert options.what == "pathway" and options.faded_map
        assert "other" in dialog.picture().scene.nodes
    finally:
        dialog.close_pictures()


# ----- View > Pathway picture -----------------------------------------------------------------
@pytest.fixture
def window(open_window, map_file):
    return open_window(map_file)


def test_the_pathways_dock_shows_the_picture_without_moving_anything(window, qtbot, tmp_path):
    before = snapshot(window.doc)
    window.host.show_pathway("long")
    button = window.pathways_panel().findChild(QToolButton, "view.pathway_picture")
    assert button is not None and button.text() == "Show as pathway picture"
    qtbot.mouseClick(button, Qt.LeftButton)
    view = window.host.feature(PathwayPictureFeature).window
    assert view is not None and view.isVisible()
    assert view.pathway_id == "long" and view.title.text() == "Long road"
    assert view.windowTitle() == "Pathway picture — Long road"
    assert set(view.picture.scene.nodes) == {"gp", "triage", "ward", "home", "rehab",
                                             "clinic", "hub", "ward#2", "done"}
    assert view.view.scene() is view.picture.scene
    zoom = view.zoom_factor
    view.zoom_in_action.trigger()
    assert view.zoom_factor == pytest.approx(zoom * 1.25)
    view.fit_action.trigger()
    assert view.zoom_factor == pytest.approx(zoom)
    port = view.view.viewport()
    wheel = QWheelEvent(QPointF(50, 50), port.mapToGlobal(QPointF(50, 50)), QPoint(),
                        QPoint(0, -120), Qt.NoButton, Qt.ControlModifier, Qt.NoScrollPhase,
                        False)
    QApplication.sendEvent(port, wheel)  # Ctrl+wheel towards you: out
    assert view.zoom_factor == pytest.approx(zoom / 1.25)
    view.fit_action.trigger()
    view.faded_check.setChecked(True)  # the rest of the map behind
    assert "other" in view.picture.scene.nodes
    assert view.picture.scene.nodes["home"].pos().toTuple() == PLACES["home"]
    view.ask_path = lambda: str(tmp_path / "long.svg")
    written = view.export()
    assert written == tmp_path / "long.svg" and "Talking therapies" in svg_texts(
        written.read_bytes())
    assert snapshot(window.doc) == before
    assert window.editor.stack.count() == 0 and window.editor.stack.isClean()
    assert not window.isWindowModified()


def test_the_view_menu_entry_and_following_edits(window, qtbot):
    action = window.actions.action("view.pathway_picture")
    assert action in window.actions.menu("view").actions()
    action.trigger()  # no pathway chosen in the dock: the first by name
    view = window.host.feature(PathwayPictureFeature).window
    assert view.pathway_id == "short"
    assert [d.item.text for d in view.picture.scene.decorations(STEP_BADGES)] == [
        "1", "2", "3", "4", "5"]
    window.editor.update_node("triage", {"name": "Crisis line"})
    qtbot.waitUntil(lambda: view.picture is not None and "triage" in view.picture.scene.nodes
                    and view.picture.scene.doc.node("triage")["name"] == "Crisis line",
                    timeout=3000)
    window.editor.update_pathway("short", name="Crisis care (revised)")
    qtbot.waitUntil(lambda: view.title.text() == "Crisis care (revised)", timeout=3000)
    view.close()
    assert window.host.feature(PathwayPictureFeature).window is None


def test_the_layout_edit_says_it_moves_the_map(window):
    action = window.actions.action("map.flow_layout_pathway")
    assert action.text() == "Line up &pathway steps on the map…"
    assert "Pathway picture" in action.toolTip()


def test_printing_the_highlighted_pathway_prints_its_picture(window, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from servicemap.ui.features.export.feature import ExportFeature

    window.host.show_pathway("short")  # highlighted on the map: File > Print prints it
    feature = window.host.feature(ExportFeature)
    out = tmp_path / "printed.pdf"

    def preview(printer, paint):
        printer.setOutputFormat(QPrinter.PdfFormat)
        printer.setOutputFileName(str(out))
        paint(printer)

    feature.ask_print = preview
    assert feature.print_map()
    boxes = boxes_of(out)
    xs = [boxes[NAMES[s]][0][0] for s in ("gp", "triage", "ward", "home", "done")]
    assert xs[:3] == sorted(xs[:3])  # the first row, left to right
    assert "Crisis care" in boxes and NAMES["other"] not in boxes
    assert window.editor.stack.count() == 0
