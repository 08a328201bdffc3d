"""The Inspector dock: every field of the selected node or edge, or of the map itself.

One editor per field of :func:`servicemap.model.node_fields` / ``edge_fields`` / ``MAP_FIELDS``,
chosen by the field's type. Edits go through the :class:`Editor` (one undo step each); a refused
value shows the document's reason beside the field and the field goes back to the document's
value. The form is built when the selected item changes and only its values are refreshed when
the document changes that item (after an undo, say), so typing is never interrupted.

Waits and targets (kept in days) show in hours, days or weeks, with a unit drop-down beside
the number (``unit_<name>``); "4 hours", "2 weeks" or "3d" typed in the box are understood too
(:mod:`servicemap.units`). Percentages show as "85%" and take "85%" or "85". No internal id shows
in the form: the selected item's id sits in the **Advanced** fold at the bottom, closed until the
user opens it, where it can be selected and copied.

Each field editor is named ``field_<name>`` and its error label ``error_<name>``.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from servicemap import model, units
from servicemap.model import Field
from servicemap.ui.panels.base import ERROR_STYLE, Panel
from servicemap.ui.panels.calendar_dialog import calendar_cell, line_tip
from servicemap.ui.panels.queue_rows import QueueRows
from servicemap.ui.panels.structure_rows import PARENT_TITLES, StructureRows
from servicemap.words import plural, without_ids

HIDDEN_FIELDS = frozenset({"x", "y"})          # positions belong to the canvas
READ_ONLY_MAP_FIELDS = frozenset({"created", "modified"})  # kept by the store
LONG_TEXT_FIELDS = frozenset({"notes", "description", "text"})  # "text": a note's
EDGE_HEADINGS = {"flow": "Flow", "part_of": "Part-of link", "serves": "Serves link"}
DURATION_TIP = ('In the unit chosen beside it; or type the unit: "4 hours", "3 days", '
                '"2 weeks". The map keeps days.')


def field_title(field: Field) -> str:
    """A field's label in the form: the unit goes beside the number, not in the label."""
    if units.is_duration(field) or units.is_percentage(field):
        return field.title.removesuffix(" (days)").removesuffix(" (%)")
    return field.title


def _what(field: Field) -> str:
    """How a message names the field: "capacity", "wait target"."""
    return field_title(field).lower() if field.label else field.name.replace("_", " ")


class _PlainTextEdit(QPlainTextEdit):
    """A multi-line text box that says when the user leaves it."""

    editing_finished = Signal()

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        self.editing_finished.emit()


def _plain_label(name: str, scale: float = 1.0, bold: bool = False) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setObjectName(name)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(bold)
    label.setFont(font)
    return label


class _Row:
    """One field: its editor widget and error label. Subclasses define ``show(value)`` and
    ``read()``, which returns the value entered or raises ValueError with a message."""

    def __init__(self, field: Field, target: tuple, widget: QWidget) -> None:
        self.field, self.target, self.widget = field, target, widget
        self.cell: QWidget = widget  # what the form shows: the editor, or a box holding it
        if isinstance(widget, QComboBox):  # narrow docks: do not size to the longest choice
            widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            widget.setMinimumContentsLength(8)
        widget.setObjectName(f"field_{field.name}")
        widget.setAccessibleName(field_title(field))
        self.error = _plain_label(f"error_{field.name}")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()

    def put(self, value) -> None:
        """Show a value from the document without the widget's signals committing it."""
        with QSignalBlocker(self.widget):
            self.show(value)

    def modified(self) -> bool:
        return False

    def set_error(self, message: str) -> None:
        self.error.setText(f"⚠ {message}" if message else "")
        self.error.setVisible(bool(message))


class _TextRow(_Row):
    def __init__(self, field, target, commit, read_only=False):
        super().__init__(field, target, QLineEdit())
        self.widget.setReadOnly(read_only)
        self.widget.editingFinished.connect(lambda: commit(self))

    def show(self, value):
        self.widget.setText("" if value is None else str(value))
        self.widget.setCursorPosition(0)  # show the start of long names
        if self.field.name in (model.SOURCE, model.EDGE_SOURCE):  # often longer than the box
            self.widget.setToolTip("" if value is None else str(value))

    def read(self):
        text = self.widget.text()
        if self.field.name == "name":
            text = text.strip()
        return None if self.field.optional and not text.strip() else text

    def modified(self):
        return self.widget.isModified() and not self.widget.isReadOnly()


