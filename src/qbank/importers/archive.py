"""Reading untrusted input, for every reader: the one bounded file read, zip archives checked
before anything is extracted, the one hardened XML parse (entities, DTDs and the network off)
and the one way media files are named. A refusal is one QB015 for the whole file; a file or
member that is not well-formed XML is one QB013 at the parser's line and column."""

from __future__ import annotations

import posixpath
import re
import stat
import unicodedata
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from lxml import etree

from ..diagnostics import Diagnostic, diagnostic

MAX_RATIO = 100            # uncompressed / compressed: above this a member is a zip bomb
RATIO_FLOOR = 1024 * 1024  # ... once it expands past this (a small, repetitive XML is not one)
CHUNK = 1024 * 1024


class Refused(Exception):
    """The input is refused whole (QB015); the message says why, in the user's terms."""


class Malformed(Exception):
    """The input cannot be read whole (QB013, at ``line``): not a zip, a damaged member."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def where(path: Path | str, member: str | None = None) -> str:
    """The path diagnostics name: `package.zip!member.xml` for a member of an archive."""
    return f"{path}!{member}" if member else str(path)


def refused(path: Path | str, exc: Refused | Malformed) -> Diagnostic:
    """The one diagnostic for a file refused (QB015) or unreadable (QB013) whole."""
    return diagnostic("QB015" if isinstance(exc, Refused) else "QB013", str(path), getattr(exc, "line", 1), 1, str(exc))


def check_size(path: Path, max_bytes: int) -> None:
    """Refuse a file over ``max_bytes`` before a library (zipfile, openpyxl) opens it by path."""
    size = Path(path).stat().st_size
    if size > max_bytes:
        raise Refused(f"the file is {size:,} bytes, over the {max_bytes:,}-byte limit of an import")


def read_file(path: Path | str, max_bytes: int) -> bytes:
    """The bytes of the regular file at ``path``, never more than ``max_bytes``: the one read
    of a source file. Raises Refused (too large, a FIFO, a folder), OSError (unreadable)."""
    from ..fsutil import Refused as NotReadable, TooLarge, read_bounded

    try:
        return read_bounded(path, max_bytes)
    except TooLarge as exc:
        raise Refused(f"the file is {exc.size:,} bytes, over the {exc.limit:,}-byte limit of an import") from exc
    except NotReadable as exc:
        raise Refused(f"the file is {exc}") from exc


def _unreadable(path: Path | str, exc: OSError) -> Diagnostic:
    return diagnostic("QB013", str(path), 1, 1, f"cannot read the file: {exc.strerror or exc}")


def read_text(path: Path | str, max_bytes: int, advice: str = "nothing was imported") -> str:
    """:func:`read_file` as UTF-8 text (a byte-order mark dropped); Malformed at the line of
    the first byte that is not UTF-8, its message ending in ``advice``."""
    raw = read_file(path, max_bytes)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Malformed(f"the file is not UTF-8 text; {advice}", raw.count(b"\n", 0, exc.start) + 1) from exc


def _unsafe_name(name: str) -> bool:
    if name.startswith(("/", "\\")) or "\\" in name or (len(name) > 1 and name[1] == ":"):
        return True
    return ".." in name.split("/")


class Archive:
    """A zip whose every member was checked when it was opened: names inside the archive,
    no links, bounded total size and compression ratio. Members are read by name."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        check_size(self.path, max_bytes)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise Malformed(f"not a readable zip archive ({exc})") from exc
        total = 0
        self._members: dict[str, zipfile.ZipInfo] = {}
        for info in self._zip.infolist():
            name = info.filename
            if _unsafe_name(name):
                raise Refused(f"member {name!r} has a path that leaves the archive")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise Refused(f"member {name!r} is a symbolic link")
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise Refused(f"member {name!r} expands {info.file_size:,} bytes from {info.compress_size:,} "
                              f"(over {MAX_RATIO} times): a zip bomb")
            total += info.file_size
            if total > max_bytes:
                raise Refused(f"the archive expands to more than the {max_bytes:,} bytes an import reads")
            if not info.is_dir():
                self._members[posixpath.normpath(name)] = info

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def names(self) -> list[str]:
        return sorted(self._members)

    def has(self, name: str) -> bool:
        return posixpath.normpath(name) in self._members

    def read(self, name: str) -> bytes:
        """The member's bytes, never more than it declares (a lying header is refused)."""
        info = self._members[posixpath.normpath(name)]
        out = bytearray()
        try:
            with self._zip.open(info) as src:
                while chunk := src.read(CHUNK):
                    out += chunk
                    if len(out) > info.file_size:
                        raise Refused(f"member {info.filename!r} holds more than its header says")
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
            # damaged data, an unsupported compression method, an encrypted member
            raise Malformed(f"member {info.filename!r} cannot be read ({exc})") from exc
        return bytes(out)


