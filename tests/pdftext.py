"""The text of a PDF written by Qt's QPdfWriter, in pure Python (no poppler in the test run).

Only what QPdfWriter writes is read: numbered objects, Flate-compressed content streams, Type0
fonts with a ToUnicode CMap (``bfchar`` and ``bfrange`` entries), and text drawn as
``/F<n> size Tf`` then ``<glyphs> Tj`` inside ``BT``..``ET``. Each ``BT`` block (one drawn line)
gives one string.
"""

from __future__ import annotations

import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


def _stream(body: bytes) -> bytes:
    head, _, rest = body.partition(b"stream")
    data = rest.lstrip(b"\r\n").rsplit(b"endstream", 1)[0]
    return zlib.decompressobj().decompress(data) if b"/FlateDecode" in head else data


def _cmap(data: bytes) -> dict[int, str]:
    """Glyph code -> text, from a ToUnicode CMap."""
    out: dict[int, str] = {}

    def text(hex_: bytes) -> str:
        return bytes.fromhex(hex_.decode()).decode("utf-16-be")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(code, 16)] = text(uni)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dest in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*"
                                       rb"(<[0-9A-Fa-f]+>|\[[^\]]*\])", block):
            lo_i, hi_i = int(lo, 16), int(hi, 16)
            if dest.startswith(b"["):
                for i, uni in enumerate(_HEX.findall(dest)):
                    out[lo_i + i] = text(uni)
            else:
                start = int(dest[1:-1], 16)
                for i in range(hi_i - lo_i + 1):
                    out[lo_i + i] = chr(start + i)
    return out


def pdf_lines(data: bytes) -> list[str]:
    """Every drawn line of text in the PDF, in drawing order (tabs read as spaces)."""
    objects = {int(n): body for n, body in _OBJECT.findall(data)}
    maps: dict[bytes, dict[int, str]] = {}
    for body in objects.values():  # resource dictionaries: /F11 11 0 R
        for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", body):
            font = objects.get(int(ref), b"")
            uni = re.search(rb"/ToUnicode (\d+) 0 R", font)
            if uni and name not in maps:
                maps[name] = _cmap(_stream(objects[int(uni.group(1))]))
    lines: list[str] = []
    for body in objects.values():
        if b"stream" not in body or b"/FlateDecode" not in body.split(b"stream", 1)[0]:
            continue
        if b"/Length1" in body:  # an embedded font program
            continue
        content = _stream(body)
        for block in re.findall(rb"BT(.*?)ET", content, re.S):
            cmap: dict[int, str] = {}
            text = []
            for token in re.finditer(rb"/(F\d+) [\d.]+ Tf|<([0-9A-Fa-f]+)> Tj", block):
                if token.group(1):
                    cmap = maps.get(token.group(1), {})
                    continue
                hex_ = token.group(2)
                for i in range(0, len(hex_), 4):
                    text.append(cmap.get(int(hex_[i:i + 4], 16), "\ufffd"))
            if text:
                lines.append("".join(text).replace("\t", " "))
    return lines


_TOKEN = re.compile(rb"<[0-9A-Fa-f]*>|\[[^\]]*\]|/[^\s/\[\]<>()]+|[-+]?(?:\d+\.?\d*|\.\d+)"
                    rb"|[A-Za-z*'\"]+")


