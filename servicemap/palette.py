"""The map's colours and line styles as plain hex strings and numbers, without Qt.

The canvas and picture exports (:mod:`servicemap.render.style` turns these into Qt colours)
and the file exports (GraphML for yEd, draw.io)
colour a map the same way: each service takes the colour of its group (the directorate it is
part of, else its organisation); groups are sorted by (name, casefolded; id) and take
Okabe-Ito's colours, then Paul Tol's muted scheme, cycling. Fills are light tints; borders
carry the full colour, darkened for light hues. Services with no group are NHS mid grey.
"""

from __future__ import annotations

import colorsys
from collections.abc import Iterable, Mapping

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
TOL_MUTED = ["#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99",
             "#999933", "#AA4499"]
PALETTE = OKABE_ITO + TOL_MUTED
NHS_BLUE = "#005EB8"
DARK_GREY = "#425563"
TEXT = "#212B32"
# Notes (the canvas's text boxes): Okabe-Ito yellow as a light tint for the paper, a dark ochre
# edge and a darker fold; dark text on the paper is over 15:1, and the folded corner is a
# second cue besides the colour.
NOTE_FILL, NOTE_BORDER, NOTE_FOLD = "#FFF8C9", "#B69A00", "#EFE39A"
NO_GROUP = "#768692"  # NHS mid grey: services with no directorate or organisation
WHITE = "#FFFFFF"

NODE_WIDTH = 170.0
NODE_HEIGHT = 44.0
ACCESS_WIDTH = 140.0

# Flow line width by volume per year: (upper bound, exclusive; width). Unknown volume: thin.
WIDTH_BINS = [(50, 1.2), (200, 2.2), (1000, 3.6), (float("inf"), 5.5)]
UNKNOWN_WIDTH = 1.2

# Dash pattern per flow type (None: solid), in line widths as Qt's custom dashes use them.
FLOW_DASHES: dict[str, list[float] | None] = {
    "referral": None,
    "transfer": [6, 3],
    "discharge": [1.2, 2.5],
    "step_down": [7, 3, 1.5, 3],
    "escalation": None,
    "transition": [12, 4],
    "signpost": [1, 3],
}


def colour_cycle(group_ids: Iterable[str]) -> dict[str, str]:
    """Colours for groups already in display order: the palette, cycling."""
    return {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(group_ids)}


def group_colours(doc, parents: Mapping[str, str] | None = None) -> dict[str, str]:
    """Hex colour of every group that has services, as the canvas assigns them. ``parents``
    (node id -> the group it is part of) saves asking the document node by node."""
    nodes = doc.graph.nodes
    parent = doc.parent if parents is None else parents.get
    groups = {g for n, kind in nodes(data="kind") if kind == "service"
              and (g := parent(n)) is not None}
    ordered = sorted(groups, key=lambda g: (str(nodes[g]["name"]).casefold(), g))
    return colour_cycle(ordered)


def _rgb(colour: str) -> tuple[int, int, int]:
    text = colour.lstrip("#")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def _hex(r: float, g: float, b: float) -> str:
    return "#{:02X}{:02X}{:02X}".format(*(max(0, min(255, round(c))) for c in (r, g, b)))


def tint(colour: str, amount: float = 0.7) -> str:
    """A light tint of ``colour`` (mixed with white), for fills under dark text."""
    return _hex(*(c + (255 - c) * amount for c in _rgb(colour)))


def lightness(colour: str) -> int:
    """HSL lightness, 0-255 (as ``QColor.lightness``)."""
    rgb = _rgb(colour)
    return (max(rgb) + min(rgb) + 1) // 2


def darker(colour: str, factor: int = 135) -> str:
    """``colour`` with its HSV value divided by ``factor``/100 (as ``QColor.darker``)."""
    h, s, v = colorsys.rgb_to_hsv(*(c / 255 for c in _rgb(colour)))
    r, g, b = colorsys.hsv_to_rgb(h, s, v * 100 / factor)
    return _hex(r * 255, g * 255, b * 255)


def border_colour(colour: str) -> str:
    """Borders carry the full colour, darkened for light hues (yellow) so they stay visible."""
    return darker(colour) if lightness(colour) > 150 else colour


def node_look(doc, node_id: str, colours: dict[str, str] | None = None) -> tuple[str, str]:
    """(fill, border) hex colours of a drawn node: services by group, others white and grey."""
    if doc.graph.nodes[node_id]["kind"] != "service":
        return WHITE, DARK_GREY
    colours = group_colours(doc) if colours is None else colours
    colour = colours.get(doc.parent(node_id), NO_GROUP)
    return tint(colour), border_colour(colour)


def flow_width(volume: float | None) -> float:
    """Line width of a flow of ``volume`` people a year."""
    if volume is None:
        return UNKNOWN_WIDTH
    for bound, width in WIDTH_BINS:
        if volume < bound:
            return width
    return WIDTH_BINS[-1][1]


STRUCTURE_SIZE = (150.0, 36.0)  # organisations, directorates, partnerships, where drawn


def box_size(kind: str) -> tuple[float, float]:
    """Width and height of a node's box in exported drawings."""
    if kind == "access_point":
        return ACCESS_WIDTH, NODE_HEIGHT
    if kind in ("service", "exit"):
        return NODE_WIDTH, NODE_HEIGHT
    return STRUCTURE_SIZE

