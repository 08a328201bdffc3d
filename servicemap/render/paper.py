"""Which paper a picture goes on, and how: the page is chosen for the map so that service
names, and every other text drawn on the map (flow numbers, 2 pt smaller), are at least
:data:`MIN_LABEL_PT` on the page (docs/look.md, "Exported page"; :func:`map_type_pt`).

``ExportOptions.page`` is "auto" (the smallest of A4, A3, A2, A1, A0 on which the names reach
6 pt) or one paper; ``orientation`` is "auto" (whichever draws the map larger: landscape for a
wide map), "portrait" or "landscape"; ``pages`` is "auto" (a larger page, or tiles on the
chosen paper when even that is too small; PNG and SVG, which have no tiles, then fit on the
largest), "tiles" (tiles across pages of the paper, with a key map first; PDF and print only)
or "one" (one page whatever the size of the names). :func:`plan` says what was chosen and why
(:attr:`Plan.reason`, a sentence the dialog and the command line show).

PNG and SVG pages are as small as their content and no bigger than the paper; PDF pages are
the paper, with :data:`PDF_MARGIN_MM` margins. A PNG is painted at the chosen DPI unless that
would pass :data:`MAX_PIXELS`, when the DPI is lowered (:func:`image_dpi`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import QImage, QPageSize, QPainter

from servicemap.errors import ServiceMapError
from servicemap.graph.document import Document
from servicemap.render import comment_marks, style
from servicemap.render.containers import TAG_PT, TAGS
from servicemap.render.notes import note_font
from servicemap.render.page import (
    IMAGE_MARGIN,
    PAGES,
    UNIT_DPI,
    WHITE,
    Page,
    layout,
    map_room,
    paint_page,
)

if TYPE_CHECKING:
    from servicemap.render.export import ExportOptions, Picture

MIN_LABEL_PT = 6.0              # service names on the page, at the least
PDF_MARGIN_MM = 12.0            # PDF and print margins
TILE_PAGES = 16                 # "auto" tiles: the smallest paper needing no more pages
OVERLAP_MM = 10.0               # neighbouring tiles repeat this much of the map
MAX_PIXELS = 64_000_000         # a PNG at most (256 MB while painted): A0 up to 200 DPI
PAGE_MODES = ("auto", "tiles", "one")
MM = UNIT_DPI / 25.4            # units per millimetre
# What a key map too small for readable names says of itself (it draws no names).
KEY_OUTLINE = "names are too small to read here and left out"


class PageError(ServiceMapError):
    """A page choice that cannot be made (tiles in a PNG)."""


def paper_name(paper: str) -> str:
    return paper.upper()


def paper_size(paper: str, landscape: bool) -> QSizeF:
    """The paper in units (96 per inch)."""
    size = QPageSize(PAGES[paper]).size(QPageSize.Millimeter) * MM
    long, short = max(size.width(), size.height()), min(size.width(), size.height())
    return QSizeF(long, short) if landscape else QSizeF(short, long)


def label_pt(scale: float) -> float:
    """The size of the service names on the page when the map is drawn at ``scale``."""
    return style.label_font().pointSizeF() * scale


def map_type_pt(picture: Picture) -> float:
    """The smallest type the map itself is drawn in, at 100%: the service names, and the flow
    numbers, "shared" tags, review comment numbers and notes when the picture has any. Pages
    are chosen so that this, not only the names, is at least :data:`MIN_LABEL_PT`."""
    sizes = [style.label_font().pointSizeF()]
    if picture.any_numbers():
        sizes.append(style.FLOW_NUMBER_PT)
    scene = picture.scene
    if scene.decorations(TAGS):
        sizes.append(TAG_PT)
    sizes += [d.item.font.pointSizeF() for d in scene.decorations(comment_marks.LAYER)]
    if scene.notes:
        sizes.append(note_font().pointSizeF())
    return min(sizes)


def readable_scale(picture: Picture) -> float:
    """The smallest scale at which the map's smallest type (:func:`map_type_pt`) is
    :data:`MIN_LABEL_PT`."""
    return MIN_LABEL_PT / map_type_pt(picture)


def _readable(scale: float, picture: Picture) -> bool:
    return scale >= readable_scale(picture) - 1e-6


@dataclass
class Tile:
    """One page of a tiled map: its place in the grid and the part of the map it shows."""

    number: int       # 1-based, in reading order
    row: int
    column: int
    source: QRectF    # scene rectangle


@dataclass
class Plan:
    """What goes on which paper. ``page`` is the one page, or the key map when ``tiles``;
    ``tile_pages`` holds the page of each tile, ``scale`` the scale the names are drawn at."""

    paper: str
    landscape: bool
    page: Page
    scale: float
    reason: str
    box: QSizeF                         # the paper (or printable area), in units
    rows: int = 1
    columns: int = 1
    tiles: list[Tile] = field(default_factory=list)
    tile_pages: list[Page] = field(default_factory=list)
    overlap: float = 0.0                # scene units
    smallest: float = style.LABEL_PT    # the map's smallest type at 100% (map_type_pt)

    @property
    def label_pt(self) -> float:
        """The service names' size on the page."""
        return label_pt(self.scale)

    @property
    def type_pt(self) -> float:
        """The size of the map's smallest type on the page (flow numbers, when shown)."""
        return self.smallest * self.scale

    @property
    def page_count(self) -> int:
        return 1 + len(self.tiles)

    def paper_text(self) -> str:
        return f"{paper_name(self.paper)} {'landscape' if self.landscape else 'portrait'}"

    def summary(self) -> str:
        """"A2 landscape", "12 A4 portrait pages and a key map"."""
        if self.tiles:
            return f"{len(self.tiles)} {self.paper_text()} pages and a key map"
        return self.paper_text()