def _times(m: list[float], n: list[float]) -> list[float]:
    """The PDF matrix product m x n (row vectors: [a b c d e f])."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return [a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s,
            e * p + f * r + t, e * q + f * s + u]


def pdf_text_boxes(data: bytes) -> list[tuple[str, float, float]]:
    """Every drawn line of text with where it starts on the page, ``(text, x, y)`` in points
    from the page's bottom-left corner (PDF's own axes: y grows upwards), from the ``q``/``Q``,
    ``cm``, ``Tm`` and ``Td`` operators QPdfWriter writes."""
    objects = {int(n): body for n, body in _OBJECT.findall(data)}
    maps: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", body):
            uni = re.search(rb"/ToUnicode (\d+) 0 R", objects.get(int(ref), b""))
            if uni and name not in maps:
                maps[name] = _cmap(_stream(objects[int(uni.group(1))]))
    boxes: list[tuple[str, float, float]] = []
    identity = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    for body in objects.values():
        if b"stream" not in body or b"/FlateDecode" not in body.split(b"stream", 1)[0] \
                or b"/Length1" in body:
            continue
        ctm, stack, operands = list(identity), [], []
        tm = tlm = list(identity)
        cmap: dict[int, str] = {}
        text: list[str] = []
        start: tuple[float, float] | None = None
        for token in _TOKEN.findall(_stream(body)):
            if token[:1] in b"<[/" or token[:1].isdigit() or token[:1] in b"-+.":
                operands.append(token)
                continue
            op = token
            if op == b"q":
                stack.append(ctm)
            elif op == b"Q" and stack:
                ctm = stack.pop()
            elif op == b"cm" and len(operands) >= 6:
                ctm = _times([float(v) for v in operands[-6:]], ctm)
            elif op == b"BT":
                tm = tlm = list(identity)
                text, start = [], None
            elif op == b"Tm" and len(operands) >= 6:
                tm = tlm = [float(v) for v in operands[-6:]]
            elif op == b"Td" and len(operands) >= 2:
                tx, ty = (float(v) for v in operands[-2:])
                tm = tlm = _times([1.0, 0.0, 0.0, 1.0, tx, ty], tlm)
            elif op == b"Tf" and len(operands) >= 2:
                cmap = maps.get(operands[-2][1:], {})
            elif op == b"Tj" and operands:
                if start is None:
                    m = _times(tm, ctm)
                    start = (m[4], m[5])
                hex_ = operands[-1][1:-1]
                for i in range(0, len(hex_), 4):
                    text.append(cmap.get(int(hex_[i:i + 4], 16), "\ufffd"))
            elif op == b"ET" and text and start is not None:
                boxes.append(("".join(text).replace("\t", " "), *start))
            operands = []
        # (a page's content is one stream: nothing carries over to the next)
    return boxes


def _pages(objects: dict[int, bytes]) -> list[list[int]]:
    """Each page's content stream objects, in page order (QPdfWriter writes pages in order)."""
    pages = []
    for number in sorted(objects):
        body = objects[number]
        if re.search(rb"/Type\s*/Page\b(?!s)", body):
            found = re.search(rb"/Contents\s+(\d+) 0 R", body)
            pages.append([int(found.group(1))] if found else [])
    return pages


def pdf_text_sizes(data: bytes) -> list[list[tuple[str, float]]]:
    """For each page, every drawn line of text with its size on the page in points: the
    font size (``Tf``) through the text matrix (``Tm``) and the transforms (``cm``, kept
    across ``q``/``Q``)."""
    objects = {int(n): body for n, body in _OBJECT.findall(data)}
    maps: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", body):
            uni = re.search(rb"/ToUnicode (\d+) 0 R", objects.get(int(ref), b""))
            if uni and name not in maps:
                maps[name] = _cmap(_stream(objects[int(uni.group(1))]))
    identity = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    result = []
    for streams in _pages(objects):
        lines: list[tuple[str, float]] = []
        for ref in streams:
            ctm, stack, operands = list(identity), [], []
            tm, size, cmap, text = list(identity), 0.0, {}, []
            for token in _TOKEN.findall(_stream(objects[ref])):
                if token[:1] in b"<[/" or token[:1].isdigit() or token[:1] in b"-+.":
                    operands.append(token)
                    continue
                op = token
                if op == b"q":
                    stack.append(ctm)
                elif op == b"Q" and stack:
                    ctm = stack.pop()
                elif op == b"cm" and len(operands) >= 6:
                    ctm = _times([float(v) for v in operands[-6:]], ctm)
                elif op == b"BT":
                    tm, text = list(identity), []
                elif op == b"Tm" and len(operands) >= 6:
                    tm = [float(v) for v in operands[-6:]]
                elif op == b"Tf" and len(operands) >= 2:
                    cmap, size = maps.get(operands[-2][1:], {}), float(operands[-1])
                elif op == b"Tj" and operands:
                    hex_ = operands[-1][1:-1]
                    for i in range(0, len(hex_), 4):
                        text.append(cmap.get(int(hex_[i:i + 4], 16), "\ufffd"))
                elif op == b"ET" and text:
                    m = _times(tm, ctm)
                    lines.append(("".join(text).replace("\t", " "),
                                  size * abs(m[0] * m[3] - m[1] * m[2]) ** 0.5))
                    text = []
                operands = []
        result.append(lines)
    return result
