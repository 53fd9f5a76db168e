"""The stem index on disk, as two files of the lint cache (see StemIndex for what it holds).

"shingles": the shingle hashes of the last build, written only by a build and used in
place (mapped, not copied) by later runs; "index": a small JSON header, then each column
as one flat block, naming the shingles file it goes with. An edit rewrites the index,
which is small, and never the shingles.
"""

from __future__ import annotations

import json
import sys
from array import array

from .stem_index import Settings, StemIndex

VERSION = 3
MAGIC = b"qbank-stem-index\n"
SHINGLES_MAGIC = b"qbank-shingles\n\0"  # 16 bytes: the arrays after it stay 4-byte aligned


def to_parts(index: StemIndex) -> dict[str, list[bytes | memoryview] | None]:
    """``index`` as two files' chunks of bytes. "shingles": those of the last build,
    written only by a build (None: keep the file; most of the bytes, never rewritten
    by an update). "index": a small JSON header, then each column as one flat block
    (NUL-separated text, raw little-endian arrays), naming the shingles file's token."""
    blocks: list[bytes | memoryview] = [
        _join(index.paths), _join(index.digests), _join(index.exact),
        *(_raw(values) for values in (index.slot_rows, index.offsets, index.added, index.keys))]
    header = {"v": VERSION, "settings": list(index.settings), "cap": index.cap, "rows": len(index.paths),
              "blocks": [len(b) for b in blocks],
              "token": index.token, "built": len(index.shingles),
              "pairs": [[a, b, sim] for (a, b), sim in sorted(index.pairs.items())]}
    head = json.dumps(header, separators=(",", ":")).encode()
    shingles = [SHINGLES_MAGIC, index.token.encode(), _raw(index.shingles)] if index.new_build else None
    return {"shingles": shingles, "index": [MAGIC, len(head).to_bytes(8, "little"), head, *blocks]}


def from_parts(parts: dict[str, bytes | memoryview | None]) -> StemIndex:
    """The index saved by :func:`to_parts` (ValueError if it is not one). The shingles
    are used in place (a memoryview of the mapped file), not copied."""
    try:
        data = memoryview(parts["index"]).cast("B")  # slices of a memoryview do not copy
        if bytes(data[:len(MAGIC)]) != MAGIC:
            raise ValueError("not a stem index")
        at = len(MAGIC) + 8
        size = int.from_bytes(data[len(MAGIC):at], "little")
        header = json.loads(bytes(data[at:at + size]))
        if header["v"] != VERSION:
            raise ValueError("another version")
        at += size
        blocks = []
        for n in header["blocks"]:
            if at + n > len(data):
                raise ValueError("truncated")
            blocks.append(data[at:at + n])
            at += n
        if at != len(data) or len(blocks) != 7:
            raise ValueError("not a stem index")
        index = StemIndex(Settings(float(header["settings"][0]), float(header["settings"][1]),
                                   int(header["settings"][2])))
        index.cap, index.token = int(header["cap"]), str(header["token"])
        rows = int(header["rows"])
        index.paths, index.digests, index.exact = (_split(b, rows) for b in blocks[:3])
        index.paths = [p or "" for p in index.paths]
        index.slot_rows, index.offsets, index.added, index.keys = (
            _unraw(code, b) for code, b in zip("iIIQ", blocks[3:]))
        index.pairs = {(str(a), str(b)): float(sim) for a, b, sim in header["pairs"]}
        index.shingles = _built_shingles(parts["shingles"], index.token, int(header["built"]))
    except (KeyError, TypeError, ValueError, IndexError, OverflowError, UnicodeDecodeError) as exc:
        raise ValueError("not a stem index") from exc
    if (len(index.offsets) != len(index.slot_rows) + 1
            or index.offsets[-1] != len(index.shingles) + len(index.added)
            or max(index.slot_rows, default=-1) >= rows or min(index.slot_rows, default=-1) < -1
            or any(key & 0xFFFFFFFF >= len(index.slot_rows) for key in index.keys[-1:])):
        raise ValueError("not a stem index")
    return index


def _built_shingles(data: bytes | memoryview | None, token: str, count: int) -> array | memoryview:
    """The shingles file of the build named ``token``, as ``count`` hashes (ValueError if
    it is another build's: a later build, or a run that stopped half-way, wrote it)."""
    if data is None:
        raise ValueError("no shingles file")
    view = memoryview(data).cast("B")
    head = SHINGLES_MAGIC + token.encode()
    if bytes(view[:len(head)]) != head or len(view) != len(head) + 4 * count:
        raise ValueError("another build's shingles")
    body = view[len(head):]
    return body.cast("I") if sys.byteorder == "little" else _unraw("I", body)


def _join(values: list[str | None]) -> bytes:
    """Strings (None as empty) NUL-separated: NUL is the one character no path holds."""
    return "\0".join([v or "" for v in values]).encode("utf-8", "surrogateescape")


def _split(block: memoryview, rows: int) -> list[str | None]:
    values = [v or None for v in bytes(block).decode("utf-8", "surrogateescape").split("\0")] if rows else []
    if len(values) != rows:
        raise ValueError("wrong length")
    return values


def _raw(values: array) -> memoryview:
    if sys.byteorder != "little":
        values = array(values.typecode, values)
        values.byteswap()
    return memoryview(values).cast("B")


def _unraw(typecode: str, block: memoryview) -> array:
    values = array(typecode)
    values.frombytes(block)
    if sys.byteorder != "little":
        values.byteswap()
    return values

