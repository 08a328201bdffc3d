"""Messages are one line naming the user's file (issue #19): SQLite's long check reports are
summarised, a newline in a name is shown escaped, an import lists at most 20 problems and
counts the rest, a password-protected zip or workbook is said as such, and a full disk says
which file could not be written (never a temporary file's name). Whole command-line
processes, with the hostile files made here."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from servicemap import atomic, demo, store
from servicemap.io.exchange import to_node_link
from servicemap.words import escaped


def _run(*args, preexec_fn=None):
    return subprocess.run([sys.executable, "-m", "servicemap", *map(str, args)],
                          capture_output=True, text=True, timeout=120, preexec_fn=preexec_fn,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def _one_line(proc, *words, code=2):
    assert proc.returncode == code, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert ".tmp" not in lines[0], lines[0]
    return lines[0]


# ----- SQLite's check report ----------------------------------------------------------------
def test_a_long_check_report_is_summarised_in_one_sentence(tmp_path):
    path = tmp_path / "damaged.smap"
    store.save(demo.synthetic(400, 3), path)
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for page in range(3, 12):  # cell pointers of leaf pages over the end of their page
        data[page * page_size + 8:page * page_size + 48] = b"\xff" * 40
    path.write_bytes(bytes(data))
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    report = [row[0] for row in conn.execute("PRAGMA quick_check")]
    conn.close()
    assert len("\n".join(report).splitlines()) > 10  # what SQLite itself says: many lines
    line = _one_line(_run("info", path), "damaged.smap is damaged", "problems, the first:")
    assert "*** in database" not in line


def test_a_check_report_that_is_not_utf8_is_read(tmp_path):
    path = tmp_path / "bytes.smap"
    store.save(demo.synthetic(3, 1), path)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE extra (a)")
    conn.execute("INSERT INTO extra VALUES (NULL)")
    conn.commit()
    conn.execute("PRAGMA writable_schema=ON")  # a table name that is not UTF-8, NOT NULL broken
    conn.execute("UPDATE sqlite_master SET sql=CAST(? AS TEXT), name=CAST(? AS TEXT), "
                 "tbl_name=CAST(? AS TEXT) WHERE name='extra'",
                 (b'CREATE TABLE "x\xff" (a NOT NULL)', b"x\xff", b"x\xff"))
    conn.commit()
    conn.close()
    _one_line(_run("validate", path), "bytes.smap is damaged", "NULL value in x\ufffd.a")


# ----- newlines in names --------------------------------------------------------------------
def _named(tmp_path, name, **changes):
    data = to_node_link(demo.synthetic(6, 2))
    service = next(n for n in data["nodes"] if n["kind"] == "service")
    service.update(name=name, **changes)
    path = tmp_path / "named.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_newline_in_a_name_is_shown_escaped(tmp_path):
    path = _named(tmp_path, "Crisis\nteam\t(east)", capacity=-5)
    proc = _run("validate", path)
    assert proc.returncode == 1
    assert 'service "Crisis\\nteam\\t(east)"' in proc.stdout
    assert "Crisis\n" not in proc.stdout
    proc = _run("import", path, tmp_path / "out.smap")
    assert proc.returncode == 2 and 'Crisis\\nteam' in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1  # one problem: said in the summary


def test_a_newline_in_the_title_keeps_info_to_its_lines(tmp_path):
    doc = demo.synthetic(3, 1)
    doc.graph.graph["title"] = "Two\nlines"
    store.save(doc, tmp_path / "t.smap")
    proc = _run("info", tmp_path / "t.smap")
    assert proc.returncode == 0 and proc.stdout.splitlines()[0] == "Two\\nlines"


def test_escaped_shows_every_control_character():
    assert escaped("a\nb\rc\td\x07e\x7f\u2028") == "a\\nb\\rc\\td\\x07e\\x7f\\u2028"
    assert escaped("Crisis café") == "Crisis café"


# ----- many problems ------------------------------------------------------------------------
def test_an_import_lists_at_most_20_problems_and_counts_the_rest(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    (folder / "Services.csv").write_text(
        "id,name,kind,capacity\n" + "".join(f"s{i},S{i},service,-1\n" for i in range(60)),
        encoding="utf-8")
    proc = _run("import", folder, tmp_path / "many.smap")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 22, proc.stderr
    assert all("capacity" in line for line in lines[:20])
    assert lines[20] == "many: and 40 more problems not listed here (File > Import in the " \
        "window lists them all)"
    assert lines[21] == "servicemap: many has 60 problems, so nothing was imported."
    assert not (tmp_path / "many.smap").exists()


def test_a_map_that_cannot_be_opened_is_not_said_to_be_imported(tmp_path):
    """info and export open a JSON map (they import nothing): its problems say it was not
    opened; import says nothing was imported."""
    bad = tmp_path / "far.json"
    bad.write_text('{"directed": true, "graph": {}, "nodes": [{"id": "a", "name": "A", '
                   '"x": 1e12}], "edges": []}', encoding="utf-8")
    for argv in (["info", bad], ["export", bad, tmp_path / "far.png"]):
        _one_line(_run(*argv), "far.json has 1 problem, so it was not opened: ",
                  "x must be at most")
    _one_line(_run("import", bad, tmp_path / "far.smap"), "so nothing was imported")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["far.json"]


# ----- password-protected files -------------------------------------------------------------
def _encrypted(source, target):
    """``source`` with every member marked encrypted (general-purpose flag bit 0), as a zip
    tool's "encrypt" leaves it; servicemap has no password to give."""
    data = bytearray(source.read_bytes())
    for signature, flag in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + flag] |= 1
            at = data.find(signature, at + 4)
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize("suffix", [".zip", ".xlsx"])
def test_encrypted_members_are_said_in_one_sentence(tmp_path, suffix):
    plain = tmp_path / f"plain{suffix}"
    assert _run("export", _saved(tmp_path), plain).returncode == 0
    locked = _encrypted(plain, tmp_path / f"locked{suffix}")
    _one_line(_run("import", locked, tmp_path / "out.smap"),
              f"locked{suffix} is protected by a password")
    assert not (tmp_path / "out.smap").exists()


