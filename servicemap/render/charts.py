"""Paint a :class:`servicemap.graph.charts.Chart` with QPainter: on a widget (the Simulate
results' and Compare dialog's Charts tabs), into SVG (:func:`svg_bytes`) and on the scenario
report's PDF pages.

Why QPainter and not matplotlib: matplotlib with what it needs (numpy, pillow, fontTools) is
137 MB installed (measured: matplotlib 25 MB, numpy 59 MB, fontTools 24 MB, pillow 20 MB), and
the one-folder build is about 200 MB of its 250 MB limit already; Qt, which the app ships
anyway, draws the three kinds of chart the issue asks for in a few hundred lines.

After docs look.md: dark text on white, Okabe-Ito colours, and never colour alone: each
series also has its own line style (band charts) or fill pattern (bar charts), shown in the
legend. Bar charts run sideways, so services' names read level.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF

from servicemap.graph.charts import Chart
from servicemap.palette import DARK_GREY, TEXT

COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
LINES = (Qt.SolidLine, Qt.DashLine, Qt.DotLine, Qt.DashDotLine)
PATTERNS = (Qt.SolidPattern, Qt.BDiagPattern, Qt.CrossPattern, Qt.Dense4Pattern)
FONT_PX, TITLE_PX = 11.0, 13.0
WIDTH, HEIGHT = 720, 380  # an SVG chart's size (px at 96 dpi)


def _font(px: float, bold: bool = False) -> QFont:
    font = QFont("Arial")
    font.setPixelSize(max(1, round(px)))
    font.setBold(bold)
    return font


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``top``."""
    if top <= 0 or not math.isfinite(top):
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [i * step for i in range(int(math.ceil(top / step - 1e-9)) + 1)]


