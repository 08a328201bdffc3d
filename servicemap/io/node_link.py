"""networkx node-link data as any networkx writes it (2.8 onwards), made into a map.

``networkx.node_link_data`` of a ``Graph``, ``DiGraph`` or ``MultiDiGraph`` has the edges under
``links`` (before 3.4, and by default until 3.6) or ``edges``, whole-number ids, no map fields
and no edge ids. What is only *missing* (absent or null) is filled in, and every default is one
notice (:class:`~servicemap.io.report.Imported`):

* map fields: the title from the graph's ``name`` or else the file name, ``created`` and
  ``modified`` now, marking ``OFFICIAL``, not illustrative, description and source empty;
* a node with no kind is a service; a node with no name takes its ``label`` or its id;
* an edge with no kind is a flow; a flow with no type is a referral; an edge with no id (or a
  multigraph's whole-number key) gets one made from its ends;
* whole-number ids become text; attributes servicemap has no field for are left out;
* an undirected graph: :mod:`servicemap.io.lenient`; parallel edges stay separate flows.

What is *given* but wrong is a problem, never a default: an empty id or name, an unknown kind,
an edge to a node that is not there, a flow out of an exit. Every problem is listed, each
naming its item by name and id, and :class:`~servicemap.io.report.ImportProblems` is raised
before anything is built. servicemap's own exchange files have every field, so reading one
fills nothing in and says nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from servicemap.errors import FileFormatError, ValidationError
from servicemap.graph import rules
from servicemap.graph.document import Document
from servicemap.graph.scenarios import Scenario, scenario_from_dict
from servicemap.graph.targets import check_targets
from servicemap.io import lenient
from servicemap.io.ids import Taken, unique
from servicemap.io.report import Imported, ImportProblems, listing
from servicemap.model import (
    COMMENT_FIELD_NAMES,
    MAP_FIELDS,
    NOTE_WIDTH,
    TARGET_FIELD_NAMES,
    Comment,
    EdgeKind,
    NodeKind,
    Note,
    Pathway,
    Target,
    edge_fields,
    node_fields,
    pathway_provenance,
)
from servicemap.words import plural

NODE_KINDS = tuple(str(k) for k in NodeKind)
EDGE_KINDS = tuple(str(k) for k in EdgeKind)
_NODE_KEYS = {k: {"id", "kind", *(f.name for f in node_fields(k))} for k in NODE_KINDS}
_EDGE_KEYS = {k: {"id", "key", "kind", "source", "target", *(f.name for f in edge_fields(k))}
              for k in EDGE_KINDS}


def now() -> str:
    """The time stamp of a map made now: local time with its offset, to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def as_id(value: object, given: bool) -> tuple[str | None, str | None]:
    """An id as text (whole numbers too) and, if it cannot be one, why: missing or empty."""
    if value is None:
        return None, "has no id" if not given else "has a null id"
    if isinstance(value, str):
        return (value, None) if value.strip() else (None, "has an empty id")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value), None
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), None
    return None, f"has the id {value!r}, which is neither text nor a whole number"


