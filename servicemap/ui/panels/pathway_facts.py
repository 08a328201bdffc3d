"""Where a pathway's facts come from: its source, as-of date and verified tick, edited under
the Pathways dock's list (as the Inspector's "Where the facts come from" does for a box or a
flow). Each change is one undo step through the :class:`Editor`; a refused one (a date not
written YYYY-MM-DD) leaves the typed text in place and says why in one sentence."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QWidget

from servicemap.model import AS_OF, SOURCE, VERIFIED, Pathway


class PathwayFacts(QWidget):
    """Source, As of and Verified of the chosen pathway (empty and disabled when none)."""

    def __init__(self, editor, show_error: Callable[[str | None], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor, self._show_error = editor, show_error
        self._pathway: Pathway | None = None
        self.heading = QLabel("<b>Where the facts come from</b>", self)
        self.source = QLineEdit(self)
        self.source.setObjectName("pathway_source")
        self.source.setPlaceholderText("A document, a web address or who told you")
        self.as_of = QLineEdit(self)
        self.as_of.setObjectName("pathway_as_of")
        self.as_of.setPlaceholderText("YYYY-MM-DD")
        self.as_of.setToolTip("The date the pathway's facts describe, written YYYY-MM-DD")
        self.verified = QCheckBox("Checked against the source", self)
        self.verified.setObjectName("pathway_verified")
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addRow(self.heading)
        layout.addRow("Source", self.source)
        layout.addRow("As of", self.as_of)
        layout.addRow("Verified", self.verified)
        self.source.editingFinished.connect(lambda: self._commit(SOURCE, self.source.text()))
        self.as_of.editingFinished.connect(lambda: self._commit(AS_OF, self.as_of.text()))
        self.verified.toggled.connect(lambda on: self._commit(VERIFIED, on))

    def show_pathway(self, pathway: Pathway | None, editable: bool) -> None:
        """Show ``pathway``'s provenance (None: nothing chosen)."""
        self._pathway = pathway
        for widget in (self.source, self.as_of, self.verified):
            widget.blockSignals(True)
        try:
            self.source.setText((pathway.source or "") if pathway else "")
            self.as_of.setText((pathway.as_of or "") if pathway else "")
            self.verified.setChecked(bool(pathway and pathway.verified))
        finally:
            for widget in (self.source, self.as_of, self.verified):
                widget.blockSignals(False)
        for widget in (self.source, self.as_of):
            widget.setReadOnly(not editable)
            widget.setEnabled(pathway is not None)
        self.verified.setEnabled(pathway is not None and editable)

    def _commit(self, name: str, value: object) -> None:
        pathway = self._pathway
        if pathway is None or not self.editor.editable:
            return
        if isinstance(value, str):
            value = value.strip() or None
        if value == getattr(pathway, name) or (name == VERIFIED and value == pathway.verified):
            return
        self._show_error(self.editor.update_pathway(pathway.id, **{name: value}))
