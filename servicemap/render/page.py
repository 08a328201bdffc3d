"""The exported page: its layout (bands of text, the map's rectangle, the legend's columns
and box) and its painting, onto any device already scaled to 96 DPI units.

The public entry is :mod:`servicemap.render.export`, which prepares the picture and writes the
files; :mod:`servicemap.render.paper` chooses the paper and calls :func:`layout` with it. This
module imports neither at run time.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPageSize, QPainter, QPen

from servicemap import suppression
from servicemap.graph.document import Document
from servicemap.render import style
from servicemap.render.legend import ROW_H, SWATCH_W, Entry, entries_height
from servicemap.render.legend import paint_entries as paint_legend_entries

if TYPE_CHECKING:
    from servicemap.render.export import ExportOptions, Picture

UNIT_DPI = 96                   # layout units per inch (scene px at 100% zoom)
PAGES = {"a4": QPageSize.A4, "a3": QPageSize.A3, "a2": QPageSize.A2, "a1": QPageSize.A1,
         "a0": QPageSize.A0}  # smallest first
LEGEND_SHARE = 0.2              # the legend never takes more than this share of the page
IMAGE_MARGIN = 16.0             # PNG and SVG margins, in units
IMAGE_MIN_WIDTH = 560.0         # narrow pictures still get readable bands
GAP = 10.0                      # between map, legend and bands
WRAP_ROOM = 0.92                # bands wrap to this share of their width (see Line.wrap)
FALLBACK_ROOM = 1.12            # legend columns: room for a wider font (DejaVu for Arial)
LEGEND_PAD = 10.0               # inside the legend box
LEGEND_COL_MAX = 440.0
LEGEND_SCALES = (1.0, 0.9, 0.8, 0.7, 0.64)  # the legend shrinks this far (6 pt text)
WHITE = QColor("white")
BACKING = 4.0                   # a transparent page's bands sit on white this far around
BACKING_FILL = QColor(255, 255, 255, 235)


# ----- layout -----------------------------------------------------------------------------
_metric_device: QImage | None = None


def _metrics(font: QFont) -> QFontMetricsF:
    """Font metrics at 96 DPI, the resolution every export is painted at."""
    global _metric_device
    if _metric_device is None:
        _metric_device = _image(1, 1, UNIT_DPI)
    return QFontMetricsF(font, _metric_device)


def _font(points: float, bold: bool = False) -> QFont:
    font = style.label_font()
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


@dataclass
class Line:
    """One paragraph of a band: text, font and alignment (wrapped to the band's width)."""

    text: str
    font: QFont
    align: Qt.AlignmentFlag = Qt.AlignLeft

    def height(self, width: float) -> float:
        flags = int(self.align | Qt.TextWordWrap)
        return _metrics(self.font).boundingRect(QRectF(0, 0, self.wrap(width), 1e6), flags,
                                                self.text).height()

    def wrap(self, width: float) -> float:
        """The width the text is wrapped to in a band ``width`` wide: a little narrower, so
        that a viewer drawing an SVG in a wider font than it was measured with (a fallback
        along the font stack) still ends each line inside the page."""
        return width * WRAP_ROOM


@dataclass
class Bands:
    """The texts around the map: marking (top centre), title and subtitle (left), date
    (right); and the bottom band: source, illustrative note, footnote, marking again."""

    marking: list[Line]
    heading: list[Line]
    date: Line
    bottom: list[Line]

    def heading_width(self, width: float) -> float:
        return width - 24 - _metrics(self.date.font).horizontalAdvance(self.date.text)

    def top_height(self, width: float) -> float:
        marks = _band_height(self.marking, width) + (2 if self.marking else 0)
        return marks + max(_band_height(self.heading, self.heading_width(width)),
                           self.date.height(width))

    def bottom_height(self, width: float) -> float:
        return _band_height(self.bottom, width)


def bands(doc: Document, picture: Picture, options: ExportOptions, sheet: str = "") -> Bands:
    """The band texts for ``picture`` (see the exported page in docs: look.md); ``sheet``
    says which of several pages this is."""
    fields = doc.graph.graph
    marking = (fields.get("marking") or "").strip()
    date = (options.date or datetime.date.today()).strftime("%d %B %Y").lstrip("0")
    marks = [Line(marking, _font(11, True), Qt.AlignHCenter)] if marking else []
    heading = [Line(picture.title, _font(14, True))]
    for text in (picture.subtitle, sheet):
        if text:
            heading.append(Line(text, _font(10)))
    bottom = [Line(f"Source: {(fields.get('source') or '').strip() or 'not recorded'}",
                   _font(8.5))]
    facts = picture.facts_footer(doc)
    if facts:  # how old the facts are: the oldest date (docs/data-model.md, provenance)
        bottom.append(Line(facts, _font(8.5)))
    if fields.get("illustrative"):
        bottom.append(Line("Illustrative data: the numbers on this map are not real.",
                           _font(8.5, True)))
    if picture.any_numbers():
        bottom.append(Line(suppression.footnote(options.suppression), _font(8.5)))
    bottom += [Line(note, _font(8.5)) for note in picture.page_notes()]
    bottom += [Line(marking, _font(11, True), Qt.AlignHCenter)] if marking else []
    return Bands(marks, heading, Line(date, _font(10), Qt.AlignRight), bottom)


def _band_height(lines: list[Line], width: float) -> float:
    return sum(line.height(width) for line in lines) + 2 * max(len(lines) - 1, 0)


def _column_width(entries: list[Entry]) -> float:
    plain = _metrics(style.label_font())
    bold = _metrics(_font(style.label_font().pointSizeF(), True))
    widths = [FALLBACK_ROOM * bold.horizontalAdvance(e.label) if e.kind == "heading"
              else SWATCH_W + 12 + FALLBACK_ROOM * plain.horizontalAdvance(e.label)
              for e in entries]
    return min(max(widths, default=0) + 4, LEGEND_COL_MAX)


def split_columns(entries: list[Entry], max_height: float) -> list[list[Entry]]:
    """Entries in columns no taller than ``max_height``: a heading and its entries start a
    new column rather than break, unless they are taller than a column themselves (then a
    heading still never ends a column)."""
    sections: list[list[Entry]] = []
    for entry in entries:
        if entry.kind == "heading" or not sections:
            sections.append([])
        sections[-1].append(entry)
    columns: list[list[Entry]] = [[]]
    used = 0.0  # the height of the last column
    for section in sections:
        if columns[-1] and used + entries_height(section) > max_height \
                and entries_height(section) <= max_height:
            columns.append([])
            used = 0.0
        for i, entry in enumerate(section):
            need = entries_height(section[i:i + 2] if entry.kind == "heading" else [entry])
            if columns[-1] and used + need > max_height:
                columns.append([])
                used = 0.0
            columns[-1].append(entry)
            used += entries_height([entry])
    return [c for c in columns if c]


def _balanced(entries: list[Entry], most: int) -> list[list[Entry]]:
    """Entries in at most ``most`` columns of about equal height."""
    height = max(entries_height(entries) / most, ROW_H * 2 + 4)
    while len(columns := split_columns(entries, height)) > most:
        height += ROW_H / 2
    return columns


@dataclass
class Legend:
    """The legend's columns (each as wide as its entries, at most ``column_width``), its size
    on the page and the scale it is drawn at."""

    columns: list[list[Entry]]
    column_width: float = 0.0
    scale: float = 1.0

    @property
    def widths(self) -> list[float]:
        return [min(_column_width(c), self.column_width) for c in self.columns]

    @property
    def size(self) -> QSizeF:
        if not self.columns:
            return QSizeF(0, 0)
        n = len(self.columns)
        return QSizeF(sum(self.widths) + (n - 1) * GAP + 2 * LEGEND_PAD,
                      max(entries_height(c) for c in self.columns) + 2 * LEGEND_PAD) * self.scale

    def area(self) -> float:
        size = self.size
        return size.width() * size.height()


def fit_legend(entries: list[Entry], col_w: float, where: str, width: float,
               height: float, max_area: float = math.inf) -> Legend:
    """The legend beside ("right") or under ("below") a body of ``width`` x ``height``: one
    column to the right, or at most 30% of the height below, the legend shrinking (to 64%,
    its text still over 6 pt) before it takes more columns (or more height), and until it
    covers no more than ``max_area``."""
    if where == "none" or not entries:
        return Legend([])
    for scale in LEGEND_SCALES:
        if where == "right":
            columns = split_columns(entries, max(height / scale - 2 * LEGEND_PAD, ROW_H * 3))
            legend = Legend(_balanced(entries, len(columns)), col_w, scale)
            fits = len(columns) == 1
        else:
            most = max(1, int((width / scale - 2 * LEGEND_PAD + GAP) // (col_w + GAP)))
            legend = Legend(_balanced(entries, most), col_w, scale)
            fits = legend.size.height() <= 0.3 * height
        if fits and legend.area() <= max_area:
            break
    return legend


def _body(map_size: QSizeF, legend: Legend, where: str) -> QSizeF:
    """The size of the map and its legend together."""
    lw, lh = legend.size.width(), legend.size.height()
    if where == "right":
        return QSizeF(map_size.width() + lw + GAP, max(map_size.height(), lh))
    if where == "below":
        return QSizeF(max(map_size.width(), lw), map_size.height() + lh + GAP)
    return QSizeF(map_size)


@dataclass
class Page:
    """Where everything goes, in units: the page size, the bands, the map's target rectangle
    (``source``, a scene rectangle, at ``scale``), and the legend and its box."""

    size: QSizeF
    top: QRectF
    bottom: QRectF
    map: QRectF
    legend_rect: QRectF
    legend: Legend
    scale: float
    bands: Bands
    source: QRectF = field(default_factory=QRectF)
    draw_scene: bool = True  # False: the map is drawn by someone else (a key map's outline)

    def pixels(self, dpi: float) -> QSize:
        """The pixel size of this page as a PNG at ``dpi``."""
        return QSize(max(1, round(self.size.width() * dpi / UNIT_DPI)),
                     max(1, round(self.size.height() * dpi / UNIT_DPI)))

    def legend_share(self) -> float:
        """The share of the page the legend's box covers."""
        return self.legend_rect.width() * self.legend_rect.height() / max(
            self.size.width() * self.size.height(), 1.0)


@dataclass
class _Frame:
    """A page's texts and legend and the room they leave the map, for one legend place."""

    texts: Bands
    place: str
    legend: Legend
    width: float    # of the bands
    room: QSizeF    # for the map


def _frame(texts: Bands, entries: list[Entry], box: QSizeF, margin: float,
           place: str) -> _Frame:
    width = box.width() - 2 * margin
    height = box.height() - 2 * margin - texts.top_height(width) - texts.bottom_height(width) \
        - 2 * GAP - 2
    legend = fit_legend(entries, _column_width(entries), place, width, height,
                        LEGEND_SHARE * box.width() * box.height())
    free_w = legend.size.width() + GAP if place == "right" else 0  # what the legend
    free_h = legend.size.height() + GAP if place == "below" else 0  # leaves the map
    return _Frame(texts, place, legend, width, QSizeF(max(width - free_w, 1),
                                                      max(height - free_h, 1)))


def _frames(doc: Document, picture: Picture, options: ExportOptions, box: QSizeF,
            margin: float, where: str | None, sheet: str) -> list[_Frame]:
    texts = bands(doc, picture, options, sheet)
    entries = picture.entries() if options.legend else []
    places = ["none"] if not entries else [where] if where else ["right", "below"]
    return [_frame(texts, entries, box, margin, place) for place in places]


def map_room(doc: Document, picture: Picture, options: ExportOptions, box: QSizeF,
             margin: float, where: str, sheet: str = "") -> QSizeF:
    """The room a page of ``box`` leaves the map, with its bands and the legend ``where``."""
    return _frames(doc, picture, options, box, margin, where, sheet)[0].room


def layout(doc: Document, picture: Picture, options: ExportOptions, box: QSizeF,
           margin: float, shrink: bool, where: str | None = None, *,
           source: QRectF | None = None, scale: float | None = None,
           sheet: str = "") -> Page:
    """Lay out a page no bigger than ``box``. ``shrink``: the page is as small as its content
    (PNG, SVG); else it is ``box`` (PDF, print). ``where``: "right" or "below" for the legend,
    or None for whichever draws the map larger (then the smaller page). ``source``: the scene
    rectangle to draw (the picture's); ``scale``: a fixed scale (a tile) instead of the
    largest that fits, never above 100%. ``sheet``: a line under the title (which page)."""
    source = QRectF(source if source is not None else picture.source)
    src = source.size()
    choices = []
    for frame in _frames(doc, picture, options, box, margin, where, sheet):
        fit = scale if scale is not None else max(1e-4, min(
            1.0, frame.room.width() / src.width(), frame.room.height() / src.height()))
        body = _body(src * fit, frame.legend, frame.place)
        choices.append((fit, -body.width() * body.height(), frame))
    scale, _, frame = max(choices, key=lambda c: c[:2])
    texts, legend, place, width = frame.texts, frame.legend, frame.place, frame.width
    map_size = src * scale
    body = _body(map_size, legend, place)
    for _ in range(3 if shrink else 0):  # narrower bands wrap taller: stay within the box
        body = _body(map_size, legend, place)
        width = max(IMAGE_MIN_WIDTH, body.width())
        free = box.height() - 2 * margin - texts.top_height(width) \
            - texts.bottom_height(width) - 2 * GAP - 2 - body.height()
        if free >= 0 or map_size.height() + free <= 1 or (
                place == "right" and legend.size.height() >= map_size.height()):
            break  # fits, or only the legend could make it fit
        scale *= (map_size.height() + free) / map_size.height()
        map_size = src * scale
    top_h, bottom_h = texts.top_height(width), texts.bottom_height(width)
    size = QSizeF(width + 2 * margin, top_h + bottom_h + body.height() + 2 * GAP + 2
                  + 2 * margin) if shrink else QSizeF(box)
    need = legend.area() / LEGEND_SHARE
    if shrink and size.width() * size.height() < need:
        # a small picture with a big legend: room around the map keeps the legend a fifth
        size.setHeight(max(size.height(), min(box.height(), need / size.width())))
        size.setWidth(max(size.width(), min(box.width(), need / size.height())))
        width = size.width() - 2 * margin
        top_h, bottom_h = texts.top_height(width), texts.bottom_height(width)
    body = QRectF(margin, margin + top_h + GAP + 1, width,
                  size.height() - 2 * margin - top_h - bottom_h - 2 * GAP - 2)
    lw, lh = legend.size.width(), legend.size.height()
    map_box, rect = body, QRectF()
    if place == "right":
        map_box, rect = body.adjusted(0, 0, -(lw + GAP), 0), QRectF(body.right() - lw,
                                                                    body.top(), lw, lh)
    elif place == "below":  # the legend just under the map, the two centred together
        top = body.top() + max(0.0, body.height() - map_size.height() - GAP - lh) / 2
        map_box = QRectF(body.left(), top, width, map_size.height())
        rect = QRectF(body.left(), map_box.bottom() + GAP, lw, lh)
    target = QRectF(QPointF(), map_size)
    target.moveCenter(map_box.center())
    return Page(size, QRectF(margin, margin, width, top_h),
                QRectF(margin, size.height() - margin - bottom_h, width, bottom_h),
                target, rect, legend, scale, texts, source)


# ----- painting ---------------------------------------------------------------------------
def _paint_lines(painter: QPainter, lines: list[Line], rect: QRectF) -> float:
    y = rect.top()
    for line in lines:
        h, w = line.height(rect.width()), line.wrap(rect.width())
        left = rect.left() + (rect.width() - w) / 2 if line.align & Qt.AlignHCenter \
            else rect.left()
        painter.setFont(line.font)
        painter.drawText(QRectF(left, y, w, h),
                         int(line.align | Qt.TextWordWrap), line.text)
        y += h + 2
    return y


def paint_page(painter: QPainter, picture: Picture, page: Page,
               background: QColor | None = WHITE) -> None:
    """Paint ``page`` (units; the painter is already scaled to the device)."""
    texts = page.bands
    if background is not None:
        painter.fillRect(QRectF(0, 0, page.size.width(), page.size.height()), background)
    else:  # a transparent page: the bands keep a backing so they read on any background
        for band in (page.top, page.bottom):
            painter.fillRect(band.adjusted(-BACKING, -BACKING, BACKING, BACKING), BACKING_FILL)
    painter.setRenderHint(QPainter.Antialiasing, True)
    painter.setRenderHint(QPainter.TextAntialiasing, True)
    painter.setPen(style.TEXT)
    y = _paint_lines(painter, texts.marking, page.top)
    _paint_lines(painter, texts.heading, QRectF(page.top.left(), y,
                                                texts.heading_width(page.top.width()), 1e4))
    painter.setFont(texts.date.font)
    room = (1 - WRAP_ROOM) * 2 * _metrics(texts.date.font).horizontalAdvance(texts.date.text)
    painter.drawText(QRectF(page.top.left(), y, page.top.width() - room,  # a wider fallback
                            texts.date.height(1e4)), int(Qt.AlignRight), texts.date.text)
    painter.setPen(QPen(style.DARK_GREY, 0.75))
    for rule_y in (page.top.bottom() + GAP / 2, page.bottom.top() - GAP / 2):
        painter.drawLine(QPointF(page.top.left(), rule_y), QPointF(page.top.right(), rule_y))
    picture.scene.setBackgroundBrush(Qt.NoBrush if background is None else background)
    if page.draw_scene:
        picture.scene.render(painter, page.map, page.source, Qt.KeepAspectRatio)
    if page.legend.columns:
        legend = page.legend
        painter.save()
        painter.translate(page.legend_rect.topLeft())
        painter.scale(legend.scale, legend.scale)
        painter.setPen(QPen(style.DARK_GREY, 0.75))
        painter.setBrush(WHITE if background is None else background)  # always a backing
        painter.drawRect(QRectF(0, 0, legend.size.width() / legend.scale,
                                legend.size.height() / legend.scale))
        x = LEGEND_PAD
        for column, width in zip(legend.columns, legend.widths, strict=True):
            paint_legend_entries(painter, column, QPointF(x, LEGEND_PAD), width)
            x += width + GAP
        painter.restore()
    painter.setPen(style.TEXT)
    _paint_lines(painter, texts.bottom, page.bottom)


# ----- devices ----------------------------------------------------------------------------
def _image(width: int, height: int, dpi: float) -> QImage:
    image = QImage(width, height, QImage.Format_RGB32)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    return image
