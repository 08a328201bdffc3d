"""GraphML: export for yEd, Gephi, Cytoscape and networkx; import from any of them.

Export writes one ``<data>`` per field of every node, edge and of the map (``attr.name`` =
the field name, typed ``string``/``double``/``boolean``; unknown values are left out), so
networkx and Gephi read every field; pathways are one JSON text on the graph. yEd's drawing
comes from the yFiles extension: a ``y:ShapeNode`` (geometry, fill, border, label, shape) per
node, its label broken into lines (yEd does not wrap) and its box as tall as they need, and a
``y:PolyLineEdge`` (line style per flow type, arrow) per edge, coloured as the canvas colours
them (:mod:`servicemap.palette`). Organisations and directorates are yEd **group nodes**
(``yfiles.foldertype="group"``, a ``y:GroupNode`` round their members): a service sits in its
directorate's group, a directorate in its organisation's. That nesting stands for the
``part_of`` links, which are not written as edges; each member also names its group and the
link's id (``part_of``, ``part_of_edge``) so that networkx, which flattens the groups, keeps
them, and reading the file back restores the links with their ids. igraph's reader skips what
is inside nested graphs (it keeps the top-level nodes, and every edge by its ends' ids).
Partnerships stay plain nodes with their ``serves`` links (a service may serve several).
The graphics ``<data>`` comes first in each node so that networkx, which copies yEd geometry
into ``x``/``y``, ends with the real centre. Nodes with no position are drawn on a grid below
the map and stay unplaced when read back.

**Flat GraphML** (:func:`write_flat_graphml`, ``servicemap export MAP OUT.graphml --flat``,
"Flat GraphML" in Export data…) is for igraph, networkx, Gephi and Cytoscape: every node at the
top level (organisations and directorates too), every link an ``<edge>`` with its id, the
``part_of`` links included, and no yEd graphics, so igraph, which skips nested graphs, reads
every field of every node. Each edge also carries its id as ``id`` data (igraph's own way of
writing it: igraph 1.0 fills its ``id`` edge attribute with vertex ids otherwise; with it,
igraph warns that it keeps that attribute, and has the right ids). servicemap reads either
back.

Import is :mod:`servicemap.io.graphml_read`.
"""

from __future__ import annotations

import json
import os

from servicemap import palette
from servicemap.graph.document import Document
from servicemap.graph.placement import drawing_boxes, estimate_size
from servicemap.io import safety
from servicemap.model import (
    COMMON_NODE_FIELDS,
    DRAWN_KINDS,
    KIND_FIELDS,
    MAP_FIELDS,
    EdgeKind,
    NodeKind,
    edge_fields,
)

GRAPHML = "http://graphml.graphdrawing.org/xmlns"
YFILES = "http://www.yworks.com/xml/graphml"
FORMAT_KEY = "servicemap_format"
XML_TYPES = {str: "string", float: "double", int: "long", bool: "boolean"}
LINE_TYPES = {"referral": "line", "transfer": "dashed", "discharge": "dotted",
              "step_down": "dashed_dotted", "escalation": "line", "transition": "dashed",
              "signpost": "dotted"}
LABEL_CHARS = 24  # characters in a line of a wrapped label (as placement.estimate_size reckons)
GROUP_PAD, GROUP_TITLE = 18.0, 26.0  # a yEd group's padding round its members; its title band
SHAPES = {"service": "roundrectangle", "access_point": "ellipse", "exit": "rectangle"}



# ----- writing --------------------------------------------------------------------------------
def _text(value: object) -> str:
    """Element text: escaped, carriage returns kept, characters XML cannot hold replaced."""
    text = safety.xml_safe(value if isinstance(value, str) else str(value))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace("\r", "&#13;")


def _attr(value: object) -> str:
    return _text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else _text(value)


def _field_types() -> tuple[dict[str, type], dict[str, type]]:
    nodes = {"kind": str}
    for f in COMMON_NODE_FIELDS + tuple(f for fs in KIND_FIELDS.values() for f in fs):
        nodes.setdefault(f.name, f.type)
    edges = {"kind": str, **{f.name: f.type for f in edge_fields("flow")}}
    return nodes, edges


