"""Shared fixtures: the tests keep out of the user's own files (Qt's test mode, settings in a
temporary folder, a check that the user's servicemap folders are unchanged at the end, an
environment for child processes), the sample map (from :mod:`tests.maps`) and saved copies of
it, a version-1 file written with raw sqlite3, an event recorder and a Hypothesis strategy that
makes random valid documents."""

from __future__ import annotations

from PySide6.QtCore import QSettings, QStandardPaths

QStandardPaths.setTestModeEnabled(True)  # before anything asks Qt where the user's files are

import json  # noqa: E402
import os  # noqa: E402
import sqlite3  # noqa: E402
import string  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from servicemap import store  # noqa: E402
from servicemap.graph.document import Document  # noqa: E402
from servicemap.model import (  # noqa: E402
    MARKINGS,
    NOTE_MAX_WIDTH,
    NOTE_MIN_WIDTH,
    TARGET_MEASURES,
    FlowType,
    NodeKind,
    Note,
    Target,
    edge_fields,
    node_fields,
)
from tests.maps import sample_map  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SIGNALS = ("node_added", "node_removed", "node_changed", "nodes_moved", "edge_added",
           "edge_removed", "edge_changed", "pathway_added", "pathway_removed",
           "pathway_changed", "map_changed")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a long-running test (still runs by default)")


# ----- the user's own files stay untouched --------------------------------------------------
def user_folders() -> list[Path]:
    """Where servicemap, or Qt on its behalf, would keep the real user's settings, recent maps
    and autosaves: the usual places and the ones Qt computes outside its test mode."""
    home = Path.home()
    folders = {home / ".config" / "servicemap", home / ".local" / "share" / "servicemap",
               home / ".servicemap", home / ".qttest"}
    QStandardPaths.setTestModeEnabled(False)
    try:
        for location in (QStandardPaths.GenericConfigLocation,
                         QStandardPaths.GenericDataLocation, QStandardPaths.AppDataLocation,
                         QStandardPaths.AppLocalDataLocation, QStandardPaths.AppConfigLocation):
            base = QStandardPaths.writableLocation(location)
            if base:
                folders.add(Path(base) / "servicemap")
    finally:
        QStandardPaths.setTestModeEnabled(True)
    return sorted(folders)


def snapshot(folder: Path) -> tuple | None:
    """Every file and folder under ``folder`` with its size and modification time."""
    if not folder.exists():
        return None
    found = []
    for path in sorted([folder, *folder.rglob("*")]):
        try:
            info = path.stat()
        except OSError:
            continue
        found.append((str(path.relative_to(folder)), info.st_size, info.st_mtime_ns))
    return tuple(found)


def snapshot_user_files() -> dict[Path, tuple | None]:
    return {folder: snapshot(folder) for folder in user_folders()}


@pytest.fixture
def user_files():
    """``user_files()``: a snapshot of the user's own servicemap folders, to compare."""
    return snapshot_user_files


@pytest.fixture(scope="session", autouse=True)
def user_files_untouched():
    """Fails the run when any test wrote into the user's servicemap settings or app data."""
    before = snapshot_user_files()
    yield
    after = snapshot_user_files()
    changed = [str(folder) for folder, seen in before.items() if after.get(folder) != seen]
    if changed:
        pytest.fail("the tests changed the user's own files in " + ", ".join(changed),
                    pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def temporary_qt_settings(user_files_untouched, tmp_path_factory):
    """Any QSettings a test makes without a file of its own lives in a temporary folder."""
    folder = tmp_path_factory.mktemp("qsettings")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, str(folder / scope.name))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    return folder


@pytest.fixture
def child_env(tmp_path) -> dict[str, str]:
    """The environment for a child process: this checkout importable, and its home, settings,
    app data and caches in the test's own folder."""
    home = tmp_path / "child-home"
    home.mkdir(exist_ok=True)
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *([path] if path else [])]),
            "HOME": str(home), "USERPROFILE": str(home),
            "APPDATA": str(home / "AppData" / "Roaming"),
            "LOCALAPPDATA": str(home / "AppData" / "Local"),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_STATE_HOME": str(home / ".local" / "state")}


