"""View > Overlay: change between scenarios: each service on the canvas framed in the colour of
how its load changes from the first view compared to the second (Okabe-Ito blue: less, orange:
more, bluish green: new, vermillion: removed, grey: the same or unknown), with a badge giving
the change ("+25 pts", "new"), so colour is never the only cue. The marks are decorations of
the scene (layer :data:`LAYER`); the legend explains them."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from servicemap.render import style

LAYER = "scenario change"
COLOURS = {"less": QColor("#0072B2"), "more": QColor("#E69F00"), "added": QColor("#009E73"),
           "removed": QColor("#D55E00"), "same": QColor("#768692")}
WORDS = {"less": "less load than in {a}", "more": "more load than in {a}",
         "added": "not in {a} (added)", "removed": "not in {b} (removed)",
         "same": "the same load, or unknown in either"}


def classify(row: dict) -> tuple[str, str]:
    """A compared service's colour key and badge."""
    if row["change"] in ("added", "removed"):
        return row["change"], "new" if row["change"] == "added" else "removed"
    delta = row["load"]["delta"]
    if delta is None:
        return "same", "?" if row["load"]["a"] is None or row["load"]["b"] is None else "±0"
    if abs(delta) < 0.005:
        return "same", "±0"
    points = round(delta * 100)
    return ("more" if delta > 0 else "less"), f"{points:+d} pts"


class ChangeMark(QGraphicsItem):
    """A thick frame round one box and a badge with the change."""

    def __init__(self, node: QGraphicsItem, key: str, badge: str, tip: str) -> None:
        super().__init__()
        self.node, self.key, self.badge = node, key, badge
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.font = style.label_font()
        self.font.setPointSizeF(7.5)
        self.font.setBold(True)
        metrics = QFontMetricsF(self.font)
        w, h = metrics.horizontalAdvance(badge) + 10, metrics.height() + 2
        rect = node.rect
        self.badge_rect = QRectF(rect.left() + 6, rect.top() - h / 2 - 2, w, h)
        self.setToolTip(tip)

    def boundingRect(self) -> QRectF:
        return self.node.rect.united(self.badge_rect).adjusted(-4, -4, 4, 4)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing, True)
        colour = COLOURS[self.key]
        painter.setPen(QPen(colour, 2 if self.key == "same" else 4))
        painter.setBrush(Qt.NoBrush)
        painter.drawRoundedRect(self.node.rect.adjusted(-2, -2, 2, 2), 8, 8)
        if self.badge == "±0":  # nothing changed: the frame alone, so the changes stand out
            return
        painter.setPen(QPen(colour, 1.5))
        painter.setBrush(QColor("white"))
        painter.drawRoundedRect(self.badge_rect, 4, 4)
        painter.setFont(self.font)
        painter.setPen(style.TEXT)
        painter.drawText(self.badge_rect, Qt.AlignCenter, self.badge)


def draw(scene, result: dict, a: str, b: str) -> dict[str, str]:
    """Mark every compared service drawn on ``scene``; returns each marked id's colour key."""
    scene.clear_decorations(LAYER)
    marked = {}
    for row in result["services"]:
        node = scene.graphics_item(row["id"])
        if node is None or not hasattr(node, "rect"):
            continue
        key, badge = classify(row)
        load = row["load"]
        tip = (f"{row['name']}: {WORDS[key].format(a=a, b=b)}; load {_pct(load['a'])} in {a}, "
               f"{_pct(load['b'])} in {b}")
        scene.add_decoration(LAYER, ChangeMark(node, key, badge, tip), row["id"])
        marked[row["id"]] = key
    return marked


def _pct(value) -> str:
    return "unknown" if value is None else f"{value:.0%}"


class ChangeLegend(QWidget):
    """What the overlay's colours mean, and which two views it compares."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("scenario_change_legend")
        self.column = QVBoxLayout(self)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.column.addWidget(self.title)
        self.rows: dict[str, QLabel] = {}
        for key, colour in COLOURS.items():
            row = QHBoxLayout()
            swatch = QLabel(self)
            swatch.setFixedSize(22, 14)
            swatch.setStyleSheet(f"border: 3px solid {colour.name()}; background: white;")
            text = QLabel(self)
            text.setTextFormat(Qt.TextFormat.PlainText)
            row.addWidget(swatch)
            row.addWidget(text, 1)
            self.column.addLayout(row)
            self.rows[key] = text
        self.column.addStretch(1)

    def set_pair(self, a: str, b: str, counts: dict[str, int]) -> None:
        self.title.setText(f"Change in load from {a} to {b} (the badge: percentage points of "
                           "capacity)")
        for key, label in self.rows.items():
            words = WORDS[key].format(a=a, b=b)
            label.setText(f"{words[0].upper()}{words[1:]} ({counts.get(key, 0)})")