class _Reader:
    def __init__(self, data: dict, where: str, stem: str, undirected: str | None) -> None:
        self.data, self.where, self.stem, self.mode = data, where, stem, undirected
        self.notices: list[str] = []
        self.problems: list[str] = []
        self.left_out: Counter[tuple[str, str]] = Counter()  # (attribute, node/edge)
        self.numeric_ids = 0

    def ident(self, value: object, given: bool, what) -> str | None:
        """``value`` as an id; ``what()`` names the item when it cannot be one."""
        if type(value) is str and value.strip():
            return value  # the common case, first
        text, why = as_id(value, given)
        if why:
            self.problems.append(f"{what()} {why}")
        elif not isinstance(value, str):
            self.numeric_ids += 1
        return text

    # ----- the map's own fields ------------------------------------------------------------
    def map_fields(self, graph: dict) -> dict[str, object]:
        fields = {f.name: graph.get(f.name) for f in MAP_FIELDS}
        said = []
        if fields["title"] is None:
            name = graph.get("name")
            if isinstance(name, str) and name.strip():
                fields["title"] = name.strip()
                said.append(f'title "{fields["title"]}" (the graph\'s name)')
            else:
                fields["title"] = self.stem
                said.append(f'title "{self.stem}" (the file name)')
        empty = [n for n in ("description", "source") if fields[n] is None]
        for n in empty:
            fields[n] = ""
        if empty:
            said.append(f"{' and '.join(empty)} empty")
        if fields["marking"] is None:
            fields["marking"] = "OFFICIAL"
            said.append("marking OFFICIAL")
        if fields["illustrative"] is None:
            fields["illustrative"] = False
            said.append("illustrative false (the numbers are real)")
        stamps = [n for n in ("created", "modified") if fields[n] is None]
        if stamps:
            stamp = now()
            for n in stamps:
                fields[n] = stamp
            said.append(f"{' and '.join(stamps)} {stamp} (now)")
        if said:
            self.notices.append(f"Map fields filled in: {'; '.join(said)}.")
        return fields

    # ----- nodes ---------------------------------------------------------------------------
    def nodes(self, raw_nodes: list) -> dict[str, dict]:
        by_id: dict[str, dict] = {}
        no_kind, no_name, named_by_label = [], [], []
        for i, raw in enumerate(raw_nodes, start=1):
            if not isinstance(raw, dict):
                raise FileFormatError(f"{self.where}: node {i} is not an object.")
            label = raw.get("name") if isinstance(raw.get("name"), str) else None
            what = f'node {i}' + (f' "{label}"' if label else "")
            node_id = self.ident(raw.get("id"), "id" in raw, lambda what=what: what)
            if node_id is None:
                continue
            rec = dict(raw)
            rec["id"] = node_id
            kind = rec.get("kind")
            if kind is None:
                rec["kind"] = "service"
                no_kind.append(node_id)
            elif kind not in NODE_KINDS:
                got = "is empty" if kind == "" else f"{kind!r} is not a kind of node"
                label = lenient.node_label(node_id, {node_id: rec})
                self.problems.append(f"node {label}: its kind {got} (use one of "
                                     f"{', '.join(NODE_KINDS)})")
                rec["kind"] = "service"  # reported; checked as a service from here on
            if rec.get("name") is None:
                other = rec.get("label")
                if isinstance(other, str) and other.strip():
                    rec["name"] = other.strip()
                    named_by_label.append(node_id)
                else:
                    rec["name"] = node_id
                    no_name.append(node_id)
            extra = rec.keys() - _NODE_KEYS[rec["kind"]]
            if extra:
                for k in extra:
                    if not (k == "label" and node_id in named_by_label[-1:]):
                        self.left_out[(k, "node")] += 1
            if node_id in by_id:
                self.problems.append(f"node {lenient.node_label(node_id, {node_id: rec})}: "
                                     f"the id {node_id!r} is given to two nodes")
                continue
            by_id[node_id] = rec
        if no_kind:
            self.notices.append(f"Kind set to service for {plural(len(no_kind), 'node')} "
                                f"with none: {self.node_list(no_kind, by_id)}.")
        if named_by_label:
            self.notices.append(f"Name set to the label for {plural(len(named_by_label), 'node')}"
                                f" with none: {self.node_list(named_by_label, by_id)}.")
        if no_name:
            self.notices.append(f"Name set to the id for {plural(len(no_name), 'node')} with "
                                f"none: {listing([repr(n) for n in no_name])}.")
        return by_id

    # ----- edges ---------------------------------------------------------------------------
    def edges(self, raw_edges: list, nodes: dict[str, dict]) -> list[dict]:
        edges, made, no_kind, no_type = [], [], [], []
        taken = Taken(nodes)
        for i, raw in enumerate(raw_edges, start=1):
            if not isinstance(raw, dict):
                raise FileFormatError(f"{self.where}: edge {i} is not an object.")
            rec = dict(raw)
            rec.pop("key", None)
            ends_ok = True
            for end in ("source", "target"):
                value = raw.get(end)
                if type(value) is str and value:
                    continue  # the common case: kept as it is
                text, why = as_id(value, end in raw)
                if why:
                    why = why.replace("id", end, 1).replace(f"the {end}", f"the {end} id")
                    self.problems.append(f"edge {i} ({lenient.edge_label(raw, nodes)}) {why}")
                    ends_ok = False
                rec[end] = text
            if not ends_ok:
                continue
            given = raw.get("id")
            if given is None and isinstance(raw.get("key"), str) and raw["key"].strip():
                given = raw["key"]  # servicemap writes the edge id as the key too
            edge_id = None
            if given is not None:
                edge_id = self.ident(given, True, lambda i=i, rec=rec:
                                     f"edge {i} ({lenient.edge_label(rec, nodes)})")
                if edge_id is None:
                    continue
                if edge_id in taken:
                    self.problems.append(f"edge {i} ({lenient.edge_label(rec, nodes)}): the id "
                                         f"{edge_id!r} is already used")
                    continue
                taken.add(edge_id)
            rec["id"] = edge_id
            kind = rec.get("kind")
            if kind is None:
                rec["kind"] = kind = "flow"
                no_kind.append(rec)
            elif kind not in EDGE_KINDS:
                got = "is empty" if kind == "" else f"{kind!r} is not a kind of edge"
                self.problems.append(f"edge {i} ({lenient.edge_label(rec, nodes)}): its kind "
                                     f"{got} (use one of {', '.join(EDGE_KINDS)})")
                rec["kind"] = kind = "flow"
            if kind == "flow" and rec.get("flow_type") is None:
                rec["flow_type"] = "referral"
                no_type.append(rec)
            extra = rec.keys() - _EDGE_KEYS[kind]
            for k in extra:
                self.left_out[(k, "edge")] += 1
            edges.append(rec)
        for rec in edges:  # ids made once every given id is known, so none is taken twice
            if rec["id"] is None:
                rec["id"] = unique(f"{rec['source']}-to-{rec['target']}", taken)
                taken.add(rec["id"])
                made.append(rec)
        if no_kind:
            self.notices.append(f"Kind set to flow for {plural(len(no_kind), 'edge')} with "
                                f"none: {self.edge_list(no_kind, nodes)}.")
        if no_type:
            self.notices.append(f"Flow type set to referral for {plural(len(no_type), 'flow')} "
                                f"with none: {self.edge_list(no_type, nodes)}.")
        if made:
            self.notices.append(f"Id made from the ends for {plural(len(made), 'edge')} with "
                                f"none: {listing([repr(e['id']) for e in made])}.")
        if self.data.get("directed") is False:
            edges = lenient.direct(edges, nodes, self.mode or "one-way", taken, self.notices)
        return edges  # parallel edges stay separate flows (the checks warn of them)

    @staticmethod
    def node_list(ids: list[str], nodes: dict[str, dict]) -> str:
        return listing([lenient.node_label(n, nodes) for n in ids])

    @staticmethod
    def edge_list(edges: list[dict], nodes: dict[str, dict]) -> str:
        return listing([lenient.edge_label(e, nodes) for e in edges])

    # ----- pathways ------------------------------------------------------------------------
    def pathways(self, raw: object, taken: set[str]) -> list[Pathway]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            raise FileFormatError(f"{self.where}: pathways are not a list.")
        out, made = [], []
        for i, p in enumerate(raw, start=1):
            if not isinstance(p, dict) or not isinstance(p.get("steps", []), list):
                raise FileFormatError(f"{self.where}: pathway {i} needs a list of steps.")
            name = p.get("name")
            what = f'pathway {i}' + (f' "{name}"' if isinstance(name, str) and name else "")
            if name is None:
                self.problems.append(f"{what} has no name")
                name = ""
            if p.get("id") is None and isinstance(name, str) and name.strip():
                from servicemap.io.sheets import slug  # lazily: it loads the XML guards

                pid = unique(slug(name, "pathway"), taken)
                made.append(f'"{name}" ({pid})')
            else:
                pid = self.ident(p.get("id"), "id" in p, lambda what=what: what)
                if pid is None:
                    continue
            taken.add(pid)
            steps = []
            for step in p.get("steps", []):
                text, why = as_id(step, True)
                if why:
                    self.problems.append(f"{what}: a step {why}")
                else:
                    steps.append(text)
            out.append(Pathway(pid, name if isinstance(name, str) else str(name),
                               p.get("description") or "", steps, **pathway_provenance(p)))
        if made:
            self.notices.append(f"Id made from the name for {plural(len(made), 'pathway')} "
                                f"with none: {listing(made)}.")
        return out

    # ----- the whole -----------------------------------------------------------------------
    def read(self) -> tuple[tuple, list[str]]:
        data = self.data
        edges_in = data.get("edges") if "edges" in data else data.get("links", [])
        if not isinstance(edges_in, list):
            raise FileFormatError(f"{self.where} is not a servicemap map: its edges are not a "
                                  "list.")
        graph = data.get("graph") or {}
        if isinstance(graph, list) and all(isinstance(p, list) and len(p) == 2 for p in graph):
            graph = dict(graph)  # networkx before 2.0 wrote the graph's attributes as pairs
        if not isinstance(graph, dict):
            raise FileFormatError(f"{self.where} is not a servicemap map: its graph fields are "
                                  "not an object.")
        fields = self.map_fields(graph)
        nodes = self.nodes(data["nodes"])
        edges = self.edges(edges_in, nodes)
        taken = set(nodes) | {e["id"] for e in edges}
        pathways = self.pathways(graph.get("pathways"), taken)
        if self.numeric_ids:
            self.notices.insert(1 if fields and self.notices and self.notices[0].startswith(
                "Map fields") else 0, f"Ids written as whole numbers became text for "
                f"{plural(self.numeric_ids, 'item')} (1 -> \"1\").")
        if self.left_out:
            parts = [f"{name} ({plural(n, what)})" for (name, what), n in
                     sorted(self.left_out.items())]
            self.notices.append("Attributes servicemap has no field for were left out: "
                                f"{listing(parts)}.")
        return (fields, list(nodes.values()), edges, pathways), self.problems


