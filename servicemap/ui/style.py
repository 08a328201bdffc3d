"""How a map looks: palette, node shapes, flow widths and line styles, fonts.

The legend and the canvas both read from here, so they cannot disagree. Colours follow
docs/look.md: Okabe-Ito then Paul Tol's muted scheme for groups, tints for fills, full colour
for borders, and a second cue (shape or line style) beside every colour.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase

from servicemap.model import EdgeKind, FlowType, NodeKind

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
TOL_MUTED = ["#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99",
             "#999933", "#AA4499"]
PALETTE = OKABE_ITO + TOL_MUTED
NHS_BLUE = QColor("#005EB8")
DARK_GREY = QColor("#425563")
TEXT = QColor("#212B32")
NO_GROUP = QColor("#768692")  # NHS mid grey: services with no directorate or organisation

NODE_WIDTH = 170.0
NODE_MIN_HEIGHT = 44.0
MAX_LABEL_LINES = 3

# Flow width bins by volume per year: (upper bound exclusive, width, legend label).
WIDTH_BINS = [(50, 1.2, "under 50 a year"), (200, 2.2, "50–199"),
              (1000, 3.6, "200–999"), (float("inf"), 5.5, "1,000 and over")]
UNKNOWN_WIDTH = 1.2

FLOW_STYLES: dict[str, tuple[Qt.PenStyle, list[float] | None, str]] = {
    FlowType.REFERRAL: (Qt.SolidLine, None, "Referral"),
    FlowType.TRANSFER: (Qt.CustomDashLine, [6, 3], "Transfer"),
    FlowType.DISCHARGE: (Qt.CustomDashLine, [1.2, 2.5], "Discharge"),
    FlowType.STEP_DOWN: (Qt.CustomDashLine, [7, 3, 1.5, 3], "Step-down"),
    FlowType.ESCALATION: (Qt.SolidLine, None, "Escalation"),
    FlowType.TRANSITION: (Qt.CustomDashLine, [12, 4], "Transition (e.g. at 18)"),
    FlowType.SIGNPOST: (Qt.CustomDashLine, [1, 3], "Signpost"),
}

NODE_KIND_LABELS = {NodeKind.SERVICE: "Service (rounded box, colour = directorate)",
                    NodeKind.ACCESS_POINT: "Access point (pill)",
                    NodeKind.EXIT: "Exit (double border)"}
DRAWN_KINDS = frozenset({NodeKind.SERVICE, NodeKind.ACCESS_POINT, NodeKind.EXIT})
DRAWN_EDGES = frozenset({EdgeKind.FLOW})


def flow_width(volume: float | None) -> float:
    if volume is None:
        return UNKNOWN_WIDTH
    for bound, width, _ in WIDTH_BINS:
        if volume < bound:
            return width
    return WIDTH_BINS[-1][1]


def width_bin_label(volume: float | None) -> str:
    if volume is None:
        return "volume unknown"
    for bound, _, label in WIDTH_BINS:
        if volume < bound:
            return label
    return WIDTH_BINS[-1][2]


def tint(colour: QColor, amount: float = 0.7) -> QColor:
    """A light tint of ``colour`` (mix with white), for fills under dark text."""
    r, g, b = colour.red(), colour.green(), colour.blue()
    return QColor(round(r + (255 - r) * amount), round(g + (255 - g) * amount),
                  round(b + (255 - b) * amount))


def border_colour(colour: QColor) -> QColor:
    """Borders carry the full colour, darkened for light hues (yellow) so they stay visible."""
    return colour.darker(135) if colour.lightness() > 150 else colour


def group_colours(group_ids) -> dict[str, QColor]:
    """Stable colours for groups (directorates/organisations), in the order given."""
    return {g: QColor(PALETTE[i % len(PALETTE)]) for i, g in enumerate(group_ids)}


_label_font: QFont | None = None


def label_font() -> QFont:
    """Arial where installed (NHS identity), else a sans-serif that is (DejaVu Sans on Linux)."""
    global _label_font
    if _label_font is None:
        families = set(QFontDatabase.families())
        family = next((f for f in ("Arial", "Liberation Sans", "DejaVu Sans", "Noto Sans")
                       if f in families), "")
        font = QFont(family) if family else QFont()
        font.setStyleHint(QFont.SansSerif)
        font.setPointSizeF(9.5)
        _label_font = font
    return QFont(_label_font)