class _DateRow(_TextRow):
    """A calendar date typed as YYYY-MM-DD (a fact's "as of"); the document checks it."""

    def __init__(self, field, target, commit, read_only=False):
        super().__init__(field, target, commit, read_only)
        self.widget.setPlaceholderText("YYYY-MM-DD")
        self.widget.setToolTip("The date the facts describe, written YYYY-MM-DD "
                               "(validate --stale lists items older than a date)")

    def read(self):
        text = self.widget.text().strip()
        return text or None


class _CalendarRow(_TextRow):
    """A calendar's text, and **Edit calendar…** under it (panels/calendar_dialog.py): the
    table's canonical text is committed as one edit; the document checks typed text."""

    def __init__(self, field, target, commit):
        super().__init__(field, target, commit)
        self.cell, self.button = calendar_cell(self.widget, field.name, field_title(field),
                                               lambda text: self._edited(text, commit))

    def show(self, value):
        super().show(value)
        self.widget.setToolTip(line_tip(value, self.field.name))
        self.button.setEnabled(not self.widget.isReadOnly())

    def _edited(self, text: str, commit) -> None:
        self.widget.setText(text)
        commit(self)


class _NumberRow(_TextRow):
    def show(self, value):
        self.widget.setText("" if value is None else format(value, ","))

    def read(self):
        text = "".join(self.widget.text().split()).replace(",", "")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"{_what(self.field)} must be a number") from None
        return units.whole(number)


class _RoundedRow(_TextRow):
    """A number shown rounded for reading: text left as shown keeps the exact value."""

    value = None
    shown_text = ""

    def show(self, value):
        self.value, self.shown_text = value, "" if value is None else self.text_of(value)
        self.widget.setText(self.shown_text)

    def read(self):
        text = self.widget.text().strip()
        if text == self.shown_text:
            return self.value
        try:
            return self.parse(text)
        except ValueError as exc:
            raise ValueError(f"{_what(self.field)} {exc}") from None


class _PercentRow(_RoundedRow):
    """A percentage (0-100): "85%", "87.5%"; "85%" or "85" typed."""

    def __init__(self, field, target, commit, read_only=False):
        super().__init__(field, target, commit, read_only)
        self.widget.setToolTip("A percentage: 85 or 85%")

    def text_of(self, value):
        return units.format_percent(value)

    def parse(self, text):
        return units.parse_percent(text)


class _DurationRow(_RoundedRow):
    """A wait or target, kept in days: the number in a unit, and the unit in a drop-down beside
    it (hours, days, weeks). The unit shown is the one the user chose for this field in this
    session (``chosen``, by field name), else the one the value reads best in; after the user
    types a value the row stays in the unit it was typed in."""

    def __init__(self, field, target, commit, chosen: dict[str, str]):
        super().__init__(field, target, commit)
        self.chosen = chosen
        self.kept: str | None = None  # the unit the user has been working in on this row
        self.widget.setToolTip(DURATION_TIP)
        self.unit_box = QComboBox()
        self.unit_box.setObjectName(f"unit_{field.name}")
        self.unit_box.setAccessibleName(f"{field_title(field)}: unit")
        self.unit_box.setToolTip("The unit this figure is shown and typed in (the map keeps "
                                 "days)")
        self.unit_box.addItems(list(units.UNITS))
        self.unit_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.unit_box.activated.connect(self._unit_chosen)
        self.cell = QWidget()
        row = QHBoxLayout(self.cell)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.widget, 1)
        row.addWidget(self.unit_box)

    @property
    def unit(self) -> str:
        return units.UNITS[max(0, self.unit_box.currentIndex())]

    def show(self, value):
        unit = self.kept or self.chosen.get(self.field.name) or units.best_unit(value)
        with QSignalBlocker(self.unit_box):
            self.unit_box.setCurrentIndex(units.UNITS.index(unit))
        super().show(value)

    def text_of(self, value):
        return units.number_text(units.in_unit(value, self.unit))

    def parse(self, text):
        days, typed = units.parse_duration(text, self.unit)
        if typed is not None:  # "2 weeks": the user chose weeks for this field
            self.chosen[self.field.name] = typed
        self.kept = typed or self.unit
        return days

    def _unit_chosen(self, index: int) -> None:
        """Show the same value in another unit; the map does not change."""
        self.chosen[self.field.name] = self.kept = units.UNITS[index]
        self.put(self.value)


