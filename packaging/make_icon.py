"""Draw servicemap's app icon (three services joined by flows) into resources/icon/.

Run once when the design changes: ``uv run python packaging/make_icon.py``. It writes
``servicemap.png`` (256 px, used by the window) and ``servicemap.ico`` (16-256 px, for the
Windows executable and installer). Both files are committed; the build only reads them."""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "resources" / "icon"
NHS_BLUE, DARK_GREY = QColor("#005EB8"), QColor("#425563")
BOXES = [  # (centre x, centre y, fill, border) on a 256 grid: Okabe-Ito tints and colours
    (74, 72, "#FBE3B0", "#E69F00"),
    (186, 128, "#CDE8F8", "#0072B2"),
    (74, 184, "#BFE8DC", "#009E73"),
]


def arrow_between(p: QPainter, start: QPointF, end: QPointF) -> None:
    """A flow line from ``start`` with its arrowhead touching ``end``."""
    line = end - start
    length = (line.x() ** 2 + line.y() ** 2) ** 0.5
    ux, uy = line.x() / length, line.y() / length
    base = end - QPointF(ux * 26, uy * 26)
    p.setPen(QPen(DARK_GREY, 12, Qt.SolidLine, Qt.RoundCap))
    p.drawLine(start, base)
    head = QPainterPath()
    head.moveTo(end)
    head.lineTo(base + QPointF(-uy * 16, ux * 16))
    head.lineTo(base - QPointF(-uy * 16, ux * 16))
    head.closeSubpath()
    p.fillPath(head, DARK_GREY)


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format_ARGB32)
    image.fill(Qt.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.Antialiasing)
    p.scale(size / 256, size / 256)
    p.setPen(QPen(NHS_BLUE, 10))
    p.setBrush(QColor("white"))
    p.drawRoundedRect(QRectF(8, 8, 240, 240), 40, 40)
    for start, end in (((120, 84), (150, 108)), ((150, 148), (120, 172))):
        arrow_between(p, QPointF(*start), QPointF(*end))
    for x, y, fill, border in BOXES:
        p.setPen(QPen(QColor(border), 10))
        p.setBrush(QColor(fill))
        p.drawRoundedRect(QRectF(x - 44, y - 28, 88, 56), 16, 16)
    p.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def ico_bytes(sizes=(16, 24, 32, 48, 64, 128, 256)) -> bytes:
    """An .ico holding one PNG per size (the format Windows Vista and later read)."""
    images = [png_bytes(draw(s)) for s in sizes]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for s, blob in zip(sizes, images, strict=True):
        entries += struct.pack("<BBBBHHII", s % 256, s % 256, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    return header + entries + blobs


def main() -> int:
    QGuiApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "servicemap.png").write_bytes(png_bytes(draw(256)))
    (OUT / "servicemap.ico").write_bytes(ico_bytes())
    print(f"wrote {OUT / 'servicemap.png'} and {OUT / 'servicemap.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
