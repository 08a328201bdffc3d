"""The rows of one Analysis table: its columns (title, value, format, tooltip), the Qt model
that shows them sorted with unknown last, the description of a measure's table, and the table
as it is shown made into plain values to copy or export (:func:`result_table`)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from servicemap.io.table_file import ResultTable
from servicemap.units import format_duration, format_percent

ROOT = QModelIndex()


@dataclass(frozen=True)
class Column:
    title: str
    get: Callable[[dict], object]  # the cell's value (number, text or None = unknown)
    fmt: str = ""  # "n": whole number, "pct": ratio as %, "pct1": ratio as % to 0.1,
    #                "%": a percentage (0-100), "days": a wait in days, "1": one decimal
    tip: str = ""  # what the column says, in one sentence (the header's tooltip)


def text(value: object, fmt: str) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if fmt == "pct":
            return f"{value:.0%}"
        if fmt == "pct1":
            return f"{value:.1%}"
        if fmt == "%":
            return format_percent(value)
        if fmt == "days":
            return format_duration(value)
        if fmt == "1":
            return f"{value:,.1f}"
        return f"{value:,.0f}" if abs(value) >= 10 or float(value).is_integer() else f"{value:g}"
    return str(value)


class RowsModel(QAbstractTableModel):
    """Rows (dicts) shown through columns; ``ids(row)`` are what a row selects."""

    def __init__(self, columns: list[Column], ids: Callable[[dict], list[str]]) -> None:
        super().__init__()
        self.columns, self.ids, self.rows = columns, ids, []

    def set_rows(self, rows: list[dict], columns: list[Column] | None = None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.columns = columns if columns is not None else self.columns
        self.endResetModel()

    def rowCount(self, parent=ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.DisplayRole:
                return self.columns[section].title
            if role == Qt.ToolTipRole:
                return self.columns[section].tip or None
        return None

    def data(self, index, role=Qt.DisplayRole):
        if role not in (Qt.DisplayRole, Qt.ToolTipRole, Qt.TextAlignmentRole):
            return None  # asked for every role of every cell: answer the rest at once
        column = self.columns[index.column()]
        value = column.get(self.rows[index.row()])
        if role != Qt.TextAlignmentRole:
            return text(value, column.fmt)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return  # -1: the analysis's own order
        get = self.columns[column].get

        def key(row):  # unknown last, whichever way
            value = get(row)
            if value is None:
                return (1, 0, "")
            if isinstance(value, (int, float)):
                return (0, value, "")
            return (0, 0, str(value).casefold())

        self.layoutAboutToBeChanged.emit()
        known = [r for r in self.rows if get(r) is not None]
        self.rows = sorted(known, key=key, reverse=order == Qt.DescendingOrder) + \
            [r for r in self.rows if get(r) is None]
        self.layoutChanged.emit()


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    rows: Callable[[dict], list[dict]]
    columns: list[Column]
    ids: Callable[[dict], list[str]]
    summary: Callable[[dict], str]
    explain: str = ""  # what the measure is, in one sentence (docs/analysis.md)


# ----- taking a table away ------------------------------------------------------------------
EXPORT_FORMATS = {"n": "#,##0", "pct": "0%", "pct1": "0.0%", "1": "0.0"}


def export_value(value: object, fmt: str) -> object:
    """A cell's value for a spreadsheet: numbers stay numbers (a ratio with a percent format,
    a wait in days), yes/no for booleans, "unknown" for unknown (never an empty cell a sum
    would count as 0)."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            return "over any limit" if value > 0 else "unknown"
        return value
    return str(value)


def export_title(column: Column) -> str:
    """The column's title, with the unit a bare number needs ("Median wait (days)",
    "Occupancy (%)")."""
    if column.fmt == "days":
        return f"{column.title} (days)"
    if column.fmt == "%" and "%" not in column.title:
        return f"{column.title} (%)"
    return column.title


def result_table(title: str, columns: list[Column], rows: list[dict],
                 about: list[str]) -> ResultTable:
    """The rows in the order shown, through ``columns``, as plain values."""
    return ResultTable(
        title, [export_title(c) for c in columns],
        [[export_value(c.get(r), c.fmt) for c in columns] for r in rows],
        [EXPORT_FORMATS.get(c.fmt) for c in columns], about)
