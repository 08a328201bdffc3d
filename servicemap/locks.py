"""Whether a servicemap window holds a map, read without Qt (the command line honours it).

A window holds ``NAME.smap.lock``, a QLockFile, and writes ``NAME.smap.lock.json`` beside it
(who and since when; ``servicemap/ui/file_safety.py``). QLockFile writes the lines: process id,
application name, host name and, on later Qt versions, the machine's id and its boot id. A lock
is live when its process still runs on this machine (same boot); on Windows a live QLockFile
keeps its file open without sharing writes, so a file that opens for writing is stale. A lock
from another computer is always taken as held (its process cannot be checked from here), as
is one that cannot be read.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from servicemap.errors import SaveError

MAX_LOCK_BYTES = 4096


@dataclass
class Holder:
    """Who holds a map's lock, as far as the lock says."""

    user: str
    host: str
    since: str
    elsewhere: bool = False  # taken on another computer: its process cannot be checked here

    def describe(self) -> str:
        """"alex on ward-pc-17 since 01 Dec 2026 at 09:30 (2 days ago)"."""
        try:
            taken = datetime.fromisoformat(self.since)
        except ValueError:
            return f"{self.user} on {self.host}"
        return f"{self.user} on {self.host} since {taken:%d %b %Y at %H:%M} ({_age(taken)})"


def _age(taken: datetime) -> str:
    now = datetime.now(taken.tzinfo) if taken.tzinfo else datetime.now()
    seconds = max(0, int((now - taken).total_seconds()))
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


def lock_path(path: str | os.PathLike) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".lock")


def info_path(path: str | os.PathLike) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".lock.json")


def owner(path: str | os.PathLike) -> Holder:
    """Who the lock on ``path`` names (best effort, never raising): the window's ``.lock.json``,
    else QLockFile's host and the lock file's age."""
    lines = _lock_lines(lock_path(path)) or []
    host = lines[2] if len(lines) > 2 and lines[2] else ""
    elsewhere = bool(host) and host != socket.gethostname()
    since = ""
    try:
        since = datetime.fromtimestamp(lock_path(path).stat().st_mtime).astimezone().isoformat()
    except (OSError, ValueError, OverflowError):
        pass
    held = _with_info(path, Holder("another user", host or "another computer", since))
    held.elsewhere = elsewhere or (bool(held.host) and held.host != socket.gethostname()
                                   and held.host != "another computer")
    return held


def holder(path: str | os.PathLike) -> Holder | None:
    """Who holds the window lock on the map ``path``; None when nobody does (no lock, or a
    stale one left by a process that has gone)."""
    lock = lock_path(path)
    if not os.path.lexists(lock):
        return None
    if os.name == "nt" and _opens_for_writing(lock):
        return None  # a live QLockFile on Windows keeps writers out
    lines = _lock_lines(lock)
    if lines is None:
        return _with_info(path, Holder("an unknown program", "this computer", ""))
    pid_text, _app, host, machine, boot = (lines + ["", "", "", "", ""])[:5]
    here = socket.gethostname()
    on_this_host = not host or host == here
    if on_this_host and machine and _own_id("/etc/machine-id", "/var/lib/dbus/machine-id") \
            not in ("", machine):
        on_this_host = False  # the same name, another machine (a shared drive)
    if not on_this_host:
        return _with_info(path, Holder("another user", host or "another computer", ""))
    if boot and _own_id("/proc/sys/kernel/random/boot_id") not in ("", boot):
        return None  # taken before this machine last started: its process is gone
    if os.name != "nt" and not _alive(pid_text):
        return None
    return _with_info(path, Holder("another user", host or here, ""))


def _lock_lines(lock: Path) -> list[str] | None:
    try:
        if not lock.is_file():
            return None  # a folder or device: nothing QLockFile would write
        with lock.open("rb") as fh:
            data = fh.read(MAX_LOCK_BYTES)
    except OSError:
        return None
    lines = data.decode("utf-8", "replace").splitlines()
    if not lines or not lines[0].strip().isdigit():
        return None
    return [line.strip() for line in lines]