# ----- the sample map ----------------------------------------------------------------------
@pytest.fixture
def sample_doc() -> Document:
    return sample_map()


@pytest.fixture
def reviewed(sample_doc):
    """The sample map with review comments: two threads (one with two replies), one on the
    map (resolved) and one on a flow whose text looks like a formula."""
    doc = sample_doc
    doc.add_comment("Capacity looks low", "crisis", "Dr Lee", comment_id="a",
                    created="2026-03-01T09:00:00+00:00")
    doc.add_comment("On the map as a whole", "", "Dr Ng", comment_id="b")
    doc.add_comment("Checking", reply_to="a", author="Planner", comment_id="a1")
    doc.add_comment("=HYPERLINK(\"http://evil\",\"click\")", "f_gp_crisis", "@mallory",
                    comment_id="c")
    doc.add_comment("Thanks", reply_to="a1", author="Dr Lee", comment_id="a2")
    doc.update_comment("b", status="resolved")
    return doc


@pytest.fixture
def saved_map(tmp_path: Path) -> Path:
    """The sample map saved as a .smap file."""
    path = tmp_path / "sample.smap"
    store.save(sample_map(), path)
    return path


# ----- recording events ---------------------------------------------------------------------
class Recorder:
    """Connects to every signal of a document and records ``(signal name, args)``."""

    def __init__(self, doc: Document) -> None:
        self.events: list[tuple] = []
        for name in SIGNALS:
            getattr(doc, name).connect(self._slot(name))

    def _slot(self, name: str):
        return lambda *args: self.events.append((name, *args))

    def names(self) -> list[str]:
        return [e[0] for e in self.events]


@pytest.fixture
def record():
    """``record(doc)`` returns a :class:`Recorder` listening to the document."""
    return Recorder


