"""GraphML: export for yEd, Gephi, Cytoscape and networkx; import from any of them.

Export writes one ``<data>`` per field of every node, edge and of the map (``attr.name`` =
the field name, typed ``string``/``double``/``boolean``; unknown values are left out), so
networkx and Gephi read every field; pathways are one JSON text on the graph. yEd's drawing
comes from the yFiles extension: a ``y:ShapeNode`` (geometry, fill, border, label, shape) per
node and a ``y:PolyLineEdge`` (line style per flow type, arrow) per edge, coloured as the
canvas colours them (:mod:`servicemap.palette`). The graphics ``<data>`` comes first in each
node so that networkx, which copies yEd geometry into ``x``/``y``, ends with the real centre.
Nodes with no position are drawn on a grid below the map and stay unplaced when read back.

Import streams the file through expat with defusedxml's guards (:func:`safety.expat_parser`:
no DTDs, so a billion-laughs file is refused) and reads nodes and edges itself, including
yEd's nested groups (networkx never sees the file). Items that say what they are (a ``kind``
attribute, as servicemap writes) are checked strictly, all or nothing. Items from other tools
are read leniently: nodes become services (yEd groups become directorates holding their
services), edges become referral flows, the label is the name, yEd geometry gives positions,
and attributes servicemap has no field for are kept as ``name: value`` lines in the notes.
A node moved in yEd after export comes back at its new place.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from servicemap import palette
from servicemap.errors import FileFormatError, ValidationError
from servicemap.gcpause import gc_paused
from servicemap.graph.document import Document
from servicemap.graph.placement import drawing_boxes
from servicemap.io import safety
from servicemap.model import (
    COMMON_NODE_FIELDS,
    DRAWN_KINDS,
    FLOW_FIELDS,
    KIND_FIELDS,
    MAP_FIELDS,
    EdgeKind,
    NodeKind,
    Pathway,
    edge_fields,
    map_defaults,
    node_fields,
)

GRAPHML = "http://graphml.graphdrawing.org/xmlns"
YFILES = "http://www.yworks.com/xml/graphml"
FORMAT_KEY = "servicemap_format"
XML_TYPES = {str: "string", float: "double", int: "long", bool: "boolean"}
LINE_TYPES = {"referral": "line", "transfer": "dashed", "discharge": "dotted",
              "step_down": "dashed_dotted", "escalation": "line", "transition": "dashed",
              "signpost": "dotted"}
SHAPES = {"service": "roundrectangle", "access_point": "ellipse", "exit": "rectangle"}
# Presentation attributes of other tools, dropped on import (not kept in notes).
IGNORED = frozenset({"label", "r", "g", "b", "size", "color", "colour", "x", "y", "z", "width",
                     "height", "shape_type", "selected", "suid", "shared name",
                     "shared interaction", "interaction", "viz", "id", "key"})


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


# ----- reading --------------------------------------------------------------------------------
KINDS = frozenset(str(k) for k in NodeKind)
EDGE_KINDS = frozenset(str(k) for k in EdgeKind)
FLOW_TYPES = tuple(next(f for f in FLOW_FIELDS if f.name == "flow_type").choices)


def _typed(text: str, kind: str) -> object:
    """A GraphML value by its ``attr.type``; text that does not parse stays text."""
    try:
        if kind == "boolean":
            word = text.strip().lower()
            return {"true": True, "false": False, "1": True, "0": False}.get(word, text)
        if kind in ("int", "long", "integer"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
    except ValueError:
        return text
    return text


def _coerce(f, value: object) -> object:
    """A value from another tool in the field's type, where that is a plain conversion."""
    if f.type is str and not isinstance(value, str):
        return str(value).lower() if isinstance(value, bool) else str(value)
    if f.type in (int, float) and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    if f.type is bool and isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower(), value)
    return value


class _Item:
    """A node, edge or graph being read: its raw data texts and yEd label and geometry."""

    __slots__ = ("tag", "attrs", "data", "label", "centre", "nested", "group")

    def __init__(self, tag: str, attrs: dict, group: str | None) -> None:
        self.tag, self.attrs, self.group = tag, attrs, group
        self.data: dict[str, str] = {}
        self.label: str | None = None
        self.centre: tuple[float, float] | None = None
        self.nested = False