def _pdf_box(paper: str, landscape: bool) -> QSizeF:
    size = paper_size(paper, landscape)
    return QSizeF(size.width() - 2 * PDF_MARGIN_MM * MM, size.height() - 2 * PDF_MARGIN_MM * MM)


def _where(landscape: bool) -> str:
    """Where a tiled page puts its legend."""
    return "right" if landscape else "below"


def _one(doc: Document, picture: Picture, options: ExportOptions, box: QSizeF,
         image: bool) -> Page:
    """One page: the legend right or below, whichever draws the map larger."""
    if image:
        return layout(doc, picture, options, box, IMAGE_MARGIN, True)
    return layout(doc, picture, options, box, 0.0, False)


def _orientations(options: ExportOptions) -> list[bool]:
    if options.orientation == "auto":
        return [True, False]
    return [options.orientation == "landscape"]


def _best(pages: list[tuple[Page, bool]], wide: bool) -> tuple[Page, bool]:
    """The page drawing the map largest; of equals, the one turned like the map."""
    return max(pages, key=lambda p: (round(p[0].scale, 4), p[1] == wide))


def _single(doc, picture, options, paper: str, image: bool) -> tuple[Page, bool, QSizeF]:
    wide = picture.source.width() >= picture.source.height()
    found = []
    for landscape in _orientations(options):
        box = paper_size(paper, landscape) if image else _pdf_box(paper, landscape)
        found.append((_one(doc, picture, options, box, image), landscape, box))
    page, landscape = _best([(p, ls) for p, ls, _b in found], wide)
    return page, landscape, next(b for p, _ls, b in found if p is page)


def _sheet(tile: Tile, count: int) -> str:
    return (f"Page {tile.number + 1} of {count + 1}: row {tile.row}, column {tile.column} "
            f"of the key map on page 1")


def _grid(picture: Picture, room: QSizeF, need: float) -> tuple[int, int, float, float]:
    """Columns, rows, scale and overlap (page units) of tiles of ``room`` at ``need`` or a
    little more: the largest scale that keeps as few tiles."""
    src = picture.source
    gap = OVERLAP_MM * MM
    counts = []
    for length, room_length in ((src.width(), room.width()), (src.height(), room.height())):
        step = room_length - gap
        counts.append(max(1, math.ceil((length * need - gap) / step)) if step > 0 else 1)
    columns, rows = counts
    scale = min(1.0, (columns * room.width() - (columns - 1) * gap) / src.width(),
                (rows * room.height() - (rows - 1) * gap) / src.height())
    return columns, rows, max(scale, need), gap