# ----- file state ---------------------------------------------------------------------------
def state_of(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


@pytest.fixture
def file_state():
    """``file_state(path)``: the bytes and mtime of a file, to prove it was not changed."""
    return state_of


# ----- a version-1 file ---------------------------------------------------------------------
V1_NODE_COLUMNS = [c for c in store.NODE_COLUMNS
                   if c not in ("pinned", "desde_code", *store.V4_NODE_COLUMNS,
                                *store.V5_NODE_COLUMNS, *store.V6_NODE_COLUMNS,
                                *store.QUEUE_NODE_COLUMNS, *store.CALENDAR_NODE_COLUMNS)]
V1_EDGE_COLUMNS = [c for c in store.EDGE_COLUMNS
                   if c not in store.V5_EDGE_COLUMNS and c not in store.QUEUE_EDGE_COLUMNS]


def as_version(version: int) -> list[str]:
    """The SQL that makes a map saved now look as servicemap wrote it at schema ``version``
    (2 or later): the tables and columns later versions added, dropped."""
    steps = []
    if version < 10:
        steps += [f"ALTER TABLE nodes DROP COLUMN {c}" for c in store.CALENDAR_NODE_COLUMNS]
    if version < 9:
        steps += [f"DROP TABLE {t}" for t in store.SCENARIO_TABLES]
    if version < 8:
        steps += [*(f"ALTER TABLE nodes DROP COLUMN {c}" for c in store.QUEUE_NODE_COLUMNS),
                  *(f"ALTER TABLE edges DROP COLUMN {c}" for c in store.QUEUE_EDGE_COLUMNS)]
    if version < 7:
        steps += [f"ALTER TABLE pathways DROP COLUMN {c}" for c in store.V7_PATHWAY_COLUMNS]
    if version < 6:
        steps += ["DROP TABLE targets",
                  *(f"ALTER TABLE nodes DROP COLUMN {c}" for c in store.V6_NODE_COLUMNS)]
    if version < 5:
        steps += [*(f"ALTER TABLE nodes DROP COLUMN {c}" for c in store.V5_NODE_COLUMNS),
                  *(f"ALTER TABLE edges DROP COLUMN {c}" for c in store.V5_EDGE_COLUMNS)]
    if version < 4:
        steps += ["DROP TABLE notes",
                  *(f"ALTER TABLE nodes DROP COLUMN {c}" for c in store.V4_NODE_COLUMNS)]
    if version < 3:
        steps.append("DROP TABLE comments")
    return [*steps, f"PRAGMA user_version={version}"]
SQL_TYPES = {str: "TEXT", float: "REAL", int: "INTEGER"}


def write_v1(path: Path, nodes: list[dict], edges: list[dict], pathways: list[dict],
             map_fields: dict | None = None) -> Path:
    """Write a schema version 1 .smap file with raw sqlite3."""
    map_fields = map_fields or {"title": "Old map", "description": "Saved by version 1",
                                "source": "v1", "marking": "OFFICIAL", "illustrative": False,
                                "created": "2024-05-01", "modified": "2024-05-02"}
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"PRAGMA application_id={store.APPLICATION_ID}")
        conn.execute("PRAGMA user_version=1")
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        cols = ", ".join(f'"{c}" {SQL_TYPES[store.NODE_COLUMNS[c]]}' for c in V1_NODE_COLUMNS)
        conn.execute(f"CREATE TABLE nodes ({cols}, PRIMARY KEY (id))")
        cols = ", ".join(f'"{c}" {SQL_TYPES[store.EDGE_COLUMNS[c]]}' for c in V1_EDGE_COLUMNS)
        conn.execute(f"CREATE TABLE edges ({cols}, PRIMARY KEY (id))")
        conn.execute("CREATE TABLE pathways (id TEXT PRIMARY KEY, position INTEGER, name TEXT, "
                     "description TEXT, steps TEXT)")
        conn.executemany("INSERT INTO meta VALUES (?, ?)",
                         [(k, json.dumps(v)) for k, v in map_fields.items()])
        for rec in nodes:
            conn.execute(f"INSERT INTO nodes ({', '.join(rec)}) VALUES "
                         f"({', '.join('?' * len(rec))})", list(rec.values()))
        for rec in edges:
            conn.execute(f"INSERT INTO edges ({', '.join(rec)}) VALUES "
                         f"({', '.join('?' * len(rec))})", list(rec.values()))
        for i, p in enumerate(pathways):
            conn.execute("INSERT INTO pathways VALUES (?, ?, ?, ?, ?)",
                         (p["id"], i, p["name"], p.get("description", ""),
                          json.dumps(p["steps"])))
        conn.commit()
    finally:
        conn.close()
    return path


V1_NODES = [
    {"id": "org", "kind": "organisation", "name": "Old Trust", "notes": "", "org_type": "trust",
     "x": 0.0, "y": 0.0},
    {"id": "dir", "kind": "directorate", "name": "Old directorate", "notes": ""},
    {"id": "ap", "kind": "access_point", "name": "Self-referral", "notes": "", "x": -100.0,
     "y": 5.0},
    {"id": "svc", "kind": "service", "name": "Café ☕ service", "notes": "unicode",
     "capacity": 12.0, "pct_within_target": 75.5, "age_group": "adults", "x": 50.0, "y": 60.0},
    {"id": "svc2", "kind": "service", "name": "Second service", "notes": ""},
    {"id": "out", "kind": "exit", "name": "Discharged", "notes": ""},
]
V1_EDGES = [
    {"id": "e1", "kind": "part_of", "source": "dir", "target": "org", "notes": ""},
    {"id": "e2", "kind": "part_of", "source": "svc", "target": "dir", "notes": ""},
    {"id": "e3", "kind": "flow", "source": "ap", "target": "svc", "notes": "",
     "flow_type": "referral", "volume_per_year": 300.0},
    {"id": "e4", "kind": "flow", "source": "svc", "target": "svc2", "notes": "",
     "flow_type": "transfer"},
    {"id": "e5", "kind": "flow", "source": "svc2", "target": "out", "notes": "",
     "flow_type": "discharge"},
]
V1_PATHWAYS = [
    {"id": "pw2", "name": "Round trip", "description": "Back and forth",
     "steps": ["ap", "svc", "svc2", "svc", "out"]},
    {"id": "pw1", "name": "Short", "steps": ["svc2", "out"]},
    {"id": "pw0", "name": "Empty", "steps": []},
]


