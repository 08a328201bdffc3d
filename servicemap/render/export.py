"""Export and print: the map, or part of it, as a page with its title, date, legend, source
line, "Illustrative data" note, small-number footnote and protective marking, written as PNG,
SVG or PDF, sent to a printer or copied to the clipboard.

Every export draws a fresh :class:`MapScene` built from the document, so it never touches the
window's scene (selection, dimming, highlight, flow numbers) and works offscreen from the
command line. The scene's own items draw the map and the legend's painter
(:mod:`servicemap.render.legend`, the Legend dock's too) draws the legend, so the exported
picture and the canvas cannot disagree.

Units: pages are laid out in px at 96 per inch (scene units at 100% zoom). Every device is
painted at 96 logical DPI, so the items' point-size fonts keep their canvas size relative to
the boxes, and the painter is scaled to the device's own pixels (PNG at 96-600 DPI).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSize, QSizeF
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from servicemap.gcpause import gc_paused
from servicemap.graph.document import Document
from servicemap.io import safety
from servicemap.render import paper
from servicemap.render.items import FlowItem, NodeItem
from servicemap.render.legend import Entry
from servicemap.render.page import PAGES, UNIT_DPI, WHITE, paint_page
from servicemap.render.picture import ExportError, Picture
from servicemap.render.scene import MapScene
from servicemap.render.tiles import paint_key, paint_marks

WHAT = ("map", "selection", "visible", "pathway")
DPI_RANGE = (96, 600)
PAD = 16.0                      # around the items' bounding box
# More flows than this in a picture: they are drawn straight between their boxes' middle
# ports, not routed round the boxes (routing 20,000 flows takes seconds, and on a page where
# names are that small the routes cannot be followed anyway); the page says so.
ROUTE_LIMIT = 5_000
# SVG viewers without the family the page was measured with fall back along this stack.
SVG_FONT_FAMILY = 'Arial, "Liberation Sans", Helvetica, sans-serif'
_SVG_START_TAG = re.compile(rb"<[A-Za-z][^<>]*>")
_SVG_FONT = re.compile(rb'\sfont-family="[^"]*"')




@dataclass
class ExportOptions:
    """What to export and how. ``what``: "map", "selection" (``ids``), "visible" (``area``,
    a scene rectangle) or "pathway" (``pathway``, an id)."""

    what: str = "map"
    ids: frozenset[str] = frozenset()
    area: QRectF | None = None
    pathway: str | None = None
    dpi: int = 150
    transparent: bool = False  # PNG and SVG: no page background (the bands get a backing)
    page: str = "auto"         # "auto" or a paper: "a4" ... "a0" (see render/paper.py)
    orientation: str = "auto"  # "auto", "portrait" or "landscape"
    pages: str = "auto"        # "auto" (names at least 6 pt), "tiles" or "one"
    legend: bool = True
    flow_numbers: bool = True
    suppression: bool = True
    containers: str | None = None  # as on the canvas: "directorate", "partnership", ...
    date: datetime.date | None = None
    comments: bool = False  # review comments: numbered on the map, listed after it (PDF/print)
    faded_map: bool = False  # a pathway where it is on the map, the rest faded (else on its own)
    overlay: str | None = None  # an overlay's key (graph.measures.MEASURES), as on the canvas




def _prepare_pathway(doc: Document, options: ExportOptions) -> Picture:
    """A pathway on its own, left to right in step order, or where it is on the map with the
    rest faded (:mod:`servicemap.render.pathway_picture`); only its flows are numbered."""
    from servicemap.render.pathway_picture import pathway_scene

    if options.pathway not in doc.pathways:
        raise ExportError("the pathway to export is not in this map")
    pathway = doc.pathways[options.pathway]
    if not pathway.steps:
        raise ExportError("the pathway has no steps to export")
    # the room across the page for a row of steps: the named paper (else A4), landscape
    # unless portrait is asked for (the page is then chosen for the picture, paper.plan)
    sheet = paper.paper_size("a4" if options.page == "auto" else options.page,
                             options.orientation != "portrait")
    room = sheet.width() - 2 * paper.PDF_MARGIN_MM * paper.MM
    drawn = pathway_scene(doc, pathway.id, options.faded_map, options.containers, room)
    scene = drawn.scene
    try:
        scene.setItemIndexMethod(MapScene.NoIndex)
        if options.comments and doc.comments:
            from servicemap.render.comment_marks import mark_comments

            mark_comments(scene, doc, drawn.nodes, drawn.flows)
        overlay = _overlay(scene, options, None)  # first: the legend says what colour means
        shown = SimpleNamespace(doc=scene.doc, nodes=drawn.nodes, flows=drawn.flows,
                                colours=scene.colours, group_of=scene.group_of,
                                colour_meaning=scene.colour_meaning)
        picture = Picture(scene, scene.itemsBoundingRect().adjusted(-PAD, -PAD, PAD, PAD),
                          shown, pathway.name, drawn.subtitle,
                          {k: item.label for k, item in scene.flows.items()},
                          numbered=frozenset(drawn.flows), overlay_entries=overlay)
        picture.set_numbers(options.flow_numbers, options.suppression)
        return picture
    except BaseException:
        scene.detach()
        raise


def _overlay(scene, options: ExportOptions, containers) -> list[Entry]:
    """The overlay asked for, drawn on the export's scene; its legend entries ([] for none)."""
    if not options.overlay:
        return []
    from servicemap.graph.measures import MEASURES
    from servicemap.render.overlay_marks import overlay_picture

    if options.overlay not in MEASURES:
        raise ExportError(f"there is no overlay {options.overlay!r}; the overlays are "
                          f"{', '.join(MEASURES)}")
    return overlay_picture(scene, options.overlay, containers)