def number(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "unknown"
    if percent:
        return f"{value:.0%}"
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"


def _slot(series, k: int) -> int:
    return k if series.slot is None else series.slot


def _legend(painter: QPainter, chart: Chart, left: float, y: float, right: float) -> float:
    """The series' names with their swatches, wrapped; returns the height used."""
    painter.setFont(_font(FONT_PX))
    fm = QFontMetricsF(painter.font())
    x, line = left, fm.height() + 4
    for k, s in enumerate(chart.series):
        width = 28 + fm.horizontalAdvance(s.name) + 16
        if x + width > right and x > left:
            x, y = left, y + line
        colour = QColor(COLOURS[_slot(s, k) % len(COLOURS)])
        mid = y + line / 2
        if chart.kind == "band":
            tint = QColor(colour)
            tint.setAlphaF(0.2)
            painter.fillRect(QRectF(x, mid - 5, 22, 10), tint)
            painter.setPen(QPen(colour, 2, LINES[_slot(s, k) % len(LINES)]))
            painter.drawLine(QPointF(x, mid), QPointF(x + 22, mid))
        else:
            painter.setPen(QPen(colour, 1))
            painter.setBrush(QBrush(colour, PATTERNS[_slot(s, k) % len(PATTERNS)]))
            painter.drawRect(QRectF(x, mid - 6, 22, 12))
            painter.setBrush(Qt.NoBrush)
        painter.setPen(QColor(TEXT))
        painter.drawText(QRectF(x + 28, y, width, line), Qt.AlignLeft | Qt.AlignVCenter, s.name)
        x += width
    return y + line


def paint(painter: QPainter, rect: QRectF, chart: Chart) -> None:
    """Draw ``chart`` inside ``rect`` (logical units, about pixels at 96 dpi)."""
    painter.save()
    painter.setRenderHint(QPainter.Antialiasing)
    painter.fillRect(rect, QColor("#FFFFFF"))
    pad = 8.0
    painter.setPen(QColor(TEXT))
    painter.setFont(_font(TITLE_PX, bold=True))
    title_h = QFontMetricsF(painter.font()).height() * 2.2
    painter.drawText(QRectF(rect.left() + pad, rect.top() + pad, rect.width() - 2 * pad,
                            title_h), Qt.AlignLeft | Qt.AlignTop | Qt.TextWordWrap, chart.title)
    top = _legend(painter, chart, rect.left() + pad, rect.top() + pad + title_h,
                  rect.right() - pad) + 4
    area = QRectF(rect.left() + pad, top, rect.width() - 2 * pad, rect.bottom() - pad - top)
    if chart.kind == "band":
        _band(painter, area, chart)
    else:
        _bars(painter, area, chart)
    painter.restore()


def _known(values) -> list[float]:
    return [v for v in values if v is not None]


def _band(painter: QPainter, area: QRectF, chart: Chart) -> None:
    painter.setFont(_font(FONT_PX))
    fm = QFontMetricsF(painter.font())
    highest = max(_known([v for s in chart.series for v in (s.high or s.values)]) or [0])
    ticks = nice_ticks(highest)
    label_w = max(fm.horizontalAdvance(number(t)) for t in ticks) + 6
    plot = QRectF(area.left() + fm.height() + 4 + label_w, area.top() + 4,
                  0, 0)
    plot.setRight(area.right() - 6)
    plot.setBottom(area.bottom() - 2 * fm.height() - 6)
    if plot.width() <= 10 or plot.height() <= 10 or not chart.x:
        return
    x0, x1 = chart.x[0], max(chart.x[-1], chart.x[0] + 1)
    top = ticks[-1] or 1.0

    def px(x: float) -> float:
        return plot.left() + (x - x0) / (x1 - x0) * plot.width()

    def py(y: float) -> float:
        return plot.bottom() - y / top * plot.height()

    _y_axis(painter, plot, ticks, py, fm, chart.y_label, area.left())
    xticks = [x0 + t for t in nice_ticks(x1 - x0, 6) if x0 + t <= x1]
    painter.setPen(QColor(DARK_GREY))
    for t in xticks:
        painter.drawLine(QPointF(px(t), plot.bottom()), QPointF(px(t), plot.bottom() + 4))
        painter.drawText(QRectF(px(t) - 40, plot.bottom() + 4, 80, fm.height()),
                         Qt.AlignHCenter | Qt.AlignTop, number(t))
    painter.drawText(QRectF(plot.left(), plot.bottom() + fm.height() + 6, plot.width(),
                            fm.height()), Qt.AlignHCenter | Qt.AlignTop, chart.x_label)
    for k, s in enumerate(chart.series):
        colour = QColor(COLOURS[_slot(s, k) % len(COLOURS)])
        if s.low is not None and s.high is not None:
            upper = [QPointF(px(x), py(h)) for x, h in zip(chart.x, s.high, strict=False)
                     if h is not None]
            lower = [QPointF(px(x), py(lo)) for x, lo in zip(chart.x, s.low, strict=False)
                     if lo is not None]
            tint = QColor(colour)
            tint.setAlphaF(0.2)
            painter.setPen(Qt.NoPen)
            painter.setBrush(tint)
            painter.drawPolygon(QPolygonF(upper + lower[::-1]))
            painter.setBrush(Qt.NoBrush)
        painter.setPen(QPen(colour, 2, LINES[_slot(s, k) % len(LINES)]))
        painter.drawPolyline(QPolygonF([QPointF(px(x), py(v)) for x, v in
                                        zip(chart.x, s.values, strict=False) if v is not None]))


def _y_axis(painter, plot: QRectF, ticks, py, fm, label: str, left: float,
            percent: bool = False) -> None:
    painter.setPen(QPen(QColor("#D8DDE0"), 1))
    for t in ticks:
        painter.drawLine(QPointF(plot.left(), py(t)), QPointF(plot.right(), py(t)))
    painter.setPen(QColor(DARK_GREY))
    painter.drawLine(plot.bottomLeft(), plot.bottomRight())
    painter.drawLine(plot.bottomLeft(), plot.topLeft())
    for t in ticks:
        painter.drawText(QRectF(plot.left() - 200, py(t) - fm.height() / 2, 196, fm.height()),
                         Qt.AlignRight | Qt.AlignVCenter, number(t, percent))
    painter.save()
    painter.translate(left + fm.height() / 2 + 1, plot.center().y())
    painter.rotate(-90)
    painter.drawText(QRectF(-plot.height() / 2, -fm.height() / 2, plot.height(), fm.height()),
                     Qt.AlignCenter, label)
    painter.restore()


def _bars(painter: QPainter, area: QRectF, chart: Chart) -> None:
    """Sideways bars: a row per category (its name on the left), a bar per series."""
    painter.setFont(_font(FONT_PX))
    fm = QFontMetricsF(painter.font())
    highest = max(_known([v for s in chart.series for v in s.values]) or [0])
    ticks = nice_ticks(highest * (1 if chart.percent else 1.0))
    names_w = min(area.width() * 0.35,
                  max([fm.horizontalAdvance(c) for c in chart.categories] or [0]) + 8)
    plot = QRectF(area.left() + names_w, area.top() + fm.height() + 4, 0, 0)
    plot.setRight(area.right() - 40)
    plot.setBottom(area.bottom() - 2 * fm.height() - 6)
    rows = max(1, len(chart.categories))
    if plot.width() <= 10 or plot.height() <= 10:
        return
    top = ticks[-1] or 1.0

    def px(v: float) -> float:
        return plot.left() + v / top * plot.width()

    painter.setPen(QColor(DARK_GREY))
    painter.drawText(QRectF(area.left(), area.top(), names_w, fm.height()),
                     Qt.AlignLeft | Qt.AlignVCenter, chart.x_label)
    for t in ticks:
        painter.setPen(QPen(QColor("#D8DDE0"), 1))
        painter.drawLine(QPointF(px(t), plot.top()), QPointF(px(t), plot.bottom()))
        painter.setPen(QColor(DARK_GREY))
        painter.drawText(QRectF(px(t) - 40, plot.bottom() + 3, 80, fm.height()),
                         Qt.AlignHCenter | Qt.AlignTop, number(t, chart.percent))
    painter.drawLine(plot.topLeft(), plot.bottomLeft())
    painter.drawText(QRectF(plot.left(), plot.bottom() + fm.height() + 6, plot.width(),
                            fm.height()), Qt.AlignHCenter | Qt.AlignTop, chart.y_label)
    row_h = plot.height() / rows
    bar_h = min(18.0, row_h * 0.8 / max(1, len(chart.series)))
    small = _font(max(FONT_PX * 0.85, 10.0))  # 7.5 pt at least in a PDF
    for r, category in enumerate(chart.categories):
        y = plot.top() + r * row_h
        painter.setPen(QColor(TEXT))
        painter.setFont(_font(FONT_PX))
        painter.drawText(QRectF(area.left(), y, names_w - 6, row_h),
                         Qt.AlignRight | Qt.AlignVCenter,
                         fm.elidedText(category, Qt.ElideRight, names_w - 6))
        first = y + (row_h - bar_h * len(chart.series)) / 2
        painter.setFont(small)
        for k, s in enumerate(chart.series):
            value = s.values[r] if r < len(s.values) else None
            bar = QRectF(plot.left(), first + k * bar_h, 0, bar_h * 0.9)
            colour = QColor(COLOURS[_slot(s, k) % len(COLOURS)])
            if value is not None and value > 0:
                bar.setRight(px(value))
                painter.setPen(QPen(colour, 1))
                painter.setBrush(QBrush(colour, PATTERNS[_slot(s, k) % len(PATTERNS)]))
                painter.drawRect(bar)
                painter.setBrush(Qt.NoBrush)
            painter.setPen(QColor(TEXT))
            painter.drawText(QRectF(bar.right() + 3, bar.top(), 120, bar.height()),
                             Qt.AlignLeft | Qt.AlignVCenter, number(value, chart.percent))


def svg_bytes(chart: Chart, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """The chart as plain SVG 1.1 (text as ``<text>``)."""
    from PySide6.QtSvg import QSvgGenerator

    from servicemap.render.export import font_stack, xml_safe

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    svg = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)
    svg.setOutputDevice(buffer)
    svg.setResolution(96)
    svg.setSize(QSize(width, height))
    svg.setViewBox(QRectF(0, 0, width, height))
    svg.setTitle(chart.title)
    painter = QPainter(svg)
    paint(painter, QRectF(0, 0, width, height), chart)
    painter.end()
    buffer.close()
    return xml_safe(font_stack(bytes(data)))