def test_a_password_protected_ods_is_said_in_one_sentence(tmp_path):
    """LibreOffice's "Save with password" leaves ordinary zip members of ciphertext; only the
    manifest says so. Said as such, not as XML that is not well-formed."""
    from tests.hostile.fixtures import encrypted_ods

    locked = encrypted_ods(tmp_path)
    line = _one_line(_run("import", locked, tmp_path / "out.smap"),
                     "locked.ods is protected by a password", "without the password")
    assert "XML" not in line
    assert not (tmp_path / "out.smap").exists()
    assert _run("import", tmp_path / "plain.ods", tmp_path / "out.smap").returncode == 0


def test_a_password_protected_excel_workbook_is_said_as_such(tmp_path):
    locked = tmp_path / "locked.xlsx"  # Excel keeps an encrypted workbook in a compound file
    locked.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504))
    _one_line(_run("import", locked, tmp_path / "out.smap"), "locked.xlsx is protected by a "
              "password (or saved in the old Excel 97-2003 format)")


def _saved(tmp_path):
    path = tmp_path / "m.smap"
    if not path.exists():
        store.save(demo.synthetic(20, 1), path)
    return path


# ----- a full disk --------------------------------------------------------------------------
def _small_disk():
    """In the child: files may grow to 20 kB at most, as on a full disk (the write fails)."""
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


@pytest.mark.skipif(os.name == "nt", reason="file size limits are POSIX")
@pytest.mark.parametrize("name", ["full.xlsx", "full.graphml", "full.json", "full.drawio",
                                  "full.ods"])
def test_a_full_disk_names_the_file_that_was_not_written(tmp_path, name):
    out = tmp_path / name
    out.write_bytes(b"the previous export")
    source = tmp_path / "big.smap"
    store.save(demo.synthetic(300, 1), source)
    line = _one_line(_run("export", source, out, "--force", preexec_fn=_small_disk),
                     f"{name} could not be written (the file is larger than this disk or "
                     "account allows); the file on disk is unchanged")
    assert str(tmp_path) not in line
    assert out.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["big.smap", name])


@pytest.mark.skipif(os.name == "nt", reason="file size limits are POSIX")
def test_a_full_disk_while_saving_a_map_names_it(tmp_path):
    proc = _run("demo", tmp_path / "full.smap", "--services", "300", preexec_fn=_small_disk)
    _one_line(proc, "full.smap could not be saved", "nothing was written")
    assert list(tmp_path.iterdir()) == []


def test_the_reasons_a_write_fails_are_said_in_words(tmp_path):
    full = OSError(errno.ENOSPC, "No space left on device", str(tmp_path / ".x.tmp"))
    error = atomic.write_error(tmp_path / "out.xlsx", full, existed=False)
    assert str(error) == "out.xlsx could not be written (the disk is full); nothing was written."
    assert atomic.reason(sqlite3.OperationalError("database or disk is full")) == \
        "the disk is full"


def test_a_reader_that_stops_early_gets_no_error(tmp_path):
    """``servicemap diff a b | head -1``: the pipe closes under the command, which stops
    without a message (it printed "cannot use: Broken pipe")."""
    old, new = tmp_path / "old.smap", tmp_path / "new.smap"
    store.save(demo.synthetic(300, seed=1), old)
    store.save(demo.synthetic(300, seed=2), new)
    proc = subprocess.Popen([sys.executable, "-m", "servicemap", "diff", str(old), str(new)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert first.strip() == b"old.smap \xe2\x86\x92 new.smap"
    assert err == "" and proc.returncode == 0
