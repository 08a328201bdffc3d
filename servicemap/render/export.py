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
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSize, QSizeF
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from servicemap import suppression
from servicemap.errors import ServiceMapError
from servicemap.gcpause import gc_paused
from servicemap.graph import flow_labels, provenance
from servicemap.graph.document import Document
from servicemap.io import safety
from servicemap.render import paper
from servicemap.render.items import FlowItem, NodeItem
from servicemap.render.legend import Entry, legend_entries
from servicemap.render.page import PAGES, UNIT_DPI, WHITE, paint_page
from servicemap.render.scene import MAX_PLACED_LABELS, MapScene
from servicemap.render.tiles import paint_key, paint_marks

WHAT = ("map", "selection", "visible", "pathway")
DPI_RANGE = (96, 600)
PAD = 16.0                      # around the items' bounding box
MAX_GROUP_ROWS = 20              # more groups than this: one legend row per colour
# More flows than this in a picture: they are drawn straight between their boxes' middle
# ports, not routed round the boxes (routing 20,000 flows takes seconds, and on a page where
# names are that small the routes cannot be followed anyway); the page says so.
ROUTE_LIMIT = 5_000
# SVG viewers without the family the page was measured with fall back along this stack.
SVG_FONT_FAMILY = 'Arial, "Liberation Sans", Helvetica, sans-serif'
_SVG_START_TAG = re.compile(rb"<[A-Za-z][^<>]*>")
_SVG_FONT = re.compile(rb'\sfont-family="[^"]*"')


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
    extra_entries: list[Entry] = field(default_factory=list)  # marks added to the picture
    overlay_entries: list[Entry] = field(default_factory=list)  # in place of service colours
    numbered: frozenset[str] | None = None  # only these flows get numbers (None: every one)
    notes: list[str] = field(default_factory=list)  # more lines for the bottom band
    numbers_note: str = ""  # how many flow numbers were left out, if any
    _entries: list[Entry] | None = field(default=None, repr=False)
    # the facts line of the bottom band and the document it was read from: a page is laid
    # out for every paper and orientation a plan tries (20 times), and reading the dates of
    # 30,000 items took 0.2 s each time; :func:`servicemap.render.paper.plan` reads it afresh
    _facts: tuple[Document, str | None] | None = field(default=None, repr=False)

    def facts_footer(self, doc: Document) -> str | None:
        """How old the facts of ``doc`` are (:func:`servicemap.graph.provenance.footer`),
        read once per plan of this picture."""
        if self._facts is None or self._facts[0] is not doc:
            graph = doc.graph
            self._facts = (doc, provenance.footer(provenance.fact_dates(
                (attrs for _, attrs in graph.nodes(data=True)),
                (attrs for _, _, attrs in graph.edges(data=True)),
                (p.provenance() for p in doc.pathways.values()))))
        return self._facts[1]

    def set_numbers(self, show: bool, suppressed: bool) -> None:
        """Flow numbers on or off, suppressed or true (the canvas's own text). Numbers that
        would cover another line, a box or another number are left out, the larger flows'
        kept first, and a note on the page says how many."""
        doc = self.scene.doc
        for key, item in self.scene.flows.items():
            item.label = (suppression.suppress(doc.edge(key).get("volume_per_year"))
                          if suppressed else self.true_labels[key])
            if self.numbered is not None and key not in self.numbered:
                item.label = ""  # a faded flow behind a pathway: no number
        self.scene.set_flow_labels(show)
        self.numbers_note = ""
        if show:
            self._drop_crowded_numbers()

    def page_notes(self) -> list[str]:
        """The lines the bottom band adds after the footnote."""
        return [*self.notes, *([self.numbers_note] if self.numbers_note else [])]

    def _drop_crowded_numbers(self) -> None:
        shown = {k: item for k, item in self.shown.flows.items() if item.label}
        if not shown:
            return
        sizes: dict[str, tuple[float, float]] = {}  # by text: most numbers repeat
        flows = []
        for k, item in shown.items():
            size = sizes.get(item.label)
            if size is None:
                size = sizes[item.label] = item.label_size()
            flows.append(flow_labels.Flow(k, item.line_points(), size))
        boxes = []
        for item in self.shown.nodes.values():
            r = item.mapRectToScene(item.rect)
            boxes.append((r.left(), r.top(), r.right(), r.bottom()))
        doc = self.scene.doc
        order = sorted(shown, key=lambda k: -(doc.edge(k).get("volume_per_year") or 0))
        few = len(flows) <= MAX_PLACED_LABELS  # else trying other places takes seconds
        kept = flow_labels.clear_labels(flows, {k: i.label_at for k, i in shown.items()},
                                        boxes, order, flow_labels.CANDIDATES if few else ())
        for key, item in shown.items():
            if key in kept:
                item.label_at = kept[key]
            else:
                item.show_label = False
            item.update()
        dropped = len(shown) - len(kept)
        if dropped:
            self.numbers_note = (f"{dropped:,} of {len(shown):,} flow numbers are left out "
                                 "where they would cover a line, a box or another number.")

    def entries(self) -> list[Entry]:
        """The legend of what is shown, then ``extra_entries``. Past ``MAX_GROUP_ROWS``
        groups the palette's colours repeat, so each colour gets one row naming its first
        groups ("A, B and 12 more")."""
        if self._entries is None:  # what is shown does not change after prepare()
            self._entries = self._map_entries()
            if self.overlay_entries:  # an overlay colours the services, not their groups
                self._entries = self.overlay_entries + [
                    e for e in self._entries if e.kind != "group"
                    and not (e.kind == "heading" and e.label.startswith("Service colour"))]
        return self._entries + list(self.extra_entries)

    def _map_entries(self) -> list[Entry]:
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


def prepare(doc: Document, options: ExportOptions) -> Picture:
    """Build the export scene for ``options.what`` (the document is only read)."""
    if options.what not in WHAT:
        raise ExportError(f"cannot export {options.what!r}; choose one of {', '.join(WHAT)}")
    if options.what == "pathway":
        return _prepare_pathway(doc, options)
    title = doc.graph.graph.get("title") or "Untitled map"
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
    return xml_safe(font_stack(bytes(buffer.data())))


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