def _alive(pid_text: str) -> bool:
    pid = int(pid_text)
    if pid <= 0:
        return True  # not a process id: keep to the safe side
    try:
        os.kill(pid, 0)  # POSIX only: signal 0 checks, sends nothing
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    except OSError:
        return True
    return True


def _opens_for_writing(lock: Path) -> bool:
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return False
    os.close(fd)
    return True


def _own_id(*candidates: str) -> str:
    for candidate in candidates:
        try:
            return Path(candidate).read_text(encoding="ascii").strip()
        except (OSError, ValueError):
            continue
    return ""


def _with_info(path: str | os.PathLike, fallback: Holder) -> Holder:
    """The holder as the window's ``.lock.json`` names it, where it is readable."""
    try:
        info = info_path(path)
        if not info.is_file() or info.stat().st_size > MAX_LOCK_BYTES:
            return fallback
        data = json.loads(info.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return fallback
    if not isinstance(data, dict):
        return fallback
    user, host, since = (data.get(k) for k in ("user", "host", "since"))
    return Holder(user if isinstance(user, str) and user else fallback.user,
                  host if isinstance(host, str) and host else fallback.host,
                  since if isinstance(since, str) and since else fallback.since)


def refuse_if_held(path: str | os.PathLike) -> None:
    """Raise one sentence when a servicemap window holds ``path`` (a command must not write it)."""
    who = holder(path)
    if who is not None:
        raise SaveError(f"{Path(path).name} is open in servicemap by {who.describe()}, so it "
                        "was not changed; close it there first, or write to another file")


@contextmanager
def holding(path: str | os.PathLike) -> Iterator[None]:
    """Hold ``path``'s window lock while a command writes it: a window opening the map in that
    moment finds it held (by "the servicemap command line") instead of reading a file about
    to change. Written as QLockFile writes it (process id, program, host, machine and boot
    ids), so Qt sees a live lock while this process runs and a stale one after a crash; on
    Windows the open file keeps QLockFile from removing it. One sentence when a window (or
    another command) holds it already; a stale lock is taken over, as QLockFile does."""
    lock = lock_path(path)
    fd = _create(lock)
    if fd is None:  # there is a lock: held, or left by a process that has gone
        refuse_if_held(path)
        try:
            os.unlink(lock)
        except OSError:
            pass
        fd = _create(lock)
        if fd is None:
            refuse_if_held(path)
            raise SaveError(f"{Path(path).name} is being changed by another program, so it "
                            "was not changed; try again")
    info = info_path(path)
    try:
        os.write(fd, _lock_text().encode("utf-8"))
        try:
            info.write_text(json.dumps({"user": f"{_user()} (a servicemap command)",
                                        "host": socket.gethostname(),
                                        "since": datetime.now().astimezone().isoformat(
                                            timespec="seconds")}),
                            encoding="utf-8")
        except OSError:
            pass  # the lock itself is what counts
        yield
    finally:
        os.close(fd)
        for made in (info, lock):
            try:
                os.unlink(made)
            except OSError:
                pass


def _create(lock: Path) -> int | None:
    """A new lock file, open for writing; None when one is there already."""
    try:
        return os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                       0o644)
    except FileExistsError:
        return None
    except OSError as exc:
        raise SaveError(f"{Path(lock).name[:-5]} could not be locked for writing "
                        f"({exc.strerror or exc}), so it was not changed") from None


def _lock_text() -> str:
    """QLockFile's lines: pid, the program's file name (what Qt compares with the running
    process's), host, machine id, boot id."""
    program = Path(os.path.realpath(sys.executable)).name
    machine = _own_id("/etc/machine-id", "/var/lib/dbus/machine-id")
    boot = _own_id("/proc/sys/kernel/random/boot_id")
    return f"{os.getpid()}\n{program}\n{socket.gethostname()}\n{machine}\n{boot}\n"


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "another user"
