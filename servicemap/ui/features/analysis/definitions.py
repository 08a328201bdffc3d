"""Help > What the measures mean: docs/analysis.md, shipped with the app
(:func:`servicemap.bundled.doc_path`), shown as formatted text in a window of its own that stays
open beside the map (not modal), with a search box. Read from the file on disk: no network."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QVBoxLayout,
)

TITLE = "What the measures mean"


class DefinitionsWindow(QDialog):
    """The page of definitions, rendered from Markdown: headings, tables, lists and code in
    their own styles; links to other pages are not followed (the page stands alone)."""

    def __init__(self, path: Path, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("measures-help")
        self.setWindowTitle(f"{TITLE} · servicemap")
        self.setModal(False)
        self.setAttribute(Qt.WA_DeleteOnClose, False)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("measures-text")
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.document().setDefaultStyleSheet(
            "table { border-collapse: collapse; } th { background: #E8EDEE; } "
            "td, th { padding: 3px 6px; } code { color: #003087; }")
        self.browser.document().setDocumentMargin(14)
        self.path = path
        self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        self.find_box = QLineEdit(self)
        self.find_box.setObjectName("measures-find")
        self.find_box.setPlaceholderText("Find a word (Enter: next)")
        self.find_box.setClearButtonEnabled(True)
        self.find_box.returnPressed.connect(self.find_next)
        self.found = QLabel(self)
        self.found.setStyleSheet("color: #425563")
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(self.find_box, 1)
        top.addWidget(self.found)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(820, 720)

    def find_next(self) -> bool:
        """Find the search box's words after the cursor, going round to the top once."""
        words = self.find_box.text().strip()
        if not words:
            self.found.setText("")
            return False
        hit = self.browser.find(words) or (self._to_top() and self.browser.find(words))
        self.found.setText("" if hit else "not found")
        return bool(hit)

    def _to_top(self) -> bool:
        cursor = self.browser.textCursor()
        cursor.movePosition(cursor.MoveOperation.Start)
        self.browser.setTextCursor(cursor)
        return True

    def headings(self) -> list[str]:
        """The page's headings in order (what a reader scans for)."""
        doc: QTextDocument = self.browser.document()
        out, block = [], doc.begin()
        while block.isValid():
            if block.blockFormat().headingLevel():
                out.append(block.text())
            block = block.next()
        return out
