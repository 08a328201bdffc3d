"""Board-ready pages (issue #15): the paper is chosen for the map so service names are at least
6 pt on the page (measured from the PDF's own text), a larger page or tiles with a key map when
they would be smaller, a legend within a fifth of the page, PNGs the size of the page, and
``--transparent`` pictures whose page furniture keeps a backing."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from servicemap import demo, store
from servicemap.cli import EXIT_BAD_INPUT, EXIT_OK, main
from servicemap.graph import flow_labels
from servicemap.render import export, paper
from servicemap.render import page as pages
from servicemap.render.export import ExportOptions, prepare
from servicemap.ui.features.export.dialog import ExportDialog
from tests.pdftext import pdf_text_sizes

ROOT = Path(__file__).resolve().parents[2]
NUMBER = re.compile(r"[\d,*]+")  # a flow number, not a name


def is_number(text: str) -> bool:
    return NUMBER.fullmatch(text.strip()) is not None


@pytest.fixture(scope="module", params=[10, 150, 2000])
def synthetic_pdf(request, qapp):
    doc = demo.synthetic(request.param)
    options = ExportOptions()
    picture = prepare(doc, options)
    try:
        plan = paper.plan(doc, picture, options, image=False)
        data = export.pdf_bytes(doc, picture, options)
    finally:
        picture.close()
    return doc, plan, data


def test_names_are_at_least_6_pt_on_the_page(synthetic_pdf):
    doc, plan, data = synthetic_pdf
    sheets = pdf_text_sizes(data)
    assert len(sheets) == plan.page_count
    names = {str(doc.node(n)["name"]) for n in doc.nodes_of_kind("service")}
    mapped = sheets[1:] if plan.tiles else sheets  # a tiled map's first page is its key map
    sizes = [size for page in mapped for text, size in page if not is_number(text)]
    name_sizes = [size for page in mapped for text, size in page
                  if not is_number(text) and any(text.strip() in name for name in names)]
    assert name_sizes and min(name_sizes) >= 6.0
    assert min(sizes) >= 6.0  # the legend, the bands and the tile marks too
    assert plan.label_pt >= 6.0


def test_flow_numbers_are_at_least_6_pt_on_the_page(synthetic_pdf):
    doc, plan, data = synthetic_pdf
    sheets = pdf_text_sizes(data)
    mapped = sheets[1:] if plan.tiles else sheets
    numbers = [size for page in mapped for text, size in page if is_number(text)]
    assert len(numbers) >= 10  # numbers are drawn (some are left out where crowded)
    assert min(numbers) >= 6.0
    assert plan.type_pt >= 6.0 and plan.type_pt < plan.label_pt  # the numbers are the smaller


def test_the_smallest_page_that_reaches_6_pt(synthetic_pdf):
    doc, plan, _data = synthetic_pdf
    picture = prepare(doc, ExportOptions())
    try:
        if not plan.tiles:  # the next smaller paper would not have done
            papers = list(paper.PAGES)
            smaller = papers[:papers.index(plan.paper)]
            for name in smaller:
                tried = paper.plan(doc, picture, ExportOptions(page=name, pages="one"), False)
                assert tried.type_pt < 6.0
        else:  # not even A0 would have done, and the tiles number at most 16
            whole = paper.plan(doc, picture, ExportOptions(page="a0", pages="one"), False)
            assert whole.type_pt < 6.0 and len(plan.tiles) <= paper.TILE_PAGES
    finally:
        picture.close()


def test_pdftotext_agrees_that_names_are_readable(synthetic_pdf, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler) is not installed")
    doc, plan, data = synthetic_pdf
    path = tmp_path / "map.pdf"
    path.write_bytes(data)
    first = 2 if plan.tiles else 1
    xml = subprocess.run(["pdftotext", "-bbox", "-f", str(first), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    words = {w for n in doc.nodes_of_kind("service") for w in str(doc.node(n)["name"]).split()}
    found = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>', xml)
    heights = [float(y1) - float(y0) for y0, y1, word in found
               if word in words and not is_number(word)]
    assert heights and min(heights) >= 6.0  # a word's box is taller than its font size
    numbers = [float(y1) - float(y0) for y0, y1, word in found if is_number(word)]
    assert numbers and min(numbers) >= 6.0  # the flow numbers too


@pytest.mark.parametrize("which", ["kent_and_medway", 10, 150, 2000])
def test_the_legend_takes_at_most_a_fifth_of_the_page(qapp, which):
    doc = demo.kent_and_medway() if which == "kent_and_medway" else demo.synthetic(which)
    picture = prepare(doc, ExportOptions())
    try:
        for options in (ExportOptions(), ExportOptions(page="a4", pages="one"),
                        ExportOptions(page="a4", orientation="portrait", pages="one")):
            for image in (False, True):
                plan = paper.plan(doc, picture, options, image)
                for page in [plan.page, *plan.tile_pages]:
                    assert page.legend.columns, "every page has its legend"
                    assert 0 < page.legend_share() <= pages.LEGEND_SHARE + 1e-9
                    assert not page.legend_rect.intersects(page.map)
    finally:
        picture.close()


def test_a_wide_map_goes_on_a_landscape_page_and_a_tall_one_portrait(qapp):
    wide, tall = demo.kent_and_medway(), demo.synthetic(300)
    for doc, landscape in ((wide, True), (tall, False)):
        picture = prepare(doc, ExportOptions())
        try:
            assert paper.plan(doc, picture, ExportOptions(), False).landscape is landscape
        finally:
            picture.close()


def test_the_bundled_map_says_why_its_page(qapp):
    doc = demo.kent_and_medway()
    picture = prepare(doc, ExportOptions())
    try:
        plan = paper.plan(doc, picture, ExportOptions(), False)
        assert plan.reason == "A2 landscape so names are at least 6 pt"
        one = paper.plan(doc, picture, ExportOptions(page="a4", pages="one"), False)
        assert re.fullmatch(r"A4 landscape, as chosen: names are [345]\.\d pt", one.reason)
        tiles = paper.plan(doc, picture, ExportOptions(page="a4"), False)
        assert tiles.tiles and tiles.label_pt >= 6.0  # A4 chosen: tiles keep 6 pt
        assert tiles.reason.startswith(f"tiles: {len(tiles.tiles)} A4 ")
    finally:
        picture.close()


# ----- tiles ----------------------------------------------------------------------------------
def test_tiles_cover_the_map_and_overlap(qapp):
    doc = demo.kent_and_medway()
    picture = prepare(doc, ExportOptions())
    try:
        plan = paper.plan(doc, picture, ExportOptions(page="a4", pages="tiles"), False)
        assert len(plan.tiles) == plan.rows * plan.columns > 1
        union = QRectF()
        for tile in plan.tiles:
            union = union.united(tile.source)
        assert union.contains(picture.source)
        first, right = plan.tiles[0], plan.tiles[1]
        assert first.source.intersected(right.source).width() == pytest.approx(plan.overlap)
        assert plan.overlap * plan.scale == pytest.approx(paper.OVERLAP_MM * paper.MM)
        for tile, page in zip(plan.tiles, plan.tile_pages, strict=True):
            assert page.source == tile.source and page.scale == plan.scale
            assert page.map.width() <= plan.box.width() + 0.5
    finally:
        picture.close()


def test_tiled_pdf_from_the_command_line(qapp, tmp_path, capsys):
    path = tmp_path / "km.smap"
    store.save(demo.kent_and_medway(), path)
    out = tmp_path / "tiles.pdf"
    assert main(["export", str(path), str(out), "--page", "A4", "--tiles"]) == EXIT_OK
    assert capsys.readouterr() == ("", "")
    data = out.read_bytes()
    sheets = pdf_text_sizes(data)
    count = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    assert count == len(sheets) > 2
    key = " ".join(text for text, _size in sheets[0])
    assert f"Key map: the map at 6.4 pt names is on the {count - 1} pages that follow" in key \
        or re.search(rf"Key map: the map at \d\.\d pt names is on the {count - 1} pages", key)
    assert [f"page {n}" for n in range(2, count + 1)] == [
        text for text, _size in sheets[0] if re.fullmatch(r"page \d+", text)]
    for n, page in enumerate(sheets[1:], start=2):
        texts = [text for text, _size in page]
        assert any(t.startswith(f"Page {n} of {count}: row ") for t in texts)
        assert any(re.fullmatch(r"[←→↑↓] page \d+", t) for t in texts)  # overlap marks
    names = {str(n["name"]) for _k, n in demo.kent_and_medway().graph.nodes(data=True)
             if n["kind"] == "service"}
    on_tiles = " ".join(text for page in sheets[1:] for text, _size in page)
    assert all(name.split()[0] in on_tiles for name in names)


def test_key_map_leaves_out_names_too_small_to_read_and_numbers_its_tiles(qapp, tmp_path):
    """A 300-service map tiled on A4: the key map draws the map's outline (boxes in their
    colours, flows, no names, which would be about 1 pt) under tile numbers that read."""
    from servicemap.render.tiles import paint_key

    doc = demo.synthetic(300)
    path, out = tmp_path / "s300.smap", tmp_path / "s300.pdf"
    store.save(doc, path)
    assert main(["export", str(path), str(out), "--page", "a4", "--tiles"]) == EXIT_OK
    sheets = pdf_text_sizes(out.read_bytes())
    key = sheets[0]
    names = {str(doc.node(n)["name"]) for n in doc.nodes_of_kind("service")}
    on_key = [text for text, _size in key]
    kinds = {name.rsplit(" ", 1)[0] for name in names}  # "Acute ward", "Memory service", ...
    assert not any(kind in text for kind in kinds for text in on_key)  # left out, on purpose
    assert paper.KEY_OUTLINE in " ".join(on_key)  # and it says so
    numbers = [size for text, size in key if re.fullmatch(r"page \d+", text)]
    assert len(numbers) == len(sheets) - 1 > 4 and min(numbers) >= 9.0
    assert min(size for _text, size in key) >= 6.0  # every word on the key map reads
    on_tiles = {word for page in sheets[1:] for text, _size in page for word in text.split()}
    assert all(set(name.split()) <= on_tiles for name in names)  # the names are on the tiles
    # The outline is drawn: most boxes show their own fill where the key map puts them.
    options = ExportOptions(page="a4", pages="tiles")
    picture = prepare(doc, options)
    try:
        plan = paper.plan(doc, picture, options, False)
        assert not plan.page.draw_scene
        image = QImage(round(plan.page.size.width()) * 2, round(plan.page.size.height()) * 2,
                       QImage.Format_RGB32)
        painter = QPainter(image)
        painter.scale(2, 2)
        pages.paint_page(painter, picture, plan.page, pages.WHITE)
        paint_key(painter, plan, picture)
        painter.end()
        filled = 0
        for node in picture.shown.nodes.values():
            centre = paper.to_page(plan.page, node.mapRectToScene(node.rect)).center() * 2
            colour = image.pixelColor(round(centre.x()), round(centre.y()))
            filled += colour == node.fill and node.fill != pages.WHITE
        assert filled > len(picture.shown.nodes) / 2
    finally:
        picture.close()


# ----- PNG and transparency -------------------------------------------------------------------
def test_png_follows_the_page_past_a4(qapp, tmp_path):
    doc = demo.synthetic(300)
    options = ExportOptions(dpi=96)
    picture = prepare(doc, options)
    try:
        plan = paper.plan(doc, picture, options, image=True)
        assert plan.paper == "a0"
        path = export.export_picture(doc, picture, tmp_path / "big.png", options)
    finally:
        picture.close()
    image = QImage(str(path))
    assert (image.width(), image.height()) == plan.page.pixels(96).toTuple()
    a4_long = 297 / 25.4 * 96
    assert max(image.width(), image.height()) > 3 * a4_long  # A0 is four times A4's side


def test_png_dpi_is_lowered_past_the_pixel_limit(qapp):
    doc = demo.synthetic(300)
    options = ExportOptions(dpi=600)
    dialog = ExportDialog(doc)
    try:
        dialog.dpi_spin.setValue(600)
        text = dialog.pixels_label.text()
        found = re.fullmatch(r"= ([\d,]+) × ([\d,]+) pixels \(at (\d+) DPI, the most that "
                             r"keeps it under 64 million pixels\)", text)
        assert found, text
        w, h = (int(found[i].replace(",", "")) for i in (1, 2))
        assert w * h <= paper.MAX_PIXELS and int(found[3]) < 600
        picture = dialog.picture()
        page = paper.image_page(doc, picture, options)
        assert page.pixels(paper.image_dpi(page, 600)).toTuple() == (w, h)
    finally:
        dialog.reject()


def test_transparent_png_from_the_command_line(qapp, tmp_path, child_env):
    path = tmp_path / "km.smap"
    store.save(demo.kent_and_medway(), path)
    out = tmp_path / "clear.png"
    done = subprocess.run([sys.executable, "-m", "servicemap", "export", str(path), str(out),
                           "--transparent", "--dpi", "96"], capture_output=True, text=True,
                          cwd=ROOT, env=child_env, timeout=120)
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert image.hasAlphaChannel()
    assert image.pixelColor(2, 2).alpha() == 0  # outside the page's furniture
    doc = demo.kent_and_medway()
    picture = prepare(doc, ExportOptions(transparent=True))
    try:
        page = paper.image_page(doc, picture, ExportOptions(transparent=True))
    finally:
        picture.close()
    for rect in (page.top, page.bottom, page.legend_rect):  # backed, so readable
        inside = rect.center().toPoint()
        assert image.pixelColor(inside).alpha() >= 230
    gap = page.map.adjusted(0, 0, 0, 0).topLeft().toPoint()  # the map's empty corner
    assert image.pixelColor(gap).alpha() == 0


def test_transparent_svg_keeps_a_backing_behind_the_bands(qapp, tmp_path):
    doc = demo.kent_and_medway()
    options = ExportOptions(transparent=True)
    path = export.export_file(doc, tmp_path / "clear.svg", options)
    renderer = QSvgRenderer(str(path))
    size = renderer.defaultSize()
    image = QImage(size, QImage.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    picture = prepare(doc, options)
    try:
        page = paper.image_page(doc, picture, options)
    finally:
        picture.close()
    assert image.pixelColor(2, 2).alpha() == 0
    assert image.pixelColor(page.bottom.center().toPoint()).alpha() >= 230


@pytest.mark.parametrize(("args", "words"), [
    (["out.png", "--tiles"], "tiles across pages are for PDF"),
    (["out.pdf", "--transparent"], "--transparent is for PNG and SVG"),
    (["out.pdf", "--landscape", "--orientation", "portrait"], "contradict"),
    (["out.pdf", "--tiles", "--one-page"], "not both"),
    (["out.pdf", "--page", "a5"], "--page"),
])
def test_page_flags_refuse_bad_input_in_one_sentence(qapp, tmp_path, capsys, args, words):
    path = tmp_path / "km.smap"
    store.save(demo.synthetic(10), path)
    code = main(["export", str(path), str(tmp_path / args[0]), *args[1:]])
    out, err = capsys.readouterr()
    assert code == EXIT_BAD_INPUT and out == "" and words in err
    assert err.startswith("servicemap: ") and err.count("\n") == 1


def test_one_small_page_says_how_small_the_names_are(qapp, tmp_path, capsys):
    path = tmp_path / "km.smap"
    store.save(demo.kent_and_medway(), path)
    out = tmp_path / "a4.pdf"
    assert main(["export", str(path), str(out), "--page", "a4", "--one-page"]) == EXIT_OK
    _out, err = capsys.readouterr()
    assert re.fullmatch(r"servicemap: a4\.pdf: A4 landscape, as chosen: names are \d\.\d "
                        r"pt\.\n", err)
    sizes = [s for text, s in pdf_text_sizes(out.read_bytes())[0] if not is_number(text)]
    assert min(sizes) < 6.0


def test_help_explains_the_page_flags(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for flag in ("--page {auto,a4,a3,a2,a1,a0}", "--orientation {auto,portrait,landscape}",
                 "--tiles", "--one-page", "--transparent", "at least 6 pt"):
        assert flag in text


# ----- flow numbers ---------------------------------------------------------------------------
def test_flow_numbers_on_the_page_are_clear_of_lines_boxes_and_each_other(qapp):
    doc = demo.kent_and_medway()
    picture = prepare(doc, ExportOptions())
    try:
        flows = [flow_labels.Flow(k, item.line_points(), item.label_size())
                 for k, item in picture.scene.flows.items()]
        shown = {k for k, item in picture.scene.flows.items() if item.show_label}
        assert 0 < len(shown) < len(flows)
        rects = {k: flow_labels.label_rect(flow_labels.point_at(
            item.line_points(), item.label_at), item.label_size())
            for k, item in picture.scene.flows.items() if k in shown}
        boxes = [item.mapRectToScene(item.rect) for item in picture.scene.nodes.values()]
        for key, rect in rects.items():
            for other in flows:
                if other.key != key:
                    assert not any(flow_labels.segment_crosses(p, q, rect) for p, q in
                                   zip(other.line, other.line[1:], strict=False))
            assert not any(flow_labels.rects_overlap(rect, r) for k, r in rects.items()
                           if k != key)
            assert not any(flow_labels.rects_overlap(rect, (b.left(), b.top(), b.right(),
                                                            b.bottom())) for b in boxes)
        left_out = len(flows) - len(shown)
        assert picture.numbers_note == (f"{left_out} of {len(flows)} flow numbers are left "
                                        "out where they would cover a line, a box or another "
                                        "number.")
        page = paper.plan(doc, picture, ExportOptions(), False).page
        assert any(line.text == picture.numbers_note for line in page.bands.bottom)
        picture.set_numbers(False, True)
        assert picture.numbers_note == ""
    finally:
        picture.close()


# ----- the dialog -----------------------------------------------------------------------------
def test_dialog_says_which_page_and_why_and_offers_the_others(qapp):
    doc = demo.kent_and_medway()
    dialog = ExportDialog(doc, suffix=".pdf")
    try:
        assert dialog.choice_label.text() == "A2 landscape so names are at least 6 pt."
        assert dialog.pixels_label.text() == "1 A2 landscape page"
        texts = [dialog.pages_box.itemText(i) for i in range(dialog.pages_box.count())]
        assert re.fullmatch(r"Names at least 6 pt: A2 landscape, names \d\.\d pt", texts[0])
        assert re.fullmatch(r"Tiles and a key map \(PDF\): \d+ A4 \w+ pages and a key map, "
                            r"names \d\.\d pt", texts[1])
        assert re.fullmatch(r"One page: A4 landscape, names [345]\.\d pt", texts[2])
        dialog.page_box.setCurrentIndex(dialog.page_box.findData("a4"))
        assert dialog.choice_label.text().startswith("Tiles: ")
        assert re.fullmatch(r"\d+ A4 \w+ pages", dialog.pixels_label.text())
        dialog.pages_box.setCurrentIndex(dialog.pages_box.findData("one"))
        assert re.fullmatch(r"A4 landscape, as chosen: names are \d\.\d pt\.",
                            dialog.choice_label.text())
        options = dialog.options()
        assert (options.page, options.pages, options.orientation) == ("a4", "one", "auto")
        dialog.format_box.setCurrentIndex(dialog.format_box.findData(".png"))
        tiles = dialog.pages_box.findData("tiles")
        assert not dialog.pages_box.model().item(tiles).isEnabled()  # PDF only
        dialog.pages_box.setCurrentIndex(tiles)
        assert dialog.pages_box.currentData() == "auto"
    finally:
        dialog.reject()