def prepare(doc: Document, options: ExportOptions, *, scene: bool = False) -> Picture:
    """Build the export scene for ``options.what`` (the document is only read). The whole of
    a map with more than :data:`ROUTE_LIMIT` flows (and no overlay, containers, comment
    numbers or notes) is drawn from plain records instead
    (:mod:`servicemap.render.large_map`), unless ``scene``: a caller that adds items of its
    own to ``picture.scene`` asks for a real one."""
    if options.what not in WHAT:
        raise ExportError(f"cannot export {options.what!r}; choose one of {', '.join(WHAT)}")
    if options.what == "pathway":
        return _prepare_pathway(doc, options)
    title = doc.graph.graph.get("title") or "Untitled map"
    if not scene and large(doc, options):
        from servicemap.render.large_picture import prepare_large

        picture = prepare_large(doc, title, PAD)
        picture.notes.append(straight_note(len(picture.scene.flows)))
        picture.set_numbers(options.flow_numbers, options.suppression)
        return picture
    with gc_paused():  # tens of thousands of items: no point scanning them while made
        scene = MapScene(doc, build=False)
        scene.route_limit = ROUTE_LIMIT
        scene.rebuild()
    try:
        scene.setItemIndexMethod(MapScene.NoIndex)  # one render: no index to build
        scene.full_detail = True  # names, numbers and arrowheads at any page scale
        true_labels = {k: item.label for k, item in scene.flows.items()}
        if options.what == "selection":
            flows = {k for k in options.ids if k in scene.flows}
            nodes = {k for k in options.ids if k in scene.nodes}
            nodes |= {end for k in flows for end in doc.edge_ends(k)}
            flows |= {k for k, item in scene.flows.items()
                      if item.source.node_id in nodes and item.target.node_id in nodes}
            scene.keep_only(nodes, flows, {k for k in options.ids if k in scene.notes})
        layer = None
        if options.containers:  # around the services shown, as the canvas draws them
            from servicemap.render.containers import draw_containers

            layer = draw_containers(scene, doc, options.containers)
        overlay = _overlay(scene, options, layer)
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
                               "visible": "nothing is in view to export"}
                              .get(options.what, "the map has nothing to draw"))
        if options.comments and doc.comments:
            from servicemap.render.comment_marks import mark_comments

            mark_comments(scene, doc, shown_nodes, shown_flows)
        shown = SimpleNamespace(doc=doc, nodes=shown_nodes, flows=shown_flows,
                                colours=scene.colours, group_of=scene.group_of,
                                colour_meaning=scene.colour_meaning)
        picture = Picture(scene, source, shown, title, "", true_labels,
                          overlay_entries=overlay)
        if not scene.routed():
            picture.notes.append(straight_note(len(scene.flows)))
        picture.set_numbers(options.flow_numbers, options.suppression)
        return picture
    except BaseException:
        scene.detach()
        raise