class _Reader:
    """Streams a GraphML file through the guarded expat parser into plain records."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.keys: dict[str, dict] = {}
        self.stack: list[_Item] = []
        self.key: dict | None = None
        self.capture: list[str] | None = None
        self.data_key: str | None = None
        self.graphics = 0
        self.graph: _Item | None = None
        self.nodes: list[tuple[dict, _Item, bool, dict]] = []
        self.edges: list[dict] = []
        self.flow_keys: set[tuple] = set()
        self.parts: list[tuple[str, str]] = []  # (service, yEd group) to join
        self.defaults: dict[str, dict[str, object]] = {}

    def parse(self, data: bytes) -> None:
        parser = safety.expat_parser()
        parser.StartElementHandler, parser.EndElementHandler = self.start, self.end
        parser.CharacterDataHandler = self.text
        safety.parse_with(parser, data, self.name)

    def text(self, chunk: str) -> None:
        if self.capture is not None:
            self.capture.append(chunk)

    def start(self, tag: str, attrs: dict) -> None:
        local = tag[tag.find(":") + 1:]
        if self.graphics:
            self.graphics += 1
            item = self.stack[-1]
            if local == "Geometry" and item.centre is None:
                try:
                    item.centre = (float(attrs["x"]) + float(attrs.get("width", 0)) / 2,
                                   float(attrs["y"]) + float(attrs.get("height", 0)) / 2)
                except (KeyError, ValueError):
                    pass
            elif local in ("NodeLabel", "EdgeLabel") and item.label is None:
                self.capture = []
            return
        if local == "data" and self.stack:
            key = self.keys.get(attrs.get("key", ""))
            if key is not None and key["type"] == "yfiles":
                self.graphics = 1
            elif key is not None:
                self.data_key, self.capture = attrs["key"], []
        elif local in ("node", "edge"):
            parent = self.stack[-1] if self.stack else None
            group = parent.group if parent is not None else None
            self.stack.append(_Item(local, attrs, group))
        elif local == "graph":
            parent = self.stack[-1] if self.stack else None
            if parent is not None and parent.tag == "node":
                parent.nested = True
            group = parent.attrs.get("id") if parent is not None and parent.tag == "node" \
                else None
            item = _Item("graph", attrs, group)
            self.graph = self.graph or item
            self.stack.append(item)
        elif local == "key":
            self.key = {"name": attrs.get("attr.name") or attrs.get("id", ""),
                        "for": attrs.get("for", "all"), "default": None,
                        "type": "yfiles" if attrs.get("yfiles.type")
                        else attrs.get("attr.type", "string")}
            self.keys[attrs.get("id", "")] = self.key
        elif local == "default" and self.key is not None:
            self.capture = []

    def end(self, tag: str) -> None:
        local = tag[tag.find(":") + 1:]
        if self.graphics:
            self.graphics -= 1
            if local in ("NodeLabel", "EdgeLabel") and self.capture is not None:
                label = "".join(self.capture).strip()
                self.stack[-1].label, self.capture = label or None, None
            return
        if local == "data" and self.data_key is not None:
            self.stack[-1].data[self.data_key] = "".join(self.capture)
            self.data_key, self.capture = None, None
        elif local == "node":
            self.read_node(self.stack.pop())
        elif local == "edge":
            self.read_edge(self.stack.pop())
        elif local == "graph":
            self.stack.pop()
        elif local == "default" and self.key is not None:
            self.key["default"], self.capture = "".join(self.capture), None
        elif local == "key":
            self.key = None

    def typed(self, item: _Item, what: str) -> dict[str, object]:
        """The item's data by attribute name, typed; defaults filled in."""
        defaults = self.defaults.get(what)
        if defaults is None:
            defaults = self.defaults[what] = {
                k["name"]: _typed(k["default"], k["type"]) for k in self.keys.values()
                if k["for"] in (what, "all") and k["default"] is not None
                and k["type"] != "yfiles"}
        keys = self.keys
        values = {keys[k]["name"]: _typed(text, keys[k]["type"]) for k, text in item.data.items()}
        for name, value in defaults.items():
            values.setdefault(name, value)
        return values

    @staticmethod
    def record(item_id: str, kind: str, attrs: dict, fields, strict: bool) -> dict:
        """A node or edge record: known fields set, the rest (from other tools) in notes."""
        by_name = {f.name: f for f in fields}
        record, extra = {"id": item_id, "kind": kind}, []
        for name, value in attrs.items():
            f = by_name.get(name)
            if f is not None:
                value = _coerce(f, value)
                if strict or f.check(value) is None:
                    record[name] = value
                    continue
            if not strict and name.lower() not in IGNORED and name != "notes":
                extra.append(f"{name}: {value}")
        if extra:
            record["notes"] = "\n".join(filter(None, [str(record.get("notes") or ""), *extra]))
        return record

    def read_node(self, item: _Item) -> None:
        node_id = item.attrs.get("id")
        if not node_id:
            raise FileFormatError(f"{self.name}: a node has no id.")
        attrs = self.typed(item, "node")
        kind = attrs.pop("kind", None)
        strict = kind in KINDS
        if not strict:
            if kind is not None:
                attrs["kind"] = kind
            kind = "directorate" if item.nested else "service"
        record = self.record(node_id, kind, attrs, node_fields(kind), strict)
        record.setdefault("name", attrs.get("label") or item.label or node_id)
        self.nodes.append((record, item, strict, attrs))
        if item.group is not None and kind == "service" and not strict:
            self.parts.append((node_id, item.group))

    def read_edge(self, item: _Item) -> None:
        source, target = item.attrs.get("source"), item.attrs.get("target")
        attrs = self.typed(item, "edge")
        kind = attrs.pop("kind", None)
        strict = kind in EDGE_KINDS
        if not strict:
            if kind is not None:
                attrs["kind"] = kind
            kind = "flow"
            if attrs.get("flow_type") not in FLOW_TYPES:
                other = attrs.pop("flow_type", None)
                attrs["flow_type"] = "referral"
                if other is not None:
                    attrs["type"] = other
        if not strict and item.label:  # a yEd edge label: kept in the notes
            attrs["edge label"] = item.label
        record = self.record(item.attrs.get("id") or f"{source}-to-{target}", kind, attrs,
                             edge_fields(kind), strict)
        record.update(source=source, target=target)
        if not strict:
            flow_key = (source, target, record["flow_type"])
            if flow_key in self.flow_keys:  # other tools may repeat an edge: keep one flow
                return
            self.flow_keys.add(flow_key)
        self.edges.append(record)

    def records(self) -> tuple:
        if self.graph is None:
            raise FileFormatError(f"{self.name} is not GraphML: it has no <graph>.")
        attrs = self.typed(self.graph, "graph")
        ours = FORMAT_KEY in attrs
        kinds = {}
        for record, item, strict, values in self.nodes:
            _place(record, values, item.centre, strict and ours)
            kinds[record["id"]] = (record["kind"], strict)
        taken = set(kinds) | {e["id"] for e in self.edges}
        seen: set[str] = set()
        for e in self.edges:  # other tools may leave edge ids out or repeat them
            if e["id"] in seen or e["id"] in kinds:
                e["id"] = _unique(e["id"], taken)
                taken.add(e["id"])
            seen.add(e["id"])
        for child, group in self.parts:
            if kinds.get(group) == ("directorate", False):
                edge_id = _unique(f"{child}-in-{group}", taken)
                taken.add(edge_id)
                self.edges.append({"id": edge_id, "kind": "part_of", "source": child,
                                   "target": group})
        fields = {**map_defaults(), "title": Path(self.name).stem}
        lower = {k.lower(): v for k, v in attrs.items()}  # yEd writes "Description"
        for f in MAP_FIELDS:
            if f.name in attrs or f.name in lower:
                fields[f.name] = _coerce(f, attrs.get(f.name, lower.get(f.name)))
        return (fields, [n[0] for n in self.nodes], self.edges,
                self.pathways(attrs.get("pathways")))

    def pathways(self, text: object) -> list[Pathway]:
        if text is None:
            return []
        try:
            items = json.loads(text) if isinstance(text, str) else None
        except ValueError:
            items = None
        if not isinstance(items, list) or not all(
                isinstance(p, dict) and isinstance(p.get("id"), str)
                and isinstance(p.get("steps", []), list) for p in items):
            raise FileFormatError(f"{self.name}: its pathways are not a list of pathways with "
                                  "ids and steps.")
        return [Pathway(p["id"], p.get("name", ""), p.get("description") or "",
                        list(p.get("steps", []))) for p in items]


