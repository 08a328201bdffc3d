"""A CSV-folder export is all or nothing (issue #19): one failing part way (a full disk, a
file another program keeps open) left old and new files mixed, and the folder then imported as
a map matching neither. Now the files are written in a hidden folder beside it first, then
renamed in, the old ones put back if a rename fails."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from servicemap import demo, store
from servicemap.errors import SaveError
from servicemap.io import csvfiles


def _contents(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def _small_disk():
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (30_000, 30_000))


@pytest.mark.skipif(os.name == "nt", reason="file size limits are POSIX")
def test_a_full_disk_part_way_leaves_the_folder_as_it_was(tmp_path):
    folder = tmp_path / "csv"
    csvfiles.write_csv_folder(demo.synthetic(10, 1), folder)
    before = _contents(folder)
    big = tmp_path / "big.smap"
    store.save(demo.synthetic(400, 7), big)  # its Services.csv is over the 30 kB allowed
    proc = subprocess.run([sys.executable, "-m", "servicemap", "export", str(big), "--csv",
                           str(folder), "--force"], capture_output=True, text=True,
                          timeout=120, preexec_fn=_small_disk)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == (
        "servicemap: csv/Services.csv could not be written (the file is larger than this "
        "disk or account allows); the folder is as it was.")
    assert _contents(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.smap", "csv"]  # no staging


class FailingReplace:
    """os.replace failing on its n-th call, as a file open in Excel on Windows does."""

    def __init__(self, fail_on: int) -> None:
        self.calls, self.fail_on, self.real = 0, fail_on, os.replace

    def __call__(self, src, dst):
        self.calls += 1
        if self.calls == self.fail_on:
            raise PermissionError(13, "Permission denied", str(dst))
        return self.real(src, dst)


@pytest.mark.parametrize("fail_on", [1, 2, 5, 8])
def test_a_rename_failing_puts_every_old_file_back(tmp_path, monkeypatch, fail_on):
    folder = tmp_path / "csv"
    csvfiles.write_csv_folder(demo.synthetic(10, 1), folder)
    before = _contents(folder)
    monkeypatch.setattr(os, "replace", FailingReplace(fail_on))
    with pytest.raises(SaveError, match=r"^csv/\w+\.csv could not be written \(permission "
                       r"denied\); the folder is as it was\.$"):
        csvfiles.write_csv_folder(demo.synthetic(30, 2), folder)
    monkeypatch.undo()
    assert _contents(folder) == before
    assert [p.name for p in tmp_path.iterdir()] == ["csv"]


def test_a_new_folder_that_fails_is_not_left_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "replace", FailingReplace(3))
    with pytest.raises(SaveError, match="nothing was written"):
        csvfiles.write_csv_folder(demo.synthetic(10, 1), tmp_path / "new")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_an_export_replaces_every_file_and_keeps_others(tmp_path):
    folder = tmp_path / "csv"
    csvfiles.write_csv_folder(demo.synthetic(10, 1), folder)
    (folder / "README.txt").write_text("mine", encoding="utf-8")
    doc = demo.synthetic(30, 2)
    csvfiles.write_csv_folder(doc, folder)
    assert (folder / "README.txt").read_text(encoding="utf-8") == "mine"
    assert {n: (folder / n).read_bytes() for n in csvfiles.csv_file_names()} == \
        csvfiles.csv_files(doc)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csv"]


def test_a_folder_named_like_a_sheet_is_not_removed(tmp_path):
    folder = tmp_path / "csv"
    (folder / "Flows.csv").mkdir(parents=True)
    (folder / "Flows.csv" / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SaveError, match=r"csv/Flows\.csv is not a file"):
        csvfiles.write_csv_folder(demo.synthetic(10, 1), folder)
    assert (folder / "Flows.csv" / "keep.txt").read_text(encoding="utf-8") == "mine"
