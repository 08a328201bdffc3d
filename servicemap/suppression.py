"""Small-number suppression for published flow counts (Qt-free).

NHS statistical disclosure practice: a count small enough to point at a person is not shown,
and the others are rounded so that small counts cannot be worked out by subtraction. Exports
apply it to the numbers on flows (on by default); the canvas always shows true numbers.

Rules: 0 stays ``0``; 1 to 7 shows as ``*``; every other count is rounded to the nearest 5
(halves round up, so 8 and 12 show as 10, 13 as 15). A count that is not a whole number (an
estimate such as 6.5 a year) is treated the same way: anything above 0 and below 7.5 is ``*``.
"""

from __future__ import annotations

import math

SMALL_MAX = 7        # counts from 1 to this are suppressed
ROUND_TO = 5         # other counts are rounded to a multiple of this
SUPPRESSED = "*"

FOOTNOTE = ("Numbers on flows are people per year, rounded to the nearest 5 to protect "
            "privacy; * means 1 to 7 people; 0 means none.")
UNSUPPRESSED_NOTE = "Numbers on flows are people per year (not rounded)."


def suppress(count: float | int | None) -> str:
    """The text to publish for ``count``: ``"0"``, ``"*"`` or a multiple of 5 with thousands
    separators (``"1,235"`` stays ``"1,235"``; ``"12"`` becomes ``"10"``). An unknown count
    (None) publishes nothing (``""``)."""
    if count is None:
        return ""
    if isinstance(count, float) and not math.isfinite(count):
        raise ValueError(f"a count must be a finite number, not {count!r}")
    if count < 0:
        raise ValueError(f"a count cannot be negative ({count!r})")
    if count == 0:
        return "0"
    if count < SMALL_MAX + 0.5:
        return SUPPRESSED
    rounded = math.floor(count / ROUND_TO + 0.5) * ROUND_TO
    return f"{rounded:,d}"


def true_count(count: float | int | None) -> str:
    """The count as the canvas shows it (no suppression): ``"1,200"``, ``"6.5"``, ``""``."""
    return "" if count is None else f"{count:,g}"


def label(count: float | int | None, suppressed: bool = True) -> str:
    """The number to write on a flow: suppressed (the default for exports) or true."""
    return suppress(count) if suppressed else true_count(count)


def footnote(suppressed: bool = True) -> str:
    """The sentence under an exported map that says how its flow numbers were treated."""
    return FOOTNOTE if suppressed else UNSUPPRESSED_NOTE
