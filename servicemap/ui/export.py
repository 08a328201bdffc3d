"""Export and print: the map, or part of it, as a page with its title, date, legend, source
line, "Illustrative data" note, small-number footnote and protective marking, written as PNG,
SVG or PDF, sent to a printer or copied to the clipboard.

Every export draws a fresh :class:`MapScene` built from the document, so it never touches the
window's scene (selection, dimming, highlight, flow numbers) and works offscreen from the
command line. The scene's own items draw the map and the legend dock's painter draws the
legend, so the exported picture and the canvas cannot disagree.

Units: pages are laid out in px at 96 per inch (scene units at 100% zoom). Every device is
painted at 96 logical DPI, so the items' point-size fonts keep their canvas size relative to
the boxes, and the painter is scaled to the device's own pixels (PNG at 96-600 DPI).
"""

from __future__ import annotations

import datetime
import gc
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)
from PySide6.QtWidgets import QGraphicsLineItem

from servicemap import suppression
from servicemap.errors import ServiceMapError
from servicemap.graph.document import Document
from servicemap.ui import style
from servicemap.ui.items import FlowItem, NodeItem
from servicemap.ui.panels.legend import ROW_H, SWATCH_W, Entry, entries_height, legend_entries
from servicemap.ui.panels.legend import paint_entries as paint_legend_entries
from servicemap.ui.scene import MapScene

UNIT_DPI = 96                   # layout units per inch (scene px at 100% zoom)
PAGES = {"a4": QPageSize.A4, "a3": QPageSize.A3}
WHAT = ("map", "selection", "visible", "pathway")
DPI_RANGE = (96, 600)
PAGE_MARGIN_MM = 12.0           # PDF and print margins
IMAGE_MARGIN = 16.0             # PNG and SVG margins, in units
IMAGE_MIN_WIDTH = 560.0         # narrow pictures still get readable bands
PAD = 16.0                      # around the items' bounding box
GAP = 10.0                      # between map, legend and bands
LEGEND_PAD = 10.0               # inside the legend box
LEGEND_COL_MAX = 440.0
MAX_GROUP_ROWS = 20              # more groups than this: one legend row per colour
LEGEND_SCALES = (1.0, 0.9, 0.8, 0.7)  # the legend shrinks this far before it takes columns
WHITE = QColor("white")


class ExportError(ServiceMapError):
    """Nothing to export (an empty selection, an empty pathway, ...)."""


@dataclass
class ExportOptions:
    """What to export and how. ``what``: "map", "selection" (``ids``), "visible" (``area``,
    a scene rectangle) or "pathway" (``pathway``, an id)."""

    what: str = "map"
    ids: frozenset[str] = frozenset()
    area: QRectF | None = None
    pathway: str | None = None
    dpi: int = 150
    transparent: bool = False
    page: str = "a4"
    landscape: bool = False
    legend: bool = True
    flow_numbers: bool = True
    suppression: bool = True
    containers: str | None = None  # as on the canvas: "directorate", "partnership", ...
    date: datetime.date | None = None
    comments: bool = False  # review comments: numbered on the map, listed after it (PDF/print)


