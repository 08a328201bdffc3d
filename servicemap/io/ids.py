"""Ids made from names, never taken twice: ``base``, ``base-2``, ``base-3``, ...

A :class:`Taken` set remembers, for each base, the suffix it last gave, so the n-th id made
from one repeated name (40,000 rows all called "Same", 20,000 GraphML edges all with the id
"e") costs one look-up, not n: importing them is linear in the rows, not quadratic.
"""

from __future__ import annotations

from collections.abc import Iterable


class Taken(set):
    """The ids in use; :func:`unique` resumes each base's count where it stopped."""

    def __init__(self, ids: Iterable[str] = ()) -> None:
        super().__init__(ids)
        self.next_suffix: dict[str, int] = {}


def unique(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``, ... whichever is not in ``taken`` (the caller adds
    it). With a :class:`Taken` set the count resumes where it stopped for ``base``: suffixes
    below it were all taken, and ids are never taken back while one import runs."""
    if base not in taken:
        return base
    resume = taken.next_suffix if isinstance(taken, Taken) else {}
    n = resume.get(base, 2)
    while f"{base}-{n}" in taken:
        n += 1
    resume[base] = n
    return f"{base}-{n}"
