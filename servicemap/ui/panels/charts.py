"""A column of charts (servicemap.graph.charts, painted by servicemap.render.charts) for a
dialog's Charts tab: a chooser of the service the time and wait charts show, then each chart
at full width, scrolling. The Simulate results and the Compare scenarios dialog use it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from servicemap.graph.charts import Chart
from servicemap.render import charts as painter_charts

CHART_HEIGHT = 340


class ChartView(QWidget):
    """One chart, painted to the widget's size."""

    def __init__(self, chart: Chart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = chart
        self.setObjectName("chart")
        self.setMinimumHeight(CHART_HEIGHT)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setToolTip(chart.title)
        self.setAccessibleName(chart.title)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(720, CHART_HEIGHT)

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter_charts.paint(painter, QRectF(self.rect()), self.chart)
        painter.end()


class ChartsPanel(QWidget):
    """``build(service_id)`` gives the charts to show for the chosen service (None when there
    is none to choose); :meth:`set_services` fills the chooser."""

    def __init__(self, build: Callable[[str | None], list[Chart]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.build = build
        self.service = QComboBox()
        self.service.setObjectName("chart_service")
        self.service.setToolTip("The service whose places held over time and waits are drawn")
        self.note = QLabel("")
        self.note.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Service:"))
        top.addWidget(self.service, 1)
        self.column = QVBoxLayout()
        inner = QWidget()
        inner.setLayout(self.column)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(scroll, 1)
        self.views: list[ChartView] = []
        self.service.currentIndexChanged.connect(lambda _i: self.redraw())

    def set_services(self, services: list[tuple[str, str]], note: str = "") -> None:
        """(id, name) pairs, the first chosen; an empty list hides the chooser."""
        self.service.blockSignals(True)
        self.service.clear()
        for sid, name in services:
            self.service.addItem(name, sid)
        self.service.blockSignals(False)
        self.service.setVisible(bool(services))
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.redraw()

    def charts(self) -> list[Chart]:
        return [v.chart for v in self.views]

    def redraw(self) -> None:
        for view in self.views:
            self.column.removeWidget(view)
            view.deleteLater()
        self.views = [ChartView(c) for c in self.build(self.service.currentData())]
        for view in self.views:
            self.column.addWidget(view)
