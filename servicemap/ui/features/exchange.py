"""File > Import…, Import CSV folder…, Export data…, Export CSV folder… and New from
spreadsheet template…: maps in and out of Excel, CSV, GraphML (yEd, Gephi), draw.io and JSON.

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

from dataclasses import dataclass, field
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

from servicemap import palette
from servicemap.errors import ServiceMapError
from servicemap.graph.document import Document, new_id
from servicemap.io import csvfiles, drawio, exchange, graphml, xlsx
from servicemap.io.sheets import SheetProblems
from servicemap.model import DRAWN_KINDS, KIND_LABELS, NodeKind, Pathway
from servicemap.ui.api import Host, busy
from servicemap.ui.editing import commands as c

READERS = {".xlsx": xlsx.read_xlsx, ".zip": csvfiles.read_csv_zip,
           ".graphml": graphml.read_graphml, ".json": exchange.read_json,
           "folder": csvfiles.read_csv_folder}
WRITERS = {".xlsx": xlsx.write_xlsx, ".zip": csvfiles.write_csv_zip,
           ".graphml": graphml.write_graphml, ".drawio": drawio.write_drawio,
           ".json": exchange.write_json}
IMPORT_FILTER = ("Maps and data (*.xlsx *.zip *.graphml *.json);;Excel workbooks (*.xlsx);;"
                 "CSV files, zipped (*.zip);;GraphML (*.graphml);;JSON exchange files (*.json)")
EXPORT_FILTERS = {"Excel workbook (*.xlsx)": ".xlsx", "CSV files, zipped (*.zip)": ".zip",
                  "GraphML for yEd, Gephi, Cytoscape (*.graphml)": ".graphml",
                  "draw.io diagram (*.drawio)": ".drawio", "JSON exchange file (*.json)": ".json"}


# ----- merging (no Qt: what would change) ---------------------------------------------------
def _show(value: object) -> str:
    if value is None:
        return "unknown"
    text = f"{value:,g}" if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _listed(changes: dict, old: dict) -> str:
    """``capacity 40 → 55, hours unknown → 24/7``."""
    return ", ".join(f"{k.replace('_', ' ')} {_show(old.get(k))} → {_show(v)}"
                     for k, v in changes.items())


def _changes(new: dict, old: dict) -> dict:
    """The known imported values that differ (empty notes and an unset pin change nothing)."""
    return {k: v for k, v in new.items() if k != "kind" and v is not None and v != old.get(k)
            and not (k == "notes" and v == "") and not (k == "pinned" and v is False)}


@dataclass
class MergePlan:
    """What merging ``incoming`` into ``doc`` adds and changes; ids are the open map's."""

    doc: Document
    incoming: Document
    node_ids: dict[str, str] = field(default_factory=dict)       # incoming id -> map id
    new_nodes: list[str] = field(default_factory=list)           # incoming ids
    node_changes: dict[str, dict] = field(default_factory=dict)  # map id -> changes
    removed_edges: list[str] = field(default_factory=list)       # old parents' links
    new_edges: list[tuple[str, dict]] = field(default_factory=list)
    edge_changes: dict[str, dict] = field(default_factory=dict)
    new_pathways: list[Pathway] = field(default_factory=list)
    pathway_changes: dict[str, dict] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.new_nodes or self.node_changes or self.new_edges or self.edge_changes
                    or self.new_pathways or self.pathway_changes)

    def lines(self) -> list[str]:
        """One plain sentence per added or changed item, for the preview."""
        src = self.incoming.graph.nodes
        out = [f"Add {KIND_LABELS[NodeKind(src[n]['kind'])]} “{src[n]['name']}”"
               for n in self.new_nodes]
        out += [f"Change {self.doc.describe(n)}: {_listed(ch, self.doc.node(n))}"
                for n, ch in self.node_changes.items()]
        names = {**{n: a["name"] for n, a in self.doc.graph.nodes(data=True)},
                 **{self.node_ids[n]: src[n]["name"] for n in self.new_nodes}}
        for _, rec in self.new_edges:
            what = f"{rec['flow_type']} flow" if rec["kind"] == "flow" else \
                rec["kind"].replace("_", " ") + " link"
            out.append(f"Add {what} “{names[rec['source']]}” → “{names[rec['target']]}”")
        out += [f"Change {self.doc.describe(e)}: {_listed(ch, self.doc.edge(e))}"
                for e, ch in self.edge_changes.items()]
        out += [f"Add pathway “{p.name}”" for p in self.new_pathways]
        out += [f"Change pathway “{self.doc.pathways[p].name}”: {', '.join(ch)}"
                for p, ch in self.pathway_changes.items()]
        return out


