"""draw.io (diagrams.net) export: the map as an uncompressed ``.drawio`` file to finish there.

One vertex cell per drawn node — services as rounded boxes in their group's colours, access
points as pills, exits as draw.io's double rectangle — sized for its wrapped label
(:func:`servicemap.graph.placement.estimate_size`), inside one container (a swimlane) per
directorate, or organisation, that holds services; children's geometry is relative to their
container, as draw.io expects. One edge cell per flow, written before the boxes of its parent
so that it is drawn behind them: along servicemap's route round the boxes (its ports as exit
and entry points, its bends as waypoints, straight pieces between them), with an arrow, its
width from the volume and its dash pattern from the flow type (as on the canvas). Nodes with
no position are put on a grid below the map. Labels are HTML-escaped text (``html=1`` for word
wrap), so a name is never read as markup. Notes are draw.io's folded-corner ``note`` shapes
with their text, on top; their height is estimated from the text (draw.io wraps it again).
Cell ids are ``node-``/``flow-``/``group-``/``note-`` and the item's id in the map.
"""

from __future__ import annotations

import html
import math
import os
import xml.etree.ElementTree as ET

from servicemap import palette
from servicemap.graph import routing
from servicemap.graph.document import Document
from servicemap.graph.placement import Box, default_sizes, drawing_boxes
from servicemap.io import safety
from servicemap.model import DRAWN_KINDS

PAD, TITLE = 20.0, 30.0
NODE_STYLES = {
    "service": "rounded=1;arcSize=12;",
    "access_point": "rounded=1;arcSize=50;",
    "exit": "shape=ext;double=1;rounded=0;",
}


def _label(text: str) -> str:
    """A value shown as plain text under ``html=1``."""
    return html.escape(safety.xml_safe(text), quote=False).replace("\n", "<br>")


def _num(value: float) -> str:
    """A coordinate to two decimals, without trailing zeros (draw.io reads any float)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _geometry(cell: ET.Element, x: float, y: float, w: float, h: float) -> None:
    ET.SubElement(cell, "mxGeometry", x=_num(x), y=_num(y), width=_num(w), height=_num(h),
                  attrib={"as": "geometry"})


def _cell(root: ET.Element, cell_id: str, value: str, style: str, parent: str,
          **extra: str) -> ET.Element:
    return ET.SubElement(root, "mxCell", id=cell_id, value=value, style=style, parent=parent,
                         **extra)


def flow_style(attrs: dict) -> str:
    """The draw.io edge style of a flow: straight pieces between servicemap's waypoints with
    rounded bends, width by volume, dashes by flow type."""
    style = ("edgeStyle=none;rounded=1;html=1;endArrow=block;endFill=1;"
             f"strokeColor={palette.DARK_GREY};"
             f"strokeWidth={_num(palette.flow_width(attrs.get('volume_per_year')))};")
    dashes = palette.FLOW_DASHES.get(attrs.get("flow_type"))
    if dashes:
        style += f"dashed=1;dashPattern={' '.join(_num(d) for d in dashes)};"
    return style


def _constraint(box: Box, point: routing.Point, prefix: str) -> str:
    """Where a flow leaves (``exit``) or enters (``entry``) its box, as draw.io's fractions of
    the box, so that draw.io starts the line at servicemap's port."""
    x, y, w, h = box
    fx = min(1.0, max(0.0, (point[0] - (x - w / 2)) / w))
    fy = min(1.0, max(0.0, (point[1] - (y - h / 2)) / h))
    def frac(v: float) -> str:
        return f"{v:.5f}".rstrip("0").rstrip(".") or "0"

    return f"{prefix}X={frac(fx)};{prefix}Y={frac(fy)};{prefix}Dx=0;{prefix}Dy=0;" \
        f"{prefix}Perimeter=0;"


def _edge_geometry(cell: ET.Element, line: list[routing.Point], dx: float, dy: float) -> None:
    geometry = ET.SubElement(cell, "mxGeometry", relative="1", attrib={"as": "geometry"})
    for (x, y), role in ((line[0], "sourcePoint"), (line[-1], "targetPoint")):
        ET.SubElement(geometry, "mxPoint", x=_num(x - dx), y=_num(y - dy), attrib={"as": role})
    if len(line) > 2:
        points = ET.SubElement(geometry, "Array", attrib={"as": "points"})
        for x, y in line[1:-1]:
            ET.SubElement(points, "mxPoint", x=_num(x - dx), y=_num(y - dy))


