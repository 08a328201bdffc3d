"""File > Import…, Import CSV folder…, Export data…, Export CSV folder… and New from
spreadsheet template…: maps in and out of Excel, OpenDocument (LibreOffice), CSV, GraphML
(yEd, Gephi, igraph), draw.io and JSON (networkx), and PathSimR's network and calendar
templates (a small dialog asks for the calendar and the time unit). What a reader filled in
or changed is shown in a report the planner closes; an undirected graph asks how its edges
become flows.

An import opens as a new map, or merges into the open map as one undo step: items are
matched by id, then by kind and name; matched items take the imported values that are known
(an empty cell never blanks a field), new items are added, nothing is deleted. A preview lists
what is added and changed before anything happens. Spreadsheet problems are listed by sheet,
row, column and reason, and nothing is imported. Imported boxes with no position are placed
by the grouped layout (a new map) or the tidy layout, beside their neighbours (a merge).
Questions to the user are small methods (``ask_*``, ``confirm_*``, ``show_*``, ``tell_*``)
that tests replace; every name is shown as plain text.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from servicemap import atomic, locks
from servicemap.errors import ServiceMapError
from servicemap.graph.document import Document
from servicemap.graph.merge import MergePlan, plan_merge
from servicemap.graph.placement import boxes_corner, estimate_size, unplaced_positions
from servicemap.io import csvfiles, formats
from servicemap.io.report import Imported, ImportProblems
from servicemap.io.sheets import SheetProblems
from servicemap.model import DRAWN_KINDS
from servicemap.ui import dialogs
from servicemap.ui.api import Host, busy
from servicemap.ui.editing import commands as c
from servicemap.ui.editing.note_commands import AddNote, UpdateNote
from servicemap.ui.editing.target_commands import AddTarget, UpdateTarget
from servicemap.ui.pathsimr_dialog import PathSimRDialog
from servicemap.words import plural, without_ids

IMPORTS = formats.exchange_formats(reads=True)
EXPORTS = [f for f in formats.exchange_formats(writes=True) if not f.is_folder]
EXPORT_CHOICES = formats.with_variants(EXPORTS)  # and flat GraphML, a choice of its own


# ----- the feature ----------------------------------------------------------------------------
class ExchangeFeature:
    """The import, export and template actions of one window."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.w = host.widget  # the parent of this feature's dialogs
        add = host.add_action
        menu = {"menu": "file", "section": "exchange"}
        self.import_action = add("file.import", "&Import…", self.import_dialog,
                                 tip="Import a map from Excel, LibreOffice (.ods), zipped CSV, "
                                 "GraphML or JSON, as a new map or merged into this one", **menu)
        self.import_folder_action = add("file.import_folder", "Import CSV &folder…",
                                        self.import_folder_dialog, tip="Import a folder of CSV "
                                        "files (one per sheet)", **menu)
        self.export_action = add("file.export_data", "Export &data…", self.export_dialog,
                                 tip="Export the map's data for Excel, LibreOffice, yEd, Gephi, "
                                 "draw.io or another servicemap", enabled="document", **menu)
        self.export_folder_action = add("file.export_folder", "Export CS&V folder…",
                                        self.export_folder_dialog, tip="Export the map as CSV "
                                        "files in a folder", enabled="document", **menu)
        self.template_action = add("file.template", "New from spreadsheet &template…",
                                   self.template_dialog, tip="Write an Excel or LibreOffice "
                                   "template to fill in and import", **menu)

    # ----- questions (tests replace these) --------------------------------------------------
    def ask_import_path(self) -> str:
        return QFileDialog.getOpenFileName(
            self.w, "Import map", "", formats.dialog_filters([*IMPORTS, formats.PATHSIMR],
                                                             combined="Maps and data"))[0]

    def ask_pathsimr(self, network: Path) -> tuple[Path, str] | None:
        """A PathSimR network template's calendar template and time unit, or None (cancel)."""
        dialog = PathSimRDialog(network, self.w)
        return dialog.choice() if dialog.exec() == QDialog.Accepted else None

    def ask_import_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self.w, "Import a folder of CSV files")

    def ask_mode(self, name: str, can_merge: bool) -> str | None:
        """"new", "merge" or None (cancel)."""
        box = self._box(QMessageBox.Question, "Import",
                        f"Open {name} as a new map, or merge it into this map?")
        new = box.addButton("Open as a new map", QMessageBox.AcceptRole)
        merge = box.addButton("Merge into this map", QMessageBox.ActionRole)
        merge.setEnabled(can_merge)
        box.addButton(QMessageBox.Cancel)
        box.exec()
        return {new: "new", merge: "merge"}.get(box.clickedButton())

    def confirm_merge(self, plan: MergePlan) -> bool:
        return self.preview_dialog(plan).exec() == QDialog.Accepted

    def show_problems(self, problems: ImportProblems) -> None:
        self.problems_dialog(problems).exec()

    def show_notices(self, name: str, notices: list[str]) -> None:
        """The report of what the import filled in or changed; the planner closes it."""
        self.notices_dialog(name, notices).exec()

    def ask_undirected(self, name: str) -> str | None:
        """"one-way", "both-ways" or None (cancel), for a graph whose edges have no direction."""
        box = self._box(QMessageBox.Question, "Import",
                        f"{name} is an undirected graph: its edges say only that two things "
                        "are joined. Make each edge one flow, in the order the file gives its "
                        "ends, or a flow each way?")
        one = box.addButton("One flow each", QMessageBox.AcceptRole)
        both = box.addButton("A flow each way", QMessageBox.ActionRole)
        box.addButton(QMessageBox.Cancel)
        box.exec()
        return {one: "one-way", both: "both-ways"}.get(box.clickedButton())

    def ask_export_path(self) -> tuple[str, formats.Format | None]:
        """The path to write and the format chosen in the dialog's list (None: by suffix);
        ("", None) when cancelled."""
        path, chosen = QFileDialog.getSaveFileName(self.w, "Export data", "",
                                                   formats.dialog_filters(EXPORT_CHOICES))
        return (formats.with_suffix(path, chosen, EXPORT_CHOICES),
                formats.chosen_format(chosen, EXPORT_CHOICES))

    def ask_export_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self.w, "Export CSV files into a folder")

    def confirm_overwrite(self, paths: list[Path]) -> bool:
        box = self._box(QMessageBox.Question, "Export",
                        f"Replace {plural(len(paths), 'CSV file')} in {paths[0].parent}?")
        box.setStandardButtons(QMessageBox.Yes | QMessageBox.Cancel)
        return box.exec() == QMessageBox.Yes

    def ask_template_path(self) -> str:
        path, chosen = QFileDialog.getSaveFileName(self.w, "Save the spreadsheet template",
                                                   "servicemap template.xlsx",
                                                   formats.dialog_filters(formats.TEMPLATES))
        return formats.with_suffix(path, chosen, formats.TEMPLATES, formats.XLSX)

    def tell_error(self, message: str) -> None:
        self._box(QMessageBox.Warning, "servicemap", message).exec()

    def _box(self, icon, title: str, text: str) -> QMessageBox:
        box = QMessageBox(icon, title, text, QMessageBox.NoButton, self.w)
        box.setTextFormat(Qt.PlainText)  # names are never read as markup
        return box

    # ----- dialogs ------------------------------------------------------------------------
    def _dialog(self, title: str, summary: str, ok: str | None) -> tuple[QDialog, QVBoxLayout]:
        dialog = QDialog(self.w)
        dialog.setWindowTitle(title)
        dialog.resize(720, 420)
        layout = QVBoxLayout(dialog)
        label = QLabel(summary, dialog)
        label.setTextFormat(Qt.PlainText)
        label.setWordWrap(True)
        layout.addWidget(label)
        buttons = QDialogButtonBox(QDialogButtonBox.Cancel if ok else QDialogButtonBox.Close,
                                   parent=dialog)
        if ok:
            buttons.addButton(ok, QDialogButtonBox.AcceptRole)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        dialog.buttons = buttons
        return dialog, layout

    def preview_dialog(self, plan: MergePlan) -> QDialog:
        """The merge preview: one line per added or changed item (plain text)."""
        lines = [without_ids(line) for line in plan.lines()]
        dialog, layout = self._dialog("Merge preview", f"Merging adds or changes "
                                      f"{plural(len(lines), 'item')} (one undo step); nothing "
                                      "is deleted.", "Merge")
        dialog.list = QListWidget(dialog)
        dialog.list.addItems(lines)
        layout.addWidget(dialog.list)
        layout.addWidget(dialog.buttons)
        return dialog

    def notices_dialog(self, name: str, notices: list[str]) -> QDialog:
        """One line per default filled in or change made (plain text), and Close."""
        return dialogs.notices_dialog(self.w, name, notices)

    def problems_dialog(self, problems: ImportProblems) -> QDialog:
        """Every problem as a row of sheet, row, column and reason (a spreadsheet's), or one
        line each (other files); nothing was imported."""
        dialog, layout = self._dialog("Nothing was imported", f"{problems.summary}. Fix these "
                                      "in the file and import it again:", None)
        if not isinstance(problems, SheetProblems):
            dialog.list = QListWidget(dialog)
            dialog.list.setWordWrap(True)
            dialog.list.addItems([str(p) for p in problems.problems])
            layout.addWidget(dialog.list)
            layout.addWidget(dialog.buttons)
            return dialog
        table = dialog.table = QTableWidget(len(problems.problems), 4, dialog)
        table.setHorizontalHeaderLabels(["Sheet", "Row", "Column", "Problem"])
        table.setEditTriggers(QTableWidget.NoEditTriggers)
        for i, p in enumerate(problems.problems):
            for j, text in enumerate((p.sheet, "" if p.row is None else str(p.row), p.column,
                                      p.reason)):
                table.setItem(i, j, QTableWidgetItem(text))
        table.horizontalHeader().setStretchLastSection(True)
        table.resizeColumnsToContents()
        layout.addWidget(table)
        layout.addWidget(dialog.buttons)
        return dialog

    # ----- import ---------------------------------------------------------------------------
    def import_dialog(self) -> None:
        path = self.ask_import_path()
        if path:
            self.import_path(path)

    def import_folder_dialog(self) -> None:
        path = self.ask_import_folder()
        if path:
            self.import_path(path)

    def read(self, path: Path) -> Document | None:
        """The map in ``path``, or None after telling the user why not. An undirected graph
        asks how its edges become flows; what the reader filled in is reported."""
        fmt = formats.for_path(path)
        if path.suffix.lower() in formats.PATHSIMR.suffixes and not path.is_dir():
            return self._read_pathsimr(path)
        if fmt not in IMPORTS:
            known = ", ".join(f.suffix for f in IMPORTS if not f.is_folder)
            self.tell_error(f"{path.name} is not a file servicemap can import (use {known} "
                            "or a folder of CSV files).")
            return None
        imported = self._import(fmt, path, None)
        if imported is not None and imported.undirected:
            choice = self.ask_undirected(path.name)
            if choice is None:
                return None
            if choice != "one-way":
                imported = self._import(fmt, path, choice)
        if imported is None:
            return None
        if imported.notices:
            self.show_notices(path.name, imported.notices)
        return imported.document

    def _read_pathsimr(self, network: Path) -> Document | None:
        """PathSimR's network template with the calendar and time unit the user gives."""
        choice = self.ask_pathsimr(network)
        if choice is None:
            return None
        from servicemap.io.pathsimr_read import import_pathsimr

        try:
            with busy():
                imported = import_pathsimr(network, *choice)
        except ImportProblems as problems:
            self.show_problems(problems)
            return None
        except (ServiceMapError, OSError) as exc:
            self.tell_error(str(exc))
            return None
        if imported.notices:
            self.show_notices(network.name, imported.notices)
        return imported.document

    def _import(self, fmt: formats.Format, path: Path, undirected: str | None) -> Imported | None:
        try:
            with busy():
                return fmt.import_file(path, undirected=undirected)
        except ImportProblems as problems:
            self.show_problems(problems)
        except (ServiceMapError, OSError) as exc:
            self.tell_error(str(exc))
        return None

    def import_path(self, path) -> bool:
        """Import ``path`` as a new map or into this one, as the user chooses."""
        path = Path(path)
        incoming = self.read(path)
        if incoming is None:
            return False
        session = self.host.session
        mode = self.ask_mode(path.name, session.doc is not None and session.editable)
        if mode == "new":
            return self.open_as_new(incoming, path.stem)
        if mode == "merge":
            return self.merge(incoming, path.name)
        return False

    def open_as_new(self, doc: Document, name: str) -> bool:
        if not self.host.files.maybe_save():
            return False
        # as File > New does: the imported map has no file yet
        self.host.show_document(doc, name=name, dirty=True)
        positions = self.positions([n for n, k in doc.graph.nodes(data="kind")
                                    if k in DRAWN_KINDS])
        if positions:
            self.host.session.editor.move({n: None for n in positions}, positions,
                                          text="Place imported nodes")
        return True

    def merge(self, incoming: Document, name: str) -> bool:
        """Merge as one undo step, after the preview; undone whole if any change is refused."""
        doc, editor = self.host.session.doc, self.host.session.editor
        plan = plan_merge(doc, incoming)
        if plan.empty:
            self.host.status(f"{name} adds nothing new to this map.", 6000)
            return False
        if not self.confirm_merge(plan):
            return False
        push = editor.push
        with editor.transaction(f"Import {name}") as tx:
            for n in plan.new_nodes:
                attrs = incoming.node(n)
                fields = {k: v for k, v in attrs.items() if k not in ("kind", "name")}
                push(c.AddNode(doc, attrs["kind"], attrs["name"], plan.node_ids[n], fields,
                               "Add node"))
            for n, changes in plan.node_changes.items():
                push(c.UpdateFields(doc, "node", n, changes, "Change node"))
            if plan.removed_edges:
                push(c.RemoveItems(doc, [], plan.removed_edges, "Move to a new parent"))
            for edge_id, rec in plan.new_edges:
                fields = {k: v for k, v in rec.items() if k not in ("kind", "source", "target")}
                push(c.AddEdge(doc, rec["kind"], rec["source"], rec["target"], edge_id,
                               fields, "Add link"))
            for e, changes in plan.edge_changes.items():
                push(c.UpdateFields(doc, "edge", e, changes, "Change flow"))
            for p in plan.new_pathways:
                push(c.AddPathway(doc, p, "Add pathway"))
            for p, changes in plan.pathway_changes.items():
                push(c.UpdatePathway(doc, p, changes, "Change pathway"))
            for t in plan.new_targets:
                push(AddTarget(doc, t, "Add target"))
            for t, changes in plan.target_changes.items():
                push(UpdateTarget(doc, t, changes, "Change target"))
            for note in plan.new_notes:
                push(AddNote(doc, note, "Add note"))
            for note_id, changes in plan.note_changes.items():
                push(UpdateNote(doc, note_id, changes, "Change note"))
            placed = self.positions([plan.node_ids[n] for n in plan.new_nodes])
            if placed:
                push(c.MoveNodes(doc, {n: None for n in placed}, placed, "Place nodes"))
        if not tx.ok:
            self.tell_error(f"Nothing was merged: {tx.error}")
            return False
        self.host.status(f"Merged {name}: {plural(len(plan.lines()), 'change')} (one undo step).")
        return True

    def positions(self, ids: list[str]) -> dict[str, tuple[float, float]]:
        """Places for the boxes among ``ids`` that have none: the grouped layout when the
        map has no placed box yet, else the tidy layout (each beside the boxes it shares
        flows with); pinned boxes (which layouts never move), or all of them if no layout
        runs, on a grid below."""
        doc = self.host.session.doc
        nodes = doc.graph.nodes
        todo = [n for n in ids if nodes[n]["kind"] in DRAWN_KINDS and nodes[n]["x"] is None]
        if not todo:
            return {}
        scene = self.host.session.scene
        sizes = {n: (item.rect.width(), item.rect.height())
                 for n, item in scene.nodes.items()} if scene is not None else None
        try:
            from servicemap.graph import layout

            drawn = [n for n, k in nodes(data="kind") if k in DRAWN_KINDS]
            if all(nodes[n]["x"] is None for n in drawn):
                found = layout.grouped(doc, sizes=sizes).positions
            else:  # next to the boxes they share flows with, moving nothing else
                found = layout.tidy(doc, sizes=sizes)
        except Exception:  # placing is a convenience: if the layout fails, use a grid
            found = {}
        rest = [n for n in todo if n not in found]  # pinned, or no layout: a grid below all
        if rest:
            def size(n):
                return (sizes or {}).get(n) or estimate_size(nodes[n]["kind"], nodes[n]["name"])

            where = {n: (a["x"], a["y"]) for n, a in nodes(data=True)
                     if a["kind"] in DRAWN_KINDS and a.get("x") is not None
                     and a.get("y") is not None}
            where.update(found)
            corner = boxes_corner((*where[n], *size(n)) for n in where)
            found.update(zip(rest, unplaced_positions(corner, [size(n) for n in rest]),
                             strict=True))
        return {n: (float(found[n][0]), float(found[n][1])) for n in todo}

    # ----- export and template --------------------------------------------------------------
    def export_dialog(self) -> None:
        path, chosen = self.ask_export_path()
        if path:
            self.export_to(path, chosen)

    def export_to(self, path, chosen: formats.Format | None = None) -> bool:
        """Write the map to ``path`` in the format of its suffix, or in ``chosen`` (a choice
        of the dialog, such as flat GraphML) when that is a format for this suffix."""
        path = Path(path)
        fmt = formats.by_suffix(path.suffix)
        if chosen is not None and path.suffix.lower() in chosen.suffixes:
            fmt = chosen
        if fmt not in EXPORT_CHOICES:
            *others, last = [f.suffix for f in EXPORTS]
            self.tell_error(f"{path.name}: choose {', '.join(others)} or {last}.")
            return False
        return self._write(lambda: fmt.write(self.host.session.doc, path), path, locked=True)

    def export_folder_dialog(self) -> None:
        folder = self.ask_export_folder()
        if folder:
            self.export_folder(folder)

    def export_folder(self, folder) -> bool:
        folder = Path(folder)
        existing = [folder / name for name in csvfiles.csv_file_names()
                    if (folder / name).exists()]
        if existing and not self.confirm_overwrite(existing):
            return False
        return self._write(lambda: formats.CSV_FOLDER.write(self.host.session.doc, folder),
                           folder)

    def template_dialog(self) -> None:
        path = self.ask_template_path()
        if not path:
            return
        fmt = formats.by_suffix(Path(path).suffix)
        if fmt not in formats.TEMPLATES:
            self.tell_error(f"{Path(path).name}: choose .xlsx or .ods for the template.")
            return
        self._write(lambda: fmt.template(Path(path)), Path(path), locked=True)

    def _write(self, write, path: Path, locked: bool = False) -> bool:
        """``locked``: write under ``path``'s lock, as the command line does: a file a window
        or a command holds (a map being written) is refused in one sentence naming who."""
        try:
            with busy():
                if locked:
                    with locks.holding(path):
                        write()
                else:
                    write()
        except ServiceMapError as exc:  # one sentence naming the file already
            self.tell_error(str(exc))
            return False
        except OSError as exc:
            self.tell_error(f"{path.name} could not be written ({atomic.reason(exc)}).")
            return False
        self.host.status(f"Wrote {path}", 6000)
        return True
