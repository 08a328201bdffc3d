"""The small dialog File > Import… shows for a PathSimR network template: its calendar
template (guessed from the network's name where PathSimR's own naming allows, with Browse…)
and the time unit its rates and times are per, which PathSimR does not record. Import stays
disabled until the calendar is a file and a unit is chosen: a guessed unit would be wrong by
24 times without a word."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

UNITS = (("an hour (calendars over a 24-hour day)", "hours"), ("a day", "days"))


def calendar_beside(network: Path) -> Path | None:
    """The calendar PathSimR's naming pairs with ``network`` when it is there:
    ``A&E_Network_Template.csv`` -> ``A&E_Calendar_Template.csv``, ``input_template_2.csv``
    -> ``cal_input_2.csv``."""
    name = network.name
    guesses = [re.sub("network", "Calendar", name, flags=re.IGNORECASE),
               re.sub(r"^input_template", "cal_input", name, flags=re.IGNORECASE)]
    for guess in guesses:
        path = network.with_name(guess)
        if guess != name and path.is_file():
            return path
    return None


class PathSimRDialog(QDialog):
    """Calendar file and time unit for ``network``; ``choice()`` after Import."""

    def __init__(self, network: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.network = Path(network)
        self.setWindowTitle("Import PathSimR templates")
        layout = QVBoxLayout(self)
        intro = QLabel(f"{self.network.name} is read as PathSimR's network template. Choose "
                       "its calendar template and the time unit its rates and times are per "
                       "(the map keeps days and people a year).", self)
        intro.setTextFormat(Qt.PlainText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        row = QHBoxLayout()
        self.calendar = QLineEdit(self)
        guess = calendar_beside(self.network)
        if guess is not None:
            self.calendar.setText(str(guess))
        self.browse = QPushButton("Browse…", self)
        self.browse.clicked.connect(self.choose_calendar)
        row.addWidget(self.calendar, 1)
        row.addWidget(self.browse)
        form.addRow("Calendar template:", row)
        self.unit = QComboBox(self)
        for label, unit in UNITS:
            self.unit.addItem(f"per {label}", unit)
        self.unit.setPlaceholderText("Choose the time unit")
        self.unit.setCurrentIndex(-1)
        form.addRow("Rates and times are:", self.unit)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Cancel, parent=self)
        self.ok = self.buttons.addButton("Import", QDialogButtonBox.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.calendar.textChanged.connect(self._update)
        self.unit.currentIndexChanged.connect(self._update)
        self._update()
        self.resize(560, self.sizeHint().height())

    def ask_calendar_path(self) -> str:
        return QFileDialog.getOpenFileName(self, "PathSimR calendar template",
                                           str(self.network.parent),
                                           "CSV files (*.csv);;All files (*)")[0]

    def choose_calendar(self) -> None:
        path = self.ask_calendar_path()
        if path:
            self.calendar.setText(path)

    def _update(self) -> None:
        path = self.calendar.text().strip()
        self.ok.setEnabled(bool(path) and Path(path).is_file() and self.unit.currentIndex() >= 0)

    def choice(self) -> tuple[Path, str]:
        """The calendar template and ``hours`` or ``days``."""
        return Path(self.calendar.text().strip()), self.unit.currentData()