def _keys(flat: bool = False) -> list[str]:
    nodes, edges = _field_types()
    lines = [] if flat else ['<key id="ng" for="node" yfiles.type="nodegraphics"/>',
                             '<key id="eg" for="edge" yfiles.type="edgegraphics"/>']
    for f in MAP_FIELDS:
        lines.append(f'<key id="g_{f.name}" for="graph" attr.name="{f.name}" '
                     f'attr.type="{XML_TYPES[f.type]}"/>')
    lines += ['<key id="g_pathways" for="graph" attr.name="pathways" attr.type="string"/>',
              '<key id="g_targets" for="graph" attr.name="targets" attr.type="string"/>',
              f'<key id="g_format" for="graph" attr.name="{FORMAT_KEY}" attr.type="string"/>',
              '<key id="n_label" for="node" attr.name="label" attr.type="string"/>']
    if flat:  # each edge's id as data too, as igraph writes it: igraph 1.0 reads <edge id>
        # into its "id" edge attribute wrongly (the vertices' ids), and this one instead
        lines.append('<key id="e_id" for="edge" attr.name="id" attr.type="string"/>')
    else:  # the links that the nesting stands for, named on the members
        lines += ['<key id="n_part_of" for="node" attr.name="part_of" attr.type="string"/>',
                  '<key id="n_part_of_edge" for="node" attr.name="part_of_edge" '
                  'attr.type="string"/>',
                  '<key id="n_part_of_link" for="node" attr.name="part_of_link" '
                  'attr.type="string"/>']
    for prefix, what, types in (("n", "node", nodes), ("e", "edge", edges)):
        for name, kind in types.items():
            lines.append(f'<key id="{prefix}_{name}" for="{what}" attr.name="{name}" '
                         f'attr.type="{XML_TYPES[kind]}"/>')
    return lines


def wrapped(name: str, width: int = LABEL_CHARS) -> str:
    """A label as lines of about ``width`` characters (broken between words, as the canvas
    wraps it), for yEd, which draws a label's line breaks but does not wrap it."""
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines) or name


def _node_graphics(kind: str, name: str, box, colours: tuple[str, str]) -> str:
    cx, cy, w, h = box
    fill, border = colours
    width = "3.0" if kind == "exit" else "1.5"
    style = "line" if kind in DRAWN_KINDS else "dashed"
    return (f'<data key="ng"><y:ShapeNode><y:Geometry height="{h!r}" width="{w!r}" '
            f'x="{cx - w / 2!r}" y="{cy - h / 2!r}"/><y:Fill color="{fill}" '
            f'transparent="false"/><y:BorderStyle color="{border}" type="{style}" '
            f'width="{width}"/><y:NodeLabel alignment="center" autoSizePolicy="content" '
            f'fontFamily="Dialog" fontSize="12" fontStyle="plain" hasBackgroundColor="false" '
            f'hasLineColor="false" modelName="internal" modelPosition="c" '
            f'textColor="{palette.TEXT}" visible="true">{_text(wrapped(name))}</y:NodeLabel>'
            f'<y:Shape type="{SHAPES.get(kind, "rectangle")}"/></y:ShapeNode></data>')


def _group_graphics(name: str, rect, colour: str) -> str:
    """A yEd group node (open, with its folded look as yEd writes it): a rounded container in
    the group's light tint, its name in the band at the top."""
    left, top, w, h = rect
    fill, border = palette.tint(colour, 0.9), palette.border_colour(colour)

    def realizer(closed: bool, width: float, height: float) -> str:
        return (f'<y:GroupNode><y:Geometry height="{height!r}" width="{width!r}" '
                f'x="{left!r}" y="{top!r}"/><y:Fill color="{fill}" transparent="false"/>'
                f'<y:BorderStyle color="{border}" type="line" width="1.0"/>'
                f'<y:NodeLabel alignment="left" autoSizePolicy="node_width" '
                f'backgroundColor="{palette.tint(colour, 0.6)}" fontFamily="Dialog" '
                f'fontSize="13" fontStyle="bold" hasLineColor="false" modelName="internal" '
                f'modelPosition="t" textColor="{palette.TEXT}" visible="true">{_text(name)}'
                f'</y:NodeLabel><y:Shape type="roundrectangle"/>'
                f'<y:State closed="{"true" if closed else "false"}" closedHeight="50.0" '
                f'closedWidth="170.0" innerGraphDisplayEnabled="false"/>'
                f'<y:Insets bottom="{GROUP_PAD!r}" left="{GROUP_PAD!r}" right="{GROUP_PAD!r}" '
                f'top="{GROUP_PAD!r}"/><y:BorderInsets bottom="0" left="0" right="0" top="0"/>'
                f'</y:GroupNode>')

    return (f'<data key="ng"><y:ProxyAutoBoundsNode><y:Realizers active="0">'
            f'{realizer(False, w, h)}{realizer(True, 170.0, 50.0)}'
            f'</y:Realizers></y:ProxyAutoBoundsNode></data>')


