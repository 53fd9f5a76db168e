"""Bounded, confined reads and atomic writes: a reader (or a crash) sees the old file or the
new one, never half; no read takes more than its limit, blocks on a FIFO, or follows a
symbolic link out of the bank. No YAML here: a warm lint hashes changed files without
importing the loader."""

from __future__ import annotations

import errno
import os
import stat
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from .diagnostics import Diagnostic, error

MAX_FILE_BYTES = 1_000_000   # a question is a few KB; anything near this is not a question
CACHE_DIR = ".qbank_cache"   # in the bank root: what lint and fmt keep between runs

# Opening never waits for a writer (a FIFO), never makes a terminal ours, and never follows
# a link that was swapped in after the path was checked.
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
_OUTSIDE = "leads outside the bank folder through a symbolic link"


class Refused(OSError):
    """A path qbank will not read or write; ``str()`` is the reason, for the user."""

    def __str__(self) -> str:
        return str(self.args[0])


class TooLarge(Refused):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"file is {size:,} bytes, over the {limit:,}-byte limit")
        self.size, self.limit = size, limit


class NotRegular(Refused):
    def __init__(self, mode: int) -> None:
        super().__init__("not a regular file")
        self.mode = mode


def read_bounded(path: str | os.PathLike, limit: int, *, root: str | os.PathLike | None = None) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    Raises :class:`OSError`: :class:`TooLarge` over the limit, :class:`NotRegular` for a
    folder, FIFO or device (none is opened), :class:`Refused` when ``root`` is given and
    the path leads out of it through a symbolic link (see :func:`escapes`).
    """
    name = os.fspath(path)
    st = os.lstat(name)
    real = name
    if stat.S_ISLNK(st.st_mode):
        real = os.path.realpath(name)
        if root is not None and escapes(name, root, real):
            raise Refused(_OUTSIDE)
        st = os.stat(real)
    elif root is not None and escapes(name, root, None):
        raise Refused(_OUTSIDE)
    if not stat.S_ISREG(st.st_mode):
        raise NotRegular(st.st_mode)
    if st.st_size > limit:
        raise TooLarge(st.st_size, limit)
    return read_regular(real, limit)  # the link already resolved: real is no link


def open_regular(path: str | os.PathLike, limit: int) -> tuple[int, os.stat_result]:
    """A read-only descriptor of the regular file at ``path`` itself, and its stat: never
    through a symbolic link (the last part of the path; its folders are the caller's to
    vouch for), never a FIFO or device (opened without waiting, then refused), never over
    ``limit`` bytes. Raises :class:`OSError` (:class:`NotRegular`, :class:`TooLarge`)."""
    fd = os.open(path, _OPEN_FLAGS)  # O_NOFOLLOW: a link fails with ELOOP
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(st.st_mode)
        if st.st_size > limit:
            raise TooLarge(st.st_size, limit)
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def read_regular(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of the regular file at ``path`` itself, as :func:`open_regular` allows."""
    fd, st = open_regular(path, limit)
    try:
        return _read_all(fd, st, limit)
    finally:
        os.close(fd)


def _read_all(fd: int, st: os.stat_result, limit: int) -> bytes:
    # One read of the expected size (plus one byte, to see EOF); more only for a file
    # that grows meanwhile, and never past the limit.
    data, ask = b"", min(st.st_size, limit) + 1
    while True:
        chunk = os.read(fd, ask)
        data += chunk
        if len(chunk) < ask or len(data) > limit:
            break
        ask = limit + 1 - len(data)
    if len(data) > limit:
        raise TooLarge(max(st.st_size, len(data)), limit)
    return data


def read_file(path: str, root: str | os.PathLike | None = None) -> tuple[bytes | None, Diagnostic | None]:
    """The bytes of a question file, or a QB002 diagnostic (at line 1, column 1) saying why
    not: too large, not a regular file, a broken link or link loop, an unreadable folder
    that discovery met, or (with ``root``) a link that leads out of the bank."""
    try:
        return read_bounded(path, MAX_FILE_BYTES, root=root), None
    except TooLarge as exc:
        why = f"{exc} for one question; split it or remove embedded data"
    except NotRegular as exc:
        why = _not_a_file(path, exc.mode)
    except Refused as exc:
        why = f"{exc}; it was not read: keep question files inside the bank"
    except OSError as exc:
        why = _unreadable(path, exc)
    return None, error(path, 1, 1, "QB002", why)


