"""GraphML: export for yEd, Gephi, Cytoscape and networkx; import from any of them.

Export writes one ``<data>`` per field of every node, edge and of the map (``attr.name`` =
the field name, typed ``string``/``double``/``boolean``; unknown values are left out), so
networkx and Gephi read every field; pathways are one JSON text on the graph. yEd's drawing
comes from the yFiles extension: a ``y:ShapeNode`` (geometry, fill, border, label, shape) per
node and a ``y:PolyLineEdge`` (line style per flow type, arrow) per edge, coloured as the
canvas colours them (:mod:`servicemap.palette`). The graphics ``<data>`` comes first in each
node so that networkx, which copies yEd geometry into ``x``/``y``, ends with the real centre.
Nodes with no position are drawn on a grid below the map and stay unplaced when read back.

Import is :mod:`servicemap.io.graphml_read`.
"""

from __future__ import annotations

import json
import os

from servicemap import palette
from servicemap.graph.document import Document
from servicemap.graph.placement import drawing_boxes
from servicemap.io import safety
from servicemap.model import (
    COMMON_NODE_FIELDS,
    DRAWN_KINDS,
    KIND_FIELDS,
    MAP_FIELDS,
    EdgeKind,
    edge_fields,
)

GRAPHML = "http://graphml.graphdrawing.org/xmlns"
YFILES = "http://www.yworks.com/xml/graphml"
FORMAT_KEY = "servicemap_format"
XML_TYPES = {str: "string", float: "double", int: "long", bool: "boolean"}
LINE_TYPES = {"referral": "line", "transfer": "dashed", "discharge": "dotted",
              "step_down": "dashed_dotted", "escalation": "line", "transition": "dashed",
              "signpost": "dotted"}
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


def _keys() -> list[str]:
    nodes, edges = _field_types()
    lines = ['<key id="ng" for="node" yfiles.type="nodegraphics"/>',
             '<key id="eg" for="edge" yfiles.type="edgegraphics"/>']
    for f in MAP_FIELDS:
        lines.append(f'<key id="g_{f.name}" for="graph" attr.name="{f.name}" '
                     f'attr.type="{XML_TYPES[f.type]}"/>')
    lines += ['<key id="g_pathways" for="graph" attr.name="pathways" attr.type="string"/>',
              f'<key id="g_format" for="graph" attr.name="{FORMAT_KEY}" attr.type="string"/>',
              '<key id="n_label" for="node" attr.name="label" attr.type="string"/>']
    for prefix, what, types in (("n", "node", nodes), ("e", "edge", edges)):
        for name, kind in types.items():
            lines.append(f'<key id="{prefix}_{name}" for="{what}" attr.name="{name}" '
                         f'attr.type="{XML_TYPES[kind]}"/>')
    return lines


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
            f'textColor="{palette.TEXT}" visible="true">{_text(name)}</y:NodeLabel>'
            f'<y:Shape type="{SHAPES.get(kind, "rectangle")}"/></y:ShapeNode></data>')


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


def graphml_text(doc: Document) -> str:
    """The map as GraphML text (yFiles graphics included)."""
    graph = doc.graph
    colours = palette.group_colours(doc)
    boxes = drawing_boxes(doc, list(graph.nodes))
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
           f'<graphml xmlns="{GRAPHML}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           f'xmlns:y="{YFILES}" xmlns:yed="http://www.yworks.com/xml/yed/3" '
           f'xsi:schemaLocation="{GRAPHML} '
           'http://www.yworks.com/xml/schema/graphml/1.1/ygraphml.xsd">', *_keys(),
           '<graph id="G" edgedefault="directed">', '<data key="g_format">1</data>']
    for f in MAP_FIELDS:
        if graph.graph.get(f.name) is not None:
            out.append(f'<data key="g_{f.name}">{_value(graph.graph[f.name])}</data>')
    pathways = json.dumps([p.to_dict() for p in doc.pathways.values()], ensure_ascii=False)
    out.append(f'<data key="g_pathways">{_text(pathways)}</data>')
    for n, attrs in graph.nodes(data=True):
        parts = [f'<node id="{_attr(n)}">',
                 _node_graphics(attrs["kind"], attrs["name"], boxes[n],
                                palette.node_look(doc, n, colours)
                                if attrs["kind"] in DRAWN_KINDS else ("#F0F4F5", palette.NO_GROUP)),
                 f'<data key="n_label">{_text(attrs["name"])}</data>']
        parts += [f'<data key="n_{k}">{_value(v)}</data>' for k, v in attrs.items()
                  if v is not None]
        parts.append("</node>")
        out.append("".join(parts))
    for u, v, k, attrs in graph.edges(keys=True, data=True):
        data = "".join(f'<data key="e_{name}">{_value(value)}</data>'
                       for name, value in attrs.items() if value is not None)
        out.append(f'<edge id="{_attr(k)}" source="{_attr(u)}" target="{_attr(v)}">'
                   f'{_edge_graphics(attrs)}{data}</edge>')
    out += ["</graph>", "</graphml>", ""]
    return "\n".join(out)


def write_graphml(doc: Document, path: str | os.PathLike) -> None:
    """Write the map as GraphML (atomically)."""
    text = graphml_text(doc)
    safety.write_atomically(path, lambda fh: fh.write(text.encode("utf-8")))
