"""Hostile files, made here (never stored): maps that cannot be read, import files that must be
refused, and outputs that must not be written. Each maker takes a folder and returns the path
it made there (issue #19; used by tests/test_cli_surface_hostile.py)."""

from __future__ import annotations

import json
import os
import sqlite3
import zipfile
from pathlib import Path

from servicemap import demo, locks, store
from servicemap.io.exchange import to_node_link


def good_map(folder: Path) -> Path:
    path = folder / "good.smap"
    if not path.exists():
        store.save(demo.synthetic(8, 3), path)
    return path


def good_json(folder: Path) -> Path:
    path = folder / "good.json"
    if not path.exists():
        path.write_text(json.dumps(to_node_link(demo.synthetic(8, 3))), encoding="utf-8")
    return path


def _smap(folder: Path, name: str, services: int = 8) -> Path:
    path = folder / name
    store.save(demo.synthetic(services, 3), path)
    return path


def _sql(path: Path, *statements: str) -> Path:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()
    return path


# ----- maps that cannot be read (.smap and .json) --------------------------------------------
def empty_smap(folder):
    (folder / "empty.smap").write_bytes(b"")
    return folder / "empty.smap"


def text_renamed_smap(folder):
    (folder / "notes.smap").write_text("Minutes of the meeting\n", encoding="utf-8")
    return folder / "notes.smap"


def png_renamed_smap(folder):
    (folder / "picture.smap").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    return folder / "picture.smap"


def truncated_smap(folder):
    path = _smap(folder, "truncated.smap", 200)
    path.write_bytes(path.read_bytes()[:3000])
    return path


def damaged_pages_smap(folder):
    path = _smap(folder, "damaged.smap", 400)
    data = bytearray(path.read_bytes())
    size = int.from_bytes(data[16:18], "big")
    for page in range(3, 12):
        data[page * size + 8:page * size + 48] = b"\xff" * 40
    path.write_bytes(bytes(data))
    return path


def report_not_utf8_smap(folder):
    path = _smap(folder, "bytes.smap")
    _sql(path, "CREATE TABLE extra (a)", "INSERT INTO extra VALUES (NULL)")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("UPDATE sqlite_master SET sql=CAST(? AS TEXT), name=CAST(? AS TEXT), "
                 "tbl_name=CAST(? AS TEXT) WHERE name='extra'",
                 (b'CREATE TABLE "x\xff" (a NOT NULL)', b"x\xff", b"x\xff"))
    conn.commit()
    conn.close()
    return path


def newer_version_smap(folder):
    return _sql(_smap(folder, "newer.smap"), "PRAGMA user_version=99")


def other_program_smap(folder):
    return _sql(folder / "other.smap", "CREATE TABLE t (a)")


def missing_table_smap(folder):
    return _sql(_smap(folder, "no-edges.smap"), "DROP TABLE edges")


def nested_meta_smap(folder):
    return _sql(_smap(folder, "nested-meta.smap"),
                "UPDATE meta SET value = '" + "[" * 100_000 + "]" * 100_000
                + "' WHERE key = 'title'")


def hot_journal_smap(folder):
    path = _smap(folder, "hot.smap")
    path.with_name("hot.smap-journal").write_bytes(bytes.fromhex("d9d505f920a163d7")
                                                   + bytes(504))
    return path


def folder_smap(folder):
    (folder / "folder.smap").mkdir()
    return folder / "folder.smap"


def fifo_smap(folder):
    os.mkfifo(folder / "pipe.smap")
    return folder / "pipe.smap"


def missing_smap(folder):
    return folder / "missing.smap"


def invalid_json(folder):
    (folder / "broken.json").write_text('{"nodes": [', encoding="utf-8")
    return folder / "broken.json"


def deep_json(folder):
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    return folder / "deep.json"


def huge_number_json(folder):
    (folder / "huge.json").write_text('{"nodes": [' + "9" * 5000 + "]}", encoding="utf-8")
    return folder / "huge.json"


def not_an_object_json(folder):
    (folder / "list.json").write_text("[1, 2, 3]", encoding="utf-8")
    return folder / "list.json"


def latin1_json(folder):
    (folder / "latin.json").write_bytes('{"graph": {"title": "Café"}}'.encode("latin-1"))
    return folder / "latin.json"


def fifo_json(folder):
    os.mkfifo(folder / "pipe.json")
    return folder / "pipe.json"


MAPS = [empty_smap, text_renamed_smap, png_renamed_smap, truncated_smap, damaged_pages_smap,
        report_not_utf8_smap, newer_version_smap, other_program_smap, missing_table_smap,
        nested_meta_smap, hot_journal_smap, folder_smap, missing_smap, invalid_json, deep_json,
        huge_number_json, not_an_object_json, latin1_json]
if hasattr(os, "mkfifo"):
    MAPS += [fifo_smap, fifo_json]


# ----- files to import that must be refused ---------------------------------------------------
def _encrypted(source: Path, target: Path) -> Path:
    data = bytearray(source.read_bytes())
    for signature, flag in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + flag] |= 1
            at = data.find(signature, at + 4)
    target.write_bytes(bytes(data))
    return target