def large(doc: Document, options: ExportOptions) -> bool:
    """Whether the picture is drawn from records: the whole map, nothing added to it, more
    flows than a picture routes (they are drawn straight either way)."""
    from servicemap.render.large_map import drawn_flow_count

    return (options.what == "map" and not options.overlay and not options.containers
            and not (options.comments and doc.comments) and not doc.notes
            and drawn_flow_count(doc) > ROUTE_LIMIT)


def straight_note(flows: int) -> str:
    """The page's line saying why a picture's flows are straight."""
    return (f"Flows are drawn straight between their boxes: {flows:,} flows are more than "
            f"the {ROUTE_LIMIT:,} a picture routes round the boxes.")


def _buffer() -> QBuffer:
    buffer = QBuffer()
    buffer.open(QIODevice.WriteOnly)
    return buffer


def png_bytes(doc: Document, picture: Picture, options: ExportOptions) -> bytes:
    buffer = _buffer()
    paper.render_image(doc, picture, options).save(buffer, "PNG")
    return bytes(buffer.data())


def svg_bytes(doc: Document, picture: Picture, options: ExportOptions) -> bytes:
    """Plain SVG 1.1: shapes as paths, text as ``<text>``; no images, no foreignObject."""
    from PySide6.QtSvg import QSvgGenerator

    page = paper.image_page(doc, picture, options)
    buffer = _buffer()
    svg = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)
    svg.setOutputDevice(buffer)
    svg.setResolution(UNIT_DPI)
    svg.setSize(QSize(round(page.size.width()), round(page.size.height())))
    svg.setViewBox(QRectF(0, 0, page.size.width(), page.size.height()))
    svg.setTitle(picture.title)
    svg.setDescription("Map exported by servicemap")
    painter = QPainter(svg)
    paint_page(painter, picture, page, paper.background(options))
    painter.end()
    data = bytes(buffer.data())
    buffer.close()
    buffer.setData(QByteArray())  # one copy at a time: a large map's SVG is 70 MB
    return xml_safe(font_stack(data))


# Characters XML 1.0 forbids (C0 controls but tab, newline and return); QSvgGenerator writes a
# name's controls as they are. A UTF-8 sequence never holds bytes below 0x80, so bytes will do.
_XML_FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_safe(svg: bytes) -> bytes:
    """The SVG well-formed whatever the names hold: each forbidden control character becomes
    U+FFFD, the replacement character a viewer shows as a mark."""
    return _XML_FORBIDDEN.sub("\ufffd".encode(), svg)


def font_stack(svg: bytes) -> bytes:
    """QSvgGenerator's SVG with every ``font-family`` naming :data:`SVG_FONT_FAMILY` instead of
    the one family Qt drew with (which a viewer may lack). Qt escapes ``<`` in text, so every
    ``<`` starts a tag: only tags are rewritten, never a name on the map."""
    stack = b' font-family="' + SVG_FONT_FAMILY.replace('"', "&quot;").encode() + b'"'
    return _SVG_START_TAG.sub(lambda tag: _SVG_FONT.sub(lambda _: stack, tag[0]), svg)


