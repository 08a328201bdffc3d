"""Targets: what an organisation holds itself to, kept by the map beside the graph.

A target is a :class:`~servicemap.model.Target` (id, name, organisation, measure, threshold,
due date, notes; optionally the type of service and the wait it counts). :func:`check_target`
gives every problem with one, one sentence each (what ``servicemap validate`` prints and what
opening a map refuses); :class:`TargetsMixin` gives
:class:`~servicemap.graph.document.Document` its ``targets`` (in order) and the only code that
changes them, each emitting one event. A target's organisation is always in the map: deleting
the organisation takes its targets with it (and undoing the delete puts them back). What each
target measures is :mod:`servicemap.graph.target_results`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Container, Iterable
from dataclasses import replace
from datetime import date

from servicemap.errors import ValidationError
from servicemap.events import Signal
from servicemap.model import TARGET_FIELD_NAMES, TARGET_MEASURES, Target

TARGET_EVENTS = ("target_added", "target_changed", "target_removed")
CHANGEABLE = TARGET_FIELD_NAMES[1:]
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def target_words(target: Target) -> str:
    """How messages name a target: ``target "87% within wait target" (kchft-waits)``."""
    name = target.name if isinstance(target.name, str) and target.name.strip() else ""
    return f'target "{name}" ({target.id})' if name else f"target {target.id!r}"


def _number(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) \
        and math.isfinite(value)


def check_target(target: Target, organisations: Container[str] | None) -> list[str]:
    """Every problem with ``target``, one sentence each (empty when it is fine).
    ``organisations`` holds the ids of the map's organisations (None: not checked)."""
    if not isinstance(target.id, str) or not target.id.strip():
        return ["A target needs an id (text)."]
    what = target_words(target)
    problems = []
    for name in ("name", "organisation", "measure", "due", "notes", "service_type"):
        if not isinstance(getattr(target, name), str):
            problems.append(f"{what}: its {name.replace('_', ' ')} must be text.")
    if isinstance(target.name, str) and not target.name.strip():
        problems.append(f"{what}: its name must not be empty.")
    if isinstance(target.organisation, str) and organisations is not None \
            and target.organisation not in organisations:
        problems.append(f"{what}: organisation {target.organisation!r} is not an organisation "
                        "in the map.")
    if isinstance(target.measure, str) and target.measure not in TARGET_MEASURES:
        problems.append(f"{what}: measure {target.measure!r} is not one servicemap knows "
                        f"(use {', '.join(TARGET_MEASURES)}).")
    if not _number(target.threshold) or not 0 <= target.threshold <= 100:
        problems.append(f"{what}: its threshold must be a number from 0 to 100 "
                        f"(got {target.threshold!r}).")
    if isinstance(target.due, str) and target.due and not _is_date(target.due):
        problems.append(f"{what}: its due date {target.due!r} is not a date written "
                        "YYYY-MM-DD (or empty).")
    if target.wait_days is not None and (not _number(target.wait_days)
                                         or target.wait_days < 0):
        problems.append(f"{what}: the wait it counts must be a number of days of at least 0 "
                        f"(got {target.wait_days!r}).")
    return problems


def _is_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def check_targets(targets: Iterable[Target], organisations: Container[str] | None,
                  taken: Callable[[str], bool] | None = None) -> list[str]:
    """Every problem with a map's targets in order (ids unique, and none used by another
    item when ``taken`` says whether an id is)."""
    problems, seen = [], set()
    for target in targets:
        problems += check_target(target, organisations)
        if isinstance(target.id, str) and (target.id in seen
                                           or (taken is not None and taken(target.id))):
            problems.append(f"{target_words(target)}: id is already used")
        seen.add(target.id)
    return problems


def _clean(target: Target) -> Target:
    """``target`` with its numbers as floats and its text trimmed where it is a name."""
    wait = None if target.wait_days is None else float(target.wait_days)
    return replace(target, name=target.name.strip(), threshold=float(target.threshold),
                   wait_days=wait)


class TargetsMixin:
    """The targets of a document (see the module's docstring)."""

    def _init_targets(self) -> None:
        self.targets: dict[str, Target] = {}
        self.target_added = Signal()     # (id)
        self.target_changed = Signal()   # (id, field names)
        self.target_removed = Signal()   # (id)

    def _taken(self, item_id: str) -> bool:  # the graph's and pathways' ids (Document)
        raise NotImplementedError

    def organisation_ids(self) -> set[str]:  # Document: the organisations in the graph
        raise NotImplementedError

    def _checked_target(self, target: Target, new: bool) -> Target:
        problems = check_target(target, self.organisation_ids())
        if problems:
            raise ValidationError(problems[0])
        if new and (target.id in self.targets or self._taken(target.id)):
            raise ValidationError(f"{target_words(target)}: id is already used")
        return _clean(target)

    def has_target(self, target_id: str) -> bool:
        return target_id in self.targets

    def target(self, target_id: str) -> Target:
        try:
            return self.targets[target_id]
        except KeyError:
            raise ValidationError(f"There is no target {target_id!r} in the map.") from None

    def add_target(self, target: Target, index: int | None = None) -> str:
        """Add a target (at the end, or at ``index``); returns its id."""
        target = self._checked_target(target, new=True)
        items = list(self.targets.items())
        items.insert(len(items) if index is None else index, (target.id, target))
        self.targets = dict(items)
        self.target_added.emit(target.id)
        return target.id

    def update_target(self, target_id: str, changes: dict[str, object]) -> dict[str, object]:
        """Change a target's fields (not its id); returns the old values."""
        old_target = self.target(target_id)
        unknown = set(changes) - set(CHANGEABLE)
        if unknown:
            raise ValidationError(f"{target_words(old_target)}: cannot change "
                                  f"{sorted(unknown)[0]!r}")
        new = self._checked_target(replace(old_target, **changes), new=False)
        old = {k: getattr(old_target, k) for k in changes}
        self.targets[target_id] = new
        self.target_changed.emit(target_id, tuple(changes))
        return old

    def remove_target(self, target_id: str) -> tuple[int, Target]:
        """Remove a target; returns ``(index, target)`` for :meth:`restore_target`."""
        target = self.target(target_id)
        index = list(self.targets).index(target_id)
        del self.targets[target_id]
        self.target_removed.emit(target_id)
        return index, target

    def restore_target(self, removed: tuple[int, Target]) -> None:
        """Put back a target removed by :meth:`remove_target`, where it was."""
        index, target = removed
        self.add_target(target, index)
