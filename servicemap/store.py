"""The .smap file: the only module that touches SQLite.

A map is one SQLite database (rollback journal, never WAL: files travel by email and shared
drives) marked with ``PRAGMA application_id`` and versioned with ``PRAGMA user_version``.

* :func:`load` opens the file read-only and defensively, reads rows into plain records, checks
  them, and only then builds a :class:`Document`; any problem is one :class:`FileFormatError`
  sentence and the file is never written.
* :func:`save` writes a temporary file beside the target, fsyncs and verifies it, keeps the
  previous file as ``NAME.smap.bak`` and then replaces the target in one atomic rename.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import stat
import struct
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from servicemap import atomic, file_attributes
from servicemap.errors import FileFormatError, SaveError, ValidationError
from servicemap.gcpause import gc_paused
from servicemap.graph import rules
from servicemap.graph.rules import MapCheck
from servicemap.graph.scenarios import Change, Scenario, check_scenarios
from servicemap.model import (
    ALL_EDGE_FIELD_NAMES,
    ALL_NODE_FIELD_NAMES,
    COMMENT_FIELD_NAMES,
    MAP_FIELDS,
    NOTE_FIELD_NAMES,
    TARGET_FIELD_NAMES,
    Comment,
    Note,
    Pathway,
    Target,
)
from servicemap.words import escaped

if TYPE_CHECKING:
    from servicemap.graph.document import Document

APPLICATION_ID = 0x534D4150  # "SMAP"
SCHEMA_VERSION = 10
SQLITE_MAGIC = b"SQLite format 3\x00"

REAL_FIELDS = {"x", "y", "population", "capacity", "wait_target_days", "pct_within_target",
               "dna_rate_most_deprived", "dna_rate_least_deprived", "volume_per_year",
               "median_wait_days", "length_of_stay_days", "target_occupancy_pct",
               "pct_followed_up_72h", "arrivals_per_year", "share_pct", "transfer_delay_days",
               "los_sd_days", "queue_limit"}
INT_FIELDS = {"pinned", "verified", "blocking"}


def _columns(names: tuple[str, ...]) -> dict[str, type]:
    return {n: float if n in REAL_FIELDS else int if n in INT_FIELDS else str for n in names}


NODE_COLUMNS = {"id": str, "kind": str, **_columns(ALL_NODE_FIELD_NAMES)}
EDGE_COLUMNS = {"id": str, "kind": str, "source": str, "target": str,
                **_columns(ALL_EDGE_FIELD_NAMES)}
TABLES = {
    "meta": {"key": str, "value": str},
    "nodes": NODE_COLUMNS,
    "edges": EDGE_COLUMNS,
    # Version 7: a pathway's provenance (source, as_of, verified), as a node's.
    "pathways": {"id": str, "position": int, "name": str, "description": str,
                 "source": str, "as_of": str, "verified": int},
    "pathway_steps": {"pathway_id": str, "position": int, "node_id": str},
    # Version 3: review comments, in order (a reply after the comment it answers).
    "comments": {"id": str, "position": int, **{n: str for n in COMMENT_FIELD_NAMES[1:]}},
    # Version 4: notes (free text boxes on the canvas), in drawing order.
    "notes": {"id": str, "position": int, "text": str, "x": float, "y": float, "width": float},
    # Version 5: targets (what an organisation holds itself to), in order.
    "targets": {"id": str, "position": int, "name": str, "organisation": str, "measure": str,
                "threshold": float, "due": str, "notes": str, "service_type": str,
                "wait_days": float},
}
# Version 9: scenarios (named sets of changes to the map), in order, and their changes in
# order; a change's fields are one JSON object (docs/data-model.md, "Scenarios").
SCENARIO_TABLE = "scenarios"
SCENARIO_COLUMNS = {"id": str, "position": int, "name": str, "description": str}
SCENARIO_CHANGE_TABLE = "scenario_changes"
SCENARIO_CHANGE_COLUMNS = {"scenario_id": str, "position": int, "op": str, "item": str,
                           "item_id": str, "fields": str}
SCENARIO_TABLES = {SCENARIO_TABLE: SCENARIO_COLUMNS,
                   SCENARIO_CHANGE_TABLE: SCENARIO_CHANGE_COLUMNS}
TABLES.update(SCENARIO_TABLES)


# ----- migrations ---------------------------------------------------------------------------
def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    """Version 1 kept pathway steps as a JSON list and had no pinned or DESDE fields."""
    conn.execute("ALTER TABLE nodes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE nodes ADD COLUMN desde_code TEXT")
    conn.execute("CREATE TABLE pathway_steps (pathway_id TEXT, position INTEGER, node_id TEXT, "
                 "PRIMARY KEY (pathway_id, position))")
    for pid, steps in conn.execute("SELECT id, steps FROM pathways").fetchall():
        try:
            nodes = json.loads(steps or "[]")
        except ValueError:
            raise FileFormatError(f"pathway {pid!r} has unreadable steps") from None
        conn.executemany("INSERT INTO pathway_steps VALUES (?, ?, ?)",
                         [(pid, i, n) for i, n in enumerate(nodes)])
    conn.execute("ALTER TABLE pathways DROP COLUMN steps")


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    """Version 3 adds the comments table (review comments); a version-2 map has none."""
    sql_types = {str: "TEXT", int: "INTEGER"}
    cols = ", ".join(f'"{c}" {sql_types[t]}' for c, t in TABLES["comments"].items())
    conn.execute(f"CREATE TABLE comments ({cols}, PRIMARY KEY (id))")


# Version 4 (not yet released when both were added): the notes table, and a service's length of
# stay and target occupancy as node columns (unknown in older maps).
V4_NODE_COLUMNS = ("length_of_stay_days", "target_occupancy_pct")


def _migrate_3_to_4(conn: sqlite3.Connection) -> None:
    """Version 4 adds the notes table (text boxes on the canvas; a version-3 map has none) and
    the length-of-stay and target-occupancy columns of nodes."""
    sql_types = {str: "TEXT", int: "INTEGER", float: "REAL"}
    cols = ", ".join(f'"{c}" {sql_types[t]}' for c, t in TABLES["notes"].items())
    conn.execute(f"CREATE TABLE notes ({cols}, PRIMARY KEY (id))")
    for column in V4_NODE_COLUMNS:
        conn.execute(f'ALTER TABLE nodes ADD COLUMN "{column}" REAL')


# Version 5: provenance on every node and edge (docs/data-model.md): where the facts come from,
# the date they describe and whether they were checked. An edge's is ``source_ref`` (its
# ``source`` column is the node it leaves).
V5_NODE_COLUMNS = {"source": "TEXT", "as_of": "TEXT", "verified": "INTEGER NOT NULL DEFAULT 0"}
V5_EDGE_COLUMNS = {"source_ref": "TEXT", "as_of": "TEXT",
                   "verified": "INTEGER NOT NULL DEFAULT 0"}


def _migrate_4_to_5(conn: sqlite3.Connection) -> None:
    """Version 5 adds the provenance columns of nodes and edges (unknown, not verified)."""
    for table, columns in (("nodes", V5_NODE_COLUMNS), ("edges", V5_EDGE_COLUMNS)):
        have = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
        for column, sql_type in columns.items():
            if column in have:  # an older file with a column of that name already: keep it
                continue
            conn.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {sql_type}')


# Version 6: the targets table, and a service's share of discharges followed up within 72 hours.
V6_NODE_COLUMNS = ("pct_followed_up_72h",)


def _migrate_5_to_6(conn: sqlite3.Connection) -> None:
    """Version 6 adds the targets table (a version-5 map has none) and the follow-up column."""
    sql_types = {str: "TEXT", int: "INTEGER", float: "REAL"}
    cols = ", ".join(f'"{c}" {sql_types[t]}' for c, t in TABLES["targets"].items())
    conn.execute(f"CREATE TABLE targets ({cols}, PRIMARY KEY (id))")
    for column in V6_NODE_COLUMNS:
        conn.execute(f'ALTER TABLE nodes ADD COLUMN "{column}" REAL')


# Version 7: provenance on pathways, as on nodes (unknown, not verified in an older file).
V7_PATHWAY_COLUMNS = {"source": "TEXT", "as_of": "TEXT",
                      "verified": "INTEGER NOT NULL DEFAULT 0"}


def _migrate_6_to_7(conn: sqlite3.Connection) -> None:
    """Version 7 adds the provenance columns of pathways."""
    for column, sql_type in V7_PATHWAY_COLUMNS.items():
        conn.execute(f'ALTER TABLE pathways ADD COLUMN "{column}" {sql_type}')


# Version 8: the queueing model (docs/data-model.md): an access point's arrivals, a service's
# length-of-stay distribution and spread, queue limit and blocking, a flow's share and transfer
# delay (all unknown in older maps; blocking off).
QUEUE_NODE_COLUMNS = {"arrivals_per_year": "REAL", "los_distribution": "TEXT",
                      "los_sd_days": "REAL", "queue_limit": "REAL", "blocking": "INTEGER"}
QUEUE_EDGE_COLUMNS = {"share_pct": "REAL", "transfer_delay_days": "REAL"}


def _migrate_7_to_8(conn: sqlite3.Connection) -> None:
    """Version 8 adds the queueing columns of nodes and edges."""
    for table, columns in (("nodes", QUEUE_NODE_COLUMNS), ("edges", QUEUE_EDGE_COLUMNS)):
        have = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
        for column, sql_type in columns.items():
            if column not in have:
                conn.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {sql_type}')


def _migrate_8_to_9(conn: sqlite3.Connection) -> None:
    """Version 9 adds the scenarios and their changes (an older map has none)."""
    sql_types = {str: "TEXT", int: "INTEGER", float: "REAL"}
    for table, columns in SCENARIO_TABLES.items():
        cols = ", ".join(f'"{c}" {sql_types[t]}' for c, t in columns.items())
        conn.execute(f"CREATE TABLE {table} ({cols})")


# Version 10: calendars (docs/data-model.md, "Calendars"): a service's places and an access
# point's arrivals by hour of day, day of week or from a date (none in older maps).
CALENDAR_NODE_COLUMNS = {"capacity_calendar": "TEXT", "arrivals_calendar": "TEXT"}


def _migrate_9_to_10(conn: sqlite3.Connection) -> None:
    """Version 10 adds the calendar columns of nodes."""
    have = {row[1] for row in conn.execute('PRAGMA table_info("nodes")')}
    for column, sql_type in CALENDAR_NODE_COLUMNS.items():
        if column not in have:
            conn.execute(f'ALTER TABLE nodes ADD COLUMN "{column}" {sql_type}')


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _migrate_1_to_2,
                                                               2: _migrate_2_to_3,
                                                               3: _migrate_3_to_4,
                                                               4: _migrate_4_to_5,
                                                               5: _migrate_5_to_6,
                                                               6: _migrate_6_to_7,
                                                               7: _migrate_7_to_8,
                                                               8: _migrate_8_to_9,
                                                               9: _migrate_9_to_10}


# ----- loading ------------------------------------------------------------------------------
def load(path: str | os.PathLike) -> Document:
    """Open a .smap file. Raises FileFormatError (one plain sentence) and never writes to it."""
    from servicemap.graph.document import Document  # networkx: only where a map is built

    with gc_paused(), _reading(path) as file:  # tens of thousands of acyclic records
        try:
            return Document.from_records(file.map_fields, file.nodes(), file.edges(),
                                         file.pathways, file.comments, file.notes,
                                         file.targets, file.scenarios)
        except ValidationError as exc:
            raise FileFormatError(f"{file.name} cannot be opened: {exc}") from None


def check(path: str | os.PathLike) -> MapCheck:
    """Read and check a .smap file as :func:`load` does, counting its items, without building
    the map: what ``servicemap info`` and ``validate`` need (the rows stream through, so a
    large map is never all in memory). Problems with the map are in the result; a file that
    cannot be read at all raises FileFormatError."""
    with gc_paused(), _reading(path) as file:
        result = rules.check_records(file.map_fields, file.nodes(), file.edges(),
                                     file.pathways, file.comments, file.notes, file.targets)
        # Scenarios as opening checks them (their names and change records), errors first.
        result.problems[:0] = [rules.Problem(p) for p in check_scenarios(file.scenarios)]
        return result


def read_records(path: str | os.PathLike):
    """Read a .smap file into plain records ``(map_fields, nodes, edges, pathways)`` unchecked
    against the rules."""
    with _reading(path) as file:
        return file.map_fields, list(file.nodes()), list(file.edges()), file.pathways


def read_comments(path: str | os.PathLike) -> list[Comment]:
    """The review comments of a .smap file, in order (unchecked, like :func:`read_records`)."""
    with _reading(path) as file:
        return file.comments


def read_notes(path: str | os.PathLike) -> list[Note]:
    """The notes of a .smap file, in drawing order (unchecked, like :func:`read_records`)."""
    with _reading(path) as file:
        return file.notes


def read_targets(path: str | os.PathLike) -> list[Target]:
    """The targets of a .smap file, in order (unchecked, like :func:`read_records`)."""
    with _reading(path) as file:
        return file.targets


@dataclass
class _OpenFile:
    """A .smap file open for reading: the small tables read, the large ones streamed."""

    name: str
    conn: sqlite3.Connection
    map_fields: dict[str, object]
    pathways: list[Pathway]
    comments: list[Comment]
    notes: list[Note]
    targets: list[Target]
    scenarios: list[Scenario]

    def nodes(self) -> Iterator[dict[str, object]]:
        """The node rows as records, in file order (read while iterating)."""
        node_cols = ", ".join(f'"{c}"' for c in NODE_COLUMNS)
        return _records(self.conn, f"SELECT {node_cols} FROM nodes ORDER BY rowid")

    def edges(self) -> Iterator[dict[str, object]]:
        edge_cols = ", ".join(f'"{c}"' for c in EDGE_COLUMNS)
        return _records(self.conn, f"SELECT {edge_cols} FROM edges ORDER BY rowid")


@contextmanager
def _reading(path: str | os.PathLike) -> Iterator[_OpenFile]:
    """Open a .smap file read-only and defensively (header, quick_check, tables; an older
    version migrated in a copy in memory) and read its small tables; SQLite errors while the
    rows are read, inside the block, become one FileFormatError sentence too."""
    path = Path(path)
    name = path.name
    _check_header(path)
    atomic.check_journals(path)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise FileFormatError(f"{name} cannot be opened: {escaped(str(exc))}.") from None
    try:
        conn = _checked(conn, name)
        yield _OpenFile(name, conn, _read_map_fields(conn, name), _read_pathways(conn, name),
                        _read_comments(conn, name), _read_notes(conn, name),
                        _read_targets(conn, name), _read_scenarios(conn, name))
    except sqlite3.DatabaseError as exc:
        raise FileFormatError(f"{name} is damaged or is not a servicemap map "
                              f"({escaped(str(exc))}).") from None
    finally:
        conn.close()


def _checked(conn: sqlite3.Connection, name: str) -> sqlite3.Connection:
    """The connection to read from once the file passed its checks: ``conn`` itself, or for
    an older version a migrated copy in memory (``conn`` is then closed)."""
    conn.execute("PRAGMA trusted_schema=OFF")
    report = _check_report(conn)
    if report is not None:
        raise FileFormatError(f"{name} is damaged and cannot be opened ({report}).")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version < SCHEMA_VERSION:
        memory = sqlite3.connect(":memory:")
        conn.backup(memory)
        conn.close()
        conn = memory
        conn.execute("PRAGMA trusted_schema=OFF")
        # Triggers and views are never ours: drop them from the copy so none runs and none
        # blocks a migration (a view naming a column the migration drops).
        for kind, item in conn.execute("SELECT type, name FROM sqlite_master WHERE type IN "
                                       "('trigger', 'view')").fetchall():
            quoted = item.replace('"', '""')
            conn.execute(f'DROP {kind.upper()} "{quoted}"')
        _check_tables(conn, name, version)
        while version < SCHEMA_VERSION:
            try:
                MIGRATIONS[version](conn)
            except FileFormatError as exc:
                raise FileFormatError(f"{name} cannot be opened: {exc}.") from None
            version += 1
    _check_tables(conn, name, SCHEMA_VERSION)
    return conn


CHECK_LINES = 100  # what SQLite's quick_check lists at most; more are counted as "or more"


def _lenient_text(raw: bytes) -> str:
    """SQLite text as str, bytes that are not UTF-8 shown as U+FFFD (sqlite3's text_factory)."""
    return raw.decode("utf-8", "replace")


def _check_report(conn: sqlite3.Connection) -> str | None:
    """SQLite's quick_check of the file summarised in one clause (None: it passed). The report
    can run to a hundred lines, name internal pages and hold bytes that are not UTF-8: it is
    counted, its first finding kept (decoded leniently, control characters escaped)."""
    conn.text_factory = _lenient_text
    try:
        rows = [row[0] for row in conn.execute(f"PRAGMA quick_check({CHECK_LINES})")]
    finally:
        conn.text_factory = str
    if rows == ["ok"]:
        return None
    findings = [line.strip() for row in rows for line in str(row).splitlines()
                if line.strip() and not line.startswith("*** in database")]
    if not findings:
        return "SQLite's check of the file failed"
    first = escaped(findings[0].rstrip("."))
    if len(first) > 120:
        first = first[:117] + "..."
    if len(findings) == 1:
        return f"SQLite's check of the file found a problem: {first}"
    more = " or more" if len(findings) >= CHECK_LINES else ""
    return f"SQLite's check of the file found {len(findings):,}{more} problems, the first: {first}"


def _check_header(path: Path) -> None:
    name = path.name
    try:
        st = path.stat()
        size = st.st_size
        if not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
            raise FileFormatError(f"{path} is not a regular file (a pipe or a device), so it "
                                  "is not a map file.")
        with path.open("rb") as fh:
            header = fh.read(100)
    except FileNotFoundError:
        raise FileFormatError(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise FileFormatError(f"{path} is a folder, not a map file.") from None
    except OSError as exc:
        raise FileFormatError(f"{path} cannot be read: {exc.strerror or exc}.") from None
    if size == 0:
        raise FileFormatError(f"{name} is empty: it holds no map.")
    if not header.startswith(SQLITE_MAGIC):
        raise FileFormatError(f"{name} is not a servicemap map (it is not a SQLite database; "
                              "perhaps another kind of file was renamed .smap).")
    if len(header) < 100:
        raise FileFormatError(f"{name} is truncated: the file ends inside its header.")
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    pages = struct.unpack(">I", header[28:32])[0]
    valid_count = header[24:28] == header[92:96]
    if valid_count and pages and size < page_size * pages:
        raise FileFormatError(f"{name} is truncated: it holds {size:,} bytes of the "
                              f"{page_size * pages:,} it should (was the copy interrupted?).")
    user_version = struct.unpack(">i", header[60:64])[0]
    application_id = struct.unpack(">i", header[68:72])[0]
    if application_id != APPLICATION_ID:
        raise FileFormatError(f"{name} is a SQLite database from another program, not a "
                              "servicemap map.")
    if user_version > SCHEMA_VERSION:
        raise FileFormatError(f"{name} was saved by a newer version of servicemap (file format "
                              f"{user_version}; this version reads up to {SCHEMA_VERSION}). "
                              "Please update servicemap to open it.")
    if user_version < 1:
        raise FileFormatError(f"{name} has no file format version; it is not a servicemap map.")


def _check_tables(conn: sqlite3.Connection, name: str, version: int) -> None:
    tables = {row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table'")}
    v9_nodes = {c: t for c, t in NODE_COLUMNS.items() if c not in CALENDAR_NODE_COLUMNS}
    v6_nodes = {c: t for c, t in v9_nodes.items() if c not in QUEUE_NODE_COLUMNS}
    v6_edges = {c: t for c, t in EDGE_COLUMNS.items() if c not in QUEUE_EDGE_COLUMNS}
    v4_nodes = {c: t for c, t in v6_nodes.items()
                if c not in V5_NODE_COLUMNS and c not in V6_NODE_COLUMNS}
    v5_nodes = {c: t for c, t in v6_nodes.items() if c not in V6_NODE_COLUMNS}
    v4_edges = {c: t for c, t in v6_edges.items() if c not in V5_EDGE_COLUMNS}
    v3_nodes = {c: t for c, t in v4_nodes.items() if c not in V4_NODE_COLUMNS}
    v6_pathways = {c: t for c, t in TABLES["pathways"].items() if c not in V7_PATHWAY_COLUMNS}
    before_9 = {t: c for t, c in TABLES.items() if t not in SCENARIO_TABLES}
    if version == SCHEMA_VERSION:
        wanted = TABLES
    elif version == 9:  # version 10 added the calendar columns
        wanted = TABLES | {"nodes": v9_nodes}
    elif version == 8:  # version 9 added the scenarios
        wanted = before_9 | {"nodes": v9_nodes}
    elif version == 7:  # version 8 added the queueing columns
        wanted = before_9 | {"nodes": v6_nodes, "edges": v6_edges}
    elif version == 6:  # version 7 added the pathways' provenance columns
        wanted = before_9 | {"nodes": v6_nodes, "edges": v6_edges, "pathways": v6_pathways}
    elif version == 5:  # version 6 added the targets table and the follow-up column
        wanted = {t: c for t, c in before_9.items() if t != "targets"} | {"nodes": v5_nodes,
                                                                            "edges": v6_edges}
    elif version == 4:  # version 5 added the provenance columns
        wanted = {t: c for t, c in before_9.items() if t != "targets"} | {"nodes": v4_nodes,
                                                                            "edges": v4_edges}
    elif version in (2, 3):  # version 3 added the comments table, version 4 the notes
        added = {"comments", "notes", "targets"} if version == 2 else {"notes", "targets"}
        wanted = {t: c for t, c in before_9.items() if t not in added} | {"nodes": v3_nodes,
                                                                            "edges": v4_edges}
    else:
        wanted = {
            "meta": TABLES["meta"], "nodes": {"id": str, "kind": str, "name": str},
            "edges": {"id": str, "kind": str, "source": str, "target": str},
            "pathways": {"id": str, "name": str, "steps": str}}
    if version < 6 and "pathways" in wanted and version > 1:
        wanted = wanted | {"pathways": v6_pathways}
    for table, columns in wanted.items():
        if table not in tables:
            raise FileFormatError(f"{name} is missing its {table} table; it is not a complete "
                                  "servicemap map.")
        have = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
        missing = [c for c in columns if c not in have]
        if missing:
            raise FileFormatError(f"{name} is missing the column {missing[0]!r} in its {table} "
                                  "table; it is not a complete servicemap map.")


def _rows(conn: sqlite3.Connection, sql: str) -> list[dict[str, object]]:
    return list(_records(conn, sql))


def _records(conn: sqlite3.Connection, sql: str) -> Iterator[dict[str, object]]:
    """The rows of a query as dicts by column name, one at a time."""
    cursor = conn.execute(sql)
    cols = tuple(d[0] for d in cursor.description)
    return map(dict, map(functools.partial(zip, cols), cursor))


def _read_map_fields(conn: sqlite3.Connection, name: str) -> dict[str, object]:
    map_fields: dict[str, object] = {}
    for row in _rows(conn, "SELECT key, value FROM meta"):
        try:
            map_fields[row["key"]] = json.loads(row["value"])
        except (TypeError, ValueError, RecursionError):
            raise FileFormatError(f"{name} has an unreadable value for the map field "
                                  f"{row['key']!r}.") from None
    return map_fields


def _read_pathways(conn: sqlite3.Connection, name: str) -> list[Pathway]:
    steps: dict[object, list[str]] = {}
    for pid, node_id in conn.execute(
            "SELECT pathway_id, node_id FROM pathway_steps ORDER BY pathway_id, position"):
        steps.setdefault(pid, []).append(node_id)
    pathways = []
    for row in _rows(conn, "SELECT id, name, description, source, as_of, verified FROM pathways "
                           "ORDER BY position"):
        for key in ("id", "name"):
            if not isinstance(row[key], str):
                raise FileFormatError(f"{name} has a pathway whose {key} is not text.")
        pathways.append(Pathway(row["id"], row["name"], row["description"] or "",
                                steps.get(row["id"], []), row["source"], row["as_of"],
                                row["verified"]))
    return pathways


def _read_comments(conn: sqlite3.Connection, name: str) -> list[Comment]:
    cols = ", ".join(f'"{c}"' for c in COMMENT_FIELD_NAMES)
    comments = []
    for row in _rows(conn, f"SELECT {cols} FROM comments ORDER BY position, rowid"):
        for key, value in row.items():
            if value is None and key not in ("id", "text", "status"):
                row[key] = ""  # an empty target (the map), reply_to or name
            elif not isinstance(value, str):
                raise FileFormatError(f"{name} has a comment whose {key} is not text.")
        comments.append(Comment(**row))
    return comments


def _read_notes(conn: sqlite3.Connection, name: str) -> list[Note]:
    cols = ", ".join(f'"{c}"' for c in NOTE_FIELD_NAMES)
    notes = []
    for row in _rows(conn, f"SELECT {cols} FROM notes ORDER BY position, rowid"):
        if not isinstance(row["id"], str) or not isinstance(row["text"] or "", str):
            raise FileFormatError(f"{name} has a note whose id or text is not text.")
        for key in ("x", "y", "width"):
            if isinstance(row[key], bool) or not isinstance(row[key], (int, float)):
                raise FileFormatError(f"{name} has a note whose {key} is not a number.")
        notes.append(Note(row["id"], row["text"] or "", row["x"], row["y"], row["width"]))
    return notes


def _read_targets(conn: sqlite3.Connection, name: str) -> list[Target]:
    cols = ", ".join(f'"{c}"' for c in TARGET_FIELD_NAMES)
    targets = []
    for row in _rows(conn, f"SELECT {cols} FROM targets ORDER BY position, rowid"):
        for key in ("id", "name", "organisation", "measure"):
            if not isinstance(row[key], str):
                raise FileFormatError(f"{name} has a target whose {key} is not text.")
        for key in ("due", "notes", "service_type"):
            row[key] = "" if row[key] is None else row[key]
        targets.append(Target(**row))  # its numbers and text checked with the map
    return targets


def _read_scenarios(conn: sqlite3.Connection, name: str) -> list[Scenario]:
    changes: dict[object, list[Change]] = {}
    cols = ", ".join(f'"{c}"' for c in SCENARIO_CHANGE_COLUMNS)
    for row in _rows(conn, f"SELECT {cols} FROM {SCENARIO_CHANGE_TABLE} "
                           "ORDER BY scenario_id, position, rowid"):
        try:
            fields = json.loads(row["fields"]) if row["fields"] else {}
        except (TypeError, ValueError, RecursionError):
            raise FileFormatError(f"{name} has a scenario change to {row['item_id']!r} whose "
                                  "fields cannot be read.") from None
        changes.setdefault(row["scenario_id"], []).append(
            Change(row["op"], row["item"], row["item_id"], fields))
    scenarios = []
    for row in _rows(conn, f"SELECT id, name, description FROM {SCENARIO_TABLE} "
                           "ORDER BY position, rowid"):
        if not isinstance(row["id"], str) or not isinstance(row["name"], str):
            raise FileFormatError(f"{name} has a scenario whose id or name is not text.")
        scenarios.append(Scenario(row["id"], row["name"], row["description"] or "",
                                  changes.get(row["id"], [])))  # checked with the map
    return scenarios


# ----- saving -------------------------------------------------------------------------------
def backup_path(path: str | os.PathLike) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".bak")


def save(document: Document, path: str | os.PathLike, mode: int | None = None,
         attribute_calls: file_attributes.Calls | None = None) -> None:
    """Save atomically: the target is either the old file or the new one, never half of each.

    The saved file (and its ``.bak``) keeps the old file's permission bits (a private 0600 map
    stays private) and, on Windows, its hidden, system and not-indexed attributes
    (``attribute_calls``: how they are read and set, None for the platform's own); ``mode`` is
    the permission of a file that does not exist yet (None: the platform's default). A
    read-only file is refused, never made writable; the temporary copy is private while it is
    written."""
    path = Path(path)
    atomic.check_name_room(path)
    keep = atomic.existing_mode(path)
    attributes = file_attributes.kept(path, attribute_calls) if keep is not None else 0
    final = keep if keep is not None else mode
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        atomic.create_private(tmp, final is None)
        expected = _write(document, tmp)
        if final is not None:
            os.chmod(tmp, final)
        atomic.fsync_file(tmp)
        _verify(tmp, expected)
        if keep is not None:
            atomic.keep_backup(path, keep, attributes, attribute_calls)
        file_attributes.give(tmp, attributes, attribute_calls)  # before the rename: never without
        aside = atomic.set_journals_aside(path)
        os.replace(tmp, path)
        atomic.fsync_dir(path.parent)
        atomic.discard(aside)
    except (OSError, sqlite3.Error, ValueError, OverflowError) as exc:
        # ValueError/OverflowError: text SQLite cannot encode (lone surrogates) or a
        # number too large for it; the map cannot be saved, the old file stays.
        after = "the file on disk is unchanged" if keep is not None else "nothing was written"
        raise SaveError(f"{path.name} could not be saved ({atomic.reason(exc)}); {after}.") \
            from exc
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            try:
                leftover.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                pass


def _write(document: Document, tmp: Path) -> dict[str, int]:
    from sqlite_utils import Database  # only saving uses it: opening needs sqlite3 alone

    db = Database(tmp)  # save() made it, empty and private
    try:
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("PRAGMA synchronous=OFF")  # the whole file is fsynced before it is used
        db.execute(f"PRAGMA application_id={APPLICATION_ID}")
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        with db.conn:
            db["meta"].create(TABLES["meta"], pk="key")
            db["nodes"].create(NODE_COLUMNS, pk="id", not_null={"kind", "name"})
            db["edges"].create(EDGE_COLUMNS, pk="id", not_null={"kind", "source", "target"})
            db["pathways"].create(TABLES["pathways"], pk="id")
            db["pathway_steps"].create(TABLES["pathway_steps"], pk=("pathway_id", "position"))
            db["comments"].create(TABLES["comments"], pk="id")
            db["notes"].create(TABLES["notes"], pk="id", not_null={"x", "y", "width"})
            db["targets"].create(TABLES["targets"], pk="id",
                                 not_null={"name", "organisation", "measure", "threshold"})
            for table, columns in SCENARIO_TABLES.items():
                db[table].create(columns)
            db.conn.executemany("INSERT INTO meta VALUES (?, ?)",
                                [(f.name, json.dumps(document.graph.graph.get(f.name)))
                                 for f in MAP_FIELDS])
            node_cols = tuple(NODE_COLUMNS)
            rest = node_cols[1:]  # after the id
            nodes = [(n, *map(attrs.get, rest)) for n, attrs in document.graph.nodes(data=True)]
            db.conn.executemany(f"INSERT INTO nodes VALUES ({', '.join('?' * len(node_cols))})",
                                nodes)
            edge_cols = EDGE_COLUMNS.keys() - {"id", "source", "target"}
            order = ("id", "source", "target", *[c for c in EDGE_COLUMNS if c in edge_cols])
            edges = [(k, u, v, *map(d.get, order[3:]))
                     for u, v, k, d in document.graph.edges(keys=True, data=True)]
            cols = ", ".join(f'"{c}"' for c in order)
            db.conn.executemany(f"INSERT INTO edges ({cols}) VALUES "
                                f"({', '.join('?' * len(order))})", edges)
            db.conn.executemany("INSERT INTO pathways VALUES (?, ?, ?, ?, ?, ?, ?)",
                                [(p.id, i, p.name, p.description, p.source, p.as_of,
                                  int(p.verified))
                                 for i, p in enumerate(document.pathways.values())])
            db.conn.executemany("INSERT INTO pathway_steps VALUES (?, ?, ?)",
                                [(p.id, i, s) for p in document.pathways.values()
                                 for i, s in enumerate(p.steps)])
            db.conn.executemany(f"INSERT INTO comments VALUES "
                                f"({', '.join('?' * len(TABLES['comments']))})",
                                [(c.id, i, *(getattr(c, n) for n in COMMENT_FIELD_NAMES[1:]))
                                 for i, c in enumerate(document.comments.values())])
            db.conn.executemany("INSERT INTO notes VALUES (?, ?, ?, ?, ?, ?)",
                                [(n.id, i, n.text, n.x, n.y, n.width)
                                 for i, n in enumerate(document.notes.values())])
            db.conn.executemany(f"INSERT INTO targets VALUES "
                                f"({', '.join('?' * len(TABLES['targets']))})",
                                [(t.id, i, *(getattr(t, n) for n in TARGET_FIELD_NAMES[1:]))
                                 for i, t in enumerate(document.targets.values())])
            scenarios = list(document.scenarios.values())
            db.conn.executemany(f"INSERT INTO {SCENARIO_TABLE} VALUES (?, ?, ?, ?)",
                                [(s.id, i, s.name, s.description)
                                 for i, s in enumerate(scenarios)])
            db.conn.executemany(f"INSERT INTO {SCENARIO_CHANGE_TABLE} VALUES "
                                "(?, ?, ?, ?, ?, ?)",
                                [(s.id, i, c.op, c.item, c.id, json.dumps(dict(c.fields)))
                                 for s in scenarios for i, c in enumerate(s.changes)])
    finally:
        db.close()
    return {"meta": len(MAP_FIELDS), "nodes": len(nodes), "edges": len(edges),
            "pathways": len(document.pathways),
            "pathway_steps": sum(len(p.steps) for p in document.pathways.values()),
            "comments": len(document.comments), "notes": len(document.notes),
            "targets": len(document.targets), SCENARIO_TABLE: len(document.scenarios),
            SCENARIO_CHANGE_TABLE: sum(len(s.changes) for s in document.scenarios.values())}


def _verify(tmp: Path, expected: dict[str, int]) -> None:
    conn = sqlite3.connect(f"{tmp.resolve().as_uri()}?mode=ro", uri=True)
    try:
        report = _check_report(conn)
        if report is not None:
            raise sqlite3.DatabaseError(f"the written copy failed its check: {report}")
        for table, count in expected.items():
            got = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            if got != count:
                raise sqlite3.DatabaseError(f"the written copy has {got} rows in {table}, "
                                            f"not {count}")
    finally:
        conn.close()
