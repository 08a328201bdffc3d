"""A save keeps the file's Windows attributes (hidden, system, not indexed), on the map, its
.bak and every export; a read-only file is refused and stays read-only; the recovery folder
is made private to the user. Run everywhere: the Windows calls are replaced by a table of
attributes kept here (``Calls``), so the logic the Windows build runs is the one tested."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from servicemap import demo, file_attributes, store
from servicemap.errors import SaveError
from servicemap.file_attributes import HIDDEN, NORMAL, NOT_CONTENT_INDEXED, READONLY, SYSTEM
from servicemap.io import csvfiles, safety


class FakeWindows:
    """Attributes kept by the file (its inode), as NTFS keeps them: they go with the file when
    it is renamed, as GetFileAttributesW/SetFileAttributesW see them; a file with none set
    reads as FILE_ATTRIBUTE_NORMAL, a missing file as INVALID."""

    def __init__(self) -> None:
        self.by_file: dict[int, int] = {}
        self.secured: list[tuple[str, str]] = []

    def get(self, path: str) -> int:
        if not os.path.exists(path):
            return file_attributes.INVALID
        return self.by_file.get(os.stat(path).st_ino, NORMAL)

    def put(self, path: str, value: int) -> bool:
        assert not value & NORMAL or value == NORMAL, "NORMAL is valid only alone"
        self.by_file[os.stat(path).st_ino] = value
        return True

    def of(self, path) -> int:
        return self.get(str(path))

    def set(self, path, value: int) -> None:
        self.put(str(path), value)

    def calls(self) -> file_attributes.Calls:
        return file_attributes.Calls(get=self.get, put=self.put, user=lambda: "S-1-5-21-7-1001",
                                     secure=lambda f, sddl: self.secured.append((f, sddl))
                                     or True)


@pytest.fixture
def windows():
    return FakeWindows()


def test_a_hidden_map_and_its_backup_stay_hidden(tmp_path, windows):
    path = tmp_path / "hidden.smap"
    store.save(demo.synthetic(6, 2), path, attribute_calls=windows.calls())
    assert windows.of(path) == NORMAL  # a new file gets nothing of its own
    windows.set(path, HIDDEN | NOT_CONTENT_INDEXED | 0x20)  # + ARCHIVE
    old_file = path.stat().st_ino
    store.save(demo.synthetic(8, 2), path, attribute_calls=windows.calls())
    assert path.stat().st_ino != old_file  # a new file, renamed over the old one...
    assert windows.of(path) & (HIDDEN | NOT_CONTENT_INDEXED) == HIDDEN | NOT_CONTENT_INDEXED
    assert windows.of(store.backup_path(path)) == HIDDEN | NOT_CONTENT_INDEXED  # ...still hidden
    assert store.load(path).counts() == demo.synthetic(8, 2).counts()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hidden.smap", "hidden.smap.bak"]


def test_the_attributes_are_on_the_new_file_before_the_rename(tmp_path, windows):
    """Set on the temporary, never after: a crash between the two never shows the file."""
    path = tmp_path / "m.smap"
    store.save(demo.synthetic(3, 1), path)
    windows.set(path, SYSTEM)
    seen = []
    calls = windows.calls()
    spy = file_attributes.Calls(get=calls.get, put=lambda p, v: seen.append(
        (os.path.basename(p), os.path.exists(path.with_name(os.path.basename(p))))) or
        calls.put(p, v), user=calls.user, secure=calls.secure)
    store.save(demo.synthetic(3, 1), path, attribute_calls=spy)
    temporaries = [name for name, _ in seen if name.endswith(".tmp")]
    assert len(temporaries) == 2 and all(name.startswith(".m.smap") for name in temporaries)
    assert "m.smap" not in [name for name, _ in seen]  # never set on the map after the rename


def test_read_only_is_never_carried_nor_cleared(tmp_path, windows):
    path = tmp_path / "locked.smap"
    store.save(demo.synthetic(3, 1), path)
    windows.set(path, HIDDEN | READONLY)
    os.chmod(path, stat.S_IREAD)  # what Windows' os.stat shows for the read-only attribute
    try:
        with pytest.raises(SaveError, match="locked.smap is read-only"):
            store.save(demo.synthetic(3, 1), path, attribute_calls=windows.calls())
        assert windows.of(path) == HIDDEN | READONLY
    finally:
        os.chmod(path, stat.S_IREAD | stat.S_IWRITE)
    file_attributes.give(path, HIDDEN | READONLY, windows.calls())
    assert not windows.of(path) & READONLY


def test_exports_keep_attributes_and_mode(tmp_path, windows):
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"an older export")
    os.chmod(path, 0o600)
    windows.set(path, HIDDEN)
    safety.write_atomically(path, lambda fh: fh.write(b"new"), attribute_calls=windows.calls())
    assert path.read_bytes() == b"new"
    assert windows.of(path) == HIDDEN
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_no_attributes_without_the_calls(tmp_path):
    """On Linux and macOS there are none: nothing is read or set."""
    if os.name == "nt":
        pytest.skip("Windows has them")
    assert file_attributes.platform_calls() is None
    assert file_attributes.kept(tmp_path) == 0
    file_attributes.give(tmp_path, HIDDEN)  # nothing to do, no error


def test_a_failing_call_never_stops_a_save(tmp_path):
    def broken(*args):
        raise OSError("the call failed")

    calls = file_attributes.Calls(get=broken, put=broken, user=broken, secure=broken)
    path = tmp_path / "m.smap"
    store.save(demo.synthetic(3, 1), path, attribute_calls=calls)
    store.save(demo.synthetic(4, 1), path, attribute_calls=calls)
    assert store.load(path).counts() == demo.synthetic(4, 1).counts()
    assert file_attributes.make_private(tmp_path, calls) is False


def test_the_recovery_folder_is_made_private_to_the_user(tmp_path, windows):
    assert file_attributes.make_private(tmp_path, windows.calls())
    [(folder, sddl)] = windows.secured
    assert Path(folder) == tmp_path
    # protected (nothing inherited from above), the user and the system only, inherited below
    assert sddl == "D:P(A;OICI;FA;;;S-1-5-21-7-1001)(A;OICI;FA;;;SY)"


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_without_the_calls_the_folder_is_mode_700(tmp_path):
    folder = tmp_path / "recovery"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    assert file_attributes.make_private(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_csv_folder_files_keep_their_mode_and_a_read_only_one_is_refused(tmp_path):
    doc = demo.synthetic(5, 1)
    folder = tmp_path / "csv"
    csvfiles.write_csv_folder(doc, folder)
    os.chmod(folder / "Flows.csv", 0o600)
    csvfiles.write_csv_folder(doc, folder)
    assert stat.S_IMODE((folder / "Flows.csv").stat().st_mode) == 0o600
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    os.chmod(folder / "Services.csv", 0o444)
    with pytest.raises(SaveError) as err:
        csvfiles.write_csv_folder(demo.synthetic(9, 2), folder)
    assert str(err.value).startswith("csv/Services.csv is read-only, so it was not written")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csv"]