@dataclass
class Picture:
    """A prepared export: a fresh scene holding only what is exported, the scene rectangle to
    draw, what the legend lists and the texts of the bands. Call :meth:`close` when done."""

    scene: MapScene
    source: QRectF
    shown: SimpleNamespace            # the scene's items that are shown (for the legend)
    title: str
    subtitle: str
    true_labels: dict[str, str] = field(default_factory=dict)

    def set_numbers(self, show: bool, suppressed: bool) -> None:
        """Flow numbers on or off, suppressed or true (the canvas's own text)."""
        doc = self.scene.doc
        for key, item in self.scene.flows.items():
            item.show_label = show
            item.label = (suppression.suppress(doc.edge(key).get("volume_per_year"))
                          if suppressed else self.true_labels[key])
        self.scene.show_flow_labels = show

    def entries(self) -> list[Entry]:
        """The legend of what is shown. Past ``MAX_GROUP_ROWS`` groups the palette's colours
        repeat, so each colour gets one row naming its first groups ("A, B and 12 more")."""
        entries = legend_entries(self.shown)
        groups = [e for e in entries if e.kind == "group"]
        if len(groups) <= MAX_GROUP_ROWS:
            return entries
        by_colour: dict[str, list[Entry]] = {}
        for entry in groups:
            by_colour.setdefault(entry.colour.name(), []).append(entry)
        merged = []
        for same in by_colour.values():
            names = [e.label for e in same]
            more = f" and {len(names) - 2:,} more" if len(names) > 2 else ""
            merged.append(Entry("group", ", ".join(names[:2]) + more, same[0].colour))
        at = entries.index(groups[0])
        return entries[:at] + merged + [e for e in entries[at:] if e.kind != "group"]

    def any_numbers(self) -> bool:
        return any(item.show_label and item.label for item in self.shown.flows.values())

    def close(self) -> None:
        """Stop the scene following the document (it is thrown away)."""
        if self.scene is not None:
            self.scene.detach()
            self.scene = None


def find_pathway(doc: Document, name: str) -> str | None:
    """The id of the pathway called ``name`` (case and surrounding spaces ignored)."""
    wanted = name.strip().casefold()
    return next((pid for pid, p in doc.pathways.items()
                 if p.name.strip().casefold() == wanted), None)


def _pathway_ids(doc: Document, pathway_id: str) -> tuple[set[str], set[str]]:
    """A pathway's steps and the flows between consecutive steps (as the canvas highlights)."""
    steps = doc.pathways[pathway_id].steps
    flows = {f for a, b in zip(steps, steps[1:], strict=False)
             if (f := doc.find_flow(a, b)) is not None}
    return set(steps), flows


def _keep_only(scene: MapScene, nodes: set[str], flows: set[str]) -> None:
    for key in [k for k in scene.flows if k not in flows]:
        item = scene.flows.pop(key)
        item.detach()
        scene.removeItem(item)
    for key in [k for k in scene.nodes if k not in nodes]:
        scene.removeItem(scene.nodes.pop(key))


def _number_steps(scene: MapScene, pathway_id: str) -> None:
    """The canvas's numbered step badges, in the canvas's ordinary colours (every item left
    is the pathway's) and without its "no flow" connectors, which the legend does not show."""
    scene.highlight_pathway(pathway_id)
    for item in list(scene.nodes.values()) + list(scene.flows.values()):
        item.highlighted = False
    for item in scene.items():
        if isinstance(item, QGraphicsLineItem):
            scene.removeItem(item)