def page_layout(plan: paper.Plan) -> QPageLayout:
    """The PDF or printed page of ``plan``: its paper and orientation, 12 mm margins."""
    return QPageLayout(QPageSize(PAGES[plan.paper]), QPageLayout.Landscape
                       if plan.landscape else QPageLayout.Portrait,
                       QMarginsF(*[paper.PDF_MARGIN_MM] * 4), QPageLayout.Millimeter)


def paper_plan(doc: Document, picture: Picture, options: ExportOptions) -> paper.Plan:
    """The paper, orientation and pages of a PDF or print of ``picture``."""
    return paper.plan(doc, picture, options, image=False)


def paint_on_paper(device, doc: Document, picture: Picture, options: ExportOptions,
                   plan: paper.Plan | None = None) -> None:
    """Paint the pages onto a QPdfWriter or QPrinter (set to 96 DPI here): the plan's page,
    or its key map and then one page per tile. When the device's page is not the plan's
    (the user chose another in a print dialog) the pages are planned for the device's."""
    if device.resolution() != UNIT_DPI:
        device.setResolution(UNIT_DPI)
    landscape = device.pageLayout().orientation() == QPageLayout.Landscape
    box = QSizeF(device.width(), device.height())
    if plan is None or abs(plan.box.width() - box.width()) > 2 \
            or abs(plan.box.height() - box.height()) > 2:
        plan = paper.plan_on(doc, picture, options, box, landscape)
    painter = QPainter(device)
    if not painter.isActive():
        raise ExportError("the page could not be started")
    paint_page(painter, picture, plan.page, WHITE)
    if plan.tiles:
        paint_key(painter, plan, picture)
        for tile, page in zip(plan.tiles, plan.tile_pages, strict=True):
            device.newPage()
            paint_page(painter, picture, page, WHITE)
            paint_marks(painter, plan, tile, page)
    if options.comments and doc.comments:
        from servicemap.render.comment_marks import paint_appendix

        paint_appendix(painter, device, picture.title, doc)
    painter.end()


def pdf_bytes(doc: Document, picture: Picture, options: ExportOptions) -> bytes:
    """A vector PDF: one page chosen for the map (names at least 6 pt), or a key map and
    tiles (see :mod:`servicemap.render.paper`)."""
    plan = paper_plan(doc, picture, options)
    buffer = _buffer()
    writer = QPdfWriter(buffer)
    writer.setPageLayout(page_layout(plan))
    writer.setTitle(picture.title)
    writer.setCreator("servicemap")
    paint_on_paper(writer, doc, picture, options, plan)  # ending the painter ends the file
    return bytes(buffer.data())


WRITERS = {".png": png_bytes, ".svg": svg_bytes, ".pdf": pdf_bytes}


def _write(path: Path, data: bytes) -> None:
    """Write beside the target, then rename (:func:`safety.write_atomically`): a failed
    export leaves no half-written file, a full disk is said in one sentence naming ``path``,
    a read-only file is refused and the file replaced keeps its permissions."""
    safety.write_atomically(path, lambda fh: fh.write(data))


def export_picture(doc: Document, picture: Picture, path: str | Path,
                   options: ExportOptions) -> Path:
    """Write an already prepared picture to ``path`` (format by extension)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in WRITERS:
        raise ExportError(f"{path.name}: unknown picture format {suffix or '(no extension)'!r}; "
                          f"use {', '.join(WRITERS)}")
    try:
        data = WRITERS[suffix](doc, picture, options)
    except OverflowError:
        data = b""
    if not data:  # never an empty file, nor one replacing a good picture
        raise ExportError(f"{path.name} could not be drawn (the picture came out empty), so "
                          "nothing was written.")
    _write(path, data)
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
        image = paper.render_image(doc, picture, options)
    finally:
        picture.close()
    QGuiApplication.clipboard().setImage(image)
    return image
