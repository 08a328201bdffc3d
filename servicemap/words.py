"""Words servicemap writes for people: counts with the right plural, and messages that name
items by name, not by their internal id.

Plain Python, no Qt, in the bottom layer: the window, the drawings and the command line share
one :func:`plural`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_VOWELS = "aeiou"


def plural_of(word: str) -> str:
    """The plural of an English noun (or of the last word of a phrase): "access point" ->
    "access points", "entry" -> "entries", "box" -> "boxes"."""
    lower = word.lower()
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if lower.endswith("y") and len(word) > 1 and lower[-2] not in _VOWELS:
        return word[:-1] + "ies"
    return word + "s"


def plural(n: int | float, word: str, many: str | None = None) -> str:
    """``n`` and the noun, singular only for exactly one: "1 service", "0 services",
    "1,250 flows". ``many`` gives a plural that is not made by the usual rules
    ("person", "people")."""
    number = f"{n:,}" if isinstance(n, int) else f"{n:,g}"
    return f"{number} {word if n == 1 else (many or plural_of(word))}"


# The document names an item with its id in brackets after its quoted name:
# 'service "Crisis team" (kmpt-crisis)', 'flow "A" -> "B" (f12)', 'pathway "Crisis" (p1)'.
_BRACKETED_ID = re.compile(r'(["”]) \(([^\s()]+)\)')
_QUOTED_ID = re.compile(r"'([^'\s]+)'")


def without_ids(message: str, name_of: Callable[[str], str | None] | None = None) -> str:
    """``message`` with the internal ids taken out, for the status bar, a field's warning or
    a message box: 'service "Crisis team" (kmpt-crisis): ...' becomes
    'service "Crisis team": ...'. ``name_of(id)`` (a name, or None when ``id`` names nothing)
    also turns an id quoted on its own ("there is no node 'f12'") into the item's name."""
    message = _BRACKETED_ID.sub(r"\1", message)
    if name_of is not None:
        def named(match: re.Match) -> str:
            name = name_of(match.group(1))
            return f"“{name}”" if name else match.group(0)

        message = _QUOTED_ID.sub(named, message)
    return message


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match.group(0)
    return _NAMED_ESCAPES.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100
                                        else f"\\u{ord(char):04x}")


def escaped(text: str) -> str:
    """``text`` on one line: a newline, tab or other control character in it (a name typed or
    imported with one) shown as ``\\n``, ``\\t``, ``\\x07``, so a message stays one line and
    says exactly what the name holds."""
    return _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text
