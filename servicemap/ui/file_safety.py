"""Keeping work safe: the lock on an open map, and autosave/recovery after a crash.

* :class:`MapLock` holds ``NAME.smap.lock`` (a QLockFile) while a map is open for editing, plus a
  small ``NAME.smap.lock.json`` saying who has it open since when, so a second servicemap (the
  same user twice, or a colleague on a shared drive) can say so and offer read-only or a copy.
  A stale lock left by a crashed run on this machine is taken over by QLockFile itself.
* :class:`Recovery` autosaves the open map to the folder it is given (the app gives the user's
  app-data folder, :func:`recovery_dir`); each running session holds a lock there, so the next
  start can tell a crashed session's file from a live one.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QLockFile, QStandardPaths

from servicemap import atomic, file_attributes, locks, store
from servicemap.errors import SaveError
from servicemap.graph.document import Document


def user_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "another user"


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _when(stamp: str) -> str:
    """An ISO time stamp as people read it ("02 Dec 2026 at 10:40")."""
    try:
        return datetime.fromisoformat(stamp).strftime("%d %b %Y at %H:%M")
    except ValueError:
        return "an unknown time"


class MapLock:
    """The lock a servicemap session holds on a map it has open for editing."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.info_path = locks.info_path(self.path)
        self._lock = QLockFile(str(self.lock_path))
        self._lock.setStaleLockTime(0)  # stale only when its process is gone (same machine)

    def acquire(self) -> bool:
        """Take the lock; False when another running session holds it."""
        if not self._lock.tryLock(0):
            return False
        try:
            self.info_path.write_text(json.dumps({"user": user_name(),
                                                  "host": socket.gethostname(),
                                                  "since": _now()}), encoding="utf-8")
        except OSError:
            pass  # a read-only folder: the lock itself still works where it could be made
        return True

    def owner(self) -> locks.Holder:
        """Who holds the lock, with its age (best effort, never raising: the info file may be
        missing, garbled or a folder; read Qt-free, as the command line reads it)."""
        return locks.owner(self.path)

    def take_over(self) -> bool:
        """Take a lock left on another computer (the user judged it stale from its owner and
        age: its process cannot be checked from here); False when it cannot be taken."""
        if not self._lock.removeStaleLockFile():
            try:
                self.lock_path.unlink()
            except OSError:
                return False
        return self.acquire()

    def release(self) -> None:
        if self._lock.isLocked():
            try:
                self.info_path.unlink()
            except OSError:
                pass
            self._lock.unlock()


def _write_private(path: Path, text: str) -> None:
    """Write a small text file readable by its owner only (0600 on POSIX), atomically: a
    full disk leaves the previous file, never an empty one."""
    tmp = atomic.temporary(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


def recovery_dir() -> Path:
    """The user's recovery folder: ``recovery`` in servicemap's app-data folder."""
    base = QStandardPaths.writableLocation(QStandardPaths.AppDataLocation)
    return Path(base or Path.home() / ".servicemap") / "recovery"


@dataclass
class Recoverable:
    """A map autosaved by a session that did not close cleanly."""

    session: str
    map_file: Path
    original: str  # the map's own file, or "" for a map never saved
    title: str
    saved: str
    read_only: bool = False  # open for review or read-only when it was autosaved

    def describe(self) -> str:
        name = (Path(self.original).name if self.original else
                f"“{self.title}” (never saved)" if self.title else "an unnamed map")
        return f"{name}, autosaved {_when(self.saved)}"


class Recovery:
    """This session's autosave file, and the files of sessions that crashed."""

    def __init__(self, folder: Path) -> None:
        """Autosave into ``folder`` (made when missing)."""
        self.folder = Path(folder)
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        # the folder holds the user's work: private to the user (0700; on Windows an access
        # list for the user alone, which the autosaves made in it inherit)
        file_attributes.make_private(self.folder)
        self.session = uuid.uuid4().hex[:12]
        self._lock = QLockFile(str(self.folder / f"{self.session}.lock"))
        self._lock.setStaleLockTime(0)
        self._lock.tryLock(0)

    @property
    def map_file(self) -> Path:
        return self.folder / f"{self.session}.smap"

    @property
    def info_file(self) -> Path:
        return self.folder / f"{self.session}.json"

    def autosave(self, document: Document, original: str | os.PathLike | None,
                 read_only: bool = False) -> None:
        """Keep the work; ``read_only``: the map was open for review or read-only, so after a
        crash it must come back as a copy, never bound to (and saved over) its file.

        A write that fails (a full disk) is one SaveError naming the user's map, never the
        recovery folder's own file names."""
        info = {"original": str(original or ""), "title": document.graph.graph.get("title"),
                "saved": _now(), "read_only": bool(read_only)}
        try:
            store.save(document, self.map_file, mode=0o600)
            _write_private(self.info_file, json.dumps(info))
        except (SaveError, OSError) as exc:
            cause = exc.__cause__ if isinstance(exc, SaveError) and exc.__cause__ else exc
            shown = Path(original).name if original else (info["title"] or "the new map")
            raise SaveError(f"The autosave of {shown} could not be written "
                            f"({atomic.reason(cause)}); the work is still open here, so save "
                            "it (File > Save As) where there is room.") from exc

    def clear(self) -> None:
        """The map is saved or closed: nothing to recover."""
        for path in (self.map_file, self.info_file, store.backup_path(self.map_file)):
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                pass

    def close(self) -> None:
        self.clear()
        self._lock.unlock()

    def orphans(self) -> list[Recoverable]:
        """Autosaves of sessions that are no longer running (they crashed or were killed)."""
        found = []
        for info_file in sorted(self.folder.glob("*.json")):
            session = info_file.stem
            if session == self.session:
                continue
            lock = QLockFile(str(self.folder / f"{session}.lock"))
            lock.setStaleLockTime(0)
            if not lock.tryLock(0):
                continue  # that session is alive
            lock.unlock()
            map_file = self.folder / f"{session}.smap"
            if not map_file.exists():
                continue
            try:
                info = json.loads(info_file.read_text(encoding="utf-8"))
            except (OSError, ValueError, RecursionError):
                info = {}
            if not isinstance(info, dict) or not info:
                info = {"read_only": True}  # damaged: the autosave may still be whole; it
                # comes back as a copy, since the file it belongs to is not known
            original, title, saved = (info.get(k) for k in ("original", "title", "saved"))
            found.append(Recoverable(session, map_file,
                                     original if isinstance(original, str) else "",
                                     title if isinstance(title, str) else "",
                                     saved if isinstance(saved, str) else "",
                                     info.get("read_only") is True))
        return found

    def load(self, item: Recoverable) -> Document:
        return store.load(item.map_file)

    def set_aside(self, item: Recoverable) -> Path | None:
        """An autosave that cannot be read: keep its file as ``SESSION.damaged.smap`` (for
        whoever helps) and forget it, so it is not offered again; where it was kept."""
        kept = self.folder / f"{item.session}.damaged.smap"
        try:
            os.replace(item.map_file, kept)
        except OSError:
            kept = None
        self.discard(item)
        return kept

    def discard(self, item: Recoverable) -> None:
        for path in (item.map_file, self.folder / f"{item.session}.json",
                     self.folder / f"{item.session}.lock", store.backup_path(item.map_file)):
            try:
                path.unlink()
            except OSError:
                pass