def encrypted_csv_zip(folder):
    from servicemap.io import csvfiles

    plain = folder / "plain.zip"
    csvfiles.write_csv_zip(demo.synthetic(5, 1), plain)
    return _encrypted(plain, folder / "locked.zip")


def encrypted_xlsx(folder):
    from servicemap.io import xlsx

    plain = folder / "plain.xlsx"
    xlsx.write_xlsx(demo.synthetic(5, 1), plain)
    return _encrypted(plain, folder / "locked.xlsx")


ODS_MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"


def encrypted_ods(folder):
    """An .ods saved with a password as LibreOffice keeps one: ordinary zip members holding
    ciphertext, and a manifest whose content.xml entry carries ``encryption-data``."""
    from servicemap.io import ods

    plain = folder / "plain.ods"
    ods.write_ods(demo.synthetic(5, 1), plain)
    locked = folder / "locked.ods"
    ns = ODS_MANIFEST_NS
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(locked, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "content.xml":
                data = bytes((b * 7 + 3) % 256 for b in data[:4000])  # "ciphertext"
            elif info.filename == "META-INF/manifest.xml":
                data = data.replace(
                    b'manifest:full-path="content.xml" manifest:media-type="text/xml"/>',
                    b'manifest:full-path="content.xml" manifest:media-type="text/xml">'
                    b'<manifest:encryption-data manifest:checksum-type="SHA1/1K" '
                    b'manifest:checksum="AAAA"><manifest:algorithm manifest:algorithm-name='
                    b'"http://www.w3.org/2001/04/xmlenc#aes256-cbc" '
                    b'manifest:initialisation-vector="AAAA"/><manifest:key-derivation '
                    b'manifest:key-derivation-name="PBKDF2" manifest:iteration-count="100000" '
                    b'manifest:salt="AAAA"/></manifest:encryption-data></manifest:file-entry>')
                assert b"encryption-data" in data and ns.encode() in data
            target.writestr(info, data)
    return locked


def password_xlsx(folder):
    (folder / "excel-password.xlsx").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504))
    return folder / "excel-password.xlsx"


def zip_bomb(folder):
    path = folder / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Services.csv", b"\0" * (64 * 2**20))
    return path


def not_a_zip_xlsx(folder):
    (folder / "fake.xlsx").write_text("id,name\n", encoding="utf-8")
    return folder / "fake.xlsx"


def not_a_zip_ods(folder):
    (folder / "fake.ods").write_bytes(b"PK\x03\x04 broken")
    return folder / "fake.ods"


def billion_laughs_graphml(folder):
    lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
           '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph>'
           '<node id="&lol2;"/></graph></graphml>')
    (folder / "lol.graphml").write_text(lol, encoding="utf-8")
    return folder / "lol.graphml"


def broken_graphml(folder):
    (folder / "broken.graphml").write_text("<graphml><graph><node id='a'></graph>",
                                           encoding="utf-8")
    return folder / "broken.graphml"


def csv_folder_not_utf8(folder):
    made = folder / "latin-csv"
    made.mkdir()
    (made / "Services.csv").write_bytes("name,kind\nCafé,service\n".encode("latin-1"))
    return made


def empty_csv_folder(folder):
    made = folder / "no-sheets"
    made.mkdir()
    (made / "readme.txt").write_text("nothing here", encoding="utf-8")
    return made


IMPORTS = [encrypted_csv_zip, encrypted_xlsx, encrypted_ods, password_xlsx, zip_bomb,
           not_a_zip_xlsx, not_a_zip_ods, billion_laughs_graphml, broken_graphml,
           csv_folder_not_utf8,
           empty_csv_folder, invalid_json, deep_json, huge_number_json, not_an_object_json,
           latin1_json, missing_smap]


# ----- outputs that must not be written (each for a suffix) ------------------------------------
def out_folder(folder, suffix):
    (folder / f"a-folder{suffix}").mkdir()
    return folder / f"a-folder{suffix}"


def out_read_only(folder, suffix):
    path = folder / f"read-only{suffix}"
    path.write_bytes(b"keep me")
    path.chmod(0o444)
    return path


def out_fifo(folder, suffix):
    os.mkfifo(folder / f"pipe{suffix}")
    return folder / f"pipe{suffix}"


def out_missing_folder(folder, suffix):
    return folder / "no-such-folder" / f"out{suffix}"


def out_long_name(folder, suffix):
    return folder / ("n" * (250 - len(suffix)) + suffix)


def out_held(folder, suffix):
    """A file a servicemap window on another computer holds."""
    path = folder / f"held{suffix}"
    path.write_bytes(b"keep me")
    locks.lock_path(path).write_text("4242\nservicemap\nward-pc-17\n", encoding="utf-8")
    return path


# A read-only file is never written over, map or not (a map and an export keep their mode).
OUTPUTS = [out_folder, out_missing_folder, out_held, out_read_only]
if hasattr(os, "mkfifo"):
    OUTPUTS += [out_fifo]
SMAP_OUTPUTS = OUTPUTS + [out_long_name]