def plan_merge(doc: Document, incoming: Document) -> MergePlan:
    """Match ``incoming`` to ``doc`` (by id, then kind and name) and list the changes."""
    plan = MergePlan(doc, incoming)
    used: set[str] = set()

    def fresh(item_id: str) -> str:
        free = not (doc.has_node(item_id) or doc.has_edge(item_id)
                    or item_id in doc.pathways or item_id in used)
        made = item_id if free else new_id()
        used.add(made)
        return made

    by_name: dict[tuple, list[str]] = {}
    for n, attrs in doc.graph.nodes(data=True):
        by_name.setdefault((attrs["kind"], attrs["name"]), []).append(n)
    matched: set[str] = set()
    for n, attrs in incoming.graph.nodes(data=True):
        target = n if doc.has_node(n) and doc.node(n)["kind"] == attrs["kind"] else None
        same = by_name.get((attrs["kind"], attrs["name"]), [])
        target = target or (same[0] if len(same) == 1 else None)
        if target is None or target in matched:
            plan.node_ids[n] = fresh(n)
            plan.new_nodes.append(n)
            continue
        matched.add(target)
        plan.node_ids[n] = target
        if changes := _changes(attrs, doc.node(target)):
            plan.node_changes[target] = changes
    existing = {(a["kind"], u, v, a.get("flow_type")): k
                for u, v, k, a in doc.graph.edges(keys=True, data=True)}
    for u, v, k, attrs in incoming.graph.edges(keys=True, data=True):
        mu, mv = plan.node_ids[u], plan.node_ids[v]
        kind = attrs["kind"]
        found = k if doc.has_edge(k) and doc.edge_ends(k) == (mu, mv) \
            and doc.edge(k)["kind"] == kind else existing.get((kind, mu, mv,
                                                               attrs.get("flow_type")))
        if found is not None:
            if changes := _changes(attrs, doc.edge(found)):
                plan.edge_changes[found] = changes
            continue
        if kind == "part_of" and doc.has_node(mu) and doc.parent(mu) is not None:
            plan.removed_edges += [e for _, p, e, d in doc.graph.out_edges(mu, keys=True,
                                                                           data="kind")
                                   if d == "part_of"]
        plan.new_edges.append((fresh(k), {**attrs, "source": mu, "target": mv}))
    for p in incoming.pathways.values():
        steps = [plan.node_ids[s] for s in p.steps]
        same = [q for q in doc.pathways.values() if q.name == p.name]
        target = p.id if p.id in doc.pathways else (same[0].id if len(same) == 1 else None)
        if target is None:
            plan.new_pathways.append(Pathway(fresh(p.id), p.name, p.description, steps))
            continue
        old = doc.pathways[target]
        pairs = (("name", p.name), ("description", p.description), ("steps", steps))
        changes = {k: v for k, v in pairs if v not in ("", []) and v != getattr(old, k)}
        if changes:
            plan.pathway_changes[target] = changes
    return plan


