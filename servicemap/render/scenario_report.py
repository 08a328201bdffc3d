"""The scenario report as a PDF (A4 landscape): the scenario's map on the first page, as
``export`` draws it; then the changes in words, the comparison tables, the charts and the
assumptions (servicemap.io.report_content), flowing over as many pages as they need, a table
carrying its header onto each page it reaches. Every page bears the map's marking (top and
bottom) and the date.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from servicemap.io.report_content import Report, Table
from servicemap.palette import DARK_GREY, TEXT
from servicemap.render import charts as chart_painter
from servicemap.render import export, paper
from servicemap.render.page import UNIT_DPI, WHITE, paint_page

MARGIN_MM = 12
BAND = 34.0  # the header's and the footer's height (px at 96 dpi)
GAP = 8.0


def _font(px: float, bold: bool = False) -> QFont:
    font = QFont("Arial")
    font.setPixelSize(round(px))
    font.setBold(bold)
    return font


@dataclass
class Block:
    """One thing on a report page: ``kind`` heading, text, row (of ``table``; header: the
    table's header row) or chart."""
    kind: str
    height: float
    text: str = ""
    table: Table | None = None
    row: list[str] | None = None
    widths: list[float] | None = None
    chart: object = None
    px: float = 10.5  # a text's size


def _wrapped_height(text: str, font: QFont, width: float) -> float:
    return QFontMetricsF(font).boundingRect(QRectF(0, 0, width, 1e6), Qt.TextWordWrap,
                                            text).height()


SMALL_TABLE = 8  # rows: a table this short is never split over two pages
TABLE_FONT = 10.0  # px at 96 dpi: 7.5 pt, the smallest text on the report's pages
PAD = 4.0  # a cell's padding either side


def _widths(table: Table, width: float) -> list[float]:
    fm = QFontMetricsF(_font(TABLE_FONT, True))
    natural = [max([fm.horizontalAdvance(h) for h in (table.header[c],)]
                   + [fm.horizontalAdvance(r[c]) for r in table.rows]) + 2 * PAD + 2
               for c in range(len(table.header))]
    start = 0
    for title, span in table.groups:  # a group's title fits over its columns
        need = fm.horizontalAdvance(title) + 2 * PAD + 2
        have = sum(natural[start:start + span])
        if title and need > have:
            for c in range(start, start + span):
                natural[c] += (need - have) / span
        start += span
    total = sum(natural)
    if total <= width:
        return natural
    # the first column (names) gives way first, down to a third of the page
    others = total - natural[0]
    first = max(width / 6, min(natural[0], width - others))
    rest = width - first
    return [first] + [w * rest / others for w in natural[1:]] if others > rest else \
        [first] + natural[1:]


def blocks(report: Report, width: float, chart_height: float) -> list[Block]:
    out: list[Block] = []

    def heading(text: str) -> None:
        out.append(Block("heading", QFontMetricsF(_font(14, True)).height() + 10, text))

    def text(words: str, px: float = 10.5) -> None:
        out.append(Block("text", _wrapped_height(words, _font(px), width) + 4, words, px=px))

    heading("Summary")
    text(report.summary)
    heading("What the scenario changes" if report.changes else "Changes")
    for line in report.changes or [f"{report.b} and {report.a} are the same map."]:
        text(f"•  {line}")
    row_h = QFontMetricsF(_font(TABLE_FONT)).height() + 6
    bold = _font(TABLE_FONT, True)
    for table in report.tables:
        heading(table.title)
        widths = _widths(table, width)
        high = max(_wrapped_height(h, bold, w - 2 * PAD)
                   for h, w in zip(table.header, widths, strict=True)) + 6
        if table.groups:
            high += _group_height(table, widths)
        out.append(Block("header", max(high, row_h), table=table, row=table.header,
                         widths=widths))
        for row in table.rows:
            out.append(Block("row", row_h, table=table, row=row, widths=widths))
        if not table.rows:
            text("None.")
        if table.note:
            text(table.note, 9.5)
    if report.charts:
        heading("Charts")
        for chart in report.charts:
            out.append(Block("chart", chart_height, chart=chart))
    heading("Assumptions")
    for line in report.assumptions:
        text(f"•  {line}", 9.5)
    return out


def _spans(table: Table, widths: list[float]):
    """(title, left offset, width) of each column group of ``table``."""
    start, left = 0, 0.0
    for title, span in table.groups:
        w = sum(widths[start:start + span])
        yield title, left, w
        start, left = start + span, left + w


def _group_height(table: Table, widths: list[float]) -> float:
    bold = _font(TABLE_FONT, True)
    return max(_wrapped_height(t or " ", bold, w - 2 * PAD) for t, _x, w in
               _spans(table, widths)) + 6


def paginate(items: list[Block], height: float) -> list[list[Block]]:
    """Blocks into pages of ``height``; a heading or a table's header never ends a page, a
    table of at most SMALL_TABLE rows is never split, and a longer table's rows on a new page
    follow its header again."""
    pages: list[list[Block]] = [[]]
    used = 0.0
    for k, block in enumerate(items):
        need, after = block.height, k + 1
        while items[after - 1].kind in ("heading", "header") and after < len(items):
            need += items[after].height  # a heading or a table's header never ends a page
            after += 1
        if items[after - 1].kind == "row" and len(items[after - 1].table.rows) <= SMALL_TABLE:
            table = items[after - 1].table  # a small table is kept whole on one page
            while after < len(items) and items[after].kind == "row" \
                    and items[after].table is table:
                need += items[after].height
                after += 1
        if used + need > height and pages[-1]:
            pages.append([])
            used = 0.0
            if block.kind == "row":
                header = next(b for b in items[:k][::-1] if b.kind == "header"
                              and b.table is block.table)
                pages[-1].append(header)
                used += header.height
        pages[-1].append(block)
        used += block.height
    return pages


def _band(painter: QPainter, box: QRectF, report: Report, page: int, pages: int) -> None:
    painter.setPen(QColor(TEXT))
    date = report.date.strftime("%d %B %Y").lstrip("0")
    top = QRectF(box.left(), box.top(), box.width(), BAND - 8)
    if report.marking:
        painter.setFont(_font(13, True))
        painter.drawText(top, Qt.AlignHCenter | Qt.AlignTop, report.marking)
    painter.setFont(_font(9.5))
    painter.drawText(top, Qt.AlignLeft | Qt.AlignBottom,
                     QFontMetricsF(painter.font()).elidedText(report.title, Qt.ElideRight,
                                                              box.width() * 0.6))
    painter.drawText(top, Qt.AlignRight | Qt.AlignBottom, date)
    bottom = QRectF(box.left(), box.bottom() - BAND + 8, box.width(), BAND - 8)
    painter.setPen(QPen(QColor(DARK_GREY), 0.8))
    painter.drawLine(top.bottomLeft() + QPointF(0, 3), top.bottomRight() + QPointF(0, 3))
    painter.drawLine(bottom.topLeft(), bottom.topRight())
    painter.setPen(QColor(TEXT))
    if report.marking:
        painter.setFont(_font(13, True))
        painter.drawText(bottom, Qt.AlignHCenter | Qt.AlignBottom, report.marking)
    painter.setFont(_font(9.5))
    painter.drawText(bottom, Qt.AlignLeft | Qt.AlignBottom, f"servicemap · {date}")
    painter.drawText(bottom, Qt.AlignRight | Qt.AlignBottom, f"page {page} of {pages}")


def _paint_block(painter: QPainter, block: Block, x: float, y: float, width: float) -> None:
    painter.setPen(QColor(TEXT))
    if block.kind == "heading":
        painter.setFont(_font(14, True))
        painter.drawText(QRectF(x, y + 6, width, block.height - 6),
                         Qt.AlignLeft | Qt.AlignTop, block.text)
    elif block.kind == "text":
        painter.setFont(_font(block.px))
        painter.drawText(QRectF(x, y, width, block.height), Qt.AlignLeft | Qt.AlignTop
                         | Qt.TextWordWrap, block.text)
    elif block.kind in ("header", "row"):
        header = block.kind == "header"
        font = _font(TABLE_FONT, header)
        painter.setFont(font)
        fm = QFontMetricsF(font)
        top, high = y, block.height
        if header:
            painter.fillRect(QRectF(x, y, sum(block.widths), block.height), QColor("#E8EDEE"))
            if block.table.groups:  # the groups' titles over their columns, ruled below
                group_h = _group_height(block.table, block.widths)
                for title, left, w in _spans(block.table, block.widths):
                    painter.drawText(QRectF(x + left + PAD, y, w - 2 * PAD, group_h),
                                     Qt.AlignHCenter | Qt.AlignVCenter | Qt.TextWordWrap,
                                     title)
                    if title:
                        painter.setPen(QPen(QColor(DARK_GREY), 0.6))
                        painter.drawLine(QPointF(x + left + PAD, y + group_h - 1),
                                         QPointF(x + left + w - PAD, y + group_h - 1))
                        painter.setPen(QColor(TEXT))
                top, high = y + group_h, block.height - group_h
        left = x
        for c, (cell, w) in enumerate(zip(block.row, block.widths, strict=True)):
            align = Qt.AlignRight if block.table.numeric[c] else Qt.AlignLeft
            rect = QRectF(left + PAD, top, w - 2 * PAD, high)
            if header:
                painter.drawText(rect, align | Qt.AlignVCenter | Qt.TextWordWrap, cell)
            else:
                painter.drawText(rect, align | Qt.AlignVCenter,
                                 fm.elidedText(cell, Qt.ElideRight, w - 2 * PAD))
            left += w
        painter.setPen(QPen(QColor("#D8DDE0"), 0.6))
        painter.drawLine(QPointF(x, y + block.height),
                         QPointF(x + sum(block.widths), y + block.height))
    elif block.kind == "chart":
        chart_painter.paint(painter, QRectF(x, y, width, block.height - GAP), block.chart)


def _map_page(painter: QPainter, writer: QPdfWriter, view_doc, report: Report) -> None:
    options = export.ExportOptions(page="a4", orientation="landscape", pages="one",
                                   date=report.date)
    picture = export.prepare(view_doc, options)
    try:
        picture.title = f"{picture.title} — {report.b}" if report.b not in picture.title \
            else picture.title
        plan = paper.plan_on(view_doc, picture, options,
                             QSizeF(writer.width(), writer.height()), True)
        paint_page(painter, picture, plan.page, WHITE)
    finally:
        picture.close()


def pdf_bytes(view_doc, report: Report) -> bytes:
    """The report's PDF: ``view_doc`` (the scenario's view of the map) drawn on page 1."""
    buffer = QBuffer()
    buffer.open(QIODevice.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.A4), QPageLayout.Landscape,
                                     QMarginsF(*[MARGIN_MM] * 4), QPageLayout.Millimeter))
    writer.setResolution(UNIT_DPI)
    writer.setTitle(report.title)
    writer.setCreator("servicemap")
    painter = QPainter(writer)
    if not painter.isActive():
        raise export.ExportError("the report's first page could not be started")
    _map_page(painter, writer, view_doc, report)
    box = QRectF(0, 0, writer.width(), writer.height())
    body = QRectF(box.left(), box.top() + BAND, box.width(), box.height() - 2 * BAND)
    pages = paginate(blocks(report, body.width(), (body.height() - 40) / 2), body.height())
    for n, page in enumerate(pages, start=2):
        writer.newPage()
        _band(painter, box, report, n, len(pages) + 1)
        y = body.top()
        for block in page:
            _paint_block(painter, block, body.left(), y, body.width())
            y += block.height
    painter.end()
    return bytes(buffer.data())