def comments_from_node_link(data: object, where: str = "the JSON data") -> list[Comment]:
    """The review comments in ``graph["comments"]`` (none when absent), unchecked."""
    graph = data.get("graph") if isinstance(data, dict) else None
    raw = graph.get("comments") if isinstance(graph, dict) else None
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise FileFormatError(f"{where}: comments are not a list.")
    comments = []
    for i, c in enumerate(raw, start=1):
        if not isinstance(c, dict) or not all(isinstance(c.get(n, ""), str)
                                              for n in COMMENT_FIELD_NAMES):
            raise FileFormatError(f"{where}: comment {i} needs text fields "
                                  f"({', '.join(COMMENT_FIELD_NAMES)}).")
        comments.append(Comment(**{n: c.get(n, "open" if n == "status" else "")
                                   for n in COMMENT_FIELD_NAMES}))
    return comments


def notes_from_node_link(data: object, where: str = "the JSON data") -> list[Note]:
    """The notes in ``graph["notes"]`` (none when absent), unchecked (``width`` defaults to
    the usual width)."""
    graph = data.get("graph") if isinstance(data, dict) else None
    raw = graph.get("notes") if isinstance(graph, dict) else None
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise FileFormatError(f"{where}: notes are not a list.")
    notes = []
    for i, n in enumerate(raw, start=1):
        if not isinstance(n, dict) or not isinstance(n.get("id"), str) \
                or not isinstance(n.get("text", ""), str):
            raise FileFormatError(f"{where}: note {i} needs an id and text.")
        notes.append(Note(n["id"], n.get("text", ""), n.get("x"), n.get("y"),
                          n.get("width", NOTE_WIDTH)))
    return notes


