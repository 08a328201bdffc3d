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


# ----- a map's objects out of the collector's sight -------------------------------------------
# A full collection scans every object the collector tracks: with a 10,000-service map open
# that is about 410,000 objects and 175 ms (at 50,000 services most of a second), a stall the
# planner sees whenever one comes (in the middle of a zoom, a drag, a selection). Almost all of
# them are the open map's items and records, which live as long as the map is open. Once the
# map is shown, the first full collection (which also finds what the previous map left as
# cycles) is followed by ``gc.freeze()``: everything alive then is moved where later
# collections never look. The next map shown unfreezes them first, so a map closed since is
# collected as usual and nothing is kept for good.
_freeze_pending = False


def freeze_after_next_full_collection(at_once: bool = False) -> None:
    """A map was shown: let the objects alive after the next full collection be left out of
    every later one (until this is called again for the next map). ``at_once`` (a large map:
    that one full collection would itself hold the window, about 1 s at 10,000 services on a
    loaded machine): freeze what is alive now, without a collection and without unfreezing
    what an earlier map froze. A map leaves no cycles behind (none found after a 10,000-service
    map was closed); what it leaves without cycles is freed as usual, frozen or not."""
    global _freeze_pending
    if at_once:
        _freeze_pending = False
        gc.freeze()
        return
    gc.unfreeze()  # what was frozen with an earlier map may be garbage now
    _freeze_pending = True
    if _after_collection not in gc.callbacks:
        gc.callbacks.append(_after_collection)


def _after_collection(phase: str, info: dict) -> None:
    global _freeze_pending
    if phase == "stop" and info.get("generation") == 2 and _freeze_pending:
        _freeze_pending = False
        gc.freeze()