def _place(record: dict, attrs: dict, centre, ours: bool) -> None:
    """Position: x/y attributes, unless yEd moved the box; yEd geometry for other files. A
    servicemap node without x/y stays unplaced (yEd only showed it on a grid)."""
    xy = attrs.get("x"), attrs.get("y")
    given = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in xy)
    if given and centre is not None and max(abs(centre[0] - xy[0]),
                                            abs(centre[1] - xy[1])) > 0.5:
        xy = centre  # moved in yEd after export
    elif not given:
        xy = centre if centre is not None and not ours else (None, None)
    record["x"], record["y"] = xy


def _unique(base: str, taken: set[str]) -> str:
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return base if base not in taken else f"{base}-{n}"


def read_graphml(path: str | os.PathLike) -> Document:
    """Build a map from a GraphML file (servicemap's own, yEd, Gephi, Cytoscape, networkx)."""
    path = Path(path)
    safety.check_file_size(path, safety.MAX_UNZIPPED_BYTES)  # XML is not compressed
    reader = _Reader(path.name)
    with gc_paused():
        reader.parse(path.read_bytes())
        records = reader.records()
        try:
            return Document.from_records(*records)
        except ValidationError as exc:
            raise FileFormatError(f"{path.name} cannot be used: {exc}") from None