# ----- the feature ----------------------------------------------------------------------------
class ExchangeFeature:
    """The import, export and template actions of one window."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.w = host.widget  # the parent of this feature's dialogs
        add = host.add_action
        menu = {"menu": "file", "section": "exchange"}
        self.import_action = add("file.import", "&Import…", self.import_dialog,
                                 tip="Import a map from Excel, zipped CSV, GraphML or JSON, as "
                                 "a new map or merged into this one", **menu)
        self.import_folder_action = add("file.import_folder", "Import CSV &folder…",
                                        self.import_folder_dialog, tip="Import a folder of CSV "
                                        "files (one per sheet)", **menu)
        self.export_action = add("file.export_data", "Export &data…", self.export_dialog,
                                 tip="Export the map's data for Excel, yEd, Gephi, draw.io or "
                                 "another servicemap", enabled="document", **menu)
        self.export_folder_action = add("file.export_folder", "Export CS&V folder…",
                                        self.export_folder_dialog, tip="Export the map as CSV "
                                        "files in a folder", enabled="document", **menu)
        self.template_action = add("file.template", "New from spreadsheet &template…",
                                   self.template_dialog, tip="Write an Excel template to fill "
                                   "in and import", **menu)

    # ----- questions (tests replace these) --------------------------------------------------
    def ask_import_path(self) -> str:
        return QFileDialog.getOpenFileName(self.w, "Import map", "", IMPORT_FILTER)[0]

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

    def show_problems(self, problems: SheetProblems) -> None:
        self.problems_dialog(problems).exec()

    def ask_export_path(self) -> str:
        path, chosen = QFileDialog.getSaveFileName(self.w, "Export data", "",
                                                   ";;".join(EXPORT_FILTERS))
        if path and not Path(path).suffix and chosen in EXPORT_FILTERS:
            path += EXPORT_FILTERS[chosen]
        return path

    def ask_export_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self.w, "Export CSV files into a folder")

    def confirm_overwrite(self, paths: list[Path]) -> bool:
        box = self._box(QMessageBox.Question, "Export", f"Replace {len(paths)} CSV file"
                        f"{'s' * (len(paths) != 1)} in {paths[0].parent}?")
        box.setStandardButtons(QMessageBox.Yes | QMessageBox.Cancel)
        return box.exec() == QMessageBox.Yes

    def ask_template_path(self) -> str:
        path = QFileDialog.getSaveFileName(self.w, "Save the spreadsheet template",
                                           "servicemap template.xlsx",
                                           "Excel workbook (*.xlsx)")[0]
        return path + ".xlsx" if path and not path.lower().endswith(".xlsx") else path

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
        lines = plan.lines()
        dialog, layout = self._dialog("Merge preview", f"Merging adds or changes "
                                      f"{len(lines)} item{'s' * (len(lines) != 1)} (one undo "
                                      "step); nothing is deleted.", "Merge")
        dialog.list = QListWidget(dialog)
        dialog.list.addItems(lines)
        layout.addWidget(dialog.list)
        layout.addWidget(dialog.buttons)
        return dialog

    def problems_dialog(self, problems: SheetProblems) -> QDialog:
        """Every problem as a row of sheet, row, column and reason; nothing was imported."""
        dialog, layout = self._dialog("Nothing was imported", f"{problems.summary}. Fix these "
                                      "in the file and import it again:", None)
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
        """The map in ``path``, or None after telling the user why not."""
        reader = READERS.get("folder" if path.is_dir() else path.suffix.lower())
        if reader is None:
            self.tell_error(f"{path.name} is not a file servicemap can import (use .xlsx, "
                            ".zip, .graphml, .json or a folder of CSV files).")
            return None
        try:
            with busy():
                return reader(path)
        except SheetProblems as problems:
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
            placed = self.positions([plan.node_ids[n] for n in plan.new_nodes])
            if placed:
                push(c.MoveNodes(doc, {n: None for n in placed}, placed, "Place nodes"))
        if not tx.ok:
            self.tell_error(f"Nothing was merged: {tx.error}")
            return False
        self.host.status(f"Merged {name}: {len(plan.lines())} changes (one undo step).")
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
        rest = [n for n in todo if n not in found]  # pinned, or no layout: a row below all
        if rest:
            ys = [p[1] for p in found.values()] + [a["y"] for _, a in nodes(data=True)
                                                   if a.get("y") is not None]
            xs = [p[0] for p in found.values()] + [a["x"] for _, a in nodes(data=True)
                                                   if a.get("x") is not None]
            left, top = min(xs, default=0.0), max(ys, default=0.0) + 2 * palette.NODE_HEIGHT
            gap_x, gap_y = palette.UNPLACED_GAP
            per_row = max(4, round((2 * len(rest)) ** 0.5))
            found.update({n: (left + (i % per_row) * gap_x, top + (i // per_row) * gap_y)
                          for i, n in enumerate(rest)})
        return {n: (float(found[n][0]), float(found[n][1])) for n in todo}

    # ----- export and template --------------------------------------------------------------
    def export_dialog(self) -> None:
        path = self.ask_export_path()
        if path:
            self.export_to(path)

    def export_to(self, path) -> bool:
        path = Path(path)
        writer = WRITERS.get(path.suffix.lower())
        if writer is None:
            self.tell_error(f"{path.name}: choose .xlsx, .zip (CSV files), .graphml, .drawio "
                            "or .json.")
            return False
        return self._write(lambda: writer(self.host.session.doc, path), path)

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
        return self._write(lambda: csvfiles.write_csv_folder(self.host.session.doc, folder),
                           folder)

    def template_dialog(self) -> None:
        path = self.ask_template_path()
        if path:
            self._write(lambda: xlsx.write_template(path), Path(path))

    def _write(self, write, path: Path) -> bool:
        try:
            with busy():
                write()
        except (ServiceMapError, OSError) as exc:
            self.tell_error(f"{path.name} could not be written: {exc}")
            return False
        self.host.status(f"Wrote {path}", 6000)
        return True
