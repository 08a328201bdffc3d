"""The shared vocabulary of a service map: node kinds, edge kinds, fields and their rules.

Plain Python, no Qt. Every other layer (document, store, exchange format, command line, UI)
reads the field lists from here, so a field is added in one place.
See docs/data-model.md for the meaning of each field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from servicemap import calendars


class NodeKind(StrEnum):
    ORGANISATION = "organisation"
    PARTNERSHIP = "partnership"
    DIRECTORATE = "directorate"
    SERVICE = "service"
    ACCESS_POINT = "access_point"
    EXIT = "exit"


class EdgeKind(StrEnum):
    PART_OF = "part_of"
    SERVES = "serves"
    FLOW = "flow"


# What the canvas and every drawing (exports, draw.io, GraphML shapes) show as boxes and
# arrows, in the order menus and legends list them. Structural nodes (organisations,
# directorates, partnerships) and part_of/serves links show through colours, the outline and
# the legend instead.
DRAWN_KINDS: tuple[NodeKind, ...] = (NodeKind.SERVICE, NodeKind.ACCESS_POINT, NodeKind.EXIT)
DRAWN_EDGE_KINDS: tuple[EdgeKind, ...] = (EdgeKind.FLOW,)


class FlowType(StrEnum):
    REFERRAL = "referral"
    TRANSFER = "transfer"
    DISCHARGE = "discharge"
    STEP_DOWN = "step_down"
    ESCALATION = "escalation"
    TRANSITION = "transition"
    SIGNPOST = "signpost"


# How a service's length of stay varies about its mean (docs/data-model.md, queueing): empty
# means exponential, the queueing formulas' own assumption.
LOS_DISTRIBUTIONS = ("exponential", "lognormal", "gamma", "uniform", "fixed")
ORG_TYPES = ("trust", "icb", "council", "voluntary", "primary_care", "police", "justice", "other")
AGE_GROUPS = ("children", "adults", "older_adults", "all")
MARKINGS = ("OFFICIAL", "OFFICIAL-SENSITIVE", "")
SUGGESTED_CATEGORIES = (
    "crisis", "community", "inpatient", "liaison", "perinatal", "forensic",
    "children and young people", "talking therapies", "community health", "rehabilitation",
    "older adults", "specialist", "primary care", "emergency", "justice", "voluntary",
)


# Numbers are kept as SQLite REALs (doubles): a whole number beyond 2^53 would silently change.
EXACT_WHOLE = 2**53
# A box's position, in scene units (a map is a few thousand wide): far beyond it, pictures
# cannot be drawn (a PNG of a box at 1e10 came out empty), so such positions are refused.
COORDINATE_LIMIT = 10_000_000.0


@dataclass(frozen=True)
class Field:
    """One data field: its name, type and the values it may take.

    ``type`` is one of ``str``, ``float``, ``int``, ``bool``. ``choices`` limits a str field.
    ``None`` is always allowed for optional fields and means *unknown*, which is not 0.
    """

    name: str
    type: type = str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None
    optional: bool = True
    label: str = ""
    default: object = None  # what a missing value becomes (None: unknown)
    # "days" for a wait or target (kept in days; people may read and type hours or weeks:
    # servicemap.units), "%" for a percentage (0-100), "date" for a calendar date kept as
    # ISO text (YYYY-MM-DD), "calendar" for a calendar's text (servicemap.calendars: the
    # field's value by hour, day and date), "" for anything else
    unit: str = ""

    @property
    def minimum_or_ninf(self) -> float:
        return -math.inf if self.minimum is None else self.minimum

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()

    def check(self, value: object) -> str | None:
        """Return why ``value`` is not allowed for this field, or None when it is."""
        if value is None:
            return None if self.optional else "must not be empty"
        if self.type is bool:
            return None if isinstance(value, bool) else "must be true or false"
        if self.type in (int, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return "must be a number"
            if isinstance(value, float) and not math.isfinite(value):
                return "must be a finite number"
            if self.type is int and isinstance(value, float) and not value.is_integer():
                return "must be a whole number"
            if isinstance(value, int) and not -EXACT_WHOLE <= value <= EXACT_WHOLE:
                return "is too large to keep exactly (at most 2^53, about 9 million billion)"
            if self.minimum is not None and value < self.minimum:
                return f"must be at least {_fmt(self.minimum)} (got {_fmt(value)})"
            if self.maximum is not None and value > self.maximum:
                return f"must be at most {_fmt(self.maximum)} (got {_fmt(value)})"
            return None
        if not isinstance(value, str):
            return "must be text"
        if self.unit == "date" and not is_iso_date(value):
            return f"must be a date written YYYY-MM-DD, such as 2025-03-31 (got {value!r})"
        if self.unit == "calendar":
            why = calendars.check(value)
            return None if why is None else f"cannot be read: {why}"
        if self.choices is not None and value not in self.choices:
            shown = ", ".join(c or "(empty)" for c in self.choices)
            return f"must be one of {shown} (got {value!r})"
        return None


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def is_iso_date(text: str) -> bool:
    """Whether ``text`` is a real calendar date written YYYY-MM-DD (2025-02-30 is not)."""
    import datetime

    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _fmt(number: float) -> str:
    if isinstance(number, float) and number.is_integer() and 1e5 <= abs(number) < 1e15:
        return f"{number:,.0f}"
    return f"{number:g}"


def _count(name: str, label: str = "") -> Field:
    return Field(name, float, minimum=0, label=label)


def _pct(name: str, label: str = "") -> Field:
    return Field(name, float, minimum=0, maximum=100, label=label, unit="%")


def _days(name: str, label: str = "") -> Field:
    return Field(name, float, minimum=0, label=label, unit="days")


def _calendar(name: str, label: str) -> Field:
    return Field(name, str, label=label, unit="calendar")


# Provenance: where an item's facts come from (text or a URL), the date they describe and
# whether someone has checked them against that source (docs/data-model.md). An edge's
# endpoints are already called ``source`` and ``target`` in the store, in node-link JSON and
# in GraphML, so on an edge the first is ``source_ref``; both are shown as "Source".
SOURCE, EDGE_SOURCE, AS_OF, VERIFIED = "source", "source_ref", "as_of", "verified"


def _provenance(source_name: str) -> tuple[Field, ...]:
    return (Field(source_name, str, label="Source"),
            Field(AS_OF, str, label="As of", unit="date"),
            Field(VERIFIED, bool, optional=False, default=False, label="Verified"))


PROVENANCE_NODE_FIELDS = _provenance(SOURCE)
PROVENANCE_EDGE_FIELDS = _provenance(EDGE_SOURCE)
PROVENANCE_FIELD_NAMES = frozenset({SOURCE, EDGE_SOURCE, AS_OF, VERIFIED})

# Fields every node has, whatever its kind. ``x``/``y`` None means "not yet placed".
COMMON_NODE_FIELDS = (
    Field("name", str, optional=False),
    Field("notes", str, optional=False, default=""),
    Field("x", float, minimum=-COORDINATE_LIMIT, maximum=COORDINATE_LIMIT),
    Field("y", float, minimum=-COORDINATE_LIMIT, maximum=COORDINATE_LIMIT),
    Field("pinned", bool, optional=False, default=False),
    *PROVENANCE_NODE_FIELDS,
)

KIND_FIELDS: dict[NodeKind, tuple[Field, ...]] = {
    NodeKind.ORGANISATION: (
        Field("ods_code", str, label="ODS code"),
        Field("org_type", str, choices=ORG_TYPES, label="Organisation type"),
    ),
    NodeKind.PARTNERSHIP: (_count("population"),),
    NodeKind.DIRECTORATE: (),
    NodeKind.SERVICE: (
        Field("category", str),
        Field("age_group", str, choices=AGE_GROUPS),
        _count("capacity"),
        Field("capacity_unit", str),
        # places by hour of day, day of week or from a date (docs/data-model.md, "Calendars")
        _calendar("capacity_calendar", "Capacity calendar"),
        # mean episode length: turns a stock capacity (beds, caseload) into people a year
        _days("length_of_stay_days", "Length of stay (days)"),
        # queueing (docs/data-model.md): how the stay varies, its spread, the queue's limit
        # (people waiting beyond it are refused) and blocking (wait in place when the next
        # service is full)
        Field("los_distribution", str, choices=LOS_DISTRIBUTIONS,
              label="Length of stay varies as"),
        _days("los_sd_days", "Length of stay spread (sd, days)"),
        Field("queue_limit", int, minimum=0, label="Queue limit (people waiting)"),
        Field("blocking", bool, optional=False, default=False,
              label="Waits in place when the next is full"),
        # empty: the default, 85% when the capacity is beds, else 100% (docs/analysis.md)
        _pct("target_occupancy_pct", "Target occupancy (%)"),
        _days("wait_target_days", "Wait target (days)"),
        _pct("pct_within_target", "% within target"),
        _pct("dna_rate_most_deprived", "DNA rate, most deprived (%)"),
        _pct("dna_rate_least_deprived", "DNA rate, least deprived (%)"),
        # discharges from the service followed up within 72 hours (the national standard)
        _pct("pct_followed_up_72h", "% followed up within 72 hours"),
        Field("hours", str),
        Field("location", str),
        Field("desde_code", str, label="DESDE code"),
    ),
    NodeKind.ACCESS_POINT: (Field("category", str),
                            _count("arrivals_per_year", "Arrivals per year"),
                            # the arrival rate (people a year) by hour, day or from a date
                            _calendar("arrivals_calendar", "Arrivals calendar")),
    NodeKind.EXIT: (Field("category", str),),
}

COMMON_EDGE_FIELDS = (Field("notes", str, optional=False, default=""), *PROVENANCE_EDGE_FIELDS)

FLOW_FIELDS = (
    Field("flow_type", str, choices=tuple(FlowType), optional=False, label="Flow type"),
    _count("volume_per_year", "Volume per year"),
    # the share of the people leaving the flow's source that take it (traffic equations)
    _pct("share_pct", "Share of people leaving (%)"),
    _days("transfer_delay_days", "Transfer delay (days)"),
    _days("median_wait_days", "Median wait (days)"),
    _days("wait_target_days", "Wait target (days)"),
)

MAP_FIELDS = (
    Field("title", str, optional=False),
    Field("description", str, optional=False),
    Field("source", str, optional=False),
    Field("marking", str, choices=MARKINGS, optional=False),
    Field("illustrative", bool, optional=False),
    Field("created", str, optional=False),
    Field("modified", str, optional=False),
)

# Which node kinds an edge kind may join: {edge kind: {source kind: allowed target kinds}}.
ALLOWED_EDGES: dict[EdgeKind, dict[NodeKind, frozenset[NodeKind]]] = {
    EdgeKind.PART_OF: {
        NodeKind.SERVICE: frozenset({NodeKind.DIRECTORATE, NodeKind.ORGANISATION}),
        NodeKind.DIRECTORATE: frozenset({NodeKind.ORGANISATION}),
        # an emergency department belongs to its acute trust, a crisis line to its provider
        NodeKind.ACCESS_POINT: frozenset({NodeKind.ORGANISATION}),
        NodeKind.EXIT: frozenset({NodeKind.ORGANISATION}),
    },
    EdgeKind.SERVES: {
        NodeKind.SERVICE: frozenset({NodeKind.PARTNERSHIP}),
        NodeKind.DIRECTORATE: frozenset({NodeKind.PARTNERSHIP}),
    },
    EdgeKind.FLOW: {
        NodeKind.ACCESS_POINT: frozenset({NodeKind.SERVICE, NodeKind.EXIT}),
        NodeKind.SERVICE: frozenset({NodeKind.SERVICE, NodeKind.EXIT}),
    },
}


def node_fields(kind: NodeKind | str) -> tuple[Field, ...]:
    """Every field a node of ``kind`` has, common ones first."""
    return COMMON_NODE_FIELDS + KIND_FIELDS[NodeKind(kind)]


def edge_fields(kind: EdgeKind | str) -> tuple[Field, ...]:
    return COMMON_EDGE_FIELDS + (FLOW_FIELDS if EdgeKind(kind) is EdgeKind.FLOW else ())


# Every field name a node or edge may carry, in a stable order (used for store columns).
ALL_NODE_FIELD_NAMES: tuple[str, ...] = tuple(
    dict.fromkeys(f.name for fields in ((COMMON_NODE_FIELDS,) + tuple(KIND_FIELDS.values()))
                  for f in fields)
)
ALL_EDGE_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in COMMON_EDGE_FIELDS + FLOW_FIELDS)


def node_defaults(kind: NodeKind | str) -> dict[str, object]:
    """A complete attribute dict for a new node of ``kind`` (unknown numbers are None)."""
    values: dict[str, object] = {f.name: None for f in node_fields(kind)}
    values.update({f.name: f.default for f in node_fields(kind)
                   if not f.optional and f.default is not None})
    values.update(kind=str(NodeKind(kind)), notes="", pinned=False, verified=False)
    return values


def edge_defaults(kind: EdgeKind | str) -> dict[str, object]:
    values: dict[str, object] = {f.name: None for f in edge_fields(kind)}
    values.update(kind=str(EdgeKind(kind)), notes="", verified=False)
    return values


def map_defaults() -> dict[str, object]:
    return {
        "title": "Untitled map", "description": "", "source": "", "marking": "OFFICIAL",
        "illustrative": False, "created": "", "modified": "",
    }


@dataclass
class Pathway:
    """A named, ordered route a person takes through the map. Like a node it may carry
    provenance: ``source`` (text or a URL), ``as_of`` (ISO date) and ``verified``; None for
    ``source``/``as_of`` means unknown."""

    id: str
    name: str
    description: str = ""
    steps: list[str] = field(default_factory=list)
    source: str | None = None
    as_of: str | None = None
    verified: bool = False

    def provenance(self) -> dict[str, object]:
        return {SOURCE: self.source, AS_OF: self.as_of, VERIFIED: self.verified}

    def to_dict(self) -> dict[str, object]:
        """Its record (in JSON and GraphML): provenance only when it has some, so a pathway
        without any reads as it always did."""
        out: dict[str, object] = {"id": self.id, "name": self.name,
                                  "description": self.description, "steps": list(self.steps)}
        for name, value in self.provenance().items():
            if value:
                out[name] = value
        return out


PATHWAY_PROVENANCE_FIELDS = PROVENANCE_NODE_FIELDS  # source, as_of, verified, as on a node


def pathway_provenance(record: Mapping[str, object]) -> dict[str, object]:
    """The provenance keys of a pathway's record (JSON, GraphML), unchecked: a missing
    ``verified`` is False, a missing ``source``/``as_of`` unknown."""
    verified = record.get(VERIFIED)
    return {SOURCE: record.get(SOURCE), AS_OF: record.get(AS_OF),
            VERIFIED: False if verified is None else verified}


KIND_LABELS = {
    NodeKind.ORGANISATION: "organisation",
    NodeKind.PARTNERSHIP: "partnership",
    NodeKind.DIRECTORATE: "directorate",
    NodeKind.SERVICE: "service",
    NodeKind.ACCESS_POINT: "access point",
    NodeKind.EXIT: "exit",
}


COMMENT_STATUSES = ("open", "resolved")


@dataclass
class Comment:
    """A review comment on a node, an edge or a pathway (``target`` its id), or on the map
    (``target`` empty). A reply names the comment it answers in ``reply_to``.

    ``target_name`` is what the item was called when the comment was made, so a comment whose
    item has since been deleted can still say what it was on.
    """

    id: str
    target: str
    author: str
    created: str
    text: str
    status: str = "open"
    reply_to: str = ""
    target_name: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "target": self.target, "author": self.author,
                "created": self.created, "text": self.text, "status": self.status,
                "reply_to": self.reply_to, "target_name": self.target_name}


COMMENT_FIELD_NAMES: tuple[str, ...] = ("id", "target", "author", "created", "text", "status",
                                        "reply_to", "target_name")


NOTE_MIN_WIDTH, NOTE_MAX_WIDTH, NOTE_WIDTH = 60.0, 2000.0, 200.0
NOTE_MAX_TEXT = 10_000  # characters: a note is a few sentences, not a document


@dataclass
class Note:
    """A free text box on the canvas (a sticky note). It belongs to the map, not the graph:
    the analysis, validation, pathways and hand-offs never see it. ``x``, ``y`` is its top-left
    corner in scene units; ``width`` is the box's width (its height follows the wrapped text).
    """

    id: str
    text: str
    x: float
    y: float
    width: float = NOTE_WIDTH

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "text": self.text, "x": self.x, "y": self.y,
                "width": self.width}


NOTE_FIELD_NAMES: tuple[str, ...] = ("id", "text", "x", "y", "width")
NOTE_FIELDS: tuple[Field, ...] = (
    Field("text", str, optional=False, default="", label="Text"),
    Field("x", float, optional=False), Field("y", float, optional=False),
    Field("width", float, NOTE_MIN_WIDTH, NOTE_MAX_WIDTH, default=NOTE_WIDTH, label="Width"))


# ----- targets ----------------------------------------------------------------------------------
# What a target measures, and how its threshold reads: "at least" a percentage of patients, or a
# gap in percentage points "below" the threshold (docs/analysis.md defines each exactly).
TARGET_MEASURES: dict[str, tuple[str, str]] = {
    "patients_within_wait_target": ("% of patients within the wait target", "at least"),
    "dna_gap": ("missed-appointment (DNA) gap, points", "below"),
    "followed_up_within_72_hours": ("% of discharges followed up within 72 hours", "at least"),
}


@dataclass
class Target:
    """A target an organisation holds itself to, measured on the map: ``measure`` (one of
    :data:`TARGET_MEASURES`) over the services of ``organisation`` (directly or through its
    directorates), narrowed to one ``service_type`` (a category, or the name before a comma)
    when given; ``wait_days`` is the wait a waiting-time standard counts (a service counts only
    when its own wait target is that wait). ``due`` is an ISO date (YYYY-MM-DD) or empty.
    Like notes and comments it belongs to the map, beside the graph."""

    id: str
    name: str
    organisation: str
    measure: str
    threshold: float
    due: str = ""
    notes: str = ""
    service_type: str = ""
    wait_days: float | None = None

    def to_dict(self) -> dict[str, object]:
        return {n: getattr(self, n) for n in TARGET_FIELD_NAMES}


TARGET_FIELD_NAMES: tuple[str, ...] = ("id", "name", "organisation", "measure", "threshold",
                                       "due", "notes", "service_type", "wait_days")
TARGET_FIELDS: tuple[Field, ...] = (
    Field("name", str, optional=False, label="Name"),
    Field("organisation", str, optional=False, label="Organisation"),
    Field("measure", str, choices=tuple(TARGET_MEASURES), optional=False, label="Measure"),
    Field("threshold", float, minimum=0, maximum=100, optional=False, label="Threshold"),
    Field("due", str, default="", label="Due"),
    Field("notes", str, default="", label="Notes"),
    Field("service_type", str, default="", label="Services of type"),
    Field("wait_days", float, minimum=0, label="Wait counted (days)", unit="days"),
)
