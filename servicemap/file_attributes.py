"""Windows file attributes that a save keeps, and the recovery folder kept private on Windows.

A save writes a new file and renames it over the old one, so the old file's Windows
attributes would be lost with it: a map the user hid (``attrib +h``), marked as a system
file or kept out of the search index would come back plain. :func:`kept` reads the ones worth
keeping from the old file and :func:`give` sets them on the new one before the rename (so the
file is never, even for a moment, without them). The read-only attribute is never carried: a
read-only file is refused before anything is written (``atomic.existing_mode``), so it stays
read-only.

On Windows the calls are kernel32's ``GetFileAttributesW``/``SetFileAttributesW`` and
``SetFileSecurityW`` through ctypes (stdlib, no new dependency); elsewhere there are no such
attributes and nothing is done. Tests on Linux pass their own :class:`Calls` to check the logic.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

READONLY = 0x1
HIDDEN = 0x2
SYSTEM = 0x4
ARCHIVE = 0x20
NOT_CONTENT_INDEXED = 0x2000
KEPT = HIDDEN | SYSTEM | NOT_CONTENT_INDEXED
INVALID = 0xFFFFFFFF  # INVALID_FILE_ATTRIBUTES

NORMAL = 0x80  # "no other attribute": valid only alone
# The recovery folder's access list on Windows: protected (nothing inherited from the folder
# above), full control for the user running servicemap (by their SID, not the folder's owner,
# which is the Administrators group when made by an elevated program) and for the system
# (backups, the indexer); inherited by the autosaves made in it.
PRIVATE_FOLDER_SDDL = "D:P(A;OICI;FA;;;{user})(A;OICI;FA;;;SY)"


@dataclass(frozen=True)
class Calls:
    """How attributes are read and set: ``get(path) -> int`` (``INVALID`` when unknown),
    ``put(path, attributes) -> bool``, ``user() -> str`` (the user's SID, as text) and
    ``secure(folder, sddl) -> bool`` (set the folder's access list)."""

    get: Callable[[str], int]
    put: Callable[[str, int], bool]
    user: Callable[[], str]
    secure: Callable[[str, str], bool]


def _windows_calls() -> Calls:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
    get = kernel32.GetFileAttributesW
    get.argtypes, get.restype = [wintypes.LPCWSTR], wintypes.DWORD
    put = kernel32.SetFileAttributesW
    put.argtypes, put.restype = [wintypes.LPCWSTR, wintypes.DWORD], wintypes.BOOL
    parse = advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW
    parse.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, ctypes.POINTER(ctypes.c_void_p),
                      ctypes.POINTER(wintypes.ULONG)]
    parse.restype = wintypes.BOOL
    secure = advapi32.SetFileSecurityW
    secure.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, ctypes.c_void_p]
    secure.restype = wintypes.BOOL
    free = kernel32.LocalFree
    free.argtypes, free.restype = [ctypes.c_void_p], ctypes.c_void_p
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    advapi32.OpenProcessToken.argtypes = [wintypes.HANDLE, wintypes.DWORD,
                                          ctypes.POINTER(wintypes.HANDLE)]
    advapi32.GetTokenInformation.argtypes = [wintypes.HANDLE, ctypes.c_int, ctypes.c_void_p,
                                             wintypes.DWORD, ctypes.POINTER(wintypes.DWORD)]
    advapi32.ConvertSidToStringSidW.argtypes = [ctypes.c_void_p,
                                                ctypes.POINTER(wintypes.LPWSTR)]
    kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
    # DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION: the list is set and
    # nothing is inherited from the folder above
    dacl_security_information = 0x4 | 0x80000000
    sddl_revision_1, token_query, token_user = 1, 0x8, 1

    def user() -> str:
        token = wintypes.HANDLE()
        if not advapi32.OpenProcessToken(kernel32.GetCurrentProcess(), token_query,
                                         ctypes.byref(token)):
            raise ctypes.WinError(ctypes.get_last_error())
        try:
            size = wintypes.DWORD()
            advapi32.GetTokenInformation(token, token_user, None, 0, ctypes.byref(size))
            buffer = ctypes.create_string_buffer(size.value)
            if not advapi32.GetTokenInformation(token, token_user, buffer, size,
                                                ctypes.byref(size)):
                raise ctypes.WinError(ctypes.get_last_error())
            sid = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_void_p))[0]  # TOKEN_USER.Sid
            text = wintypes.LPWSTR()
            if not advapi32.ConvertSidToStringSidW(sid, ctypes.byref(text)):
                raise ctypes.WinError(ctypes.get_last_error())
            try:
                return text.value
            finally:
                free(text)
        finally:
            kernel32.CloseHandle(token)

    def set_security(folder: str, sddl: str) -> bool:
        descriptor = ctypes.c_void_p()
        if not parse(sddl, sddl_revision_1, ctypes.byref(descriptor), None):
            return False
        try:
            return bool(secure(folder, dacl_security_information, descriptor))
        finally:
            free(descriptor)

    return Calls(get=lambda path: int(get(path)), put=lambda path, value: bool(put(path, value)),
                 user=user, secure=set_security)


def platform_calls() -> Calls | None:
    """This platform's calls: Windows' own, or None where files have no such attributes."""
    if sys.platform == "win32" and os.name == "nt":  # pragma: no cover - Windows only
        return _windows_calls()
    return None


_PLATFORM = platform_calls()


def _calls(calls: Calls | None) -> Calls | None:
    return _PLATFORM if calls is None else calls


def kept(path: str | os.PathLike, calls: Calls | None = None) -> int:
    """The attributes of ``path`` a save carries to the file that replaces it (0: none, no
    such file, or a platform without attributes)."""
    calls = _calls(calls)
    if calls is None:
        return 0
    try:
        value = calls.get(str(Path(path)))
    except OSError:
        return 0
    return 0 if value == INVALID else value & KEPT


def give(path: str | os.PathLike, attributes: int, calls: Calls | None = None) -> None:
    """Add ``attributes`` (from :func:`kept`) to ``path``, keeping the ones it has. Best
    effort: a file whose attributes cannot be set is still a whole, saved file."""
    calls = _calls(calls)
    if calls is None or not attributes:
        return
    try:
        current = calls.get(str(Path(path)))
        current = 0 if current == INVALID else current
        calls.put(str(Path(path)), (current | attributes) & ~(READONLY | NORMAL))
    except OSError:
        pass


def make_private(folder: str | os.PathLike, calls: Calls | None = None) -> bool:
    """Make ``folder`` (and what is made in it) readable by its owner alone: on Windows a
    protected access list (:data:`PRIVATE_FOLDER_SDDL`), elsewhere mode 0700. True when done."""
    calls = _calls(calls)
    if calls is not None:
        try:
            return calls.secure(str(Path(folder)), PRIVATE_FOLDER_SDDL.format(user=calls.user()))
        except OSError:
            return False
    if os.name == "nt":  # pragma: no cover - Windows without the calls: the profile's ACL
        return False
    try:
        os.chmod(folder, 0o700)
    except OSError:
        return False
    return True
