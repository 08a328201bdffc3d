"""Pathway pictures: one pathway drawn for a reader, as a scene that
:func:`servicemap.render.export.prepare` makes into the export picture the page writers (PNG,
SVG, PDF, print) draw, and the window's Pathway picture view shows.

Two ways (``ExportOptions.faded_map``):

- **On its own** (the default): the steps laid out by
  :func:`servicemap.graph.pathway_layout.layout_pathway`, left to right in step order (long
  pathways turn like a snake), each numbered, with the flow joining each step to the next and its
  number. The boxes are drawn from a small private document made for the picture, so nothing in
  the map moves; services keep the map's colours.
- **On the map, the rest faded**: the steps where they are on the map, numbered, at full
  strength; every other box and flow of the map faded behind them.

Either way the legend lists only what the pathway shows (its services' colours, its kinds of box
and flow), the title is the pathway's name and its description goes under it. Where the map
records no flow between two steps a dashed vermillion line joins them, and the subtitle says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsLineItem

from servicemap.gcpause import gc_paused
from servicemap.graph.document import Document
from servicemap.graph.pathway_layout import PathwayLayout, layout_pathway
from servicemap.graph.pathways import step_flows
from servicemap.model import NodeKind
from servicemap.render import style
from servicemap.render.items import NodeItem, StepBadge
from servicemap.render.scene import STEP_BADGES, STEP_GAPS, MapScene

GAP_COLOUR = QColor("#D55E00")  # the canvas's "no flow" connector (Okabe-Ito vermillion)
GAP_NOTE = "A dashed orange line joins steps between which the map records no flow."


def box_sizes(doc: Document, node_ids) -> dict[str, tuple[float, float]]:
    """Each node's drawn box (width, height), measured as the scene will draw its name."""
    sizes = {}
    for node_id in set(node_ids):
        attrs = doc.node(node_id)
        item = NodeItem(node_id, attrs["kind"])
        item.set_look(attrs["name"], QColor("white"), style.DARK_GREY)
        sizes[node_id] = (item.rect.width(), item.rect.height())
    return sizes


def pathway_document(doc: Document, plan: PathwayLayout) -> Document:
    """A document of the laid-out visits only: one box per visit (keyed as ``plan`` says) at its
    place, its service's directorate or organisation (for the colour and the legend), and a
    copy of each leg's flow. The map itself is only read."""
    picture = Document()
    for stop in plan.stops:
        attrs = doc.node(stop.node)
        picture.add_node(attrs["kind"], attrs["name"], stop.key, x=stop.x, y=stop.y)
        group = doc.parent(stop.node) if attrs["kind"] == NodeKind.SERVICE else None
        if group is not None:
            if not picture.has_node(group):
                picture.add_node(doc.node(group)["kind"], doc.node(group)["name"], group)
            picture.add_edge("part_of", stop.key, group, f"{stop.key} part of")
    for leg in plan.legs:
        if leg.flow is not None:
            fields = {k: v for k, v in doc.edge(leg.flow).items() if k not in ("id", "kind")}
            picture.add_edge("flow", leg.source, leg.target, leg.key, **fields)
    return picture


def _gap_line(a: NodeItem, b: NodeItem) -> QGraphicsLineItem:
    """The dashed "no flow" connector from box ``a`` to box ``b`` (scene coordinates)."""
    pa, pb = a.pos(), b.pos()
    line = QGraphicsLineItem(pa.x(), pa.y(), pb.x(), pb.y())
    line.setPen(QPen(GAP_COLOUR, 2.5, Qt.DashLine))
    line.setToolTip("No flow joins these two steps")
    line.setZValue(0.5)
    return line


