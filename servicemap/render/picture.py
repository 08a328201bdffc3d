"""A prepared export (:class:`Picture`): what a page draws (a scene, or a large map's
records), what its legend lists and the texts of its bands; made by
:func:`servicemap.render.export.prepare`."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from PySide6.QtCore import QRectF

from servicemap import suppression
from servicemap.errors import ServiceMapError
from servicemap.graph import flow_labels, provenance
from servicemap.graph.document import Document
from servicemap.render.legend import Entry, legend_entries
from servicemap.render.scene import MAX_PLACED_LABELS, MapScene

MAX_GROUP_ROWS = 20              # more groups than this: one legend row per colour


class ExportError(ServiceMapError):
    """Nothing to export (an empty selection, an empty pathway, ...)."""


@dataclass
class Picture:
    """A prepared export: a fresh scene holding only what is exported, the scene rectangle to
    draw, what the legend lists and the texts of the bands. Call :meth:`close` when done."""

    scene: MapScene
    source: QRectF
    shown: SimpleNamespace            # the scene's items that are shown (for the legend)
    title: str
    subtitle: str
    true_labels: dict[str, str] = field(default_factory=dict)
    extra_entries: list[Entry] = field(default_factory=list)  # marks added to the picture
    overlay_entries: list[Entry] = field(default_factory=list)  # in place of service colours
    numbered: frozenset[str] | None = None  # only these flows get numbers (None: every one)
    notes: list[str] = field(default_factory=list)  # more lines for the bottom band
    numbers_note: str = ""  # how many flow numbers were left out, if any
    _entries: list[Entry] | None = field(default=None, repr=False)
    # the facts line of the bottom band and the document it was read from: a page is laid
    # out for every paper and orientation a plan tries (20 times), and reading the dates of
    # 30,000 items took 0.2 s each time; :func:`servicemap.render.paper.plan` reads it afresh
    _facts: tuple[Document, str | None] | None = field(default=None, repr=False)

    def facts_footer(self, doc: Document) -> str | None:
        """How old the facts of ``doc`` are (:func:`servicemap.graph.provenance.footer`),
        read once per plan of this picture."""
        if self._facts is None or self._facts[0] is not doc:
            graph = doc.graph
            self._facts = (doc, provenance.footer(provenance.fact_dates(
                (attrs for _, attrs in graph.nodes(data=True)),
                (attrs for _, _, attrs in graph.edges(data=True)),
                (p.provenance() for p in doc.pathways.values()))))
        return self._facts[1]

    def set_numbers(self, show: bool, suppressed: bool) -> None:
        """Flow numbers on or off, suppressed or true (the canvas's own text). Numbers that
        would cover another line, a box or another number are left out, the larger flows'
        kept first, and a note on the page says how many."""
        doc = self.scene.doc
        for key, item in self.scene.flows.items():
            item.label = (suppression.suppress(doc.edge(key).get("volume_per_year"))
                          if suppressed else self.true_labels[key])
            if self.numbered is not None and key not in self.numbered:
                item.label = ""  # a faded flow behind a pathway: no number
        self.scene.set_flow_labels(show)
        self.numbers_note = ""
        if show:
            self._drop_crowded_numbers()

    def page_notes(self) -> list[str]:
        """The lines the bottom band adds after the footnote."""
        return [*self.notes, *([self.numbers_note] if self.numbers_note else [])]

    def _drop_crowded_numbers(self) -> None:
        shown = {k: item for k, item in self.shown.flows.items() if item.label}
        if not shown:
            return
        sizes: dict[str, tuple[float, float]] = {}  # by text: most numbers repeat
        flows = []
        for k, item in shown.items():
            size = sizes.get(item.label)
            if size is None:
                size = sizes[item.label] = item.label_size()
            flows.append(flow_labels.Flow(k, item.line_points(), size))
        boxes = []
        for item in self.shown.nodes.values():
            r = item.mapRectToScene(item.rect)
            boxes.append((r.left(), r.top(), r.right(), r.bottom()))
        doc = self.scene.doc
        order = sorted(shown, key=lambda k: -(doc.edge(k).get("volume_per_year") or 0))
        kept = self._clear_numbers(shown, flows, boxes, order)
        for key, item in shown.items():
            if key in kept:
                item.label_at = kept[key]
            else:
                item.show_label = False
            item.update()

    def _clear_numbers(self, shown: dict, flows: list, boxes: list, order: list) -> dict:
        """Where each of the ``shown`` flows' numbers (items or records with ``label_at``)
        can stay clear of lines, boxes and other numbers; the rest are counted in
        ``numbers_note``."""
        few = len(flows) <= MAX_PLACED_LABELS  # else trying other places takes seconds
        kept = flow_labels.clear_labels(flows, {k: i.label_at for k, i in shown.items()},
                                        boxes, order, flow_labels.CANDIDATES if few else ())
        dropped = len(shown) - len(kept)
        if dropped:
            self.numbers_note = (f"{dropped:,} of {len(shown):,} flow numbers are left out "
                                 "where they would cover a line, a box or another number.")
        return kept

    def entries(self) -> list[Entry]:
        """The legend of what is shown, then ``extra_entries``. Past ``MAX_GROUP_ROWS``
        groups the palette's colours repeat, so each colour gets one row naming its first
        groups ("A, B and 12 more")."""
        if self._entries is None:  # what is shown does not change after prepare()
            self._entries = self._map_entries()
            if self.overlay_entries:  # an overlay colours the services, not their groups
                self._entries = self.overlay_entries + [
                    e for e in self._entries if e.kind != "group"
                    and not (e.kind == "heading" and e.label.startswith("Service colour"))]
        return self._entries + list(self.extra_entries)

    def _map_entries(self) -> list[Entry]:
        entries = legend_entries(self.shown)
        groups = [e for e in entries if e.kind == "group"]
        if len(groups) <= MAX_GROUP_ROWS:
            return entries
        by_colour: dict[str, list[Entry]] = {}
        for entry in groups:
            by_colour.setdefault(entry.colour.name(), []).append(entry)
        merged = []
        for same in by_colour.values():
            names = [e.label for e in same]
            more = f" and {len(names) - 2:,} more" if len(names) > 2 else ""
            merged.append(Entry("group", ", ".join(names[:2]) + more, same[0].colour))
        at = entries.index(groups[0])
        return entries[:at] + merged + [e for e in entries[at:] if e.kind != "group"]

    def any_numbers(self) -> bool:
        return any(item.show_label and item.label for item in self.shown.flows.values())

    def close(self) -> None:
        """Stop the scene following the document (it is thrown away)."""
        if self.scene is not None:
            self.scene.detach()
            self.scene = None