class _LongTextRow(_Row):
    def __init__(self, field, target, commit):
        super().__init__(field, target, _PlainTextEdit())
        self.widget.setTabChangesFocus(True)
        self.widget.setFixedHeight(90)
        self.widget.editing_finished.connect(lambda: commit(self))

    def show(self, value):
        self.widget.setPlainText("" if value is None else str(value))
        self.widget.document().setModified(False)

    def read(self):
        text = self.widget.toPlainText()
        return None if self.field.optional and not text.strip() else text

    def modified(self):
        return self.widget.document().isModified()


class _ChoiceRow(_Row):
    def __init__(self, field, target, commit):
        super().__init__(field, target, QComboBox())
        self.values = ([None] if field.optional else []) + list(field.choices)
        self.widget.addItems(["(unknown)" if value is None else
                              (value.replace("_", " ") or "(none)") for value in self.values])
        self.widget.currentIndexChanged.connect(lambda _i: commit(self))

    def show(self, value):
        self.widget.setCurrentIndex(self.values.index(value) if value in self.values else -1)

    def read(self):
        index = self.widget.currentIndex()
        return self.values[index] if index >= 0 else None


class _CategoryRow(_Row):
    def __init__(self, field, target, commit):
        super().__init__(field, target, QComboBox())
        self.widget.setEditable(True)
        self.widget.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.widget.addItems(model.SUGGESTED_CATEGORIES)
        self.widget.lineEdit().setPlaceholderText("(unknown)")
        self.widget.lineEdit().editingFinished.connect(lambda: commit(self))
        self.widget.activated.connect(lambda _i: commit(self))

    def show(self, value):
        self.widget.setCurrentIndex(-1)
        self.widget.setEditText("" if value is None else str(value))
        self.widget.lineEdit().setModified(False)

    def read(self):
        text = self.widget.currentText().strip()
        return text or (None if self.field.optional else "")

    def modified(self):
        return self.widget.lineEdit().isModified()


class _BoolRow(_Row):
    def __init__(self, field, target, commit):
        super().__init__(field, target, QCheckBox())
        self.widget.toggled.connect(lambda _on: commit(self))

    def show(self, value):
        self.widget.setChecked(bool(value))

    def read(self):
        return self.widget.isChecked()


def _make_row(field: Field, target: tuple, commit, chosen_units: dict[str, str]) -> _Row:
    """The right editor for the field's type (and a few fields with their own)."""
    if target[0] == "map" and field.name in READ_ONLY_MAP_FIELDS:
        return _TextRow(field, target, commit, read_only=True)
    if units.is_duration(field):
        return _DurationRow(field, target, commit, chosen_units)
    if units.is_percentage(field):
        return _PercentRow(field, target, commit)
    row_class = (_BoolRow if field.type is bool else
                 _DateRow if field.unit == "date" else
                 _CalendarRow if field.unit == "calendar" else
                 _NumberRow if field.type in (int, float) else
                 _ChoiceRow if field.choices is not None else
                 _CategoryRow if field.name == "category" else
                 _LongTextRow if field.name in LONG_TEXT_FIELDS else _TextRow)
    return row_class(field, target, commit)


QUEUED_KINDS = frozenset({"service", "access_point", "flow"})  # with queueing rows


