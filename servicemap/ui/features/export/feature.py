"""File > Export… (Ctrl+E), File > Print… (Ctrl+P, with a preview) and Edit > Copy as image
(Ctrl+Shift+C): the map as a picture for board papers, reports and slides.

Pictures are drawn by :mod:`servicemap.render.export` from a fresh scene, so exporting never
changes the map or the canvas. Questions to the user are ``ask_*`` methods tests can replace;
errors are one plain sentence in a message box.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog

from servicemap.errors import ServiceMapError
from servicemap.io import formats
from servicemap.render import export
from servicemap.render import page as pages
from servicemap.render.export import ExportOptions
from servicemap.ui.api import Host, busy
from servicemap.ui.dialogs import warn


def _sentence(exc: Exception, path: Path | None = None) -> str:
    if isinstance(exc, OSError):
        where = path or (Path(exc.filename) if exc.filename else None)
        reason = (exc.strerror or str(exc)).rstrip(".")
        return f"Could not write {where}: {reason.lower()}." if where else f"{reason}."
    message = str(exc).rstrip(".")
    if path is not None and message.startswith(path.name):
        return message + "."  # the user's file as they named it, never capitalised
    return message[:1].upper() + message[1:] + "."


class ExportFeature:
    """The export, print and copy actions of one window."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.last_folder: Path | None = None
        self.last_suffix = ".png"
        self.last_options = ExportOptions()
        add = host.add_action
        self.export_action = add("file.export_picture", "&Export…", self.export, menu="file",
                                 section="export", shortcut=QKeySequence("Ctrl+E"),
                                 tip="Export the map, the selection, the visible area or a "
                                 "pathway as a PNG, SVG or PDF picture", enabled="document")
        self.print_action = add("file.print", "&Print…", self.print_map, menu="file",
                                section="export", shortcut=QKeySequence.Print,
                                tip="Print the map, with a preview", enabled="document")
        self.copy_action = add("edit.copy_image", "Copy as &image", self.copy_image,
                               menu="edit", section="copy", shortcut="Ctrl+Shift+C",
                               tip="Copy the selection (or the whole map) as a picture to "
                               "paste into a document or slide", enabled="document")

    # ----- what the window shows ------------------------------------------------------------
    @property
    def _doc(self):
        return self.host.session.doc

    def _selected(self) -> list[str]:
        scene = self.host.session.scene
        return [i for i in self.host.selection.ids if i in scene.nodes or i in scene.flows]

    def _visible_area(self):
        view = self.host.view
        return view.mapToScene(view.viewport().rect()).boundingRect()

    def _containers(self) -> str | None:
        """The grouping whose containers the canvas shows, if any."""
        return self.host.session.containers_by

    def _base_name(self) -> str:
        path = self.host.session.path
        if path:
            return Path(path).stem
        title = (self._doc.graph.graph.get("title") or "map").strip()
        return "".join(c if c.isalnum() or c in " -_" else "_" for c in title)[:60] or "map"

    # ----- questions (tests replace these) ---------------------------------------------------
    def ask_options(self, dialog) -> bool:
        """Show the export dialog; True when the user chose Export."""
        return dialog.exec() == dialog.DialogCode.Accepted

    def ask_path(self, suffix: str) -> str | None:
        """The file to write (its extension picks the format), or None to cancel."""
        folder = self.last_folder or Path.home()
        start = str(folder / f"{self._base_name()}{suffix}")
        picked = formats.by_suffix(suffix)
        first = sorted(formats.PICTURES, key=lambda f: f is not picked)  # the chosen format
        path, chosen = QFileDialog.getSaveFileName(self.host.widget, "Export map", start,
                                                   formats.dialog_filters(first))
        return formats.with_suffix(path, chosen, formats.PICTURES, picked) or None

    def ask_print(self, printer, paint) -> None:
        """Show the print preview; ``paint(printer)`` draws the page."""
        from PySide6.QtPrintSupport import QPrintPreviewDialog

        preview = QPrintPreviewDialog(printer, self.host.widget)
        preview.setWindowTitle("Print map")
        preview.paintRequested.connect(paint)
        preview.exec()

    def show_error(self, message: str) -> None:
        warn(self.host.widget, "Export", message)

    def show_done(self, message: str) -> None:
        self.host.status(message, 6000)

    # ----- actions ---------------------------------------------------------------------------
    def export(self) -> Path | None:
        """File > Export…: the dialog, then the file name; returns the file written."""
        from servicemap.ui.features.export.dialog import ExportDialog

        if self._doc is None:
            return None
        defaults = ExportOptions(**{**vars(self.last_options), "what": "map",
                                    "containers": self._containers(),
                                    "overlay": self.host.session.overlay})
        if self._selected():
            defaults.what = "selection"
        highlighted = self.host.session.scene.highlighted_pathway
        if highlighted is not None:
            defaults.what = "pathway"
        with busy():
            dialog = ExportDialog(self._doc, self._selected(), self._visible_area(),
                                  highlighted, defaults, self.last_suffix, self.host.widget)
        try:
            if not self.ask_options(dialog):
                return None
            options, suffix = dialog.options(), dialog.suffix()
            path = self.ask_path(suffix)
            if path is None:
                return None
            self.last_options, self.last_suffix = options, suffix
            with busy():
                picture = dialog.take_picture()
            return self.write(picture, Path(path), options)
        except ServiceMapError as exc:
            self.show_error(_sentence(exc))
            return None
        finally:
            dialog.close_pictures()
            dialog.deleteLater()

    def write(self, picture, path: Path, options: ExportOptions) -> Path | None:
        """Write a prepared picture (closing it); errors become one sentence."""
        try:
            with busy():
                export.export_picture(self._doc, picture, path, options)
        except (ServiceMapError, OSError) as exc:
            self.show_error(_sentence(exc, path))
            return None
        finally:
            picture.close()
        self.last_folder = path.parent
        self.show_done(f"Exported {path.name}.")
        return path

    def print_map(self) -> bool:
        """File > Print…: the whole map (or the highlighted pathway), with a preview, on the
        paper the export would choose (names at least 6 pt: a larger page or tiles); a paper
        chosen in the print dialog gets its own plan."""
        from PySide6.QtPrintSupport import QPrinter

        if self._doc is None:
            return False
        highlighted = self.host.session.scene.highlighted_pathway
        options = ExportOptions(**{**vars(self.last_options), "what": "map", "pathway": None,
                                   "containers": self._containers(),
                                    "overlay": self.host.session.overlay})
        if highlighted is not None:
            options.what, options.pathway = "pathway", highlighted
        try:
            with busy():
                picture = export.prepare(self._doc, options)
        except ServiceMapError as exc:
            self.show_error(_sentence(exc))
            return False
        try:
            plan = export.paper_plan(self._doc, picture, options)
            printer = QPrinter(QPrinter.HighResolution)
            printer.setResolution(pages.UNIT_DPI)
            printer.setPageLayout(export.page_layout(plan))
            printer.setDocName(picture.title)

            def paint(device) -> None:
                with busy():
                    export.paint_on_paper(device, self._doc, picture, options, plan)

            self.ask_print(printer, paint)
        except ServiceMapError as exc:
            self.show_error(_sentence(exc))
            return False
        finally:
            picture.close()
        return True

    def copy_image(self):
        """Edit > Copy as image: the selection, or the whole map, at 150 DPI on white, no
        larger than A4 (a picture for a slide or a document, not a page to print)."""
        if self._doc is None:
            return None
        ids = self._selected()
        options = ExportOptions(what="selection" if ids else "map", ids=frozenset(ids),
                                dpi=150, page="a4", pages="one",  # for a slide, not paper
                                legend=self.last_options.legend,
                                flow_numbers=self.last_options.flow_numbers,
                                suppression=self.last_options.suppression,
                                containers=self._containers(),
                                overlay=self.host.session.overlay)
        try:
            with busy():
                image = export.copy_to_clipboard(self._doc, options)
        except ServiceMapError as exc:
            self.show_error(_sentence(exc))
            return None
        self.show_done(f"Copied a {image.width()} × {image.height()} picture.")
        return image
