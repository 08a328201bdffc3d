"""Work that only reads a large map, done in a worker thread while the window answers.

Showing a 50,000-service map asks for its legend, its filter choices and its counts, and each
visits every item (a third of a second each there, all in the turn that shows the map). They
only read the map, so :class:`Aside` works them out in a thread of their own and hands the
result back on the window's thread, if the map they were for is still the one shown.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

POLL_MS = 20


class Aside(QObject):
    """``run(compute, apply, still)``: ``compute()`` in a worker thread, then
    ``apply(result)`` on the window's thread when ``still()`` is true. Should the map change
    under ``compute`` (an edit while it reads), it is simply worked out again."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._waiting: list[tuple[list, Callable, Callable, Callable]] = []
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._check)

    def run(self, compute: Callable[[], object], apply: Callable[[object], object],
            still: Callable[[], bool]) -> None:
        result: list = []
        self._start(compute, result)
        self._waiting.append((result, compute, apply, still))
        self._poll.start()

    @staticmethod
    def _start(compute, result: list) -> None:
        def work() -> None:  # in the worker thread: reads the map, makes no Qt object
            try:
                result.append((True, compute()))
            except RuntimeError:  # the map changed while it was read: again, on the way back
                result.append((False, None))

        threading.Thread(target=work, name="servicemap-aside", daemon=True).start()

    def _check(self) -> None:
        waiting = []
        for result, compute, apply, still in self._waiting:
            if not result:
                waiting.append((result, compute, apply, still))
            elif still():
                done, value = result[0]
                apply(value if done else compute())
        self._waiting = waiting
        if not waiting:
            self._poll.stop()

    @property
    def busy(self) -> bool:
        """True while some work is still being done (tests wait for it)."""
        return bool(self._waiting)
