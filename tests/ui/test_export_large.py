"""A whole map with more flows than ``export.ROUTE_LIMIT`` is drawn from plain records
(:mod:`servicemap.render.large_map`), not from one QGraphicsItem per box and flow (issue #21).
The picture stays the item scene's: every box in its colour where the scene puts it, names
where they can be read (every name in a PDF's text), the same legend, numbers and notes."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage

from servicemap import demo
from servicemap.graph import provenance
from servicemap.render import export, paper, style
from servicemap.render.export import ExportOptions, prepare
from servicemap.render.large_picture import LargePicture
from servicemap.render.scene import MapScene
from tests.pdftext import pdf_lines


@pytest.fixture
def doc():
    return demo.synthetic(60)


@pytest.fixture
def large(monkeypatch):
    monkeypatch.setattr(export, "ROUTE_LIMIT", 20)  # the 60-service map's flows are "many"


def _image(doc, picture, options) -> tuple[QImage, paper.Page, float]:
    page = paper.image_page(doc, picture, options)
    image = paper.render_image(doc, picture, options, page)
    return image, page, image.width() / page.size.width()


def _pixel(image, page, at, x, y) -> QColor:
    px = (page.map.left() + (x - page.source.left()) * page.scale) * at
    py = (page.map.top() + (y - page.source.top()) * page.scale) * at
    return QColor(image.pixel(round(px), round(py)))


def _near(a: QColor, b: QColor, by: int = 12) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()),
               abs(a.blue() - b.blue())) <= by


def _count(image: QImage, colour: QColor) -> int:
    """Pixels of ``colour`` (every 2nd row and column)."""
    want = colour.rgb() & 0xFFFFFF
    return sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
               if image.pixel(x, y) & 0xFFFFFF == want)


def test_a_large_map_is_drawn_from_records_unless_a_scene_is_asked_for(qapp, doc, large):
    picture = prepare(doc, ExportOptions())
    items = prepare(doc, ExportOptions(), scene=True)
    overlay = prepare(doc, ExportOptions(overlay="load"))  # marks added: a real scene
    try:
        assert isinstance(picture, LargePicture) and not isinstance(picture.scene, MapScene)
        assert isinstance(items.scene, MapScene) and isinstance(overlay.scene, MapScene)
        assert set(picture.scene.nodes) == set(items.scene.nodes)
        assert set(picture.scene.flows) == set(items.scene.flows)
        assert picture.source == items.source  # the same page is planned for both
    finally:
        for p in (picture, items, overlay):
            p.close()


def test_every_box_is_drawn_in_its_colour_where_the_scene_puts_it(qapp, doc, large):
    options = ExportOptions(dpi=150, page="a2", pages="one", flow_numbers=False)
    picture = prepare(doc, options)
    items = prepare(doc, options, scene=True)
    try:
        image, page, at = _image(doc, picture, options)
        old, _page, _at = _image(doc, items, options)
        assert image.size() == old.size()
        for node_id, box in picture.scene.nodes.items():
            item = items.scene.nodes[node_id]
            assert (box.x, box.y, box.w, box.h) == (item.pos().x(), item.pos().y(),
                                                    item.rect.width(), item.rect.height())
            assert box.fill == item.fill and box.border == item.border
            # inside the box, left of its name: its fill
            assert _near(_pixel(image, page, at, box.x - box.w / 2 + 7, box.y), box.fill)
            assert not _near(_pixel(image, page, at, box.x, box.y - box.h / 2), box.fill, 40)
        fills = {box.fill.rgb() for box in picture.scene.nodes.values()}
        assert len(fills) >= 3  # two directorates and the white of access points and exits
        for rgb in fills:  # each colour covers as much of the page as the scene's boxes do
            ours, theirs = _count(image, QColor(rgb)), _count(old, QColor(rgb))
            assert theirs > 0 and abs(ours - theirs) <= 0.1 * theirs + 20
    finally:
        picture.close()
        items.close()


def test_names_are_drawn_where_they_can_be_read(qapp, doc, large):
    # Read: 100% on a large page; too small: the map shrunk onto one A4 page at 40 DPI
    options = ExportOptions(dpi=96, page="a0", pages="one", flow_numbers=False)
    picture = prepare(doc, options)
    try:
        image, page, at = _image(doc, picture, options)
        assert style.label_font().pointSizeF() * page.scale * at * 96 / 72 > 3
        text_pixels = sum(
            1 for box in picture.scene.nodes.values() for dx in range(-20, 21, 2)
            if _near(_pixel(image, page, at, box.x + dx, box.y), style.TEXT, 60))
        assert text_pixels > len(picture.scene.nodes)  # letters in the boxes
        small = ExportOptions(dpi=40, page="a4", pages="one", flow_numbers=False)
        image, page, at = _image(doc, picture, small)
        assert style.label_font().pointSizeF() * page.scale * at * 96 / 72 < 3
        for box in picture.scene.nodes.values():  # only the fill: no grey smear of letters
            assert _near(_pixel(image, page, at, box.x, box.y), box.fill, 24)
        names = set(pdf_lines(export.pdf_bytes(doc, picture, ExportOptions())))
        one_line = [b for b in picture.scene.nodes.values() if len(b.lines) == 1]
        assert one_line and all(b.lines[0][2] in names for b in one_line)
    finally:
        picture.close()


def test_the_legend_numbers_and_notes_are_the_scenes(qapp, doc, large):
    options = ExportOptions()
    picture = prepare(doc, options)
    items = prepare(doc, options, scene=True)
    try:
        assert [(e.kind, e.label) for e in picture.entries()] == \
            [(e.kind, e.label) for e in items.entries()]
        assert picture.page_notes() == items.page_notes()
        assert any("flow numbers are left out" in n for n in picture.page_notes())
        assert any(export.straight_note(len(picture.scene.flows)) == n
                   for n in picture.page_notes())
        shown = {k for k, line in picture.scene.flows.items() if line.show_label}
        assert shown and shown == {k for k, item in items.scene.flows.items()
                                   if item.show_label and item.label}
        assert picture.any_numbers() and picture.facts_footer(doc) == items.facts_footer(doc)
        assert picture.facts_footer(doc) == provenance.footer(provenance.fact_dates(
            (a for _, a in doc.graph.nodes(data=True)),
            (a for _, _, a in doc.graph.edges(data=True)), ()))
        text = " ".join(pdf_lines(export.pdf_bytes(doc, picture, options)))
        for heading in ("Service colour: directorate or organisation", "Shapes",
                        "Flows (arrow shows direction)", "People per year (line width)"):
            assert heading in text
        picture.set_numbers(False, True)
        assert not picture.any_numbers() and not any(
            "flow numbers are left out" in n for n in picture.page_notes())
    finally:
        picture.close()
        items.close()


def test_tiles_of_a_large_map_draw_each_part_once_on_its_page(qapp, doc, large):
    options = ExportOptions(page="a4", pages="tiles")
    picture = prepare(doc, options)
    try:
        plan = export.paper_plan(doc, picture, options)
        assert plan.tiles
        names = pdf_lines(export.pdf_bytes(doc, picture, options, ))
        one_line = [b.lines[0][2] for b in picture.scene.nodes.values() if len(b.lines) == 1]
        assert all(name in names for name in one_line)  # each on the tile it falls on
    finally:
        picture.close()