def prepare(doc: Document, options: ExportOptions) -> Picture:
    """Build the export scene for ``options.what`` (the document is only read)."""
    if options.what not in WHAT:
        raise ExportError(f"cannot export {options.what!r}; choose one of {', '.join(WHAT)}")
    title = doc.graph.graph.get("title") or "Untitled map"
    subtitle = ""
    if options.what == "pathway":
        if options.pathway not in doc.pathways:
            raise ExportError("the pathway to export is not in this map")
        subtitle = f"Pathway in {title}; the numbers give the order of its steps"
        title = doc.pathways[options.pathway].name
    paused = gc.isenabled()
    gc.disable()  # tens of thousands of items: no point scanning them while they are made
    try:
        scene = MapScene(doc)
    finally:
        if paused:
            gc.enable()
    try:
        scene.setItemIndexMethod(MapScene.NoIndex)  # one render: no index to build
        true_labels = {k: item.label for k, item in scene.flows.items()}
        if options.what == "pathway":
            nodes, flows = _pathway_ids(doc, options.pathway)
            _keep_only(scene, nodes, flows)
            _number_steps(scene, options.pathway)
        elif options.what == "selection":
            flows = {k for k in options.ids if k in scene.flows}
            nodes = {k for k in options.ids if k in scene.nodes}
            nodes |= {end for k in flows for end in doc.edge_ends(k)}
            flows |= {k for k, item in scene.flows.items()
                      if item.source.node_id in nodes and item.target.node_id in nodes}
            _keep_only(scene, nodes, flows)
        if options.containers:  # around the services shown, as the canvas draws them
            from servicemap.ui.containers import draw_containers

            draw_containers(scene, doc, options.containers)
        if options.what == "visible":
            area = QRectF(options.area) if options.area is not None else QRectF()
            inside = scene.items(area) if area.isValid() else []
            shown_nodes = {i.node_id: i for i in inside if isinstance(i, NodeItem)}
            shown_flows = {i.edge_id: i for i in inside if isinstance(i, FlowItem)}
            source = area
        else:
            shown_nodes, shown_flows = dict(scene.nodes), dict(scene.flows)
            source = scene.itemsBoundingRect().adjusted(-PAD, -PAD, PAD, PAD)
        if not shown_nodes:
            raise ExportError({"selection": "nothing is selected to export",
                               "visible": "nothing is in view to export",
                               "pathway": "the pathway has no steps to export"}
                              .get(options.what, "the map has nothing to draw"))
        if options.comments and doc.comments:
            from servicemap.ui.export_comments import mark_comments

            mark_comments(scene, doc, shown_nodes, shown_flows)
        shown = SimpleNamespace(doc=doc, nodes=shown_nodes, flows=shown_flows,
                                colours=scene.colours, _group_of=scene._group_of)
        picture = Picture(scene, source, shown, title, subtitle, true_labels)
        picture.set_numbers(options.flow_numbers, options.suppression)
        return picture
    except BaseException:
        scene.detach()
        raise


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
        return _metrics(self.font).boundingRect(QRectF(0, 0, width, 1e6), flags,
                                                self.text).height()


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


def bands(doc: Document, picture: Picture, options: ExportOptions) -> Bands:
    """The band texts for ``picture`` (see the exported page in docs: look.md)."""
    fields = doc.graph.graph
    marking = (fields.get("marking") or "").strip()
    date = (options.date or datetime.date.today()).strftime("%d %B %Y").lstrip("0")
    marks = [Line(marking, _font(11, True), Qt.AlignHCenter)] if marking else []
    heading = [Line(picture.title, _font(14, True))]
    if picture.subtitle:
        heading.append(Line(picture.subtitle, _font(10)))
    bottom = [Line(f"Source: {(fields.get('source') or '').strip() or 'not recorded'}",
                   _font(8.5))]
    if fields.get("illustrative"):
        bottom.append(Line("Illustrative data: the numbers on this map are not real.",
                           _font(8.5, True)))
    if picture.any_numbers():
        bottom.append(Line(suppression.footnote(options.suppression), _font(8.5)))
    bottom += [Line(marking, _font(11, True), Qt.AlignHCenter)] if marking else []
    return Bands(marks, heading, Line(date, _font(10), Qt.AlignRight), bottom)


def _band_height(lines: list[Line], width: float) -> float:
    return sum(line.height(width) for line in lines) + 2 * max(len(lines) - 1, 0)


def _column_width(entries: list[Entry]) -> float:
    plain = _metrics(style.label_font())
    bold = _metrics(_font(style.label_font().pointSizeF(), True))
    widths = [bold.horizontalAdvance(e.label) if e.kind == "heading"
              else SWATCH_W + 12 + plain.horizontalAdvance(e.label) for e in entries]
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
    """The legend's columns (each ``column_width`` wide), its size on the page and the scale
    it is drawn at."""

    columns: list[list[Entry]]
    column_width: float = 0.0
    scale: float = 1.0

    @property
    def size(self) -> QSizeF:
        if not self.columns:
            return QSizeF(0, 0)
        n = len(self.columns)
        return QSizeF(n * self.column_width + (n - 1) * GAP + 2 * LEGEND_PAD,
                      max(entries_height(c) for c in self.columns) + 2 * LEGEND_PAD) * self.scale


