"""The Export dialog: what to export (whole map, selection, visible area or one pathway), the
format, the PNG resolution with the picture's size in pixels, the background, the paper (A4
to A0 or automatic, and its orientation), the pages (names at least 6 pt: the page chosen for
the map or tiles; tiles; one page), which says what it chose and why and the size of the names
each choice gives, and whether to draw the legend, the flow numbers and small-number
suppression.

The dialog prepares the export scene for what is chosen (to show the pixel size) and hands
it to the export, so a big map is built once.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
)

from servicemap.errors import ServiceMapError
from servicemap.graph.document import Document
from servicemap.graph.measures import MEASURES
from servicemap.graph.pathways import pathways_by_name
from servicemap.io.formats import PICTURES
from servicemap.render import export, paper
from servicemap.render import page as pages
from servicemap.render.export import ExportOptions, Picture
from servicemap.words import plural

MODE_LABELS = {"auto": "Names at least 6 pt", "tiles": "Tiles and a key map (PDF)",
               "one": "One page"}


class ExportDialog(QDialog):
    """Choose what and how to export; :meth:`options`, :meth:`suffix` and
    :meth:`take_picture` give the answer after ``exec()``."""

    def __init__(self, doc: Document, selection_ids=(), visible_area: QRectF | None = None,
                 pathway: str | None = None, defaults: ExportOptions | None = None,
                 suffix: str = ".png", parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export map")
        self.doc = doc
        self.selection_ids = frozenset(selection_ids)
        self.visible_area = visible_area
        self._pictures: dict[tuple, Picture | ServiceMapError] = {}
        d = defaults or ExportOptions()
        form = QFormLayout()

        self.what_box = QComboBox(self)
        self.what_box.setObjectName("what")
        count = len(self.selection_ids)
        for label, key, enabled in (
                ("Whole map", "map", True),
                (f"Selection ({plural(count, 'item')})", "selection", count > 0),
                ("Visible area", "visible", visible_area is not None),
                ("One pathway", "pathway", bool(doc.pathways))):
            self.what_box.addItem(label, key)
            self.what_box.model().item(self.what_box.count() - 1).setEnabled(enabled)
        self.pathway_box = QComboBox(self)
        self.pathway_box.setObjectName("pathway")
        for p in pathways_by_name(doc):
            self.pathway_box.addItem(p.name, p.id)
        if pathway is not None and self.pathway_box.findData(pathway) >= 0:
            self.pathway_box.setCurrentIndex(self.pathway_box.findData(pathway))
        what_row = QHBoxLayout()
        what_row.addWidget(self.what_box)
        what_row.addWidget(self.pathway_box, 1)
        form.addRow("Export:", what_row)
        self.faded_check = QCheckBox("Show the rest of the map faded behind the pathway "
                                     "(else its steps are laid out on their own, in order)",
                                     self)
        self.faded_check.setObjectName("faded_map")
        self.faded_check.setChecked(d.faded_map)
        form.addRow("", self.faded_check)

        self.format_box = QComboBox(self)
        self.format_box.setObjectName("format")
        for picture in PICTURES:
            self.format_box.addItem(f"{picture.label} ({picture.suffix})", picture.suffix)
        self.format_box.setCurrentIndex(max(0, self.format_box.findData(suffix)))
        form.addRow("Format:", self.format_box)

        self.dpi_spin = QSpinBox(self)
        self.dpi_spin.setObjectName("dpi")
        self.dpi_spin.setRange(*export.DPI_RANGE)
        self.dpi_spin.setSingleStep(24)
        self.dpi_spin.setSuffix(" DPI")
        self.dpi_spin.setValue(d.dpi)
        self.pixels_label = QLabel(self)
        self.pixels_label.setObjectName("pixels")
        dpi_row = QHBoxLayout()
        dpi_row.addWidget(self.dpi_spin)
        dpi_row.addWidget(self.pixels_label, 1)
        form.addRow("Resolution:", dpi_row)

        self.background_box = QComboBox(self)
        self.background_box.addItems(["White", "Transparent"])
        self.background_box.setCurrentIndex(1 if d.transparent else 0)
        form.addRow("Background:", self.background_box)

        self.page_box = QComboBox(self)
        self.page_box.setObjectName("page")
        self.page_box.addItem("Automatic", "auto")
        for name in pages.PAGES:
            self.page_box.addItem(name.upper(), name)
        self.page_box.setCurrentIndex(max(0, self.page_box.findData(d.page)))
        self.page_box.setToolTip("Automatic: the smallest of A4 to A0 on which service names "
                                 "are at least 6 pt. PNG and SVG are no bigger than the paper.")
        self.orientation_box = QComboBox(self)
        self.orientation_box.setObjectName("orientation")
        for label, key in (("Automatic", "auto"), ("Portrait", "portrait"),
                           ("Landscape", "landscape")):
            self.orientation_box.addItem(label, key)
        self.orientation_box.setCurrentIndex(max(0, self.orientation_box.findData(
            d.orientation)))
        self.orientation_box.setToolTip("Automatic: whichever draws the map larger "
                                        "(landscape for a wide map)")
        page_row = QHBoxLayout()
        page_row.addWidget(self.page_box)
        page_row.addWidget(self.orientation_box, 1)
        form.addRow("Paper:", page_row)

        self.pages_box = QComboBox(self)
        self.pages_box.setObjectName("pages")
        for key in paper.PAGE_MODES:
            self.pages_box.addItem(MODE_LABELS[key], key)
        self.pages_box.setCurrentIndex(max(0, self.pages_box.findData(d.pages)))
        self.pages_box.setToolTip("Service names are at least 6 pt on the page unless you "
                                  "choose one page: then each choice shows their size")
        form.addRow("Pages:", self.pages_box)
        self.choice_label = QLabel(self)
        self.choice_label.setObjectName("choice")
        self.choice_label.setWordWrap(True)
        form.addRow("", self.choice_label)

        self.legend_check = QCheckBox("Legend", self)
        self.legend_check.setChecked(d.legend)
        self.numbers_check = QCheckBox("Flow numbers (people per year)", self)
        self.numbers_check.setChecked(d.flow_numbers)
        self.suppression_check = QCheckBox("Small-number suppression (1–7 as *, others "
                                           "rounded to 5)", self)
        self.suppression_check.setChecked(d.suppression)
        self.containers = d.containers
        self.containers_check = QCheckBox(f"Containers by {d.containers} (as on the canvas)",
                                          self)
        self.containers_check.setChecked(d.containers is not None)
        self.containers_check.setVisible(d.containers is not None)
        self.overlay = d.overlay
        title = MEASURES[d.overlay].title if d.overlay in MEASURES else ""
        self.overlay_check = QCheckBox(f"Overlay: {title} (as on the canvas: services coloured "
                                       "by it, with its badges and legend)", self)
        self.overlay_check.setObjectName("overlay")
        self.overlay_check.setChecked(bool(title))
        self.overlay_check.setVisible(bool(title))
        self.comments_check = QCheckBox("Review comments (numbered on the map; listed on a "
                                        "page after it in PDF and print)", self)
        self.comments_check.setChecked(d.comments)
        self.comments_check.setVisible(bool(getattr(doc, "comments", None)))
        for box in (self.legend_check, self.numbers_check, self.suppression_check,
                    self.containers_check, self.overlay_check, self.comments_check):
            form.addRow("", box)

        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        self.buttons.button(QDialogButtonBox.Ok).setText("Export…")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        start = d.what if d.what in ("map", "selection", "visible", "pathway") else "map"
        index = self.what_box.findData(start)
        if not self.what_box.model().item(index).isEnabled():
            index = 0
        self.what_box.setCurrentIndex(index)
        for signal in (self.what_box.currentIndexChanged, self.pathway_box.currentIndexChanged,
                       self.format_box.currentIndexChanged, self.dpi_spin.valueChanged,
                       self.page_box.currentIndexChanged, self.legend_check.toggled,
                       self.pages_box.currentIndexChanged,
                       self.numbers_check.toggled, self.suppression_check.toggled,
                       self.orientation_box.currentIndexChanged,
                       self.containers_check.toggled, self.comments_check.toggled,
                       self.overlay_check.toggled,
                       self.faded_check.toggled):
            signal.connect(self.refresh)
        self.refresh()

    # ----- the answer ---------------------------------------------------------------------
    def suffix(self) -> str:
        return self.format_box.currentData()

    def options(self) -> ExportOptions:
        what = self.what_box.currentData()
        return ExportOptions(
            what=what, ids=self.selection_ids, area=self.visible_area,
            pathway=self.pathway_box.currentData() if what == "pathway" else None,
            dpi=self.dpi_spin.value(), transparent=self.background_box.currentIndex() == 1,
            page=self.page_box.currentData(), orientation=self.orientation_box.currentData(),
            pages=self.pages_box.currentData(),
            legend=self.legend_check.isChecked(), flow_numbers=self.numbers_check.isChecked(),
            suppression=self.suppression_check.isChecked(),
            containers=self.containers if self.containers_check.isChecked() else None,
            overlay=self.overlay if self.overlay_check.isChecked() else None,
            comments=self.comments_check.isChecked() and not self.comments_check.isHidden(),
            faded_map=what == "pathway" and self.faded_check.isChecked())

    def picture(self) -> Picture:
        """The prepared export for what is chosen (raises what preparing it raised)."""
        o = self.options()
        key = (o.what, o.pathway, o.containers, o.comments, o.faded_map, o.overlay)
        if key not in self._pictures:
            try:
                self._pictures[key] = export.prepare(self.doc, ExportOptions(
                    what=o.what, ids=o.ids, area=o.area, pathway=o.pathway,
                    containers=o.containers, faded_map=o.faded_map, overlay=o.overlay))
            except ServiceMapError as exc:
                self._pictures[key] = exc
        found = self._pictures[key]
        if isinstance(found, ServiceMapError):
            raise found
        found.set_numbers(o.flow_numbers, o.suppression)
        return found

    def take_picture(self) -> Picture:
        """The prepared export, now the caller's to close; the dialog closes the others."""
        picture = self.picture()
        self._pictures = {k: v for k, v in self._pictures.items() if v is not picture}
        self.close_pictures()
        return picture

    def close_pictures(self) -> None:
        for picture in self._pictures.values():
            if isinstance(picture, Picture):
                picture.close()
        self._pictures.clear()

    # ----- live state ---------------------------------------------------------------------
    def plans(self) -> dict[str, paper.Plan | None]:
        """What each choice of pages gives for the chosen format (None: not for it)."""
        image = self.suffix() != ".pdf"
        return paper.alternatives(self.doc, self.picture(), self.options(), image)

    def pixel_text(self, plan: paper.Plan) -> str:
        """"= W × H pixels" for a PNG; the drawing or page size for SVG and PDF."""
        suffix, page = self.suffix(), plan.page
        if suffix == ".pdf":
            return plural(plan.page_count, f"{plan.paper_text()} page")
        if suffix == ".svg":
            return f"{page.size.width():,.0f} × {page.size.height():,.0f} px drawing"
        dpi = self.dpi_spin.value()
        drawn = paper.image_dpi(page, dpi)
        size = page.pixels(drawn)
        text = f"= {size.width():,} × {size.height():,} pixels"
        if drawn < dpi:
            text += f" (at {drawn:.0f} DPI, the most that keeps it under " \
                f"{paper.MAX_PIXELS // 1_000_000} million pixels)"
        return text

    def refresh(self, *_args) -> None:
        suffix = self.suffix()
        self.pathway_box.setEnabled(self.what_box.currentData() == "pathway")
        self.faded_check.setEnabled(self.what_box.currentData() == "pathway")
        self.dpi_spin.setEnabled(suffix == ".png")
        self.background_box.setEnabled(suffix != ".pdf")
        self.suppression_check.setEnabled(self.numbers_check.isChecked())
        ok = self.buttons.button(QDialogButtonBox.Ok)
        try:
            plans = self.plans()
        except ServiceMapError as exc:
            message = str(exc)
            self.pixels_label.setText(message[:1].upper() + message[1:] + ".")
            self.choice_label.setText("")
            ok.setEnabled(False)
            return
        for i, key in enumerate(paper.PAGE_MODES):
            found = plans[key]
            item = self.pages_box.model().item(i)
            item.setEnabled(found is not None)
            item.setText(MODE_LABELS[key] + ("" if found is None else
                                             f": {found.summary()}, names {found.label_pt:.1f} pt"))
        chosen = plans[self.pages_box.currentData()]
        if chosen is None:  # tiles, and the format has none
            self.pages_box.setCurrentIndex(0)  # refreshes again
            return
        self.choice_label.setText(chosen.reason[:1].upper() + chosen.reason[1:] + ".")
        self.pixels_label.setText(self.pixel_text(chosen))
        ok.setEnabled(True)

    def reject(self) -> None:
        self.close_pictures()
        super().reject()
