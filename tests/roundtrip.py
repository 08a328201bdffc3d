"""A map written to one of the exchange formats and read back: the round trips of fields
through every format (tests/test_provenance.py, test_pathway_provenance.py,
test_queue_fields.py, test_occupancy.py)."""

from __future__ import annotations

from pathlib import Path

from servicemap import store
from servicemap.graph.document import Document
from servicemap.io import csvfiles, graphml, graphml_read, ods, xlsx
from servicemap.io.exchange import read_json, write_json

# format: (file or folder name, write, read)
FORMATS = {
    "smap": ("m.smap", store.save, store.load),
    "json": ("m.json", write_json, read_json),
    "xlsx": ("m.xlsx", xlsx.write_xlsx, xlsx.read_xlsx),
    "ods": ("m.ods", ods.write_ods, ods.read_ods),
    "csv": ("csv", csvfiles.write_csv_folder, csvfiles.read_csv_folder),
    "zip": ("m.zip", csvfiles.write_csv_zip, csvfiles.read_csv_zip),
    "graphml": ("m.graphml", graphml.write_graphml, graphml_read.read_graphml),
    "flat-graphml": ("flat.graphml", graphml.write_flat_graphml, graphml_read.read_graphml),
}


def through(fmt: str, doc: Document, folder: Path) -> Document:
    """``doc`` written as ``fmt`` (a key of :data:`FORMATS`) in ``folder`` and read back."""
    name, write, read = FORMATS[fmt]
    write(doc, folder / name)
    return read(folder / name)


def assert_kept(back: Document, doc: Document, nodes: dict[str, tuple[str, ...]] | None = None,
                edges: dict[str, tuple[str, ...]] | None = None) -> None:
    """``back`` has the fields ``doc`` has: ``nodes`` and ``edges`` name, by id, the fields to
    compare (a failure says which item and field)."""
    for node_id, names in (nodes or {}).items():
        for name in names:
            assert back.node(node_id)[name] == doc.node(node_id)[name], (node_id, name)
    for edge_id, names in (edges or {}).items():
        for name in names:
            assert back.edge(edge_id)[name] == doc.edge(edge_id)[name], (edge_id, name)