def _edge_graphics(attrs: dict) -> str:
    if attrs["kind"] == EdgeKind.FLOW:
        colour, line = palette.DARK_GREY, LINE_TYPES.get(attrs.get("flow_type"), "line")
        width, arrow = palette.flow_width(attrs.get("volume_per_year")), "standard"
    else:
        colour, line, width, arrow = "#C8C8C8", "dotted", 1.0, "none"
    return (f'<data key="eg"><y:PolyLineEdge><y:Path sx="0.0" sy="0.0" tx="0.0" ty="0.0"/>'
            f'<y:LineStyle color="{colour}" type="{line}" width="{width!r}"/>'
            f'<y:Arrows source="none" target="{arrow}"/><y:BendStyle smoothed="false"/>'
            f'</y:PolyLineEdge></data>')


def _structure(doc: Document, boxes: dict) -> tuple[dict[str, list[str]], dict]:
    """Which nodes each yEd group holds (organisations hold their directorates and the
    services part of them directly; directorates their services) and each group's rectangle
    (left, top, width, height) round its members, innermost first."""
    graph = doc.graph
    groups = {n for n, k in graph.nodes(data="kind")
              if k in (NodeKind.ORGANISATION, NodeKind.DIRECTORATE)}
    inside: dict[str, list[str]] = {g: [] for g in groups}
    placed: set[str] = set()
    for u, v, kind in graph.edges(data="kind"):
        if kind == EdgeKind.PART_OF and v in groups and u not in placed and (
                graph.nodes[u]["kind"] in DRAWN_KINDS or u in groups):
            inside[v].append(u)
            placed.add(u)
    rects: dict[str, tuple[float, float, float, float]] = {}

    def rect(group: str) -> tuple[float, float, float, float]:
        if group not in rects:
            parts = []
            for m in inside[group]:
                if m in groups:
                    parts.append(rect(m))
                else:
                    x, y, w, h = boxes[m]
                    parts.append((x - w / 2, y - h / 2, w, h))
            if parts:
                left = min(p[0] for p in parts) - GROUP_PAD
                top = min(p[1] for p in parts) - GROUP_PAD - GROUP_TITLE
                right = max(p[0] + p[2] for p in parts) + GROUP_PAD
                bottom = max(p[1] + p[3] for p in parts) + GROUP_PAD
                rects[group] = (left, top, right - left, bottom - top)
            else:
                x, y, w, h = boxes[group]
                rects[group] = (x - w / 2, y - h / 2, w, h)
        return rects[group]

    for g in sorted(groups):
        rect(g)
    return inside, rects


def _flat_text(doc: Document) -> list[str]:
    """The nodes and edges of flat GraphML: one ``<node>`` per node, one ``<edge>`` per link,
    every field as data."""
    graph = doc.graph
    out = []
    for n, attrs in graph.nodes(data=True):
        data = "".join(f'<data key="n_{k}">{_value(v)}</data>' for k, v in attrs.items()
                       if v is not None)
        out.append(f'<node id="{_attr(n)}"><data key="n_label">{_text(attrs["name"])}</data>'
                   f'{data}</node>')
    for u, v, k, attrs in graph.edges(keys=True, data=True):
        data = "".join(f'<data key="e_{name}">{_value(value)}</data>'
                       for name, value in attrs.items() if value is not None)
        out.append(f'<edge id="{_attr(k)}" source="{_attr(u)}" target="{_attr(v)}">'
                   f'<data key="e_id">{_text(k)}</data>{data}</edge>')
    return out