def _not_a_file(path: str, mode: int) -> str:
    if not stat.S_ISDIR(mode):
        kind = ("a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "")
        return f"not a regular file{f' ({kind})' if kind else ''}; point qbank at question files or folders"
    if os.path.islink(path):
        return ("a symbolic link to a folder, which qbank does not follow (it could loop or leave the bank), "
                "so no question in it was checked; move the folder into the bank, or list it under "
                "`exclude` in qbank.toml if it holds no questions")
    try:  # discovery lists the folders it cannot walk: say what stopped it
        os.scandir(path).close()
    except OSError as exc:
        return f"folder cannot be read ({exc.strerror or exc}), so no question in it was checked; make it readable"
    return "a folder, not a question file"


def _unreadable(path: str, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "cannot read file: a symbolic link loop (the link leads back to itself); remove or fix the link"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return f"broken symbolic link: its target '{os.readlink(path)}' does not exist; remove or fix the link"
    return f"cannot read file: {exc.strerror or exc}"


def escapes(path: str, root: str | os.PathLike, real: str | None = None) -> bool:
    """Does ``path`` lead out of ``root`` through a symbolic link?

    A path lexically inside ``root`` must really be inside it; one named outside it (only a
    path given on the command line can be) must really be in the folder it names. ``real``
    is the path's real path when it is a link itself; None when it is not: then only its
    folder is resolved, once per folder and process (a file costs a cache lookup, not a
    realpath walk), so a folder swapped for a link during a run is not seen.
    """
    if real is None:
        return _folder_escapes(os.getcwd(), os.path.dirname(path), os.fspath(root))
    full = os.path.abspath(path)
    base = os.path.abspath(root)
    real_base = os.path.realpath(base)
    if not (_within(full, base) or _within(full, real_base)):  # the latter: a path already resolved
        real_base = os.path.realpath(os.path.dirname(full))
    return not _within(real, real_base)


def confined(path: str, root: str | os.PathLike | None) -> str:
    """The real path of ``path`` (symbolic links followed), the file to read or replace;
    :class:`Refused` when it leads out of ``root`` (None: anywhere goes)."""
    real = os.path.realpath(path)
    if root is not None and escapes(path, root, real):
        raise Refused(_OUTSIDE)
    return real


@lru_cache(maxsize=4096)
def _folder_escapes(cwd: str, folder: str, root: str) -> bool:
    full = os.path.normpath(os.path.join(cwd, folder))
    base = os.path.normpath(os.path.join(cwd, root))
    real_base = os.path.realpath(base)
    if not (_within(full, base) or _within(full, real_base)):
        return False  # named outside the bank: its folder is its own
    return not _within(os.path.realpath(full), real_base)


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


@contextmanager
def atomic_writer(path: str | os.PathLike, *, keep_mode: bool = True, durable: bool = True) -> Iterator[BinaryIO]:
    """A binary file object whose content replaces ``path`` when the block ends cleanly.

    It writes to a temp file in the same folder, fsyncs it and ``os.replace``s the target;
    if anything fails the temp file is removed, so an interrupted write leaves the original
    file (or nothing) behind, never a truncated one. Streaming, so a large file (a cache of
    100,000 entries) is never held in memory whole. ``durable=False`` skips the fsync, for
    files whose loss is harmless (the lint cache is rebuilt when it is corrupt). It replaces
    ``path`` itself: to write through a link, pass the link's :func:`confined` target.
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


TEMP_SUFFIX = ".qbank-tmp"   # .<name>.<12 hex digits>.qbank-tmp: qbank's own, and only those
STALE_TEMP_SECONDS = 10      # a temp file this much older than a run is no live writer's


def _temp_beside(target: Path) -> tuple[int, str]:
    """A new, exclusively created file next to ``target`` (what tempfile.mkstemp does,
    without the cost of importing tempfile on every warm lint), named so that one a killed
    run left behind is recognised as qbank's (:func:`remove_stale_temps`)."""
    for _ in range(100):
        tmp = str(target.parent / f".{target.name}.{os.urandom(6).hex()}{TEMP_SUFFIX}")
        try:
            return os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")


def is_real_folder(path: str | os.PathLike) -> bool:
    """Is ``path`` a folder itself (not a link to one, not a file, not missing)?"""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def cache_folder(root: str | os.PathLike) -> Path | None:
    """The bank's cache folder, made (git-ignored) if missing; None when something else
    stands in its place: a file, or a symbolic link that would take writes elsewhere."""
    folder = Path(root) / CACHE_DIR
    if not os.path.lexists(folder):
        folder.mkdir()
        (folder / ".gitignore").write_text("# created by qbank; safe to delete\n*\n", encoding="utf-8")
        return folder
    return folder if is_real_folder(folder) else None


def is_temp_name(name: str) -> bool:
    """Is ``name`` one :func:`atomic_writer` gives its temporary files?"""
    stem = name[:-len(TEMP_SUFFIX)]
    dot = stem.rfind(".")
    return (name.endswith(TEMP_SUFFIX) and name.startswith(".") and 1 < dot == len(stem) - 13
            and all(c in "0123456789abcdef" for c in stem[dot + 1:]))


def remove_stale_temps(folders: Iterable[str | os.PathLike], root: str | os.PathLike, started: float) -> list[str]:
    """Delete the temporary files that an interrupted write (a run killed by SIGKILL or a
    power cut) left in ``folders``: regular files with qbank's own temp name, last modified
    more than STALE_TEMP_SECONDS before ``started`` (the run's start, ``time.time()``), so
    never one a concurrent run is still writing. Folders outside the bank ``root`` (also
    through a symbolic link) are left alone. Returns the paths deleted."""
    real_root = os.path.realpath(root)
    deadline = started - STALE_TEMP_SECONDS
    removed: list[str] = []
    for folder in {os.path.realpath(f) for f in folders}:
        if not _within(folder, real_root):
            continue
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if not is_temp_name(entry.name):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(st.st_mode) and st.st_mtime < deadline:
                    os.unlink(entry.path)
                    removed.append(entry.path)
            except OSError:
                continue  # gone meanwhile, or not ours to delete: the run goes on
    return sorted(removed)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