def _own_scene(doc: Document, pathway_id: str, width: float | None) \
        -> tuple[MapScene, PathwayLayout, int]:
    """The pathway on its own: its scene (over a private document), layout and gap count."""
    steps = doc.pathways[pathway_id].steps
    plan = layout_pathway(doc, pathway_id, box_sizes(doc, steps), width=width)
    scene = MapScene(pathway_document(doc, plan))
    colours = style.group_colours(doc)  # the map's colours, not the few groups' own
    scene.colours = colours
    scene.set_node_colours({
        key: (style.tint(colours[g]), style.border_colour(colours[g]))
        for key, item in scene.nodes.items()
        if item.kind == NodeKind.SERVICE and (g := scene.group_of(key)) in colours})
    for stop in plan.stops:
        item = scene.nodes[stop.key]
        scene.add_decoration(STEP_BADGES, StepBadge(str(stop.number), item.rect), stop.key)
    gaps = 0
    for leg in plan.legs:
        if leg.flow is None and leg.source != leg.target:
            scene.add_decoration(STEP_GAPS, _gap_line(scene.nodes[leg.source],
                                                      scene.nodes[leg.target]))
            gaps += 1
    return scene, plan, gaps


def _faded_scene(doc: Document, pathway_id: str) -> tuple[MapScene, set[str], set[str], int]:
    """The whole map with the pathway numbered where it is and the rest faded."""
    scene = MapScene(doc)
    # As the canvas shows it: the steps numbered and outlined in NHS blue with the flows
    # between them, the rest dimmed, a dashed connector where no flow joins two steps.
    scene.highlight_pathway(pathway_id)
    steps = set(doc.pathways[pathway_id].steps) & set(scene.nodes)
    flows = {f for f in step_flows(doc, pathway_id) if f is not None and f in scene.flows}
    return scene, steps, flows, len(scene.decorations(STEP_GAPS))


def subtitle(doc: Document, pathway_id: str, faded: bool, gaps: int) -> str:
    """The lines under the title: the description, what the picture shows, the gap note."""
    pathway = doc.pathways[pathway_id]
    title = doc.graph.graph.get("title") or "Untitled map"
    lines = [pathway.description.strip()] if pathway.description.strip() else []
    if faded:
        lines.append(f"A pathway in {title}, drawn where its steps are on the map, with the "
                     "rest of the map faded behind it. The numbers give the order of the steps.")
    else:
        lines.append(f"A pathway in {title}: its steps in order, numbered.")
        if len(set(pathway.steps)) < len(pathway.steps):
            lines[-1] += " A service the pathway visits twice is drawn twice."
    if gaps:
        lines.append(GAP_NOTE)
    return "\n".join(lines)


@dataclass
class PathwayScene:
    """A pathway's scene for a picture: the boxes and flows the pathway shows (the legend's
    and the flow numbers' items), the subtitle, and, on its own, where each visit was put."""

    scene: MapScene
    nodes: dict
    flows: dict
    subtitle: str
    layout: PathwayLayout | None = None


def pathway_scene(doc: Document, pathway_id: str, faded: bool = False,
                  containers: str | None = None, width: float | None = None) -> PathwayScene:
    """Draw pathway ``pathway_id`` (which has steps) on its own, its rows no wider than fit
    ``width`` (the page's, in scene units), or with ``faded`` where it is on the map with the
    rest faded (and the containers of ``containers``, as the canvas draws them). Every item
    draws its full detail; the map is only read."""
    with gc_paused():
        if faded:
            scene, node_ids, flow_ids, gaps = _faded_scene(doc, pathway_id)
            plan = None
        else:
            scene, plan, gaps = _own_scene(doc, pathway_id, width)
            node_ids, flow_ids = set(scene.nodes), set(scene.flows)
    try:
        scene.full_detail = True
        if faded and containers:
            from servicemap.render.containers import draw_containers

            draw_containers(scene, doc, containers)
        return PathwayScene(scene, {k: scene.nodes[k] for k in node_ids},
                            {k: scene.flows[k] for k in flow_ids},
                            subtitle(doc, pathway_id, faded, gaps), plan)
    except BaseException:
        scene.detach()
        raise
