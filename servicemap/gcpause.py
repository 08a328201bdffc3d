"""Pause Python's cyclic garbage collector while many acyclic objects are made (Qt-free).

Opening a large map, reading a spreadsheet, running a measure or building an export scene
makes tens of thousands of small records that hold no reference cycles; the full collections
their allocations trigger would scan the whole graph again and again (a quarter of the time
to open a large map). Reference counting still frees everything as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector inside the block (or a function decorated with
    ``@gc_paused()``); on leaving it, switch it back on only if it was on before, so a
    pause nested in another pause leaves it off for the outer one."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
