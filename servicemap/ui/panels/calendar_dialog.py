"""The Inspector's calendar fields (docs/data-model.md, "Calendars"): the calendar as text in a
line, with an **Edit calendar…** button beside it that opens a small table, one row an entry
(From date, Days, From, To, Value; rows added and removed), whose OK writes the canonical text
(:meth:`servicemap.calendars.Calendar.text`) back to the line; the Inspector commits it through
the Editor as one edit, so one undo step. Cancel changes nothing. A table that cannot be read
says why under it, naming the row, and stays open.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from servicemap import calendars
from servicemap.ui.panels.base import ERROR_STYLE

COLUMNS = ("From date", "Days", "From", "To", "Value")
COLUMN_TIPS = ("The day the row holds from, YYYY-MM-DD (empty: always)",
               'Days of the week: "Mon-Fri", "Sat,Sun", "Fri-Mon" (empty: every day)',
               "The time of day it starts, HH:MM (empty: midnight)",
               "The time of day it ends, HH:MM, up to 24:00 (empty: midnight); before the "
               "start it wraps past midnight",
               "The value while the row holds")
# what each calendar's values are, and the plain field that holds where no row applies
VALUE_WORDS = {"capacity_calendar": ("places held at once", "capacity"),
               "arrivals_calendar": ("people a year, as a rate while the row holds",
                                     "arrivals per year")}
CALENDAR_TIP = ('Entries separated by ";", each [from YYYY-MM-DD] [days] [HH:MM-HH:MM] value, '
                'e.g. "Mon-Fri 08:00-20:00 12; Sat,Sun 4; from 2027-04-01 30". The latest '
                "from-date wins, then the later entry; where none applies the plain figure "
                "holds. Edit calendar… edits it as a table.")


def entry_cells(entry: calendars.Entry) -> tuple[str, str, str, str, str]:
    """One entry as the table's five cells."""
    whole_day = (entry.start_minute, entry.end_minute) == (0, calendars.MINUTES_IN_DAY)
    return ("" if entry.from_date is None else entry.from_date.isoformat(),
            "" if entry.days == calendars.ALL_DAYS else calendars.days_text(entry.days),
            "" if whole_day else _clock(entry.start_minute),
            "" if whole_day else _clock(entry.end_minute),
            calendars.value_text(entry.value))


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def cells_text(rows: list[tuple[str, ...]]) -> str:
    """The canonical text of the table's rows (blank rows skipped; none: ""). Raises
    ValueError with one sentence naming the row."""
    entries = []
    for number, cells in enumerate(rows, start=1):
        date, days, start, end, value = (c.strip() for c in cells)
        if not any((date, days, start, end, value)):
            continue
        if not value:
            raise ValueError(f"Row {number} has no value; give the number it holds.")
        parts = [f"from {date}"] if date else []
        parts += [days] if days else []
        if start or end:
            parts.append(f"{start or '00:00'}-{end or '24:00'}")
        parts.append(value)
        text = " ".join(parts)
        why = calendars.check(text)
        if why is not None:
            raise ValueError(f"Row {number}: {why.split(': ', 1)[-1]}")
        entries.append(text)
    return calendars.parse("; ".join(entries)).text()


class CalendarDialog(QDialog):
    """The table of one calendar field. ``text`` is the canonical text when accepted."""

    def __init__(self, field_name: str, title: str, text: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendar_dialog")
        self.setWindowTitle(f"Edit {title.lower()}")
        self.text: str | None = None
        unit, plain = VALUE_WORDS.get(field_name, ("its value", "the plain figure"))
        layout = QVBoxLayout(self)
        intro = QLabel(f"One row per entry; values are {unit}. The latest from-date wins, "
                       f"then the lower row; where no row applies, the {plain} holds.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("calendar_table")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        for i, tip in enumerate(COLUMN_TIPS):
            self.table.horizontalHeaderItem(i).setToolTip(tip)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(True)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add row")
        self.add_button.setObjectName("calendar_add")
        self.remove_button = QPushButton("Remove row")
        self.remove_button.setObjectName("calendar_remove")
        for button in (self.add_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.error = QLabel()
        self.error.setObjectName("calendar_error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.hide()
        layout.addWidget(self.error)
        self.box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                    | QDialogButtonBox.StandardButton.Cancel)
        layout.addWidget(self.box)
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self.remove_row)
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)
        self._fill(text)
        self.resize(560, 320)

    def _fill(self, text: str | None) -> None:
        try:
            cal = calendars.parse(text or "")
        except calendars.CalendarError as exc:  # typed in the line and refused: start afresh
            self._say(f"The calendar could not be read ({exc}); rows here replace it.")
            cal = calendars.Calendar()
        for entry in cal.entries:
            self.add_row(entry_cells(entry))
        if not cal.entries:
            self.add_row()

    def add_row(self, cells: tuple[str, ...] = ("", "", "", "", "")) -> None:
        """A row at the end (after the current one's place: later rows win among equal
        from-dates, so a new row goes last)."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, text in enumerate(cells):
            self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.setCurrentCell(row, 0)

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def rows(self) -> list[tuple[str, ...]]:
        def cell(r: int, c: int) -> str:
            item = self.table.item(r, c)
            return "" if item is None else item.text()

        return [tuple(cell(r, c) for c in range(len(COLUMNS)))
                for r in range(self.table.rowCount())]

    def _say(self, message: str) -> None:
        self.error.setText(f"⚠ {message}" if message else "")
        self.error.setVisible(bool(message))

    def accept(self) -> None:
        editor = self.table.indexWidget(self.table.currentIndex())
        if isinstance(editor, QLineEdit):  # a cell still being typed in counts
            self.table.commitData(editor)
        try:
            self.text = cells_text(self.rows())
        except ValueError as exc:
            self._say(str(exc))
            return
        super().accept()


def line_tip(text: str | None, field_name: str) -> str:
    """The line's tooltip: the calendar in words (it is often longer than the line), then how
    to write one."""
    try:
        cal = calendars.parse(text or "")
    except calendars.CalendarError:
        return CALENDAR_TIP
    if not cal:
        return CALENDAR_TIP
    unit = " a year" if field_name == "arrivals_calendar" else " places"
    return f"{calendars.describe(cal, unit)}\n\n{CALENDAR_TIP}"


def calendar_cell(line: QLineEdit, field_name: str, title: str,
                  done: Callable[[str], None]) -> tuple[QWidget, QPushButton]:
    """The Inspector's cell for a calendar field: ``line`` and an **Edit calendar…** button
    opening :class:`CalendarDialog` on the line's text; ``done(text)`` gets the canonical text
    when the dialog is accepted (never when cancelled)."""
    line.setPlaceholderText("none: e.g. Mon-Fri 08:00-20:00 12; Sat,Sun 4")
    line.setToolTip(CALENDAR_TIP)
    button = QPushButton("Edit calendar…")
    button.setObjectName(f"edit_{field_name}")
    button.setToolTip(f"Edit the {title.lower()} as a table of entries")
    cell = QWidget()  # the text gets the row's whole width, the button goes under it
    column = QVBoxLayout(cell)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(line)
    under = QHBoxLayout()
    under.addWidget(button)
    under.addStretch(1)
    column.addLayout(under)

    def open_dialog() -> None:
        dialog = CalendarDialog(field_name, title, line.text(), cell.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: done(dialog.text))
        dialog.open()

    button.clicked.connect(open_dialog)
    return cell, button