def drawio_tree(doc: Document) -> ET.Element:
    """The ``<mxfile>`` element of the map.

    Cells are written parent by parent with the edges first, so that draw.io, which paints
    cells in the order of the file, draws flows behind the boxes: the flows between two
    containers (or outside them) under the top layer before any container or box, and the
    flows inside one container in it before its boxes. Each flow follows the route servicemap
    draws (:mod:`servicemap.graph.routing`, round the boxes and clear of container titles):
    it leaves and enters at the same ports, with the same bends as waypoints."""
    nodes = doc.graph.nodes
    drawn = [n for n, kind in nodes(data="kind") if kind in DRAWN_KINDS]
    boxes = drawing_boxes(doc, drawn, default_sizes(doc))
    colours = palette.group_colours(doc)
    mxfile = ET.Element("mxfile", host="servicemap", type="device")
    diagram = ET.SubElement(mxfile, "diagram", id="servicemap",
                            name=safety.xml_safe(str(doc.graph.graph.get("title") or "Map")))
    model = ET.SubElement(diagram, "mxGraphModel", grid="1", gridSize="10", guides="1",
                          tooltips="1", connect="1", arrows="1", fold="1", page="0",
                          pageScale="1", math="0", shadow="0")
    root = ET.SubElement(model, "root")
    ET.SubElement(root, "mxCell", id="0")
    ET.SubElement(root, "mxCell", id="1", parent="0")
    group_of: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for n in drawn:
        group = doc.parent(n) if nodes[n]["kind"] == "service" else None
        if group is not None:
            members.setdefault(group, []).append(n)
            group_of[n] = group
    frames: dict[str, tuple[float, float, float, float]] = {}  # group: left, top, w, h
    for group, ids in members.items():
        left = min(boxes[n][0] - boxes[n][2] / 2 for n in ids) - PAD
        top = min(boxes[n][1] - boxes[n][3] / 2 for n in ids) - PAD - TITLE
        right = max(boxes[n][0] + boxes[n][2] / 2 for n in ids) + PAD
        bottom = max(boxes[n][1] + boxes[n][3] / 2 for n in ids) + PAD
        frames[group] = (left, top, right - left, bottom - top)
    flows = [(u, v, k, attrs) for u, v, k, attrs in doc.graph.edges(keys=True, data=True)
             if attrs["kind"] == "flow" and u in boxes and v in boxes]
    routes = routing.route_flows(
        boxes, [routing.Flow(k, u, v) for u, v, k, _ in flows],
        bundle=[n for n in drawn if nodes[n]["kind"] == "exit"],
        avoid=[(x, y, x + w, y + TITLE) for x, y, w, _h in frames.values()])
    inside: dict[str, list] = {"1": []}  # parent cell: its flows
    for u, v, k, attrs in flows:
        group = group_of.get(u)
        parent = f"group-{group}" if group is not None and group_of.get(v) == group else "1"
        inside.setdefault(parent, []).append((u, v, k, attrs))

    def write_flows(parent: str, dx: float, dy: float) -> None:
        for u, v, k, attrs in inside.get(parent, ()):
            line = routes[k]
            style = flow_style(attrs) + _constraint(boxes[u], line[0], "exit") + \
                _constraint(boxes[v], line[-1], "entry")
            cell = _cell(root, f"flow-{k}", "", style, parent, edge="1", source=f"node-{u}",
                         target=f"node-{v}")
            _edge_geometry(cell, line, dx, dy)

    def write_node(n: str, parent: str, dx: float, dy: float) -> None:
        kind = nodes[n]["kind"]
        x, y, w, h = boxes[n]
        fill, border = palette.node_look(doc, n, colours)
        cell = _cell(root, f"node-{n}", _label(str(nodes[n]["name"])),
                     f"{NODE_STYLES[kind]}whiteSpace=wrap;html=1;fillColor={fill};"
                     f"strokeColor={border};fontColor={palette.TEXT};", parent, vertex="1")
        _geometry(cell, x - w / 2 - dx, y - h / 2 - dy, w, h)

    write_flows("1", 0.0, 0.0)
    for group, ids in members.items():
        left, top, width, height = frames[group]
        colour = colours.get(group, palette.NO_GROUP)
        cell = _cell(root, f"group-{group}", _label(str(nodes[group]["name"])),
                     f"swimlane;startSize={_num(TITLE)};rounded=1;arcSize=4;html=1;"
                     f"whiteSpace=wrap;fontStyle=1;fillColor={palette.tint(colour, 0.5)};"
                     f"strokeColor={palette.border_colour(colour)};swimlaneFillColor=none;"
                     "collapsible=0;", "1", vertex="1")
        _geometry(cell, left, top, width, height)
        write_flows(f"group-{group}", left, top)
        for n in ids:
            write_node(n, f"group-{group}", left, top)
    for n in drawn:
        if n not in group_of:
            write_node(n, "1", 0.0, 0.0)
    for note in doc.notes.values():
        cell = _cell(root, f"note-{note.id}", _label(note.text),
                     "shape=note;size=12;whiteSpace=wrap;html=1;align=left;verticalAlign=top;"
                     f"spacingLeft=6;spacingTop=4;fillColor={palette.NOTE_FILL};"
                     f"strokeColor={palette.NOTE_BORDER};fontColor={palette.TEXT};", "1",
                     vertex="1")
        _geometry(cell, note.x, note.y, note.width, note_height(note.text, note.width))
    return mxfile


def note_height(text: str, width: float) -> float:
    """About how tall a note's wrapped text is (about 6.5 units a character, 15 a line)."""
    per_line = max(1, int((width - 16) / 6.5))
    lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
    return max(36.0, 16.0 + 15.0 * lines)


def drawio_text(doc: Document) -> str:
    """The map as the text of an uncompressed ``.drawio`` file."""
    return ET.tostring(drawio_tree(doc), encoding="unicode", xml_declaration=False)


def write_drawio(doc: Document, path: str | os.PathLike) -> None:
    """Write the map as a ``.drawio`` file (atomically)."""
    text = drawio_text(doc)
    safety.write_atomically(path, lambda fh: fh.write(text.encode("utf-8")))