def _head(doc: Document, flat: bool) -> list[str]:
    """The document's start: namespaces, keys, the graph and the map's own fields."""
    graph = doc.graph
    schema = ("http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd" if flat
              else "http://www.yworks.com/xml/schema/graphml/1.1/ygraphml.xsd")
    yed = "" if flat else (f'xmlns:y="{YFILES}" xmlns:yed="http://www.yworks.com/xml/yed/3" ')
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
           f'<graphml xmlns="{GRAPHML}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           f'{yed}xsi:schemaLocation="{GRAPHML} {schema}">', *_keys(flat),
           '<graph id="G" edgedefault="directed">', '<data key="g_format">1</data>']
    for f in MAP_FIELDS:
        if graph.graph.get(f.name) is not None:
            out.append(f'<data key="g_{f.name}">{_value(graph.graph[f.name])}</data>')
    pathways = json.dumps([p.to_dict() for p in doc.pathways.values()], ensure_ascii=False)
    out.append(f'<data key="g_pathways">{_text(pathways)}</data>')
    if doc.targets:  # graph data, as the pathways: one JSON list of {id, name, ...}
        targets = json.dumps([t.to_dict() for t in doc.targets.values()], ensure_ascii=False)
        out.append(f'<data key="g_targets">{_text(targets)}</data>')
    return out


def graphml_text(doc: Document, flat: bool = False) -> str:
    """The map as GraphML text: for yEd (yFiles graphics, organisations and directorates as
    group nodes), or ``flat`` (no graphics or nesting: for igraph, networkx, Gephi)."""
    if flat:
        return "\n".join([*_head(doc, True), *_flat_text(doc), "</graph>", "</graphml>", ""])
    graph = doc.graph
    colours = palette.group_colours(doc)
    boxes = drawing_boxes(doc, list(graph.nodes), {  # room for each wrapped label
        n: estimate_size(kind, name) for n, kind, name in
        ((n, a["kind"], a["name"]) for n, a in graph.nodes(data=True))})
    inside, rects = _structure(doc, boxes)
    parent = {m: g for g, members in inside.items() for m in members}
    part_of_ids = {u: k for u, v, k, kind in graph.edges(keys=True, data="kind")
                   if kind == EdgeKind.PART_OF and parent.get(u) == v}
    out = _head(doc, False)

    def write_node(n: str) -> None:
        attrs = graph.nodes[n]
        group = n in inside
        if group:
            head = f'<node id="{_attr(n)}" yfiles.foldertype="group">'
            graphics = _group_graphics(attrs["name"], rects[n],
                                       colours.get(n, palette.NO_GROUP))
        else:
            head = f'<node id="{_attr(n)}">'
            graphics = _node_graphics(attrs["kind"], attrs["name"], boxes[n],
                                      palette.node_look(doc, n, colours)
                                      if attrs["kind"] in DRAWN_KINDS
                                      else ("#F0F4F5", palette.NO_GROUP))
        parts = [head, graphics, f'<data key="n_label">{_text(attrs["name"])}</data>']
        parts += [f'<data key="n_{k}">{_value(v)}</data>' for k, v in attrs.items()
                  if v is not None]
        if n in part_of_ids:  # the link its nesting stands for, named for networkx and back
            parts += [f'<data key="n_part_of">{_text(parent[n])}</data>',
                      f'<data key="n_part_of_edge">{_text(part_of_ids[n])}</data>']
            link = {k: v for k, v in graph.edges[n, parent[n], part_of_ids[n]].items()
                    if k != "kind" and v is not None}
            if link:  # the link's own facts (its source, as of, verified, notes), as JSON
                parts.append(f'<data key="n_part_of_link">{_text(json.dumps(link))}</data>')
        out.append("".join(parts))
        if group:
            out.append(f'<graph id="{_attr(n)}:" edgedefault="directed">')
            for m in inside[n]:
                write_node(m)
            out.append("</graph>")
        out.append("</node>")

    for n in graph.nodes:
        if n not in parent:
            write_node(n)
    for u, v, k, attrs in graph.edges(keys=True, data=True):
        if part_of_ids.get(u) == k:
            continue  # drawn as nesting
        data = "".join(f'<data key="e_{name}">{_value(value)}</data>'
                       for name, value in attrs.items() if value is not None)
        out.append(f'<edge id="{_attr(k)}" source="{_attr(u)}" target="{_attr(v)}">'
                   f'{_edge_graphics(attrs)}{data}</edge>')
    out += ["</graph>", "</graphml>", ""]
    return "\n".join(out)


def write_graphml(doc: Document, path: str | os.PathLike, flat: bool = False) -> None:
    """Write the map as GraphML for yEd, or ``flat`` (atomically)."""
    text = graphml_text(doc, flat)
    safety.write_atomically(path, lambda fh: fh.write(text.encode("utf-8")))


def write_flat_graphml(doc: Document, path: str | os.PathLike) -> None:
    """Write the map as flat GraphML, for igraph, networkx, Gephi and Cytoscape."""
    write_graphml(doc, path, flat=True)