class InspectorPanel(Panel):
    """Edits the fields of the one selected node or edge, or the map when nothing is selected."""

    def __init__(self, document, editor, selection, parent: QWidget | None = None,
                 unit_choices: dict[str, str] | None = None) -> None:
        """``unit_choices``: the unit chosen per wait or target field, shared by the
        session's Inspectors (:attr:`servicemap.ui.session.Session.units`)."""
        super().__init__(parent)
        self.doc, self.editor, self.selection = document, editor, selection
        self.unit_choices = {} if unit_choices is None else unit_choices
        # ("node", id), ("edge", id), ("map", None) or ("many", count): what the form shows
        self.target: tuple = ("none", None)
        self._rows: dict[str, _Row] = {}
        self._ends: tuple[QLabel, QLabel] | None = None
        self._shown_editable = editor.editable  # the mode the form was built for
        self._structure: StructureRows | None = None
        self._queue: QueueRows | None = None

        self.heading = _plain_label("inspector_heading", 1.2, bold=True)
        self.summary = _plain_label("inspector_summary")
        self.scroll = QScrollArea(widgetResizable=True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        for widget in (self.heading, self.summary):
            layout.addWidget(widget)
        layout.addWidget(self.scroll, 1)
        self._make_advanced(layout)

        self.connect_to(selection.changed, self._follow_selection)
        self.follow(document)
        self._follow_selection()

    def on_event(self, name: str, *args) -> bool:
        if self._queue is not None and name != "nodes_moved":
            self._queue.schedule()  # a share or arrival anywhere upstream changes them
        if name == "node_changed":
            self._on_node_changed(*args)
            if self._structure is not None and "name" in args[1]:
                self._structure.refresh()
        elif name == "edge_changed":
            self._on_changed(("edge", args[0]), args[1])
        elif name == "map_changed":
            self._on_changed(("map", None), args[0])
        elif name == "note_changed":
            self._on_changed(("note", args[0]), args[1])
        elif name in ("note_added", "note_removed"):
            self._on_item_added_or_removed(args[0])
        elif name in ("node_added", "node_removed", "edge_added", "edge_removed"):
            self._on_item_added_or_removed(args[0])
            if self._structure is not None:  # an organisation, a link: the choices change
                self.schedule()  # once after a burst (a delete of many nodes, an undo)
        elif name != "nodes_moved":  # positions are not shown
            return False
        return True

    def refresh(self) -> None:
        self._refresh()
        if self._structure is not None:
            self._structure.refresh()

    def mode_changed(self) -> None:
        """Follow the session's mode (the editor says whether edits are allowed): on a map
        that may not be changed the values show but take no edits; text can still be
        selected and copied, choices and check boxes are disabled."""
        if self.editor.editable != self._shown_editable:
            self._shown_editable = self.editor.editable
            self.target = ("none", None)
            self._follow_selection()

    @property
    def read_only(self) -> bool:
        return not self._shown_editable

    def _make_advanced(self, layout: QVBoxLayout) -> None:
        """The Advanced fold: a toggle and, under it, the selected item's internal id (read
        only, selectable for copying). Closed until the user opens it; it stays as they left
        it while the panel lives."""
        self.advanced_toggle = QToolButton()
        self.advanced_toggle.setObjectName("inspector_advanced")
        self.advanced_toggle.setText("Advanced")
        self.advanced_toggle.setToolTip("Show the internal id servicemap and its files use "
                                        "for this item")
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setAutoRaise(True)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced = QWidget()
        self.advanced.setObjectName("inspector_advanced_body")
        form = QFormLayout(self.advanced)
        form.setContentsMargins(12, 0, 0, 0)
        self.id_field = QLineEdit()
        self.id_field.setObjectName("inspector_id")
        self.id_field.setReadOnly(True)
        self.id_field.setAccessibleName("Internal id")
        self.id_field.setToolTip("The item's internal id (in files and exports); select it to "
                                 "copy")
        form.addRow("Internal id", self.id_field)
        self.advanced.hide()
        self.advanced_toggle.toggled.connect(self._fold)
        layout.addWidget(self.advanced_toggle)
        layout.addWidget(self.advanced)

    def _fold(self, opened: bool) -> None:
        self.advanced_toggle.setArrowType(Qt.ArrowType.DownArrow if opened
                                          else Qt.ArrowType.RightArrow)
        self.advanced.setVisible(opened and self.target[0] in ("node", "edge"))

    @property
    def advanced_open(self) -> bool:
        return self.advanced_toggle.isChecked()

    # ----- what is shown ------------------------------------------------------------------
    def field_editor(self, name: str) -> QWidget | None:
        """The editor widget of a field now shown, or None."""
        row = self._rows.get(name)
        return row.widget if row else None

    def _attrs(self, target: tuple):
        """The live attributes of the target (the map's for "map"), or None when it is gone."""
        kind, item_id = target
        if kind == "node" and self.doc.has_node(item_id):
            return self.doc.node(item_id)
        if kind == "edge" and self.doc.has_edge(item_id):
            return self.doc.edge(item_id)
        if kind == "note" and self.doc.has_note(item_id):
            return self.doc.note(item_id).to_dict()
        return self.doc.graph.graph if kind == "map" else None

    def _follow_selection(self, *_args) -> None:
        doc = self.doc
        ids = [i for i in self.selection.ids
               if doc.has_node(i) or doc.has_edge(i) or doc.has_note(i)]
        target = (("map", None) if not ids else ("many", len(ids)) if len(ids) > 1 else
                  ("node" if doc.has_node(ids[0]) else
                   "note" if doc.has_note(ids[0]) else "edge", ids[0]))
        if target != self.target:
            self._commit_pending()
            self._build(target)

    def _on_item_added_or_removed(self, item_id: str) -> None:
        if item_id == self.target[1] or item_id in self.selection.ids:
            self._follow_selection()

    def _build(self, target: tuple) -> None:
        """Make the form for a new target: one row per field, then show the values."""
        self.target, self._rows, self._ends = target, {}, None
        self._structure = self._queue = None
        kind, item_id = target
        attrs = self._attrs(target)
        fields: tuple[Field, ...] = ()
        heading = "Map" if kind == "map" else ""
        if kind == "node":
            heading = model.KIND_LABELS[model.NodeKind(attrs["kind"])].capitalize()
            fields = model.node_fields(attrs["kind"])
        elif kind == "edge":
            heading = EDGE_HEADINGS.get(attrs["kind"], "Link")
            fields = model.edge_fields(attrs["kind"])
        elif kind == "note":  # a text box on the canvas: its text and width
            heading = "Note (not part of the analysis)"
            fields = model.NOTE_FIELDS
        elif kind == "map":
            fields = model.MAP_FIELDS
        for label, text in ((self.heading, heading),
                            (self.summary, f"{plural(item_id, 'item')} selected"
                             if kind == "many" else "")):
            label.setText(text)
            label.setVisible(bool(text))
        has_id = kind in ("node", "edge")
        self.id_field.setText(item_id if has_id else "")
        self.id_field.setCursorPosition(0)
        self.advanced_toggle.setVisible(has_id)
        self._fold(self.advanced_open)

        form = QWidget()
        outer = QVBoxLayout(form)
        layout = QFormLayout()
        outer.addLayout(layout)
        outer.addStretch(1)  # rows keep their height; spare space goes below them
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if kind == "edge" and attrs["kind"] == "flow":
            self._ends = (_plain_label("inspector_from"), _plain_label("inspector_to"))
            for label in self._ends:
                label.setWordWrap(True)
            layout.addRow("From", self._ends[0])
            layout.addRow("To", self._ends[1])
        facts = [f for f in fields if f.name in model.PROVENANCE_FIELD_NAMES]
        for field in fields:
            if field.name not in HIDDEN_FIELDS and field not in facts:
                self._add_row(layout, field, target)
        if kind == "node" and attrs["kind"] in PARENT_TITLES:
            self._structure = StructureRows(self.doc, self.editor, item_id, layout,
                                            self._shown_editable,
                                            lambda orgs: self.ask_new_directorate(orgs))
        if kind in ("node", "edge") and (attrs["kind"] in QUEUED_KINDS):
            self._queue = QueueRows(self.doc, target, layout, form)
        if facts:  # provenance last, under its own heading
            heading = _plain_label("inspector_facts_heading", bold=True)
            heading.setText("Where the facts come from")
            layout.addRow(heading)
            for field in facts:
                self._add_row(layout, field, target)
        old = self.scroll.takeWidget()
        if old is not None:
            old.hide()
            old.deleteLater()
        self.scroll.setWidget(form)
        self._refresh()

    def _add_row(self, layout: QFormLayout, field: Field, target: tuple) -> None:
        """One field's label, editor and (hidden) error line in the form."""
        row = _make_row(field, target, self._commit, self.unit_choices)
        self._rows[field.name] = row
        if not self._shown_editable:
            if isinstance(row.widget, (QLineEdit, QPlainTextEdit)):
                row.widget.setReadOnly(True)
            else:
                row.widget.setEnabled(False)
        label = QLabel(field_title(field))
        label.setBuddy(row.widget)
        layout.addRow(label, row.cell)
        layout.addRow(row.error)  # under the field, across the form; hidden until needed

    def ask_new_directorate(self, organisations) -> tuple[str, str | None] | None:
        """Name a new directorate and choose its organisation ((id, name) pairs); None when
        cancelled. (Tests replace this.)"""
        name, ok = QInputDialog.getText(self, "New directorate", "Name of the directorate:")
        if not ok or not name.strip():
            return None
        if not organisations:
            return name, None
        names = [n for _, n in organisations]
        chosen, ok = QInputDialog.getItem(self, "New directorate",
                                          f"{name.strip()} is part of:", names, 0, False)
        if not ok:
            return None
        return name, organisations[names.index(chosen)][0]

    @property
    def queueing(self) -> QueueRows | None:
        """The selected service's, access point's or flow's queueing rows, if it has them."""
        return self._queue

    @property
    def structure(self) -> StructureRows | None:
        """The selected node's Organisation / Directorate and Serves rows, if it has them."""
        return self._structure

    # ----- values -------------------------------------------------------------------------
    def _refresh(self, names=None) -> None:
        """Show the document's values in the rows (all, or just ``names``)."""
        attrs = self._attrs(self.target)
        if attrs is None:
            return
        for name, row in self._rows.items():
            if names is None or name in names:
                row.put(attrs.get(name))
        if self._ends is not None:
            ends = self.doc.edge_ends(self.target[1])
            for label, end in zip(self._ends, ends, strict=True):
                label.setText(self.doc.node(end)["name"])

    def _on_node_changed(self, node_id: str, fields) -> None:
        self._on_changed(("node", node_id), fields)
        if self._ends is not None and "name" in fields and \
                node_id in self.doc.edge_ends(self.target[1]):
            self._refresh(())

    def _on_changed(self, target: tuple, fields) -> None:
        if self.target == target:
            self._refresh(fields)

    # ----- editing ------------------------------------------------------------------------
    def _commit_pending(self) -> None:
        """Commit text the user typed but has not yet confirmed (before the form goes)."""
        for row in list(self._rows.values()):
            if row.modified():
                self._commit(row)

    def _commit(self, row: _Row) -> None:
        """Send the row's value to the editor; show why beside the field when it is refused."""
        attrs = self._attrs(row.target)
        if self._rows.get(row.field.name) is not row or attrs is None:
            return
        name = row.field.name
        current = attrs.get(name)
        try:
            value = row.read()
        except ValueError as exc:
            self._refuse(row, str(exc), current)
            return
        if value == current and type(value) is type(current):
            row.put(current)  # nothing to change; tidy the text
            return
        kind, item_id = row.target
        if kind == "node":
            error = self.editor.update_node(item_id, {name: value})
        elif kind == "edge":
            error = self.editor.update_edge(item_id, {name: value})
        elif kind == "note":
            error = self.editor.update_note(item_id, {name: value})
        else:
            error = self.editor.update_map({name: value})
        if error:
            # The document names the item first ('service "X": ...', the editor has taken the
            # id out); the field is beside the item's form, so it says only why.
            prefix = f"{without_ids(self.doc.describe(item_id))}: " if item_id else "map: "
            _, found, reason = error.partition(prefix)
            self._refuse(row, reason if found else error, current)
        else:
            for other in self._rows.values():
                other.set_error("")

    def _refuse(self, row: _Row, message: str, current) -> None:
        row.set_error(message[:1].upper() + message[1:])
        row.put(current)