@pytest.fixture
def v1_file(tmp_path: Path) -> Path:
    """A version-1 .smap file (pathway steps as JSON, no pinned or DESDE columns)."""
    return write_v1(tmp_path / "old.smap", V1_NODES, V1_EDGES, V1_PATHWAYS)


# ----- random valid documents ---------------------------------------------------------------
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
NAMES = TEXT.filter(lambda s: s.strip() != "")
IDS = st.text(string.ascii_letters + string.digits + "-_.:/ éß中", min_size=1, max_size=10) \
    .filter(lambda s: s.strip() != "")
FINITE = st.floats(allow_nan=False, allow_infinity=False)


def _calendar_entry(draw) -> str:
    import datetime

    from servicemap.calendars import Entry

    start = draw(st.integers(0, 24 * 60 - 1))
    end = draw(st.integers(1, 24 * 60).filter(lambda m: m != start))
    entry = Entry(frozenset(draw(st.sets(st.integers(0, 6), min_size=1))),
                  *draw(st.sampled_from([(0, 24 * 60), (start, end)])),
                  draw(st.one_of(st.none(), st.dates(datetime.date(2000, 1, 1),
                                                     datetime.date(2100, 12, 31)))),
                  draw(st.floats(0, 1e9, allow_nan=False, allow_infinity=False)) + 0.0)
    return entry.text()


CALENDARS = st.lists(st.composite(_calendar_entry)(), min_size=1, max_size=4).map("; ".join)


def value_strategy(field):
    """Random valid values for one model field (None where the field is optional)."""
    if field.type is bool:
        base = st.booleans()
    elif field.type is int:  # a whole number (a queue limit)
        low = field.minimum if field.minimum is not None else -1e12
        high = field.maximum if field.maximum is not None else 1e12
        base = st.integers(min_value=int(low), max_value=int(min(high, 2**53)))
    elif field.type is float:
        low = field.minimum if field.minimum is not None else -1e12
        high = field.maximum if field.maximum is not None else 1e12
        base = st.one_of(
            st.floats(min_value=field.minimum, max_value=field.maximum, allow_nan=False,
                      allow_infinity=False),
            st.integers(min_value=int(low), max_value=int(high)))
    elif field.choices is not None:
        base = st.sampled_from(field.choices)
    elif field.unit == "date":  # ISO text (YYYY-MM-DD), such as a fact's as_of
        base = st.dates().map(lambda d: d.isoformat())
    elif field.unit == "calendar":  # entries of servicemap.calendars, as a person writes them
        base = CALENDARS
    else:
        base = TEXT
    return st.one_of(st.none(), base) if field.optional else base