def _tiled(doc, picture, options, paper: str, landscape: bool, box: QSizeF,
           full: bool = True) -> Plan:
    """Tiles of ``paper``; ``full``: with each tile's page and the key map (else only the
    grid, to compare papers cheaply)."""
    need = min(1.0, readable_scale(picture))
    sample = _sheet(Tile(999, 99, 99, QRectF()), 999)  # the longest line of its kind
    room = map_room(doc, picture, options, box, 0.0, _where(landscape), sample)
    columns, rows, scale, gap = _grid(picture, room, need)
    # A hair smaller, so the tiles cover the map when the scale fits it exactly (rounding
    # otherwise leaves the map's edge 1e-13 outside them)
    scale *= 1 - 1e-12
    src = picture.source
    size = QSizeF(room.width() / scale, room.height() / scale)
    overlap = gap / scale
    covered = QSizeF(columns * size.width() - (columns - 1) * overlap,
                     rows * size.height() - (rows - 1) * overlap)
    left = src.center().x() - covered.width() / 2
    top = src.center().y() - covered.height() / 2
    tiles = []
    for r in range(rows):
        for c in range(columns):
            tiles.append(Tile(len(tiles) + 1, r + 1, c + 1, QRectF(
                left + c * (size.width() - overlap), top + r * (size.height() - overlap),
                size.width(), size.height())))
    if not full:
        return Plan(paper, landscape, None, scale, "", box, rows, columns, tiles, [], overlap)
    pages = [layout(doc, picture, options, box, 0.0, False, _where(landscape),
                    source=t.source, scale=scale, sheet=_sheet(t, len(tiles))) for t in tiles]
    sheet = (f"Key map: the map at {label_pt(scale):.1f} pt names is on the {len(tiles)} "
             "pages that follow, numbered here")
    key = layout(doc, picture, options, box, 0.0, False, _where(landscape),
                 sheet=f"{sheet}; {KEY_OUTLINE}")
    if _readable(key.scale, picture):  # names as readable here: the key map is the map
        key = layout(doc, picture, options, box, 0.0, False, _where(landscape), sheet=sheet)
    else:  # too small to read: the key map draws the boxes and flows only, without names
        key.draw_scene = False
    return Plan(paper, landscape, key, scale, "", box, rows, columns, tiles, pages, overlap)


def _tiled_best(doc, picture, options, paper: str) -> Plan:
    wide = picture.source.width() >= picture.source.height()
    plans = [_tiled(doc, picture, options, paper, ls, _pdf_box(paper, ls), full=False)
             for ls in _orientations(options)]
    return min(plans, key=lambda p: (len(p.tiles), p.landscape != wide))


def plan(doc: Document, picture: Picture, options: ExportOptions, image: bool) -> Plan:
    """The paper, orientation and pages for ``picture`` (``image``: PNG or SVG)."""
    picture._facts = None  # the dates read afresh once for every page this plan tries
    found = _plan(doc, picture, options, image)
    found.smallest = map_type_pt(picture)
    return found


def _plan(doc: Document, picture: Picture, options: ExportOptions, image: bool) -> Plan:
    papers = list(PAGES) if options.page == "auto" else [options.page]
    if options.pages == "tiles":
        if image:
            raise PageError("tiles across pages are for PDF and print; a PNG or SVG is "
                            "one picture")
        return _tiles_or_one(doc, picture, options, papers)
    if options.pages == "one":
        paper = "a4" if options.page == "auto" else options.page
        page, landscape, box = _single(doc, picture, options, paper, image)
        found = Plan(paper, landscape, page, page.scale, "", box)
        found.reason = (f"{found.paper_text()}, as chosen: names are "
                        f"{found.label_pt:.1f} pt")
        return found
    for paper in papers:
        page, landscape, box = _single(doc, picture, options, paper, image)
        if _readable(page.scale, picture):
            found = Plan(paper, landscape, page, page.scale, "", box)
            names = "at least 6 pt" if page.scale < 1 else f"{found.label_pt:.1f} pt (100%)"
            found.reason = f"{found.paper_text()} so names are {names}"
            return found
    if image:
        found = Plan(papers[-1], landscape, page, page.scale, "", box)
        found.reason = (f"{found.paper_text()}: names are only {found.label_pt:.1f} pt even "
                        "there (tiles across pages are PDF only)")
        return found
    return _tiles_or_one(doc, picture, options, papers)


