"""Writing a file in place of another, safely: a private temporary, the old file's permission
kept (a read-only one refused), SQLite journals beside it set aside with the rename, fsync.

Qt-free and stdlib only, so opening a map (``store.load``, ``info``, ``validate``) stays light.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import uuid
from pathlib import Path

from servicemap import file_attributes
from servicemap.errors import FileFormatError, SaveError

JOURNAL_SUFFIXES = ("-journal", "-wal", "-shm")
JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


# Why a write failed, in words: the errors a full disk, a quota or a locked-down folder give.
REASONS = {errno.ENOSPC: "the disk is full", errno.EFBIG: "the file is larger than this disk "
           "or account allows", errno.EROFS: "the disk is read-only",
           errno.EACCES: "permission denied", errno.EPERM: "permission denied",
           errno.ENAMETOOLONG: "its name is too long for this disk",
           errno.ENOENT: "its folder does not exist"}
if hasattr(errno, "EDQUOT"):
    REASONS[errno.EDQUOT] = "the disk quota is used up"


def reason(exc: BaseException) -> str:
    """Why ``exc`` stopped a write, in words (never naming a temporary file)."""
    if isinstance(exc, OSError) and exc.errno in REASONS:
        return REASONS[exc.errno]
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc)
    return "the disk is full" if "disk is full" in text else text


def temporary(path: Path) -> Path:
    """A hidden temporary name beside ``path`` (unique, so two writers never share one)."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")


def write_error(path: Path, exc: BaseException, existed: bool) -> SaveError:
    """The one sentence for a write to ``path`` that failed: the user's file named, never the
    temporary one the write went to."""
    after = "the file on disk is unchanged" if existed else "nothing was written"
    return SaveError(f"{path.name} could not be written ({reason(exc)}); {after}.")


# The longest name a save writes beside NAME: ".NAME.1234abcd.tmp-journal", SQLite's journal
# of the temporary copy; the others are ".NAME.bak.1234abcd.tmp", NAME.lock.json and so on.
NAME_ROOM = len("..12345678.tmp-journal")
DEFAULT_NAME_MAX = 255  # bytes on ext4, APFS and most disks; UTF-16 units on NTFS


def name_max(folder: Path) -> int:
    """The longest file name the folder's disk takes."""
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))  # POSIX only
    except (AttributeError, OSError, ValueError):
        return DEFAULT_NAME_MAX


def name_length(name: str) -> int:
    """A name's length as the disk counts it: UTF-16 units on Windows, bytes elsewhere."""
    if os.name == "nt":
        return len(name.encode("utf-16-le", "surrogatepass")) // 2
    return len(os.fsencode(name))


def check_name_room(path: Path) -> None:
    """Refuse, in one sentence, a map whose name leaves no room for the names a save and a
    lock write beside it (a backup, temporary files, the lock): said before any editing or
    writing starts, not as a failed save after it."""
    path = Path(path)
    limit = name_max(path.parent if path.parent.is_dir() else Path("."))
    if name_length(path.name) + NAME_ROOM <= limit:
        return
    shown = path.name if len(path.name) <= 60 else f"{path.name[:40]}…{path.name[-12:]}"
    raise SaveError(f"{shown} has too long a name to be saved ({name_length(path.name)} "
                    f"characters): a save writes a backup and temporary files beside it with "
                    f"names {NAME_ROOM} characters longer, and this disk allows {limit}; give "
                    f"it a name of at most {limit - NAME_ROOM} characters.")


def journals(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in JOURNAL_SUFFIXES]


def set_journals_aside(path: Path) -> list[Path]:
    """Rename any SQLite journal, WAL or shared-memory file beside the target to a name SQLite
    never looks at, just before the new file is renamed into place: an old journal would
    otherwise be rolled into the map just saved (and corrupt it) or make it refuse to open.
    They are set aside before the rename, not after, so a crash between the two never pairs the
    new map with an old journal."""
    aside = []
    for journal in journals(path):
        if os.path.lexists(journal):
            moved = journal.with_name(f".{journal.name}.{uuid.uuid4().hex[:8]}.stale")
            os.replace(journal, moved)
            aside.append(moved)
    return aside


def discard(paths: list[Path]) -> None:
    for path in paths:
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            pass  # only a renamed leftover: it can no longer touch the map


SAVE_ADVICE = "save the map under another name (File > Save As), or make the file writable first"
EXPORT_ADVICE = "choose another name, or make the file writable first"


def existing_mode(path: Path, advice: str = SAVE_ADVICE) -> int | None:
    """The permission bits of the file a save replaces (None: there is none yet); a file
    that may not be written (no write bit, or the Windows read-only attribute) is refused
    (``advice``: what the sentence tells the user to do instead)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SaveError(f"{path.name} could not be saved ({exc.strerror or exc}); the file on "
                        "disk is unchanged.") from exc
    if not stat.S_ISREG(st.st_mode):
        raise SaveError(f"{path.name} is not a regular file (a folder or a device), so "
                        "nothing was written over it.")
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise SaveError(f"{path.name} is read-only, so it was not written over; {advice}.")
    return stat.S_IMODE(st.st_mode)


def create_private(tmp: Path, default_mode: bool) -> None:
    """Make the empty temporary file before SQLite opens it: private to the user (0600 on
    POSIX) unless the saved file gets the platform's default anyway."""
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                 0o666 if default_mode else 0o600)
    os.close(fd)


def check_journals(path: Path) -> None:
    """A hot journal (or a write-ahead log) beside the map: a program stopped while it was
    changing the file in place (servicemap itself never does). Said as such, not as damage."""
    for journal in journals(path)[:2]:
        if not journal.is_file():
            continue  # none there (a FIFO or folder is not one SQLite could use either)
        try:
            with journal.open("rb") as fh:
                head = fh.read(8)
        except OSError:
            continue  # none there (or not a file SQLite could use either)
        if head == JOURNAL_MAGIC or (journal.name.endswith("-wal") and head):
            raise FileFormatError(
                f"{path.name} has an unfinished change beside it ({journal.name}, left by a "
                "program that stopped while writing the file), so it was not opened; move "
                f"{journal.name} out of the folder to open the map as it was last saved.")


def keep_backup(path: Path, mode: int, attributes: int = 0,
                calls: file_attributes.Calls | None = None) -> None:
    """Copy the current file to NAME.smap.bak, atomically (a crash leaves a whole .bak), with
    the current file's permission bits (and its Windows attributes: a hidden map's backup is
    hidden too)."""
    bak = path.with_name(path.name + ".bak")
    tmp = bak.with_name(f".{bak.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        create_private(tmp, False)
        shutil.copyfile(path, tmp)
        os.chmod(tmp, mode)
        file_attributes.give(tmp, attributes, calls)
        fsync_file(tmp)
        os.replace(tmp, bak)
    finally:
        if tmp.exists():
            tmp.unlink()


def fsync_file(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def fsync_dir(folder: Path) -> None:
    """Make the rename durable where the platform allows it (not on Windows, where it is not
    needed: NTFS journals the rename)."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