@st.composite
def documents(draw) -> Document:
    doc = Document()
    doc.set_map_fields({
        "title": draw(TEXT), "description": draw(TEXT), "source": draw(TEXT),
        "marking": draw(st.sampled_from(MARKINGS)), "illustrative": draw(st.booleans()),
        "created": draw(TEXT), "modified": draw(TEXT)})
    sizes = {NodeKind.ORGANISATION: 3, NodeKind.PARTNERSHIP: 2, NodeKind.DIRECTORATE: 3,
             NodeKind.SERVICE: 7, NodeKind.ACCESS_POINT: 3, NodeKind.EXIT: 3}
    counts = {kind: draw(st.integers(0, top), label=str(kind)) for kind, top in sizes.items()}
    total = sum(counts.values())
    ids = draw(st.lists(IDS, min_size=total + 40, max_size=total + 40, unique=True))
    spare_ids = iter(ids)
    by_kind: dict[NodeKind, list[str]] = {}
    for kind, count in counts.items():
        for _ in range(count):
            values = {f.name: draw(value_strategy(f)) for f in node_fields(kind)
                      if f.name != "name"}
            by_kind.setdefault(kind, []).append(
                doc.add_node(kind, draw(NAMES), next(spare_ids), **values))

    def some(*kinds: NodeKind) -> list[str]:
        return [n for k in kinds for n in by_kind.get(k, [])]

    def edge_values(kind: str) -> dict:
        return {f.name: draw(value_strategy(f)) for f in edge_fields(kind)
                if f.name != "flow_type"}

    # part_of: at most one parent each
    for child in some(NodeKind.SERVICE, NodeKind.DIRECTORATE):
        kinds = (NodeKind.DIRECTORATE, NodeKind.ORGANISATION) \
            if doc.node(child)["kind"] == NodeKind.SERVICE else (NodeKind.ORGANISATION,)
        parents = some(*kinds)
        if parents and draw(st.booleans()):
            doc.add_edge("part_of", child, draw(st.sampled_from(parents)), next(spare_ids),
                         **edge_values("part_of"))
    # serves: any number
    for who in some(NodeKind.SERVICE, NodeKind.DIRECTORATE):
        if some(NodeKind.PARTNERSHIP) and draw(st.booleans()):
            doc.add_edge("serves", who, draw(st.sampled_from(some(NodeKind.PARTNERSHIP))),
                         next(spare_ids), **edge_values("serves"))
    # flows: one per (source, target, flow type)
    sources = some(NodeKind.ACCESS_POINT, NodeKind.SERVICE)
    targets = some(NodeKind.SERVICE, NodeKind.EXIT)
    if sources and targets:
        for _ in range(draw(st.integers(0, 12))):
            src, dst = draw(st.sampled_from(sources)), draw(st.sampled_from(targets))
            flow_type = draw(st.sampled_from(list(FlowType)))
            if doc.find_flow(src, dst, flow_type) is None:
                doc.add_edge("flow", src, dst, next(spare_ids), flow_type=flow_type,
                             **edge_values("flow"))
    # pathways: any steps among access points, services and exits (repeats allowed)
    stops = some(NodeKind.ACCESS_POINT, NodeKind.SERVICE, NodeKind.EXIT)
    for _ in range(draw(st.integers(0, 3))):
        steps = draw(st.lists(st.sampled_from(stops), max_size=6)) if stops else []
        doc.add_pathway(draw(NAMES), steps, draw(TEXT), pathway_id=next(spare_ids))
    # notes: free text boxes, not in the graph
    for _ in range(draw(st.integers(0, 3))):
        doc.add_note(Note(next(spare_ids), draw(TEXT), draw(FINITE), draw(FINITE),
                          draw(st.floats(NOTE_MIN_WIDTH, NOTE_MAX_WIDTH))))
    # targets: owned by an organisation, beside the graph
    for _ in range(draw(st.integers(0, 3)) if some(NodeKind.ORGANISATION) else 0):
        due = draw(st.one_of(st.just(""), st.dates().map(lambda d: d.isoformat())))
        wait = draw(st.one_of(st.none(), st.floats(0, 1e6), st.integers(0, 1000)))
        doc.add_target(Target(next(spare_ids), draw(NAMES),
                              draw(st.sampled_from(some(NodeKind.ORGANISATION))),
                              draw(st.sampled_from(list(TARGET_MEASURES))),
                              draw(st.one_of(st.floats(0, 100), st.integers(0, 100))), due,
                              draw(TEXT), draw(TEXT), wait))
    return doc


@pytest.fixture(scope="session")
def doc_strategy():
    """A Hypothesis strategy of random valid documents (draw it with ``st.data()``)."""
    return documents()

