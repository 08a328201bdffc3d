"""Reading GraphML from servicemap, yEd, Gephi, Cytoscape, igraph and networkx.

The file is streamed through expat with defusedxml's guards (:func:`safety.expat_parser`: no
DTDs, so a billion-laughs file is refused) and nodes and edges are read here, including yEd's
nested groups (networkx never sees the file). Items that say what they are (a ``kind``
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

from servicemap.errors import FileFormatError, ValidationError
from servicemap.gcpause import gc_paused
from servicemap.graph import rules
from servicemap.graph.document import Document
from servicemap.io import lenient, safety
from servicemap.io.graphml import FORMAT_KEY
from servicemap.io.ids import Taken, unique
from servicemap.io.node_link import targets_from_node_link
from servicemap.io.report import Imported, ImportProblems, listing
from servicemap.model import (
    FLOW_FIELDS,
    MAP_FIELDS,
    EdgeKind,
    NodeKind,
    Pathway,
    Target,
    edge_fields,
    map_defaults,
    node_fields,
    pathway_provenance,
)
from servicemap.words import plural

# Presentation attributes of other tools, dropped on import (not kept in notes).
IGNORED = frozenset({"label", "r", "g", "b", "size", "color", "colour", "x", "y", "z", "width",
                     "height", "shape_type", "selected", "suid", "shared name",
                     "shared interaction", "interaction", "viz", "id", "key"})
ID_NAMES = ("id", "v_id", "node id", "original id")      # keep the node's own id
EDGE_ID_NAMES = ("id", "e_id", "edge id", "original id")
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


def _link_fields(text: object) -> dict:
    """The facts of a part_of link that servicemap's nesting stands for (``part_of_link``,
    JSON): the link's own fields only, each as the model types it (checked with the map, so a
    wrong type is a problem naming the link); anything unreadable is left out."""
    if not isinstance(text, str):
        return {}
    try:
        link = json.loads(text)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(link, dict):
        return {}
    fields = {f.name: f for f in edge_fields("part_of")}
    return {name: _coerce(fields[name], value) for name, value in link.items()
            if name in fields and name not in ("id", "kind", "source", "target")}


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

    __slots__ = ("tag", "attrs", "data", "label", "centre", "nested", "group", "ends")

    def __init__(self, tag: str, attrs: dict, group: str | None) -> None:
        self.tag, self.attrs, self.group = tag, attrs, group
        self.data: dict[str, str] = {}
        self.label: str | None = None
        self.centre: tuple[float, float] | None = None
        self.nested = False
        self.ends: list[str] = []  # a hyperedge's endpoints


class _Reader:
    """Streams a GraphML file through the guarded expat parser into plain records."""

    def __init__(self, name: str, undirected: str | None = None) -> None:
        self.name, self.mode = name, undirected
        self.notices: list[str] = []
        self.edgedefault = "directed"
        self.undirected: list[dict] = []  # edges with no direction, turned into flows later
        self.hyperedges: list[str] = []
        self.own_ids: dict[str, str] = {}  # GraphML id -> the id an attribute keeps (igraph)
        self.own_edge_ids: list[tuple[dict, str | None]] = []  # (edge, its GraphML id)
        self.lenient_nodes: list[str] = []
        self.lenient_edges = 0
        self.kept: dict[str, int] = {}  # attribute -> items whose notes keep it
        self.keys: dict[str, dict] = {}
        self.stack: list[_Item] = []
        self.key: dict | None = None
        self.capture: list[str] | None = None
        self.data_key: str | None = None
        self.graphics = 0
        self.graph: _Item | None = None
        self.nodes: list[tuple[dict, _Item, bool, dict]] = []
        self.edges: list[dict] = []
        self.parts: list[tuple[str, str]] = []  # (service, yEd group) to join
        self.nested: list[tuple[str, str, object]] = []  # (node, its group, part_of edge id)
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
            if local == "ProxyAutoBoundsNode":  # a group's box is its members' bounds,
                item.centre = False                # not a position of the group
            elif local == "Geometry" and item.centre is None:
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
        elif local in ("node", "edge", "hyperedge"):
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
            if self.graph is None:
                self.graph = item
                self.edgedefault = attrs.get("edgedefault", "directed")
            self.stack.append(item)
        elif local == "endpoint" and self.stack and self.stack[-1].tag == "hyperedge":
            self.stack[-1].ends.append(attrs.get("node", ""))
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
        elif local == "hyperedge":  # joins more than two nodes: no flow can say that
            self.hyperedges.append(self.stack.pop())
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
        values = {keys[k]["name"]: _typed(text, keys[k]["type"]) for k, text in item.data.items()
                  if text.strip()}  # an empty attribute says nothing (igraph writes them)
        for name, value in defaults.items():
            if not (isinstance(value, str) and not value.strip()):
                values.setdefault(name, value)
        return values

    def own_id(self, attrs: dict, names: tuple[str, ...]) -> str | None:
        """The id an attribute keeps (igraph's ``v_id``/``e_id``, an ``id`` from yEd, Gephi
        or Cytoscape), taken out of ``attrs``; None when there is none."""
        for name in [n for n in attrs if n.lower() in names]:
            value = attrs.pop(name)
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if isinstance(value, (str, int)) and not isinstance(value, bool) \
                    and str(value).strip():
                return str(value)
        return None

    def record(self, item_id: str, kind: str, attrs: dict, fields, strict: bool) -> dict:
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
                self.kept[name] = self.kept.get(name, 0) + 1
        if extra:
            record["notes"] = "\n".join(filter(None, [str(record.get("notes") or ""), *extra]))
        return record

    def read_node(self, item: _Item) -> None:
        node_id = item.attrs.get("id")
        if not node_id:
            raise FileFormatError(f"{self.name}: a node has no id.")
        attrs = self.typed(item, "node")
        own = self.own_id(attrs, ID_NAMES)
        if own is not None:
            self.own_ids[node_id] = own
        kind = attrs.pop("kind", None)
        strict = kind in KINDS
        if not strict:
            if kind is not None:
                attrs["kind"] = kind
            kind = "directorate" if item.nested else "service"
            self.lenient_nodes.append(kind)
        record = self.record(node_id, kind, attrs, node_fields(kind), strict)
        record.setdefault("name", attrs.get("label") or item.label or node_id)
        self.nodes.append((record, item, strict, attrs))
        if item.group is not None and kind == "service" and not strict:
            self.parts.append((node_id, item.group))
        elif item.group is not None and strict:  # servicemap's nesting: the part_of link
            self.nested.append((node_id, item.group, attrs.get("part_of_edge"),
                                _link_fields(attrs.get("part_of_link"))))

    def read_edge(self, item: _Item) -> None:
        source, target = item.attrs.get("source"), item.attrs.get("target")
        attrs = self.typed(item, "edge")
        own = self.own_id(attrs, EDGE_ID_NAMES)
        directed = {"true": True, "false": False}.get(item.attrs.get("directed", ""),
                                                      self.edgedefault != "undirected")
        kind = attrs.pop("kind", None)
        strict = kind in EDGE_KINDS
        if not strict:
            if kind is not None:
                attrs["kind"] = kind
            kind = "flow"
            self.lenient_edges += 1
            if attrs.get("flow_type") not in FLOW_TYPES:
                other = attrs.pop("flow_type", None)
                attrs["flow_type"] = "referral"
                if other is not None:
                    attrs["type"] = other
        if not strict and item.label:  # a yEd edge label: kept in the notes
            attrs["edge label"] = item.label
        record = self.record(own or item.attrs.get("id"), kind, attrs, edge_fields(kind), strict)
        record.update(source=source, target=target)
        if own is not None:
            self.own_edge_ids.append((record, item.attrs.get("id")))
        (self.edges if directed else self.undirected).append(record)

    def records(self) -> tuple:
        if self.graph is None:
            raise FileFormatError(f"{self.name} is not GraphML: it has no <graph>.")
        attrs = self.typed(self.graph, "graph")
        ours = FORMAT_KEY in attrs
        rename = self.renaming()
        kinds = {}
        for record, item, strict, values in self.nodes:
            _place(record, values, item.centre or None, strict and ours)
            record["id"] = rename.get(record["id"], record["id"])
            kinds[record["id"]] = (record["kind"], strict)
        edges = self.edges + self.undirected
        self.check_edge_ids(set(kinds))
        for e in edges:
            e["source"] = rename.get(e["source"], e["source"])
            e["target"] = rename.get(e["target"], e["target"])
        taken = Taken(set(kinds) | {e["id"] for e in edges if e["id"]})
        seen: set[str] = set()
        for e in edges:  # other tools may leave edge ids out or repeat them
            if not e["id"] or e["id"] in seen or e["id"] in kinds:
                e["id"] = unique(e["id"] or f"{e['source']}-to-{e['target']}", taken)
                taken.add(e["id"])
            seen.add(e["id"])
        by_id = {n[0]["id"]: n[0] for n in self.nodes}
        if self.undirected:
            self.edges += lenient.direct(self.undirected, by_id, self.mode or "one-way",
                                         taken, self.notices)
        self.say(len(self.edges))
        for child, group, edge_id, link in self.nested:  # servicemap's groups: part_of links
            if not isinstance(edge_id, str) or edge_id in taken:
                edge_id = unique(f"{child}-in-{group}", taken)
            taken.add(edge_id)
            self.edges.append({**link, "id": edge_id, "kind": "part_of",
                               "source": rename.get(child, child),
                               "target": rename.get(group, group)})
        self.parts = [(rename.get(c, c), rename.get(g, g)) for c, g in self.parts]
        for child, group in self.parts:
            if kinds.get(group) == ("directorate", False):
                edge_id = unique(f"{child}-in-{group}", taken)
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

    def renaming(self) -> dict[str, str]:
        """GraphML id -> the id its attribute keeps, when those ids are whole and unique."""
        if not self.own_ids:
            return {}
        others = {n[0]["id"] for n in self.nodes} - set(self.own_ids)
        kept = list(self.own_ids.values())
        if len(set(kept)) < len(kept) or others & set(kept):
            self.notices.append("The nodes' id attribute repeats an id, so the file's own node "
                                "ids were used.")
            return {}
        self.notices.append(f"Ids taken from the id attribute (as igraph keeps them) for "
                            f"{plural(len(kept), 'node')}.")
        return dict(self.own_ids)

    def check_edge_ids(self, node_ids: set[str]) -> None:
        """Edge ids from an id attribute are used only when none repeats or is a node's id
        (igraph 1.0 may write its vertices' ids into ``e_id``)."""
        kept = [e["id"] for e, _ in self.own_edge_ids]
        if not kept:
            return
        if len(set(kept)) == len(kept) and not node_ids & set(kept):
            taken = sum(1 for e, graphml_id in self.own_edge_ids if e["id"] != graphml_id)
            if taken:  # (flat GraphML repeats each edge's own id: nothing to say)
                self.notices.append(f"Ids taken from the id attribute for "
                                    f"{plural(taken, 'edge')}.")
            return
        for e, graphml_id in self.own_edge_ids:
            e["id"] = graphml_id
        self.notices.append("The edges' id attribute repeats ids, so edge ids were made from "
                            "their ends.")

    def say(self, edges: int) -> None:
        """The notices for what other tools' items became."""
        services = self.lenient_nodes.count("service")
        groups = len(self.lenient_nodes) - services
        if services:
            self.notices.append(f"Kind set to service for {plural(services, 'node')} with "
                                "none.")
        if groups:
            self.notices.append(f"Kind set to directorate for {plural(groups, 'group')} of "
                                "nodes with none.")
        if self.lenient_edges:
            self.notices.append(f"Kind set to flow, type referral, for "
                                f"{plural(self.lenient_edges, 'edge')} with none.")
        if self.kept:
            parts = [f"{name} ({plural(n, 'item')})" for name, n in sorted(self.kept.items())]
            self.notices.append("Attributes servicemap has no field for were kept in the "
                                f"notes: {listing(parts)}.")
        if self.hyperedges:
            names = {n[0]["id"]: n[0]["name"] for n in self.nodes}
            names.update({k: names.get(v, v) for k, v in self.own_ids.items()})
            shown = [(f"{h.attrs['id']} " if h.attrs.get("id") else "") + "(" + ", ".join(
                f'"{names.get(e, e)}"' for e in h.ends) + ")" for h in self.hyperedges]
            self.notices.append(f"{plural(len(self.hyperedges), 'hyperedge')} (one edge "
                                f"joining several nodes at once) "
                                f"{'was' if len(self.hyperedges) == 1 else 'were'} left out, "
                                "as a flow joins "
                                f"one box to another: {listing(shown)}.")

    def targets(self) -> list[Target]:
        """The targets kept as JSON text on the graph (servicemap's own files), unchecked."""
        text = self.typed(self.graph, "graph").get("targets") if self.graph is not None \
            else None
        if text is None:
            return []
        try:
            data = {"graph": {"targets": json.loads(text) if isinstance(text, str) else None}}
        except ValueError:
            data = {"graph": {"targets": None}}
        if not isinstance(data["graph"]["targets"], list):
            raise FileFormatError(f"{self.name}: its targets are not a list of targets.")
        return targets_from_node_link(data, self.name)

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
                        list(p.get("steps", [])), **pathway_provenance(p)) for p in items]


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


def read_graphml(path: str | os.PathLike) -> Document:
    """Build a map from a GraphML file (servicemap's own, yEd, Gephi, Cytoscape, igraph,
    networkx)."""
    return import_graphml(path).document


def import_graphml(path: str | os.PathLike, undirected: str | None = None) -> Imported:
    """The map in a GraphML file and what reading it changed (:class:`Imported`);
    ``undirected``: ``"one-way"`` (the default) or ``"both-ways"`` for undirected edges.
    :class:`ImportProblems` lists every contradiction."""
    path = Path(path)
    safety.check_file_size(path, safety.MAX_UNZIPPED_BYTES)  # XML is not compressed
    reader = _Reader(path.name, undirected)
    with gc_paused():
        reader.parse(path.read_bytes())
        records = reader.records()
        try:
            doc = Document.from_records(*records, targets=reader.targets())
        except ValidationError as exc:
            found = [p.message for p in rules.check_map(*records) if p.severity == "error"]
            raise ImportProblems(path.name, found or [str(exc)]) from None
    return Imported(doc, reader.notices, bool(reader.undirected))
