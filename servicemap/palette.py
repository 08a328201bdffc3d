"""The map's colours and line styles as plain hex strings and numbers, without Qt.

The canvas (``servicemap/ui/style.py``, Qt) and the file exports (GraphML for yEd, draw.io)
colour a map the same way: each service takes the colour of its group (the directorate it is
part of, else its organisation); groups are sorted by (name, casefolded; id) and take
Okabe-Ito's colours, then Paul Tol's muted scheme, cycling. Fills are light tints; borders
carry the full colour, darkened for light hues. Services with no group are NHS mid grey.
"""

from __future__ import annotations

import colorsys
from collections.abc import Iterable

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
TOL_MUTED = ["#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99",
             "#999933", "#AA4499"]
PALETTE = OKABE_ITO + TOL_MUTED
NHS_BLUE = "#005EB8"
DARK_GREY = "#425563"
TEXT = "#212B32"
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


def group_colours(doc) -> dict[str, str]:
    """Hex colour of every group that has services, as the canvas assigns them."""
    nodes = doc.graph.nodes
    groups = {g for n, kind in nodes(data="kind") if kind == "service"
              and (g := doc.parent(n)) is not None}
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
UNPLACED_GAP = (200.0, 80.0)    # grid spacing for nodes without a position


def box_size(kind: str) -> tuple[float, float]:
    """Width and height of a node's box in exported drawings."""
    if kind == "access_point":
        return ACCESS_WIDTH, NODE_HEIGHT
    if kind in ("service", "exit"):
        return NODE_WIDTH, NODE_HEIGHT
    return STRUCTURE_SIZE


def boxes(doc, node_ids) -> dict[str, tuple[float, float, float, float]]:
    """(centre x, centre y, width, height) of each node for an exported drawing; nodes with
    no position go on a grid below the others, in the order given (as the canvas does)."""
    nodes = doc.graph.nodes
    out, unplaced = {}, []
    for n in node_ids:
        attrs = nodes[n]
        w, h = box_size(attrs["kind"])
        if attrs.get("x") is None or attrs.get("y") is None:
            unplaced.append((n, w, h))
        else:
            out[n] = (float(attrs["x"]), float(attrs["y"]), w, h)
    if unplaced:
        left = min((x - w / 2 for x, _, w, _ in out.values()), default=0.0)
        top = max((y + h / 2 for _, y, _, h in out.values()), default=0.0) + 120.0
        per_row = max(4, round((len(unplaced) * 2) ** 0.5))
        gx, gy = UNPLACED_GAP
        for i, (n, w, h) in enumerate(unplaced):
            out[n] = (left + w / 2 + (i % per_row) * gx, top + h / 2 + (i // per_row) * gy, w, h)
    return out