def fit_legend(entries: list[Entry], col_w: float, where: str, width: float,
               height: float) -> Legend:
    """The legend beside ("right") or under ("below") a body of ``width`` x ``height``: one
    column to the right, or at most 30% of the height below, the legend shrinking to 70%
    before it takes more columns (or more height)."""
    if where == "none" or not entries:
        return Legend([])
    for scale in LEGEND_SCALES:
        if where == "right":
            columns = split_columns(entries, max(height / scale - 2 * LEGEND_PAD, ROW_H * 3))
            legend = Legend(_balanced(entries, len(columns)), col_w, scale)
            if len(columns) == 1:
                break
        else:
            most = max(1, int((width / scale - 2 * LEGEND_PAD + GAP) // (col_w + GAP)))
            legend = Legend(_balanced(entries, most), col_w, scale)
            if legend.size.height() <= 0.3 * height:
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
    (the source at ``scale``), and the legend and its box."""

    size: QSizeF
    top: QRectF
    bottom: QRectF
    map: QRectF
    legend_rect: QRectF
    legend: Legend
    scale: float
    bands: Bands

    def pixels(self, dpi: int) -> QSize:
        """The pixel size of this page as a PNG at ``dpi``."""
        return QSize(max(1, round(self.size.width() * dpi / UNIT_DPI)),
                     max(1, round(self.size.height() * dpi / UNIT_DPI)))


def layout(doc: Document, picture: Picture, options: ExportOptions, box: QSizeF,
           margin: float, shrink: bool, where: str | None = None) -> Page:
    """Lay out a page no bigger than ``box``. ``shrink``: the page is as small as its content
    (PNG, SVG); else it is ``box`` (PDF, print). ``where``: "right" or "below" for the legend,
    or None for whichever draws the map larger (then the smaller page). The map is never
    drawn above 100%."""
    texts = bands(doc, picture, options)
    entries = picture.entries() if options.legend else []
    col_w, src = _column_width(entries), picture.source.size()
    width = box.width() - 2 * margin
    height = box.height() - 2 * margin - texts.top_height(width) - texts.bottom_height(width) \
        - 2 * GAP - 2
    choices = []
    for place in ["none"] if not entries else [where] if where else ["right", "below"]:
        legend = fit_legend(entries, col_w, place, width, height)
        free_w = legend.size.width() + GAP if place == "right" else 0  # what the legend
        free_h = legend.size.height() + GAP if place == "below" else 0  # leaves the map
        scale = max(1e-4, min(1.0, max(width - free_w, 1) / src.width(),
                              max(height - free_h, 1) / src.height()))
        body = _body(src * scale, legend, place)
        choices.append((scale, -body.width() * body.height(), place, legend))
    scale, _, place, legend = max(choices, key=lambda c: c[:2])
    map_size = src * scale
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
                target, rect, legend, scale, texts)


# ----- painting ---------------------------------------------------------------------------
def _paint_lines(painter: QPainter, lines: list[Line], rect: QRectF) -> float:
    y = rect.top()
    for line in lines:
        h = line.height(rect.width())
        painter.setFont(line.font)
        painter.drawText(QRectF(rect.left(), y, rect.width(), h),
                         int(line.align | Qt.TextWordWrap), line.text)
        y += h + 2
    return y


def paint_page(painter: QPainter, picture: Picture, page: Page,
               background: QColor | None = WHITE) -> None:
    """Paint ``page`` (units; the painter is already scaled to the device)."""
    texts = page.bands
    if background is not None:
        painter.fillRect(QRectF(0, 0, page.size.width(), page.size.height()), background)
    painter.setRenderHint(QPainter.Antialiasing, True)
    painter.setRenderHint(QPainter.TextAntialiasing, True)
    painter.setPen(style.TEXT)
    y = _paint_lines(painter, texts.marking, page.top)
    _paint_lines(painter, texts.heading, QRectF(page.top.left(), y,
                                                texts.heading_width(page.top.width()), 1e4))
    painter.setFont(texts.date.font)
    painter.drawText(QRectF(page.top.left(), y, page.top.width(), texts.date.height(1e4)),
                     int(Qt.AlignRight), texts.date.text)
    painter.setPen(QPen(style.DARK_GREY, 0.75))
    for rule_y in (page.top.bottom() + GAP / 2, page.bottom.top() - GAP / 2):
        painter.drawLine(QPointF(page.top.left(), rule_y), QPointF(page.top.right(), rule_y))
    picture.scene.setBackgroundBrush(Qt.NoBrush if background is None else background)
    picture.scene.render(painter, page.map, picture.source, Qt.KeepAspectRatio)
    if page.legend.columns:
        legend = page.legend
        painter.save()
        painter.translate(page.legend_rect.topLeft())
        painter.scale(legend.scale, legend.scale)
        painter.setPen(QPen(style.DARK_GREY, 0.75))
        painter.setBrush(Qt.NoBrush if background is None else WHITE)
        painter.drawRect(QRectF(0, 0, legend.size.width() / legend.scale,
                                legend.size.height() / legend.scale))
        for i, column in enumerate(legend.columns):
            x = LEGEND_PAD + i * (legend.column_width + GAP)
            paint_legend_entries(painter, column, QPointF(x, LEGEND_PAD), legend.column_width)
        painter.restore()
    painter.setPen(style.TEXT)
    _paint_lines(painter, texts.bottom, page.bottom)


# ----- devices ----------------------------------------------------------------------------
def _image(width: int, height: int, dpi: float, transparent: bool = False) -> QImage:
    image = QImage(width, height, QImage.Format_ARGB32_Premultiplied if transparent
                   else QImage.Format_RGB32)
    _set_dpi(image, dpi)
    return image


def _set_dpi(image: QImage, dpi: float) -> None:
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))


def image_page(doc: Document, picture: Picture, options: ExportOptions) -> Page:
    """The page of a PNG or SVG picture (its pixel size: ``page.pixels(dpi)``): as small as
    its content, and no bigger than the chosen paper turned to suit the map's shape."""
    paper = QPageSize(PAGES[options.page]).size(QPageSize.Point) * (UNIT_DPI / 72)
    long, short = max(paper.width(), paper.height()), min(paper.width(), paper.height())
    wide = picture.source.width() >= picture.source.height()
    box = QSizeF(long, short) if wide else QSizeF(short, long)
    return layout(doc, picture, options, box, IMAGE_MARGIN, True)


def _background(options: ExportOptions) -> QColor | None:
    return None if options.transparent else WHITE


def render_image(doc: Document, picture: Picture, options: ExportOptions) -> QImage:
    """The page as an image at ``options.dpi`` (painted at 96 DPI, then marked ``dpi``)."""
    page = image_page(doc, picture, options)
    size = page.pixels(options.dpi)
    image = _image(size.width(), size.height(), UNIT_DPI, options.transparent)
    image.fill(Qt.transparent if options.transparent else Qt.white)
    painter = QPainter(image)
    painter.scale(size.width() / page.size.width(), size.height() / page.size.height())
    paint_page(painter, picture, page, _background(options))
    painter.end()
    _set_dpi(image, options.dpi)
    return image


def _buffer() -> QBuffer:
    buffer = QBuffer()
    buffer.open(QIODevice.WriteOnly)
    return buffer


def png_bytes(doc: Document, picture: Picture, options: ExportOptions) -> bytes:
    buffer = _buffer()
    render_image(doc, picture, options).save(buffer, "PNG")
    return bytes(buffer.data())


def svg_bytes(doc: Document, picture: Picture, options: ExportOptions) -> bytes:
    """Plain SVG 1.1: shapes as paths, text as ``<text>``; no images, no foreignObject."""
    from PySide6.QtSvg import QSvgGenerator

    page = image_page(doc, picture, options)
    buffer = _buffer()
    svg = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)
    svg.setOutputDevice(buffer)
    svg.setResolution(UNIT_DPI)
    svg.setSize(QSize(round(page.size.width()), round(page.size.height())))
    svg.setViewBox(QRectF(0, 0, page.size.width(), page.size.height()))
    svg.setTitle(picture.title)
    svg.setDescription("Map exported by servicemap")
    painter = QPainter(svg)
    paint_page(painter, picture, page, _background(options))
    painter.end()
    return bytes(buffer.data())


def page_layout(options: ExportOptions) -> QPageLayout:
    """The PDF or printed page: A4 or A3, portrait or landscape, 12 mm margins."""
    return QPageLayout(QPageSize(PAGES[options.page]), QPageLayout.Landscape
                       if options.landscape else QPageLayout.Portrait,
                       QMarginsF(*[PAGE_MARGIN_MM] * 4), QPageLayout.Millimeter)


def paint_on_paper(device, doc: Document, picture: Picture, options: ExportOptions) -> None:
    """Paint the page onto a QPdfWriter or QPrinter (set to 96 DPI here). Its page size and
    orientation (the user may change them in a print dialog) decide the layout: the legend
    to the right on landscape pages, below on portrait pages."""
    if device.resolution() != UNIT_DPI:
        device.setResolution(UNIT_DPI)
    landscape = device.pageLayout().orientation() == QPageLayout.Landscape
    box = QSizeF(device.width(), device.height())
    page = layout(doc, picture, options, box, 0.0, False, "right" if landscape else "below")
    painter = QPainter(device)
    if not painter.isActive():
        raise ExportError("the page could not be started")
    paint_page(painter, picture, page, WHITE)
    if options.comments and doc.comments:
        from servicemap.ui.export_comments import paint_appendix

        paint_appendix(painter, device, picture.title, doc)
    painter.end()


def pdf_bytes(doc: Document, picture: Picture, options: ExportOptions) -> bytes:
    """A vector PDF of one A4 or A3 page, the map fitted within the margins."""
    buffer = _buffer()
    writer = QPdfWriter(buffer)
    writer.setPageLayout(page_layout(options))
    writer.setTitle(picture.title)
    writer.setCreator("servicemap")
    paint_on_paper(writer, doc, picture, options)  # ending the painter finishes the file
    return bytes(buffer.data())


WRITERS = {".png": png_bytes, ".svg": svg_bytes, ".pdf": pdf_bytes}


def _write(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a failed export leaves no half-written file."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    except OSError as exc:  # name the file the user chose, not the temporary one
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    finally:
        temp.unlink(missing_ok=True)


def export_picture(doc: Document, picture: Picture, path: str | Path,
                   options: ExportOptions) -> Path:
    """Write an already prepared picture to ``path`` (format by extension)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in WRITERS:
        raise ExportError(f"{path.name}: unknown picture format {suffix or '(no extension)'!r}; "
                          f"use {', '.join(WRITERS)}")
    _write(path, WRITERS[suffix](doc, picture, options))
    return path


def export_file(doc: Document, path: str | Path, options: ExportOptions | None = None) -> Path:
    """Export ``doc`` to a PNG, SVG or PDF file chosen by ``path``'s extension."""
    options = options or ExportOptions()
    picture = prepare(doc, options)
    try:
        return export_picture(doc, picture, path, options)
    finally:
        picture.close()


def copy_to_clipboard(doc: Document, options: ExportOptions) -> QImage:
    """Put the exported picture on the clipboard (as an image) and return it."""
    picture = prepare(doc, options)
    try:
        image = render_image(doc, picture, options)
    finally:
        picture.close()
    QGuiApplication.clipboard().setImage(image)
    return image


def ensure_app():
    """The running QApplication, or a new one (the command line has none)."""
    from servicemap.ui.app import make_app

    return make_app()