def targets_from_node_link(data: object, where: str = "the JSON data") -> list[Target]:
    """The targets in ``graph["targets"]`` (none when absent), unchecked: a missing due date,
    notes or type of service is empty, a missing wait counted is none."""
    graph = data.get("graph") if isinstance(data, dict) else None
    raw = graph.get("targets") if isinstance(graph, dict) else None
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise FileFormatError(f"{where}: targets are not a list.")
    targets = []
    for i, t in enumerate(raw, start=1):
        if not isinstance(t, dict) or not isinstance(t.get("id"), str):
            raise FileFormatError(f"{where}: target {i} needs an id.")
        values = {n: t.get(n, "") for n in TARGET_FIELD_NAMES}
        values["due"] = "" if values["due"] is None else values["due"]
        values["threshold"], values["wait_days"] = t.get("threshold"), t.get("wait_days")
        targets.append(Target(**values))
    return targets


def scenarios_from_node_link(data: object, where: str = "the JSON data") -> list[Scenario]:
    """The scenarios in ``graph["scenarios"]`` (none when absent): each ``{id, name,
    description, changes}``, a change ``{op, item, id, fields}``; a malformed one is one
    sentence."""
    graph = data.get("graph") if isinstance(data, dict) else None
    raw = graph.get("scenarios") if isinstance(graph, dict) else None
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise FileFormatError(f"{where}: scenarios are not a list.")
    try:
        return [scenario_from_dict(s) for s in raw]
    except ValidationError as exc:
        raise FileFormatError(f"{where}: {exc}") from None


