"""Export and print: PNG, SVG and PDF pages with title, legend, date, source, marking and
suppressed flow numbers; what is exported; the dialog and the menu entries."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess

import pytest
from defusedxml import ElementTree
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPageSize
from PySide6.QtWidgets import QApplication

from servicemap import store
from servicemap.errors import SaveError
from servicemap.graph.document import Document
from servicemap.render import export, paper, style
from servicemap.render import page as pages
from servicemap.render.export import ExportError, ExportOptions, prepare
from servicemap.render.legend import entries_height
from servicemap.suppression import FOOTNOTE
from servicemap.ui.canvas.scene import CanvasScene
from servicemap.ui.features.export.dialog import ExportDialog
from servicemap.ui.features.layout import LayoutFeature
from tests.maps import export_map

SVG = "{http://www.w3.org/2000/svg}"
DAY = datetime.date(2026, 3, 4)


@pytest.fixture
def emap(qapp) -> Document:
    return export_map()


def snapshot(doc: Document):
    return (doc.node_records(), doc.edge_records(), doc.map_fields(),
            [p.to_dict() for p in doc.pathways.values()])


def svg_texts(data: bytes) -> list[str]:
    root = ElementTree.fromstring(data)
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def non_white(image: QImage, rect: QRectF | None = None, step: int = 2) -> int:
    r = (rect or QRectF(0, 0, image.width(), image.height())).toRect()
    return sum(1 for x in range(max(r.left(), 0), min(r.right(), image.width()), step)
               for y in range(max(r.top(), 0), min(r.bottom(), image.height()), step)
               if image.pixelColor(x, y) != QColor("white"))


def page_of(doc, options):
    picture = prepare(doc, options)
    try:
        return paper.image_page(doc, picture, options)
    finally:
        picture.close()


# ----- PNG ------------------------------------------------------------------------------------
def test_png_pixel_size_follows_the_dpi(emap, tmp_path):
    sizes = {}
    for dpi in (96, 192, 600):
        options = ExportOptions(dpi=dpi, date=DAY)
        path = export.export_file(emap, tmp_path / f"map{dpi}.png", options)
        image = QImage(str(path))
        assert not image.isNull()
        assert (image.width(), image.height()) == page_of(emap, options).pixels(dpi).toTuple()
        assert round(image.dotsPerMeterX() * 0.0254) == dpi
        sizes[dpi] = image.size()
    assert abs(sizes[192].width() - 2 * sizes[96].width()) <= 1
    assert abs(sizes[600].height() - 6.25 * sizes[96].height()) <= 4  # 96 DPI rounds


def test_png_is_not_blank_and_shows_the_legend(emap, tmp_path):
    options = ExportOptions(dpi=96, date=DAY)
    image = QImage(str(export.export_file(emap, tmp_path / "map.png", options)))
    page = page_of(emap, options)
    assert non_white(image) > 2000
    assert page.legend.columns and not page.legend_rect.intersects(page.map)
    assert non_white(image, page.legend_rect) > 200
    assert page.scale == 1.0  # a small map is drawn at 100%
    # a service's fill on the map is its directorate's tint, as on the canvas
    picture = prepare(emap, options)
    fill, source = style.tint(picture.scene.colours["dir1"]), picture.source
    picture.close()
    x = page.map.left() + (240 - source.left()) * page.scale  # inside the crisis team's box
    y = page.map.top() + (12 - source.top()) * page.scale
    assert image.pixelColor(round(x), round(y)) == fill


def test_big_map_fits_the_paper(qapp, tmp_path):
    from servicemap import demo

    doc = demo.synthetic(200)
    for page, dpi in (("a4", 150), ("a3", 96)):
        options = ExportOptions(dpi=dpi, page=page)
        image = QImage(str(export.export_file(doc, tmp_path / f"big-{page}.png", options)))
        long_side = {"a4": 297, "a3": 420}[page] / 25.4 * dpi
        short_side = {"a4": 210, "a3": 297}[page] / 25.4 * dpi
        assert max(image.width(), image.height()) <= long_side + 2
        assert min(image.width(), image.height()) <= short_side + 2
        assert page_of(doc, options).scale < 1


def test_transparent_background(emap, tmp_path):
    options = ExportOptions(dpi=96, transparent=True)
    image = QImage(str(export.export_file(emap, tmp_path / "clear.png", options)))
    assert image.hasAlphaChannel()
    assert image.pixelColor(1, 1).alpha() == 0
    page = page_of(emap, options)
    assert image.pixelColor(round(page.map.center().x()),
                            round(page.map.bottom() - 3)).alpha() == 0


@pytest.mark.parametrize("which", ["small", "kent_and_medway", "synthetic"])
@pytest.mark.parametrize(("sheet", "landscape"), [("a4", False), ("a4", True), ("a3", True)])
def test_nothing_overlaps_and_everything_is_on_the_page(qapp, which, sheet, landscape):
    from servicemap import demo

    doc = {"small": export_map, "kent_and_medway": demo.kent_and_medway,
           "synthetic": lambda: demo.synthetic(300)}[which]()
    options = ExportOptions(page=sheet, orientation="landscape" if landscape else "portrait")
    picture = prepare(doc, options)
    try:
        paper_size = QPageSize(pages.PAGES[sheet]).size(QPageSize.Point) * (96 / 72)
        if landscape:
            paper_size.transpose()
        pdf = pages.layout(doc, picture, options, paper_size, 0, False,
                            "right" if landscape else "below")
        for page in (pdf, paper.image_page(doc, picture, options)):
            whole = QRectF(QPointF(), page.size).adjusted(-0.5, -0.5, 0.5, 0.5)
            parts = [page.top, page.map, page.legend_rect, page.bottom]
            assert all(whole.contains(r) for r in parts if not r.isNull())
            assert not page.legend_rect.intersects(page.map)
            assert page.top.bottom() < min(page.map.top(), page.legend_rect.top())
            assert max(page.map.bottom(), page.legend_rect.bottom()) < page.bottom.top()
            assert 0 < page.scale <= 1
        if landscape:
            assert pdf.legend_rect.left() > pdf.map.right()
        else:
            assert pdf.legend_rect.top() > pdf.map.bottom()
    finally:
        picture.close()


def test_legend_columns_keep_headings_with_their_entries(emap):
    picture = prepare(emap, ExportOptions())
    entries = picture.entries()
    picture.close()
    total = entries_height(entries)
    for height in (total, total / 2, total / 3, 60):
        columns = pages.split_columns(entries, height)
        assert [e for c in columns for e in c] == entries
        assert all(c[-1].kind != "heading" for c in columns)
        if height >= total / 2:
            assert all(c[0].kind == "heading" for c in columns)  # sections start columns


def test_many_groups_share_a_legend_row_per_colour(qapp):
    d = Document()
    for i in range(40):  # more groups than colours: the palette repeats
        d.add_node("directorate", f"Directorate {i:02d}", f"d{i}")
        d.add_node("service", f"Service {i:02d}", f"s{i}", x=200.0 * i, y=0.0)
        d.add_edge("part_of", f"s{i}", f"d{i}", f"p{i}")
    picture = prepare(d, ExportOptions())
    try:
        groups = [e for e in picture.entries() if e.kind == "group"]
        assert len(groups) == len(style.PALETTE) == len(
            {c.name() for c in picture.scene.colours.values()})
        assert groups[0].label == "Directorate 00, Directorate 16 and 1 more"
        assert groups[-1].label == f"Directorate {len(groups) - 1:02d}, Directorate " \
            f"{2 * len(groups) - 1:02d}"
    finally:
        picture.close()


def test_containers_as_on_the_canvas(emap, tmp_path):
    from servicemap.render.containers import ContainerItem

    # a pathway on the map (the rest faded): its containers as the canvas draws them
    options = ExportOptions(containers="directorate", what="pathway", pathway="p1",
                            faded_map=True)
    picture = prepare(emap, options)
    try:
        boxes = [i for i in picture.scene.items() if isinstance(i, ContainerItem)]
        assert sorted(b.title for b in boxes) == ["Acute directorate", "Community directorate"]
        assert picture.source.contains(boxes[0].sceneBoundingRect())
    finally:
        picture.close()
    texts = svg_texts(export.export_file(emap, tmp_path / "c.svg", options).read_bytes())
    assert texts.count("Acute directorate") == 2  # the container's title and the legend
    assert texts.count("Community directorate") == 1  # its container: not in the legend


# ----- SVG ------------------------------------------------------------------------------------
def test_svg_is_plain_with_text(emap, tmp_path):
    path = export.export_file(emap, tmp_path / "map.svg", ExportOptions(date=DAY))
    data = path.read_bytes()
    assert b"foreignObject" not in data and b"<image" not in data
    texts = svg_texts(data)
    joined = "\n".join(texts)
    for name in ("Crisis team", "Acute ward", "GP practice", "Recovered", "Talking therapies"):
        assert name in joined
    for legend in ("Acute directorate", "Community directorate", "Referral", "Signpost",
                   "Access point (pill)", "1,000 and over"):
        assert legend in joined
    assert texts.count("OFFICIAL") == 2  # top and bottom
    assert "Export test map" in texts and "4 March 2026" in texts
    assert "Source: Test source line" in joined
    assert "Illustrative data" in joined and "rounded to the nearest 5" in joined


def test_svg_flow_numbers_are_suppressed_by_default(emap, tmp_path):
    texts = svg_texts(export.export_file(emap, tmp_path / "a.svg").read_bytes())
    assert {"300", "10", "*", "0", "15", "1,200"} <= set(texts)
    assert "12" not in texts and "13" not in texts and "5" not in texts
    plain = svg_texts(export.export_file(emap, tmp_path / "b.svg",
                                         ExportOptions(suppression=False)).read_bytes())
    assert {"12", "13", "5"} <= set(plain)
    assert "Numbers on flows are people per year (not rounded)." in "\n".join(plain)
    none = svg_texts(export.export_file(emap, tmp_path / "c.svg", ExportOptions(
        flow_numbers=False, legend=False)).read_bytes())
    assert "300" not in none and FOOTNOTE not in "\n".join(none)
    assert "Referral" not in none and "Crisis team" in "\n".join(none)


# ----- PDF ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("page", "landscape", "box"), [
    ("a4", False, (595, 842)), ("a4", True, (842, 595)), ("a3", True, (1191, 842))])
def test_pdf_page_size_and_title(emap, tmp_path, page, landscape, box):
    path = export.export_file(emap, tmp_path / "map.pdf", ExportOptions(
        page=page, orientation="landscape" if landscape else "portrait"))
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    found = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert (round(float(found[1])), round(float(found[2]))) == box
    assert "Export test map".encode("utf-16-be") in data  # the document title
    if shutil.which("pdftotext"):
        first = subprocess.run(["pdftotext", "-l", "1", str(path), "-"], capture_output=True,
                               text=True).stdout  # the page, or a tiled map's key map
        assert "Export test map" in first and first.count("OFFICIAL") == 2
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                              text=True).stdout
        assert "Crisis team" in text and "Acute directorate" in text


# ----- what is exported -----------------------------------------------------------------------
def test_pathway_export_holds_only_its_steps(emap, tmp_path):
    options = ExportOptions(what="pathway", pathway="p1")
    picture = prepare(emap, options)
    try:
        assert set(picture.scene.nodes) == {"gp", "crisis", "ward", "done"}
        assert set(picture.scene.flows) == {"f1", "f2", "f3"}
        labels = {e.label for e in picture.entries()}
        assert "Acute directorate" in labels and "Community directorate" not in labels
        assert picture.title == "Crisis care"
    finally:
        picture.close()
    joined = "\n".join(svg_texts(export.export_file(emap, tmp_path / "p.svg",
                                                    options).read_bytes()))
    assert "Crisis team" in joined and "Recovered" in joined
    assert "Talking therapies" not in joined and "Community team" not in joined
    assert "A pathway in Export test map: its steps in order, numbered." in joined


def test_selection_and_visible_area(emap):
    picture = prepare(emap, ExportOptions(what="selection", ids=frozenset({"crisis", "ward",
                                                                            "f5", "p1"})))
    assert set(picture.scene.nodes) == {"crisis", "ward", "cmht", "tt"}
    assert set(picture.scene.flows) == {"f2", "f5"}
    picture.close()
    area = QRectF(-100, -60, 500, 120)  # the GP and the crisis team
    picture = prepare(emap, ExportOptions(what="visible", area=area))
    assert set(picture.shown.nodes) == {"gp", "crisis"}
    assert picture.source == area
    labels = {e.label for e in picture.entries()}
    assert "Acute directorate" in labels and "Community directorate" not in labels
    picture.close()


@pytest.mark.parametrize(("options", "message"), [
    (ExportOptions(what="selection"), "nothing is selected"),
    (ExportOptions(what="visible", area=QRectF(5000, 5000, 10, 10)), "nothing is in view"),
    (ExportOptions(what="pathway", pathway="p2"), "no steps"),
    (ExportOptions(what="pathway", pathway="nope"), "not in this map"),
    (ExportOptions(what="everything"), "cannot export"),
])
def test_nothing_to_export_is_one_sentence(emap, options, message):
    with pytest.raises(ExportError, match=message):
        prepare(emap, options)


def test_export_changes_nothing_and_matches_the_canvas(emap, tmp_path):
    before = snapshot(emap)
    canvas = CanvasScene(emap)
    canvas.select_ids(["crisis"])
    canvas.highlight_pathway("p1")
    for suffix in (".png", ".svg", ".pdf"):
        export.export_file(emap, tmp_path / f"m{suffix}", ExportOptions())
    assert snapshot(emap) == before
    assert canvas.selected_ids() == ["crisis"] and canvas.highlighted_pathway == "p1"
    assert canvas.flows["f2"].label == "12" and not canvas.flows["f2"].show_label
    picture = prepare(emap, ExportOptions())
    assert {k: c.name() for k, c in picture.scene.colours.items()} == \
        {k: c.name() for k, c in canvas.colours.items()}
    picture.set_numbers(True, False)
    assert {k: i.label for k, i in picture.scene.flows.items()} == \
        {k: i.label for k, i in canvas.flows.items()}
    picture.close()
    emap.add_node("service", "Added later", "later", x=0.0, y=600.0)  # scenes let go
    assert "later" in canvas.nodes
    canvas.detach()


def test_unwritable_target_leaves_nothing(emap, tmp_path):
    with pytest.raises(SaveError) as caught:
        export.export_file(emap, tmp_path / "missing" / "map.png")
    assert str(caught.value) == ("map.png could not be written (its folder does not exist); "
                                 "nothing was written.")
    assert list(tmp_path.iterdir()) == []


# ----- the window -----------------------------------------------------------------------------
@pytest.fixture
def window(open_window, tmp_path, emap):
    path = tmp_path / "map.smap"
    store.save(emap, path)
    return open_window(path)


def feature_of(window):
    from servicemap.ui.features.export.feature import ExportFeature

    return window.host.feature(ExportFeature)


def menu_texts(window, title):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == title)
    return [a.text() or "-" for a in menu.actions()]


def test_menu_entries(window):
    file_menu = menu_texts(window, "&File")
    at = file_menu.index("&Export…")
    assert file_menu[at - 1] == "-" and file_menu[at + 1] == "&Print…"
    assert file_menu.index("&Quit") > at + 1 and file_menu[file_menu.index("&Quit") - 1] == "-"
    assert "Copy as &image" in menu_texts(window, "&Edit")
    feature = feature_of(window)
    assert feature.export_action.shortcut().toString() == "Ctrl+E"
    assert feature.print_action.shortcut().toString() == "Ctrl+P"
    assert feature.copy_action.shortcut().toString() == "Ctrl+Shift+C"
    assert "Ctrl+E" in feature.export_action.toolTip()


def test_export_from_the_window(window, tmp_path):
    feature = feature_of(window)
    window.selection.set(["crisis", "ward"])
    out = tmp_path / "out.svg"

    def answer(dialog):
        assert dialog.what_box.currentData() == "selection"
        dialog.format_box.setCurrentIndex(dialog.format_box.findData(".svg"))
        return True

    feature.ask_options = answer
    feature.ask_path = lambda suffix: str(out) if suffix == ".svg" else None
    assert feature.export() == out
    joined = "\n".join(svg_texts(out.read_bytes()))
    assert "Crisis team" in joined and "Talking therapies" not in joined
    assert window.editor.stack.isClean() and window.selection.ids == ["crisis", "ward"]


def test_export_error_is_one_sentence(window, tmp_path):
    feature = feature_of(window)
    errors = []
    feature.show_error = errors.append
    feature.ask_options = lambda dialog: True
    feature.ask_path = lambda suffix: str(tmp_path / "no such folder" / "map.png")
    assert feature.export() is None
    assert errors == ["map.png could not be written (its folder does not exist); nothing was "
                      "written."]


def test_export_follows_the_canvas_containers(window):
    layout_feature = window.host.feature(LayoutFeature)
    assert layout_feature is not None  # every window has the layout feature
    feature = feature_of(window)
    seen = []

    def answer(dialog):
        seen.append((dialog.containers_check.isChecked(), dialog.options().containers))
        return False

    feature.ask_options = answer
    feature.export()
    layout_feature.set_containers("directorate")
    feature.export()
    assert seen == [(False, None), (True, "directorate")]


def test_print_with_preview(window, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    feature = feature_of(window)
    out = tmp_path / "printed.pdf"

    def preview(printer, paint):
        printer.setOutputFormat(QPrinter.PdfFormat)
        printer.setOutputFileName(str(out))
        paint(printer)

    feature.ask_print = preview
    assert feature.print_map()
    assert out.read_bytes().startswith(b"%PDF")


def test_copy_as_image(window):
    feature = feature_of(window)
    whole = feature.copy_image()
    assert not QApplication.clipboard().image().isNull()
    assert QApplication.clipboard().image().size() == whole.size()
    window.selection.set(["crisis"])
    part = feature.copy_image()
    assert part.width() * part.height() < whole.width() * whole.height()


def test_dialog_shows_the_pixel_size(emap):
    dialog = ExportDialog(emap, (), QRectF(-100, -60, 500, 120))
    try:
        selection = dialog.what_box.findData("selection")
        assert not dialog.what_box.model().item(selection).isEnabled()
        first = re.fullmatch(r"= ([\d,]+) × ([\d,]+) pixels", dialog.pixels_label.text())
        assert first, dialog.pixels_label.text()
        dialog.dpi_spin.setValue(dialog.dpi_spin.value() * 2)
        second = re.fullmatch(r"= ([\d,]+) × ([\d,]+) pixels", dialog.pixels_label.text())
        assert abs(int(second[1].replace(",", "")) - 2 * int(first[1].replace(",", ""))) <= 1
        assert not dialog.pathway_box.isEnabled()
        dialog.what_box.setCurrentIndex(dialog.what_box.findData("pathway"))
        assert dialog.pathway_box.isEnabled()
        dialog.pathway_box.setCurrentIndex(dialog.pathway_box.findData("p2"))
        assert "no steps" in dialog.pixels_label.text()
        assert not dialog.buttons.buttons()[0].isEnabled()
        dialog.format_box.setCurrentIndex(dialog.format_box.findData(".pdf"))
        dialog.pathway_box.setCurrentIndex(dialog.pathway_box.findData("p1"))
        assert dialog.pixels_label.text() == "1 A4 landscape page"  # a wide pathway
        assert not dialog.dpi_spin.isEnabled() and dialog.orientation_box.isEnabled()
        dialog.numbers_check.setChecked(False)
        assert not dialog.suppression_check.isEnabled()
        options = dialog.options()
        assert (options.what, options.pathway, options.flow_numbers) == ("pathway", "p1", False)
    finally:
        dialog.reject()
