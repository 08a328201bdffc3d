"""The JSON exchange format: networkx node-link data (``edges="edges"``).

Top level ``directed``, ``multigraph``, ``graph`` (the map fields plus ``pathways``, a list of
``{id, name, description, steps}``), ``nodes`` (``id``, ``kind`` and the node's fields) and
``edges`` (``source``, ``target``, ``key`` — the edge id, also written as ``id`` — ``kind`` and
the edge's fields). ``graph["comments"]`` lists the review comments (``{id, target, author,
created, text, status, reply_to, target_name}``, a reply after the comment it answers);
``graph["notes"]`` the notes, the canvas's text boxes (``{id, text, x, y, width}``, in drawing
order); ``graph["targets"]`` the targets (``{id, name, organisation, measure, threshold, due,
notes, service_type, wait_days}``, in order); ``graph["scenarios"]`` the scenarios (``{id,
name, description, changes}``, each change ``{op, item, id, fields}``). Any may be absent
(none). Reading checks every record before building, like opening a .smap file. Files written
by networkx itself (no map fields, whole-number ids, ``links``) are read by
:mod:`servicemap.io.node_link`, which fills in what is missing and says what it filled in.
"""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import networkx as nx

from servicemap.errors import FileFormatError, SaveError, ValidationError
from servicemap.graph.document import Document
from servicemap.io.node_link import (
    comments_from_node_link,
    notes_from_node_link,
    read_node_link,
    scenarios_from_node_link,
    targets_from_node_link,
)
from servicemap.io.report import Imported
from servicemap.model import MAP_FIELDS, Pathway, pathway_provenance

MAX_JSON_BYTES = 200 * 1024 * 1024


def to_node_link(document: Document) -> dict:
    data = nx.node_link_data(document.graph, edges="edges")
    data["graph"] = {**document.map_fields(),
                     "pathways": [p.to_dict() for p in document.pathways.values()],
                     "comments": [c.to_dict() for c in document.comments.values()],
                     "notes": [n.to_dict() for n in document.notes.values()],
                     "targets": [t.to_dict() for t in document.targets.values()],
                     "scenarios": [s.as_dict() for s in document.scenarios.values()]}
    for edge in data["edges"]:
        edge["id"] = edge["key"]
    return data


def records_from_node_link(data: object, where: str = "the JSON data"):
    """Plain records ``(map_fields, nodes, edges, pathways)`` from node-link data."""
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise FileFormatError(f"{where} is not a servicemap map: it has no list of nodes.")
    edges_in = data.get("edges", data.get("links", []))
    if not isinstance(edges_in, list):
        raise FileFormatError(f"{where} is not a servicemap map: its edges are not a list.")
    graph = data.get("graph") or {}
    if not isinstance(graph, dict):
        raise FileFormatError(f"{where} is not a servicemap map: its graph fields are not an "
                              "object.")
    map_fields = {f.name: graph.get(f.name) for f in MAP_FIELDS}
    nodes, edges, pathways = [], [], []
    for i, node in enumerate(data["nodes"], start=1):
        if not isinstance(node, dict):
            raise FileFormatError(f"{where}: node {i} is not an object.")
        nodes.append(node)
    for i, edge in enumerate(edges_in, start=1):
        if not isinstance(edge, dict):
            raise FileFormatError(f"{where}: edge {i} is not an object.")
        edge = dict(edge)
        edge["id"] = edge.get("id", edge.get("key"))
        edge.pop("key", None)
        edges.append(edge)
    raw_pathways = graph.get("pathways") or []
    if not isinstance(raw_pathways, list):
        raise FileFormatError(f"{where}: pathways are not a list.")
    for i, p in enumerate(raw_pathways, start=1):
        if not isinstance(p, dict) or not isinstance(p.get("steps", []), list) \
                or not isinstance(p.get("id"), str):
            raise FileFormatError(f"{where}: pathway {i} needs an id and a list of steps.")
        pathways.append(Pathway(p["id"], p.get("name", ""), p.get("description") or "",
                                list(p.get("steps", [])), **pathway_provenance(p)))
    return map_fields, nodes, edges, pathways


def from_node_link(data: object, where: str = "the JSON data") -> Document:
    records = records_from_node_link(data, where)
    comments = comments_from_node_link(data, where)
    notes = notes_from_node_link(data, where)
    targets = targets_from_node_link(data, where)
    scenarios = scenarios_from_node_link(data, where)
    try:
        return Document.from_records(*records, comments, notes, targets, scenarios)
    except ValidationError as exc:
        raise FileFormatError(f"{where} cannot be used: {exc}") from None


def read_json(path: str | os.PathLike) -> Document:
    """The map in a JSON file: servicemap's own, or node-link data from networkx (missing
    fields filled in; :func:`import_json` also says which)."""
    return import_json(path).document


def import_json(path: str | os.PathLike, undirected: str | None = None) -> Imported:
    """The map in a JSON file and the defaults filled in (:mod:`servicemap.io.node_link`)."""
    path = Path(path)
    return read_node_link(load_json_data(path), path.name, path.stem, undirected)


def load_json_data(path: str | os.PathLike) -> object:
    path = Path(path)
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
            raise FileFormatError(f"{path} is not a regular file (a pipe or a device), so it "
                                  "is not a JSON map.")
        if st.st_size > MAX_JSON_BYTES:
            raise FileFormatError(f"{path.name} is too large to be a map "
                                  f"(over {MAX_JSON_BYTES // 2**20} MB).")
        with path.open("r", encoding="utf-8-sig") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise FileFormatError(f"{path} does not exist.") from None
    except UnicodeDecodeError:
        raise FileFormatError(f"{path.name} is not UTF-8 text, so it is not a JSON map.") \
            from None
    except json.JSONDecodeError as exc:
        raise FileFormatError(f"{path.name} is not valid JSON (line {exc.lineno}, column "
                              f"{exc.colno}: {exc.msg}).") from None
    except RecursionError:
        raise FileFormatError(f"{path.name} is nested too deeply to be a map.") from None
    except ValueError as exc:  # an integer of thousands of digits
        if "digits" in str(exc):
            raise FileFormatError(f"{path.name} holds a number thousands of digits long, too "
                                  "long to be a value of a map, so it was not read.") from None
        raise FileFormatError(f"{path.name} cannot be read as a map ({exc}).") from None
    except OSError as exc:
        raise FileFormatError(f"{path} cannot be read: {exc.strerror or exc}.") from None


def write_json(document: Document, path: str | os.PathLike) -> None:
    """Write the exchange format atomically (temporary file, then rename)."""
    from servicemap.io import safety  # lazily: it loads the XML guards, which reading skips

    path = Path(path)
    data = to_node_link(document)

    def write(fh) -> None:
        text = io.TextIOWrapper(fh, encoding="utf-8", newline="\n")
        json.dump(data, text, indent=1, ensure_ascii=False)
        text.write("\n")
        text.flush()
        text.detach()  # the binary file stays open for write_atomically to sync and close

    try:
        safety.write_atomically(path, write)
    except ValueError as exc:  # text that cannot be written as UTF-8 (lone surrogates)
        raise SaveError(f"{path.name} could not be written ({exc}).") from None
