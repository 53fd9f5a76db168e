"""Bounded reads and atomic writes: a reader (or a crash) sees the old file or the new one,
never half. No YAML here: a warm lint hashes changed files without importing the loader."""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

from .diagnostics import Diagnostic, error

MAX_FILE_BYTES = 1_000_000   # a question is a few KB; anything near this is not a question


def read_file(path: str) -> tuple[bytes | None, Diagnostic | None]:
    """The bytes of a regular file, or a QB002 diagnostic saying why not."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            return None, error(path, 1, 1, "QB002", "not a regular file; point qbank at question files or folders")
        if st.st_size > MAX_FILE_BYTES:
            return None, error(path, 1, 1, "QB002",
                               f"file is {st.st_size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit "
                               "for one question; split it or remove embedded data")
        with open(path, "rb") as fh:
            return fh.read(MAX_FILE_BYTES + 1), None
    except OSError as exc:
        return None, error(path, 1, 1, "QB002", f"cannot read file: {exc.strerror or exc}")


@contextmanager
def atomic_writer(path: str | os.PathLike, *, keep_mode: bool = True, durable: bool = True) -> Iterator[BinaryIO]:
    """A binary file object whose content replaces ``path`` when the block ends cleanly.

    It writes to a temp file in the same folder, fsyncs it and ``os.replace``s the target;
    if anything fails the temp file is removed, so an interrupted write leaves the original
    file (or nothing) behind, never a truncated one. Streaming, so a large file (a cache of
    100,000 entries) is never held in memory whole. ``durable=False`` skips the fsync, for
    files whose loss is harmless (the lint cache is rebuilt when it is corrupt).
    """
    target = Path(path)
    mode = None
    if keep_mode:
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = None
    fd, tmp = _temp_beside(target)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write(path: str | os.PathLike, data: bytes, *, keep_mode: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically (see :func:`atomic_writer`)."""
    with atomic_writer(path, keep_mode=keep_mode) as fh:
        fh.write(data)


def _temp_beside(target: Path) -> tuple[int, str]:
    """A new, exclusively created file next to ``target`` (what tempfile.mkstemp does,
    without the cost of importing tempfile on every warm lint)."""
    for _ in range(100):
        tmp = str(target.parent / f".{target.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