def check_node_link(data: object, where: str, stem: str = "Imported map"
                    ) -> tuple[rules.MapCheck, list[str]]:
    """What ``servicemap validate`` says of node-link data: the map read as
    :func:`read_node_link` reads it (the same defaults filled in), checked without building
    it, and the notices listing those defaults. A contradiction the reading finds (an empty
    id, an unknown kind) is an error among the check's problems."""
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise FileFormatError(f"{where} is not a servicemap map: it has no list of nodes.")
    reader = _Reader(data, where, stem, None)
    records, problems = reader.read()
    result = rules.check_records(*records, comments_from_node_link(data, where),
                                notes_from_node_link(data, where),
                                targets_from_node_link(data, where))
    found = [p.message for p in result.problems]
    result.problems[:0] = [rules.Problem(p) for p in problems if p not in found]
    return result, reader.notices


def filled_records(data: object, where: str, stem: str = "Imported map"):
    """The map's plain records ``(map_fields, nodes, edges, pathways)`` as
    :func:`read_node_link` reads them (the same defaults filled in), unchecked."""
    return _Reader(data, where, stem, None).read()[0]


def read_node_link(data: object, where: str, stem: str = "Imported map",
                   undirected: str | None = None) -> Imported:
    """A map and its notices from node-link data; :class:`ImportProblems` lists every
    contradiction. ``stem`` is the title when the data has none; ``undirected`` is
    ``"one-way"`` (the default) or ``"both-ways"`` for an undirected graph."""
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise FileFormatError(f"{where} is not a servicemap map: it has no list of nodes.")
    reader = _Reader(data, where, stem, undirected)
    records, problems = reader.read()
    comments = comments_from_node_link(data, where)
    notes = notes_from_node_link(data, where)
    targets = targets_from_node_link(data, where)
    scenarios = scenarios_from_node_link(data, where)
    fallback = ""
    if not problems:
        try:
            doc = Document.from_records(*records, comments, notes, targets, scenarios)
            return Imported(doc, reader.notices, data.get("directed") is False)
        except ValidationError as exc:  # the first problem; the checks below list them all
            fallback = str(exc)
    found = [p.message for p in rules.check_map(*records) if p.severity == "error"]
    problems += [p for p in found if p not in problems]
    if not problems and targets:  # every target's problems, each one sentence
        problems = check_targets(targets, {n.get("id") for n in records[1]
                                           if n.get("kind") == NodeKind.ORGANISATION})
    raise ImportProblems(where, problems or [fallback])