def _tiles_or_one(doc, picture, options, papers: list[str]) -> Plan:
    """Tiles on the smallest of ``papers`` needing at most :data:`TILE_PAGES` (else the
    largest); one page when one tile would do."""
    for paper in papers:
        found = _tiled_best(doc, picture, options, paper)
        if len(found.tiles) <= TILE_PAGES:
            break
    if len(found.tiles) > 1:
        found = _tiled(doc, picture, options, found.paper, found.landscape, found.box)
    else:  # it fits after all: one page, no key map
        page, landscape, box = _single(doc, picture, options, found.paper, False)
        found = Plan(found.paper, landscape, page, page.scale, "", box)
        found.reason = f"{found.paper_text()} so names are at least 6 pt (one page)"
        return found
    found.reason = (f"tiles: {found.summary()}, {found.columns} across by {found.rows} down, "
                    f"so names are at least 6 pt")
    return found


def plan_on(doc: Document, picture: Picture, options: ExportOptions, box: QSizeF,
            landscape: bool) -> Plan:
    """The pages for a printable area of ``box`` (a printer's page the user chose): one page
    when the names reach 6 pt there (or ``pages`` is "one"), else tiles of it."""
    name = "a4" if options.page == "auto" else options.page
    page = _one(doc, picture, options, box, False)
    found = Plan(name, landscape, page, page.scale, "", box)
    if options.pages != "one" and not _readable(page.scale, picture):
        found = _tiled(doc, picture, options, name, landscape, box)
    found.reason = f"names are {found.label_pt:.1f} pt"
    found.smallest = map_type_pt(picture)
    return found


def alternatives(doc: Document, picture: Picture, options: ExportOptions,
                 image: bool) -> dict[str, Plan | None]:
    """What each page mode would give (None: not for this format), for the dialog."""
    found: dict[str, Plan | None] = {}
    for mode in PAGE_MODES:
        try:
            found[mode] = plan(doc, picture, _with(options, pages=mode), image)
        except PageError:
            found[mode] = None
    return found


def _with(options: ExportOptions, **changes) -> ExportOptions:
    from dataclasses import replace

    return replace(options, **changes)


# ----- images -----------------------------------------------------------------------------
def image_dpi(page: Page, dpi: int) -> float:
    """``dpi``, or less when the page would pass :data:`MAX_PIXELS` at it."""
    size = page.pixels(dpi)
    pixels = size.width() * size.height()
    return dpi if pixels <= MAX_PIXELS else dpi * math.sqrt(MAX_PIXELS / pixels) * 0.999


def image_page(doc: Document, picture: Picture, options: ExportOptions) -> Page:
    """The page of a PNG or SVG picture (its pixel size: ``page.pixels(image_dpi(...))``)."""
    return plan(doc, picture, options, True).page


def background(options: ExportOptions):
    return None if options.transparent else WHITE


def render_image(doc: Document, picture: Picture, options: ExportOptions,
                 page: Page | None = None) -> QImage:
    """The page as an image at ``options.dpi`` (painted at 96 DPI, then marked with the DPI
    it was drawn at: :func:`image_dpi`)."""
    page = page or image_page(doc, picture, options)
    dpi = image_dpi(page, options.dpi)
    size = page.pixels(dpi)
    image = QImage(size.width(), size.height(), QImage.Format_ARGB32_Premultiplied
                   if options.transparent else QImage.Format_RGB32)
    if image.isNull():
        raise PageError(f"a {size.width():,} × {size.height():,} pixel picture is more than "
                        "this computer can hold; choose a lower resolution")
    image.fill(Qt.transparent if options.transparent else Qt.white)
    painter = QPainter(image)
    painter.scale(size.width() / page.size.width(), size.height() / page.size.height())
    paint_page(painter, picture, page, background(options))
    painter.end()
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    return image


def to_page(page: Page, rect: QRectF) -> QRectF:
    """A scene rectangle where ``page`` draws it."""
    top_left = page.map.topLeft() + (rect.topLeft() - page.source.topLeft()) * page.scale
    return QRectF(top_left, rect.size() * page.scale)
