"""How a map looks: palette, node shapes, flow widths and line styles, fonts.

The legend and the canvas both read from here, so they cannot disagree. Colours follow
docs/look.md: Okabe-Ito then Paul Tol's muted scheme for groups, tints for fills, full colour
for borders, and a second cue (shape or line style) beside every colour. The colours, widths,
dash patterns and the colour maths (tints, borders, which group gets which colour) come from
the Qt-free :mod:`servicemap.palette`, which the file exports (GraphML, draw.io) use too; this
module only turns them into Qt's types.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase

from servicemap import palette
from servicemap.model import FlowType, NodeKind

OKABE_ITO, TOL_MUTED, PALETTE = palette.OKABE_ITO, palette.TOL_MUTED, palette.PALETTE
NHS_BLUE = QColor(palette.NHS_BLUE)
DARK_GREY = QColor(palette.DARK_GREY)
TEXT = QColor(palette.TEXT)
NO_GROUP = QColor(palette.NO_GROUP)  # NHS mid grey: services with no directorate or organisation

NODE_WIDTH = palette.NODE_WIDTH
NODE_MIN_HEIGHT = palette.NODE_HEIGHT
MAX_LABEL_LINES = 3
LABEL_PT = 9.5        # service names
FLOW_NUMBER_PT = 8.0  # the numbers on flows, the smallest type on a map (pages are chosen for it)

# Flow width bins by volume per year: (upper bound exclusive, width, legend label).
_BIN_LABELS = ["under 50 a year", "50–199", "200–999", "1,000 and over"]
WIDTH_BINS = [(bound, width, label)
              for (bound, width), label in zip(palette.WIDTH_BINS, _BIN_LABELS, strict=True)]
UNKNOWN_WIDTH = palette.UNKNOWN_WIDTH

_FLOW_LABELS = {FlowType.REFERRAL: "Referral", FlowType.TRANSFER: "Transfer",
                FlowType.DISCHARGE: "Discharge", FlowType.STEP_DOWN: "Step-down",
                FlowType.ESCALATION: "Escalation", FlowType.TRANSITION: "Transition (e.g. at 18)",
                FlowType.SIGNPOST: "Signpost"}
FLOW_STYLES: dict[str, tuple[Qt.PenStyle, list[float] | None, str]] = {
    ft: (Qt.SolidLine if palette.FLOW_DASHES[ft] is None else Qt.CustomDashLine,
         palette.FLOW_DASHES[ft], label) for ft, label in _FLOW_LABELS.items()}

NODE_KIND_LABELS = {NodeKind.SERVICE: "Service (rounded box, colour = directorate)",
                    NodeKind.ACCESS_POINT: "Access point (pill)",
                    NodeKind.EXIT: "Exit (double border)"}


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
    """A light tint of ``colour`` (mixed with white), for fills under dark text
    (:func:`servicemap.palette.tint`)."""
    return QColor(palette.tint(colour.name(), amount))


def border_colour(colour: QColor) -> QColor:
    """Borders carry the full colour, darkened for light hues (yellow) so they stay visible
    (:func:`servicemap.palette.border_colour`)."""
    return QColor(palette.border_colour(colour.name()))


def group_colours(doc, parents=None) -> dict[str, QColor]:
    """The colour of every group that has services (:func:`servicemap.palette.group_colours`)."""
    return {g: QColor(hex_colour) for g, hex_colour in palette.group_colours(doc, parents).items()}


_label_font: QFont | None = None
# Arial first (NHS identity), then fonts with Arial's metrics or its look; Liberation Sans is
# also bundled (render.app loads it on a machine that has none of these).
PREFERRED_FAMILIES = ("Arial", "Liberation Sans", "DejaVu Sans", "Noto Sans")


def label_font() -> QFont:
    """Arial where installed (NHS identity), else a sans-serif that is (DejaVu Sans on Linux)."""
    global _label_font
    if _label_font is None:
        families = set(QFontDatabase.families())
        family = next((f for f in PREFERRED_FAMILIES if f in families), "")
        font = QFont(family) if family else QFont()
        font.setStyleHint(QFont.SansSerif)
        font.setPointSizeF(LABEL_PT)
        _label_font = font
    return QFont(_label_font)


def draw_shape(painter, kind: str, rect) -> None:
    """A box's outline in ``painter``'s pen and brush: an access point's pill, an exit's
    double frame (the inner one unfilled; the brush is put back), a service's rounded box."""
    if kind == NodeKind.ACCESS_POINT:
        radius = rect.height() / 2
        painter.drawRoundedRect(rect, radius, radius)
    elif kind == NodeKind.EXIT:
        painter.drawRect(rect)
        brush = painter.brush()
        painter.setBrush(Qt.NoBrush)
        painter.drawRect(rect.adjusted(4, 4, -4, -4))
        painter.setBrush(brush)
    else:
        painter.drawRoundedRect(rect, 8, 8)
