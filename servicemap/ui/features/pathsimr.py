"""File > Export PathSimR templates…: the map as PathSimR's network and calendar templates
(``network_template.csv``, ``calendar_template.csv``) in a folder, per day or per hour as the
user chooses (:mod:`servicemap.io.pathsimr_write`; the import is File > Import…, in
:mod:`servicemap.ui.features.exchange`). What PathSimR cannot be given (a service without a
length of stay or capacity, shares not making 100%) is listed, and nothing is written.
Questions are small methods (``ask_*``, ``confirm_*``, ``show_*``, ``tell_*``) tests replace.
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
    QVBoxLayout,
)

from servicemap.errors import ServiceMapError
from servicemap.io import pathsimr
from servicemap.ui import dialogs
from servicemap.ui.api import Host, busy
from servicemap.words import without_ids


class PathSimRFeature:
    """The export action of one window."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.w = host.widget
        self.export_action = host.add_action(
            "file.export_pathsimr", "Export PathSi&mR templates…", self.export_dialog,
            tip="Write the map as PathSimR's network and calendar templates, to simulate it "
            "in PathSimR", enabled="document", menu="file", section="exchange")

    # ----- questions (tests replace these) --------------------------------------------------
    def ask_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self.w, "Export PathSimR templates into a folder")

    def ask_unit(self) -> str | None:
        """"days", "hours" or None (cancel): the unit the templates' rates and times are per."""
        box = dialogs.message_box(self.w, QMessageBox.Question, "Export PathSimR templates",
                                  "PathSimR does not record a time unit. Write the rates and "
                                  "times per day or per hour?")
        day = box.addButton("Per day", QMessageBox.AcceptRole)
        hour = box.addButton("Per hour", QMessageBox.ActionRole)
        box.addButton(QMessageBox.Cancel)
        box.setDefaultButton(day)
        box.exec()
        return {day: "days", hour: "hours"}.get(box.clickedButton())

    def confirm_overwrite(self, paths: list[Path]) -> bool:
        names = " and ".join(p.name for p in paths)
        return dialogs.ask(self.w, "Export PathSimR templates",
                           f"Replace {names} in {paths[0].parent}?",
                           dialogs.Button.Yes | dialogs.Button.Cancel,
                           dialogs.Button.Cancel) == dialogs.Button.Yes

    def show_problems(self, summary: str, problems: list[str]) -> None:
        self.problems_dialog(summary, problems).exec()

    def tell_error(self, message: str) -> None:
        dialogs.warn(self.w, "servicemap", message)

    def problems_dialog(self, summary: str, problems: list[str]) -> QDialog:
        """Every problem, one line each (plain text), and Close; its ``list`` for tests."""
        dialog = QDialog(self.w)
        dialog.setWindowTitle("Nothing was exported")
        dialog.resize(720, 420)
        layout = QVBoxLayout(dialog)
        label = QLabel(f"{summary[0].upper()}{summary[1:]}. Fill these in and export again:",
                       dialog)
        label.setTextFormat(Qt.PlainText)
        label.setWordWrap(True)
        layout.addWidget(label)
        dialog.list = QListWidget(dialog)
        dialog.list.setWordWrap(True)
        dialog.list.addItems([without_ids(p) for p in problems])
        layout.addWidget(dialog.list)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, parent=dialog)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        return dialog

    # ----- export ---------------------------------------------------------------------------
    def export_dialog(self) -> None:
        folder = self.ask_folder()
        if folder:
            self.export(Path(folder))

    def export(self, folder: Path) -> bool:
        """Write the templates into ``folder`` after asking the unit (and before replacing)."""
        from servicemap.io.pathsimr_write import ExportProblems, write_pathsimr

        unit = self.ask_unit()
        if unit is None:
            return False
        existing = [folder / name for name in (pathsimr.NETWORK_FILE, pathsimr.CALENDAR_FILE)
                    if (folder / name).exists()]
        if existing and not self.confirm_overwrite(existing):
            return False
        try:
            with busy():
                write_pathsimr(self.host.session.doc, folder, unit)
        except ExportProblems as exc:
            self.show_problems(exc.summary, exc.problems)
            return False
        except (ServiceMapError, OSError) as exc:
            self.tell_error(f"The PathSimR templates could not be written in {folder.name}: "
                            f"{exc}")
            return False
        self.host.status(f"Wrote {pathsimr.NETWORK_FILE} and {pathsimr.CALENDAR_FILE} in "
                         f"{folder.name} (rates and times per {unit[:-1]}).")
        return True