def is_zip(path: Path) -> bool:
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False


_ENTITY = re.compile(rb"<!ENTITY", re.I)
_ROOT_START = re.compile(rb"<[A-Za-z_:]")  # the root's start tag: entities are declared before it


def _entity_declaration(data: bytes) -> int | None:
    """Where the prolog declares an entity (None when it declares none). The text after the root
    starts is never looked at: a question about XML may quote `<!ENTITY` in a CDATA section."""
    start = _ROOT_START.search(data)
    m = _ENTITY.search(data, 0, start.start() if start else len(data))
    return m.start() if m else None


def xml_parser() -> etree.XMLParser:
    """The parser of :func:`parse_xml` (one per document or batch: lxml parsers are not shared
    between threads)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def parse_xml(data: bytes, at: str) -> tuple[etree._Element | None, Diagnostic | None]:
    """The document's root, or the diagnostic that says why not: QB015 for an entity
    declaration (no LMS export has one; external entities and entity bombs arrive that way),
    QB013 where the XML breaks. Entities are never resolved, no DTD is loaded (a bare
    `<!DOCTYPE questestinterop SYSTEM "...dtd">`, as some QTI 1.2 tools write, is harmless),
    nothing is fetched and no tree is too deep or a text too large (huge_tree off)."""
    declared = _entity_declaration(data)
    if declared is not None:
        return None, diagnostic("QB015", at, data.count(b"\n", 0, declared) + 1, 1,
                                "refused: the file declares XML entities, which a question export never has "
                                "(external entities and entity expansion are how hostile XML reads files or "
                                "exhausts memory); nothing of it was imported")
    try:
        root = etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno or 1, 1)
        return None, diagnostic("QB013", at, max(line or 1, 1), max(column or 1, 1),
                                f"not well-formed XML: {exc.msg}")
    if root is None:
        return None, diagnostic("QB013", at, 1, 1, "the file holds no XML document")
    return root, None


def local(tag: object) -> str:
    """An element's name without its namespace ('' for comments and the like)."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def media_filename(name: str) -> str:
    """A media name safe in a file system and in a Markdown link: `my chart (1).PNG` ->
    `my_chart_1_.png`."""
    base = PurePosixPath(name.replace("\\", "/")).name
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", unicodedata.normalize("NFKD", stem)).strip("._") or "file"
    ext = re.sub(r"[^a-z0-9]+", "", ext.lower())[:10]
    return f"{stem[:80]}.{ext}" if ext else stem[:80]


def numbered(name: str, n: int) -> str:
    """`chart.png`, 2 -> `chart-2.png`."""
    stem, dot, ext = name.rpartition(".")
    return f"{stem}-{n}.{ext}" if dot and stem else f"{name}-{n}"


def add_media(media: dict[str, bytes], name: str, data: bytes) -> str:
    """Put ``data`` into an item's ``media`` under ``name`` made safe (:func:`media_filename`),
    or under `name-2.ext`, ... when another file of that name is already there; the reference
    to use. The one way every reader names the files it takes in."""
    base = media_filename(name)
    ref, n = base, 1
    while ref in media and media[ref] != data:
        n += 1
        ref = numbered(base, n)
    media[ref] = data
    return ref


class Folder:
    """The folder of a single imported file, read like an archive: only regular files inside
    it (no `..`, no links out), each within the size limit. An item file's images sit there."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.root = Path(folder).resolve()
        self.max_bytes = max_bytes

    def _path(self, name: str) -> Path | None:
        if _unsafe_name(name):
            return None
        path = self.root / name
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if path.is_symlink() or self.root not in real.parents or not real.is_file():
            return None
        return real

    def has(self, name: str) -> bool:
        return self._path(posixpath.normpath(name)) is not None

    def read(self, name: str) -> bytes:
        path = self._path(posixpath.normpath(name))
        if path is None:
            raise Malformed(f"{name!r} is not a file beside the imported one")
        return read_file(path, self.max_bytes)


def package_image(archive: Archive | Folder, candidates: list[str], media: dict[str, bytes]) -> str | None:
    """The first of ``candidates`` (paths inside the archive or folder) that it holds, added to
    ``media``; its reference, or None when none is there."""
    for name in candidates:
        name = posixpath.normpath(name)
        if not name.startswith(("..", "/")) and archive.has(name):
            return add_media(media, name, archive.read(name))
    return None


def guarded(path: Path, work) -> "ReadResult":
    """``work(result)`` filling a fresh ReadResult for ``path``; a refusal or an unreadable
    file anywhere in it becomes the one diagnostic of an empty result instead."""
    from .base import ReadResult

    result = ReadResult()
    try:
        work(result)
    except (Refused, Malformed) as exc:
        return ReadResult(diagnostics=[refused(path, exc)])
    except OSError as exc:
        return ReadResult(diagnostics=[_unreadable(path, exc)])
    return result
