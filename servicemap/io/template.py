"""The spreadsheet template's words and example map, and how wide each column is drawn:
shared by the Excel (:mod:`servicemap.io.xlsx`) and OpenDocument (:mod:`servicemap.io.ods`)
writers."""

from __future__ import annotations

from servicemap.graph.document import Document
from servicemap.graph.scenarios import Change, Scenario
from servicemap.io.sheets import SHEETS
from servicemap.model import Note, Target

HEADER_FONT_NAME, HEADER_FONT_SIZE = "Arial", 11  # named, so LibreOffice shows no serif
BODY_FONT_NAME, BODY_FONT_SIZE = "Arial", 10
MIN_WIDTH, MAX_WIDTH = 8, 50  # characters
WIDTH_SAMPLE = 2000  # rows looked at when fitting a column (a big map's first rows tell)


def column_widths(rows: list[list[object]]) -> list[float]:
    """Each column's width in characters: its longest line of text among the header and the
    first :data:`WIDTH_SAMPLE` rows, plus room for the filter button, within
    :data:`MIN_WIDTH` to :data:`MAX_WIDTH`."""
    if not rows:
        return []
    widths = [0] * max(len(r) for r in rows)
    for n, row in enumerate(rows[:WIDTH_SAMPLE + 1]):
        for i, value in enumerate(row):
            if value is None:
                continue
            text = value if isinstance(value, str) else \
                ("TRUE" if value is True else "FALSE" if value is False else
                 repr(value) if isinstance(value, float) else str(value))
            longest = max(len(line) for line in text.split("\n")) + (3 if n == 0 else 1)
            widths[i] = max(widths[i], longest)
    return [float(min(MAX_WIDTH, max(MIN_WIDTH, w))) for w in widths]


INTRO = [
    ("servicemap spreadsheet template", True),
    ("Fill in one row per item on each sheet; the example rows show how (replace them). Names "
     "join the sheets together: a service names its directorate, a flow names the rows of the "
     "Services sheet it goes from and to, a pathway step names a row of the Services sheet. "
     "Leave the id columns empty: servicemap makes ids from the names.", False),
    ("Import with File > Import… in servicemap, or on the command line: servicemap import "
     "THIS.xlsx MAP.smap (or THIS.ods). Nothing is imported while any row has a problem; "
     "every problem is listed with its sheet, row, column and reason.", False),
    ("Type values, not formulas: formulas are not read (TRUE() and FALSE() are). Text that "
     "starts with = + - or @ is kept as text, never run as a formula.", False),
    ("Numbers may be left empty when unknown (empty is not 0). Percentages are 0 to 100.", False),
]


def instructions() -> list[tuple[str, bool]]:
    """Lines of the Instructions sheet: (text, is a heading)."""
    lines = list(INTRO)
    for sheet in SHEETS:
        lines += [("", False), (f"{sheet.name}: {sheet.help}", True)]
        for c in sheet.columns:
            extra = " Required." if c.required else ""
            if c.choices:
                extra += (" Suggestions: " if c.free else " One of: ") + ", ".join(
                    x or "(empty)" for x in c.choices) + "."
            lines.append((f"{c.name}: {c.help}.{extra}", False))
    return lines


def example_document() -> Document:
    """The small, made-up map that fills the template's example rows."""
    doc = Document()
    doc.set_map_fields({"title": "Example map (replace with yours)", "illustrative": True,
                        "source": "servicemap spreadsheet template", "marking": "OFFICIAL"})
    node, edge = doc.add_node, doc.add_edge
    node("organisation", "Example Trust", "example-trust", org_type="trust", ods_code="R00")
    node("organisation", "Example Council", "example-council", org_type="council")
    node("partnership", "North HCP", "north-hcp", population=300000)
    node("directorate", "Acute and crisis", "acute-and-crisis")
    edge("part_of", "acute-and-crisis", "example-trust")
    edge("serves", "acute-and-crisis", "north-hcp")
    for sid, name, fields in (
            ("crisis-team", "Crisis team", dict(category="crisis", age_group="adults",
                                                capacity=40, capacity_unit="caseload",
                                                wait_target_days=1, hours="24/7")),
            ("acute-ward", "Acute ward", dict(category="inpatient", age_group="adults",
                                              capacity=18, capacity_unit="beds")),
            ("wellbeing-cafe", "Wellbeing café", dict(category="voluntary", age_group="all"))):
        node("service", name, sid, **fields)
    edge("part_of", "crisis-team", "acute-and-crisis")
    edge("part_of", "acute-ward", "acute-and-crisis")
    edge("part_of", "wellbeing-cafe", "example-council")
    edge("serves", "crisis-team", "north-hcp")
    node("access_point", "GP practice", "gp-practice", category="primary care")
    node("access_point", "NHS 111", "nhs-111", category="emergency")
    node("exit", "Back to GP care", "back-to-gp-care", category="primary care")
    for src, dst, flow_type, volume in (
            ("gp-practice", "crisis-team", "referral", 1200), ("nhs-111", "crisis-team",
                                                               "referral", 300),
            ("crisis-team", "acute-ward", "escalation", 90), ("acute-ward", "crisis-team",
                                                              "step_down", 60),
            ("crisis-team", "back-to-gp-care", "discharge", 900),
            ("crisis-team", "wellbeing-cafe", "signpost", 150)):
        edge("flow", src, dst, flow_type=flow_type, volume_per_year=volume)
    doc.add_pathway("Crisis and recovery", ["gp-practice", "crisis-team", "acute-ward",
                                            "crisis-team", "back-to-gp-care"],
                    "Seen by the crisis team, a short stay on the ward, then home",
                    "crisis-and-recovery")
    doc.add_note(Note("example-note", "Example note: text on the map that is not part of "
                      "the analysis (replace or delete it)", -120.0, -160.0, 240.0))
    doc.add_target(Target("example-target", "80% of patients wait less than their service's "
                          "target", "example-trust", "patients_within_wait_target", 80,
                          "2027-03-31", "Example target (replace or delete it)"))
    doc.add_scenario(Scenario("example-scenario", "Example: 10 more beds",
                              "Example scenario (replace or delete it)",
                              [Change("set", "node", "acute-ward", {"capacity": 28.0})]))
    return doc
