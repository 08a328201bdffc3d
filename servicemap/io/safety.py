"""Guards for files that come from elsewhere: size limits, zip bombs, hostile XML, formulas.

Every importer treats its input as hostile until proven otherwise:

* files over :data:`MAX_FILE_BYTES` are refused before they are read;
* zip containers (xlsx, zipped CSV) are inspected with ``zipfile.ZipFile.infolist`` first: more
  than :data:`MAX_MEMBERS` members, more than :data:`MAX_UNZIPPED_BYTES` in all, or a member
  that expands more than :data:`MAX_RATIO` times is a zip bomb and refused; members are then
  read with a cap, in case their headers lie;
* XML is parsed with ``defusedxml`` with DTDs forbidden, so entity tricks (billion laughs,
  external entities) are refused with a clear message. Where speed matters (worksheets of
  tens of thousands of rows) :func:`expat_parser` gives a bare expat parser with exactly the
  guards defusedxml installs on its own (same handlers, same exceptions);
* text cells that a spreadsheet would run as a formula are escaped on export
  (:func:`escape_formula`) and unescaped exactly on import (:func:`unescape_formula`).
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from xml.parsers import expat

import defusedxml
import defusedxml.ElementTree as SafeET

from servicemap import atomic, file_attributes
from servicemap.errors import FileFormatError, SaveError

MAX_FILE_BYTES = 50 * 2**20
MAX_UNZIPPED_BYTES = 200 * 2**20
MAX_RATIO = 100
MAX_MEMBERS = 10_000
RATIO_FLOOR = 2**20  # members smaller than this expand too little to matter

# A cell starting with one of these may run as a formula in Excel, LibreOffice or Sheets
# (OWASP "CSV injection"); tab and carriage return can hide a formula after them.
FORMULA_STARTS = frozenset("=+-@\t\r")
QUOTE = "'"


def escape_formula(text: str) -> str:
    """Prefix a single quote to text a spreadsheet could run as a formula.

    Text that already starts with a quote followed by a formula character or another quote
    gets one more quote too, so :func:`unescape_formula` can undo exactly this and nothing else.
    """
    if not text:
        return text
    first = text[0]
    if first in FORMULA_STARTS or (first == QUOTE and len(text) > 1
                                   and (text[1] in FORMULA_STARTS or text[1] == QUOTE)):
        return QUOTE + text
    return text


def unescape_formula(text: str) -> str:
    """Undo :func:`escape_formula`: drop one leading quote if a formula start or quote follows."""
    if len(text) > 1 and text[0] == QUOTE and (text[1] in FORMULA_STARTS or text[1] == QUOTE):
        return text[1:]
    return text


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot hold at all replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text) if _NOT_XML.search(text) else text


def _mb(n: int) -> str:
    return f"{n // 2**20} MB"


def check_file_size(path: str | os.PathLike, limit: int | None = None) -> int:
    """The size of ``path``; FileFormatError if it is missing, a folder, or over ``limit``
    (default :data:`MAX_FILE_BYTES`)."""
    path = Path(path)
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise FileFormatError(f"{path} does not exist.") from None
    except OSError as exc:
        raise FileFormatError(f"{path} cannot be read: {exc.strerror or exc}.") from None
    if path.is_dir():
        raise FileFormatError(f"{path.name} is a folder, not a file.")
    if size > limit:
        raise FileFormatError(f"{path.name} is too large to import ({size / 2**20:.0f} MB; "
                              f"the limit is {_mb(limit)}).")
    return size


def check_zip(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse a zip container that would expand too far (a zip bomb) before anything is read."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise FileFormatError(f"{name} holds {len(members):,} files; servicemap refuses more "
                              f"than {MAX_MEMBERS:,} (it may be a zip bomb).")
    locked = next((info for info in members if info.flag_bits & ENCRYPTED), None)
    if locked is not None:
        raise FileFormatError(f"{name} is protected by a password ({locked.filename} is "
                              "encrypted), so it cannot be read; save a copy without the "
                              "password and import that.")
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise FileFormatError(f"{name} looks like a zip bomb: {info.filename} expands "
                                  f"{ratio:,.0f} times; servicemap refuses more than "
                                  f"{MAX_RATIO} times.")
    if total > MAX_UNZIPPED_BYTES:
        raise FileFormatError(f"{name} looks like a zip bomb: it expands to "
                              f"{total / 2**20:,.0f} MB; servicemap refuses more than "
                              f"{_mb(MAX_UNZIPPED_BYTES)}.")


ENCRYPTED = 0x1  # a zip member's general-purpose flag: encrypted (a password is needed)
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")  # a compound file: .xls, or an encrypted .xlsx


def _starts_with(path: Path, magic: bytes) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(magic)) == magic
    except OSError:
        return False


def open_zip(path: str | os.PathLike, what: str = "a zip file") -> zipfile.ZipFile:
    """Open a zip container after the size and zip-bomb checks."""
    path = Path(path)
    check_file_size(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        if _starts_with(path, OLE_MAGIC):  # Excel keeps a password-protected workbook so
            raise FileFormatError(f"{path.name} is protected by a password (or saved in the "
                                  "old Excel 97-2003 format), so it cannot be read; save a "
                                  "copy as an Excel workbook (.xlsx) without a password and "
                                  "import that.") from None
        raise FileFormatError(f"{path.name} is not {what} (it is not a valid zip "
                              "container).") from None
    except OSError as exc:
        raise FileFormatError(f"{path.name} cannot be read ({exc.strerror or exc}).") from None
    try:
        check_zip(archive, path.name)
    except FileFormatError:
        archive.close()
        raise
    return archive


def read_member(archive: zipfile.ZipFile, member: str | zipfile.ZipInfo, name: str,
                limit: int | None = None) -> bytes:
    """A member's bytes, never more than ``limit`` (default :data:`MAX_UNZIPPED_BYTES`)
    whatever its header says."""
    limit = MAX_UNZIPPED_BYTES if limit is None else limit
    label = member.filename if isinstance(member, zipfile.ZipInfo) else member
    try:
        with archive.open(member) as fh:
            data = fh.read(limit + 1)
    except KeyError:
        raise FileFormatError(f"{name} is damaged: {label} is missing.") from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError) as exc:  # RuntimeError: zipfile's "encrypted, password required"
        raise FileFormatError(f"{name} is damaged: {label} cannot be read ({exc}).") from None
    if len(data) > limit:
        raise FileFormatError(f"{name} looks like a zip bomb: {label} expands beyond "
                              f"{_mb(limit)}.")
    return data


def refuse_xml(exc: Exception, name: str) -> FileFormatError:
    """The FileFormatError for XML that defusedxml or the parser rejected."""
    if isinstance(exc, defusedxml.DefusedXmlException):
        return FileFormatError(f"{name} contains a DTD or entity declarations, which "
                               "servicemap refuses: they can hide an XML bomb or read other "
                               "files.")
    position = getattr(exc, "position", None)
    where = f" (line {position[0]}, column {position[1] + 1})" if position else ""
    return FileFormatError(f"{name} is not well-formed XML{where}.")


def expat_parser():
    """A bare expat parser guarded as defusedxml guards its own (``forbid_dtd=True``): any
    DTD, entity declaration or external reference raises a ``defusedxml`` exception. Set the
    element handlers, then run it with :func:`parse_with`. Names keep their prefixes
    (``y:Geometry``): no namespace processing, which costs a third of the time."""
    parser = expat.ParserCreate()

    def doctype(name, sysid, pubid, has_internal_subset):
        raise defusedxml.DTDForbidden(name, sysid, pubid)

    def entity(name, is_parameter, value, base, sysid, pubid, notation_name):
        raise defusedxml.EntitiesForbidden(name, value, base, sysid, pubid, notation_name)

    def unparsed(name, base, sysid, pubid, notation_name):
        raise defusedxml.EntitiesForbidden(name, None, base, sysid, pubid, notation_name)

    def external(context, base, sysid, pubid):
        raise defusedxml.ExternalReferenceForbidden(context, base, sysid, pubid)

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = unparsed
    parser.ExternalEntityRefHandler = external
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    return parser


def parse_with(parser, data: bytes, name: str) -> None:
    """Run a parser from :func:`expat_parser` over ``data``; bad XML is a FileFormatError."""
    try:
        parser.Parse(data, True)
    except defusedxml.DefusedXmlException as exc:
        raise refuse_xml(exc, name) from None
    except expat.ExpatError as exc:
        raise FileFormatError(f"{name} is not well-formed XML (line {exc.lineno}, column "
                              f"{exc.offset + 1}: {expat.errors.messages[exc.code]}).") from None


def parse_xml(data: bytes, name: str):
    """Parse a whole XML document with defusedxml (no DTDs, no entities); the root element."""
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except (defusedxml.DefusedXmlException, SafeET.ParseError) as exc:
        raise refuse_xml(exc, name) from None


def write_atomically(path: str | os.PathLike, write,
                     attribute_calls: file_attributes.Calls | None = None) -> None:
    """Call ``write(file object)`` on a temporary file beside ``path``, then rename it over
    ``path``: a failed export never leaves half a file. The file replaced keeps its permission
    bits and (Windows) its hidden and system attributes; a read-only one, or one that is not
    a regular file, is refused before anything is written. Unicode errors and a full disk
    (any OS error) become one SaveError sentence naming ``path``, never the temporary file."""
    path = Path(path)
    keep = atomic.existing_mode(path, atomic.EXPORT_ADVICE)
    attributes = file_attributes.kept(path, attribute_calls) if keep is not None else 0
    existed = keep is not None
    tmp = atomic.temporary(path)
    try:
        with tmp.open("xb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if keep is not None:
            os.chmod(tmp, keep)
        file_attributes.give(tmp, attributes, attribute_calls)
        os.replace(tmp, path)
    except UnicodeEncodeError as exc:
        raise SaveError(f"{path.name} could not be written: some text is not valid Unicode "
                        f"({exc.reason}).") from None
    except OSError as exc:
        raise atomic.write_error(path, exc, existed) from None
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
