"""The export of a whole large map drawn from records (:mod:`servicemap.render.large_map`):
the same page, legend, numbers and notes as :func:`servicemap.render.export.prepare` makes
from a scene, without one ``QGraphicsItem`` per service and flow (issue #21)."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from servicemap import suppression
from servicemap.graph import flow_labels
from servicemap.graph.document import Document
from servicemap.render import style
from servicemap.render.large_map import LargeMap
from servicemap.render.picture import ExportError, Picture
from servicemap.render.scene import MAX_PLACED_LABELS

_NUMBER_FONT: list = []


def _number_size(label: str, sizes: dict[str, tuple[float, float]]) -> tuple[float, float]:
    """The width and height of a flow number's white box, as the flow items measure it."""
    size = sizes.get(label)
    if size is None:
        if not _NUMBER_FONT:
            from PySide6.QtGui import QFontMetricsF

            font = style.label_font()
            font.setPointSizeF(style.FLOW_NUMBER_PT)
            _NUMBER_FONT.append(QFontMetricsF(font))
        metrics = _NUMBER_FONT[0]
        size = sizes[label] = (metrics.horizontalAdvance(label) + 6, metrics.height())
    return size


@dataclass
class LargePicture(Picture):
    """A :class:`~servicemap.render.export.Picture` whose ``scene`` is a
    :class:`~servicemap.render.large_map.LargeMap`."""

    _numbers_shown: bool | None = None
    _facts_kept: tuple[Document, str | None] | None = None

    def set_numbers(self, show: bool, suppressed: bool) -> None:
        """As :meth:`Picture.set_numbers`: numbers on or off, suppressed or true, those that
        would cover a line, a box or another number left out (the larger flows' first)."""
        records = self.scene
        for key, line in records.flows.items():
            line.label = suppression.suppress(line.volume) if suppressed \
                else self.true_labels[key]
            line.show_label = show
            line.label_at = 0.5
        self.numbers_note = ""
        if show and len(records.flows) <= MAX_PLACED_LABELS:  # as the scene places them
            sizes: dict[str, tuple[float, float]] = {}
            placed = flow_labels.place_labels([flow_labels.Flow(
                k, line.points, _number_size(line.label, sizes) if line.label else (0.0, 0.0))
                for k, line in records.flows.items()])
            for key, at in placed.items():
                records.flows[key].label_at = at
        if show:
            self._drop_crowded_numbers()
        self._numbers_shown = None

    def _drop_crowded_numbers(self) -> None:
        records = self.scene
        shown = {k: line for k, line in records.flows.items() if line.label}
        if not shown:
            return
        sizes: dict[str, tuple[float, float]] = {}
        flows = [flow_labels.Flow(k, line.points, _number_size(line.label, sizes))
                 for k, line in shown.items()]
        boxes = [box.edges() for box in records.nodes.values()]
        order = sorted(shown, key=lambda k: -(shown[k].volume or 0))
        kept = self._clear_numbers(shown, flows, boxes, order)
        for key, line in shown.items():
            if key in kept:
                line.label_at = kept[key]
            else:
                line.show_label = False

    def facts_footer(self, doc: Document) -> str | None:
        """As :meth:`Picture.facts_footer`, read once for the picture: its records were made
        from the document as it was then and do not follow it either (a plan tries 20 pages
        and the command line plans twice; reading 150,000 items' dates took 0.5 s each)."""
        if self._facts_kept is None or self._facts_kept[0] is not doc:
            self._facts_kept = (doc, Picture.facts_footer(self, doc))
        return self._facts_kept[1]

    def any_numbers(self) -> bool:
        if self._numbers_shown is None:  # asked for every page a plan tries
            self._numbers_shown = any(line.show_label and line.label
                                      for line in self.scene.flows.values())
        return self._numbers_shown


def prepare_large(doc: Document, title: str, pad: float) -> LargePicture:
    """The whole map as records, ``pad`` round its boxes and flows (no numbers yet: see
    :meth:`LargePicture.set_numbers`)."""
    records = LargeMap(doc)
    if not records.nodes:
        raise ExportError("the map has nothing to draw")
    source = records.bounding_rect().adjusted(-pad, -pad, pad, pad)
    shown = SimpleNamespace(doc=doc, nodes=records.nodes, flows=records.flows,
                            colours=records.colours, group_of=records.group_of,
                            colour_meaning="")  # records are drawn with no overlay
    return LargePicture(records, source, shown, title, "",
                        {k: line.label for k, line in records.flows.items()})
