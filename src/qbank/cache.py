"""The lint cache: what earlier `qbank lint` runs found, so that a warm run reads, parses
and checks only the files that changed (see :class:`Cache`)."""

from __future__ import annotations

import json
import mmap
import os
import stat as stat_mode
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, NamedTuple

from . import __version__, suppress
from .diagnostics import Diagnostic
from .digest import blake2b, content_key
from .fsutil import (CACHE_DIR, atomic_writer, cache_folder, is_real_folder, open_regular, read_file, read_regular,
                     remove_stale_temps)
from .schema import schema_text

if TYPE_CHECKING:
    from .config import Config

# A file's facts besides its path: its stat (size, mtime, ctime, inode: what an edit, a
# `touch -r` or a replacement by another file changes) and what checking it found.
ROW = ("sizes", "mtimes", "keys", "ids", "lines", "cols", "ctimes", "inodes")
COLUMN_TYPES = {"sizes": {int}, "mtimes": {int}, "keys": {str}, "ids": {str, type(None)}, "lines": {int}, "cols": {int},
                "ctimes": {int}, "inodes": {int}}
Stat = tuple[int, int, int, int]  # (size, mtime ns, ctime ns, inode), in this order
MAX_BYTES = 256_000_000  # larger than any cache file qbank writes (~600 bytes a question): not ours
SEAL = 33                # each file ends in "\n" and the BLAKE2b checksum (32 hex digits) of what precedes
RACY_NS = 10**9          # a file changed this close before a run started is read again (see Cache)
STORE_BATCH = 1000       # summaries encoded at once when a store is written


def checksum(data: bytes | memoryview) -> bytes:
    return blake2b(data, digest_size=16).hexdigest().encode()


def seal(body: bytes) -> bytes:
    """``body`` as a cache file holds it: with its checksum after it."""
    return body + b"\n" + checksum(body)


def unseal(data: bytes | memoryview) -> bytes | memoryview:
    """The body of a cache file's bytes (ValueError if its checksum does not hold: a file
    damaged, edited, or cut short)."""
    body = data[:-SEAL]
    if len(data) < SEAL or data[-SEAL:-SEAL + 1] != b"\n" or data[-SEAL + 1:] != checksum(body):
        raise ValueError("checksum does not hold")
    return body


@contextmanager
def _sealed_writer(path: Path) -> Iterator[Callable[[bytes], None]]:
    """A ``write`` that streams into ``path``'s new content (replaced atomically at the end)
    and appends the checksum of all it was given."""
    with atomic_writer(path, keep_mode=False, durable=False) as fh:
        h = blake2b(digest_size=16)

        def write(chunk: bytes) -> None:
            h.update(chunk)
            fh.write(chunk)

        yield write
        fh.write(b"\n" + h.hexdigest().encode())


def _typed(column: list, kinds: set) -> bool:
    """Whether every value in ``column`` is of one of ``kinds`` (exactly: True is no line)."""
    return set(map(type, column)) <= kinds


class Lookup(NamedTuple):
    """What the cache still knows of a run's files (``Cache.lookup``), one entry per file
    in the run's order. A row is the cache's handle for one file's recorded facts."""

    rows: list[int]                            # the row whose facts still hold; -1: check the file
    stats: list[Stat | None]                   # None: the file could not be stat'ed
    todo: list[int]                            # the files to check (row -1), in order
    touched: set[int]                          # files whose stat changed but content is recorded
    diags: dict[str, list[Diagnostic]]         # path -> recorded findings, for files with a row and any
    sups: dict[str, list[suppress.Suppression]]


class RunFacts(NamedTuple):
    """What a lint run found, for ``Cache.save``: one entry per file in each column, in the
    run's order (the engine's own columns, passed without copying)."""

    paths: list[str]
    stats: list[Stat | None]
    keys: list[str | None]
    ids: list[str | None]
    lines: list[int]
    cols: list[int]
    digests: dict[str, list[str | None]]       # bank rule -> summary digest per file
    rows: list[int]                            # Lookup.rows (all -1 for a run without a lookup)
    checked: list[int]                         # files checked this run
    touched: set[int]                          # Lookup.touched
    keep: list[int]                            # files worth recording, in order
    findings: dict[str, tuple[list[Diagnostic], list[suppress.Suppression]]]  # content key -> of files checked
    summaries: dict[str, dict[str, Any]]       # bank rule -> digest -> summary computed this run
    bank: dict[str, dict]                      # bank rule -> {"digest": its inputs, "diags": findings}


class Cache:
    """What earlier `qbank lint` runs found, in ``.qbank_cache/`` of the bank root, for one
    (qbank code, schema, rule options) combination. JSON, not pickle, so a tampered cache
    cannot run code; anything unreadable, corrupt or foreign is ignored and rebuilt: the
    cache can only make a run faster, never change what it reports.

    - ``lint-<tag>.json``, the base: one column per fact (path, stat, content key, id and
      its position, each bank rule's summary digest), the findings and suppressions of
      the files that have any (by content key), and each bank rule's findings with the
      digest of its inputs. A warm run parses a few flat lists, not 10,000 objects.
    - ``lint-<tag>.delta.json``: the rows that changed since the base was written (and the
      summaries and findings they need), rewritten whole by each run. Editing one file
      costs a small write; the base is rewritten only when the delta grows past
      ``REBASE_SHARE`` of the bank.
    - ``lint-<tag>.<rule>.json``: each bank rule's summaries by digest, read only when that
      rule (or one sharing its summaries: codes.summary_code) must run again.
    - ``lint-<tag>.<rule>.<part>.state``: what a stateful bank rule keeps between runs
      (QB902's stem index: its shingles, written by a full build only, and an index that
      names them), in the rule's own format, which the rule checks before using.

    Trust: every file ends in a checksum of its bytes, verified as it is read, so damage
    (one flipped digit) makes it unusable, not wrong. Each base has a random generation id
    that its summary stores carry and that a delta names as the base it extends, so runs
    that overlap (one rewriting the base while another writes a delta) leave files that
    are never combined: a delta or store of another generation is ignored. No lock: every
    file is replaced atomically, a reader sees a whole file or none, and a run never waits
    for another. A row whose summary the cache cannot produce is left out of what is
    written, so its file is checked again. Cache files are opened as regular files in a
    real ``.qbank_cache`` folder only (fsutil.cache_folder, open_regular): no link is
    followed, no FIFO waited on, no file over MAX_BYTES read.

    A file whose stat (size, mtime and ctime in ns, inode) is the one recorded, and whose
    ctime is more than a second before the run that recorded it started (git's "racily
    clean" rule), is taken as unchanged without reading it; anything else is read and
    hashed. The ctime cannot be set back by a user, so an edit that keeps the size and
    restores the mtime (`touch -r`) is seen; the inode catches a file replaced by another.

    A run asks ``lookup`` which files it can answer for, reads whole columns at the rows
    it got (``column``, ``digests``), asks for bank-rule findings, summaries and state by
    rule, and hands ``save`` a ``RunFacts``; rows are handles only the cache interprets.
    """

    REBASE_SHARE = 0.02
    REBASE_MIN = 100

    def __init__(self, root: Path, config: Config) -> None:
        self._started = time.time_ns()
        self._tag = blake2b(
            f"{__version__}\0{_code_stamp()}\0{schema_text()}\0{config.fingerprint()}".encode(),
            digest_size=8).hexdigest()
        self._bank_root = str(root)  # files are read only inside it (fsutil.read_file)
        self._root = root
        self._folder = root / CACHE_DIR
        self._file = self._folder / f"lint-{self._tag}.json"
        self._delta_file = self._folder / f"lint-{self._tag}.delta.json"
        self._paths: list[str] = []
        self._cols: dict[str, list] = {c: [] for c in ROW}
        self._sd: dict[str, list] = {}         # bank rule -> summary digest per row
        self._diags: dict[str, list] = {}      # content key -> findings (as dicts)
        self._sups: dict[str, list] = {}
        self._bank: dict[str, Any] = {}
        self._by_path: dict[str, int] = {}
        self._base_n = 0                       # rows [0, base_n) are the base's
        self._base_ref = self._delta_ref = 0   # start time of the run that recorded them
        self._gen: str | None = None           # the base's generation id (see the class docstring)
        self._damaged = False                  # a file of this generation is unusable: write a new one
        self._delta_rows: set[int] = set()     # rows whose latest facts are the delta's
        self._delta_sums: dict[str, dict[str, Any]] = {}
        self._by_key: dict[str, int] | None = None
        self._stores: dict[str, dict[str, Any]] = {}
        self._shadowed: dict[str, set[str]] = {}  # bank rule -> base digests the delta replaced
        self._states: dict[str, Any] = {}      # bank rule -> state to keep (see BankRule.stateful)

    def load(self) -> None:
        """Read what the last runs recorded (nothing, if it is unusable)."""
        if not is_real_folder(self._folder):
            return  # none yet, or something else in its place: never read through it
        try:
            self._load_base()
        except (OSError, ValueError, UnicodeDecodeError, RecursionError, KeyError, TypeError, AttributeError):
            self._reset()
            return
        try:
            self._load_delta()
        except (OSError, ValueError, UnicodeDecodeError, RecursionError, KeyError, TypeError, AttributeError):
            pass  # base rows stay; a stale one fails its stat check and is checked again

    def _reset(self) -> None:
        self._paths, self._cols, self._sd, self._diags, self._sups, self._bank = [], {c: [] for c in ROW}, {}, {}, {}, {}
        self._by_path, self._base_n, self._delta_rows, self._delta_sums = {}, 0, set(), {}
        self._base_ref = self._delta_ref = 0
        self._gen = None

    def _read_json(self, path: Path) -> dict:
        """A cache file's JSON object, if it is one of this tag's with a checksum that holds."""
        blob = json.loads(unseal(read_regular(path, MAX_BYTES)))
        if not isinstance(blob, dict) or blob.get("tag") != self._tag or not isinstance(blob.get("gen"), str):
            raise ValueError("foreign cache")
        return blob

    def _read(self, path: Path) -> dict:
        blob = self._read_json(path)
        if not isinstance(blob.get("ref"), int) or not all(isinstance(blob.get(c), dict) for c in ("diags", "sups", "bank")):
            raise ValueError("foreign cache")
        return blob

    def _load_base(self) -> None:
        blob = self._read(self._file)
        paths = blob["paths"]
        n = len(paths)
        if (not isinstance(paths, list) or any(not isinstance(blob[c], list) or len(blob[c]) != n for c in ROW)
                or not isinstance(blob["sd"], dict)
                or any(not isinstance(v, list) or len(v) != n for v in blob["sd"].values())
                or not all(_typed(blob[c], kinds) for c, kinds in COLUMN_TYPES.items())
                or not _typed(paths, {str}) or not all(_typed(v, {str, type(None)}) for v in blob["sd"].values())):
            raise ValueError("foreign cache")
        self._paths, self._cols, self._sd = paths, {c: blob[c] for c in ROW}, blob["sd"]
        self._diags, self._sups, self._bank = blob["diags"], blob["sups"], blob["bank"]
        self._by_path = {p: i for i, p in enumerate(paths)}
        self._base_n, self._base_ref, self._gen = n, blob["ref"], blob["gen"]

    def _load_delta(self) -> None:
        blob = self._read(self._delta_file)
        rows, sums = blob["rows"], blob["sum"]
        if blob["gen"] != self._gen:
            raise ValueError("a delta of another base")  # written by a run that overlapped a rebase
        if not isinstance(rows, dict) or not isinstance(sums, dict) or not all(
                isinstance(v, list) and len(v) == len(ROW) + 1 and isinstance(v[-1], dict)
                and all(type(value) in COLUMN_TYPES[c] for c, value in zip(ROW, v))
                and _typed(list(v[-1].values()), {str}) for v in rows.values()):
            raise ValueError("foreign cache")
        for path, row in rows.items():
            i = self._by_path.get(path)
            if i is None:
                i = self._by_path[path] = len(self._paths)
                self._paths.append(path)
                for col in self._cols.values():
                    col.append(None)
                for col in self._sd.values():
                    col.append(None)
            for name, value in zip(ROW, row):
                self._cols[name][i] = value
            for code, col in self._sd.items():
                if i < self._base_n and col[i] is not None:
                    self._shadowed.setdefault(code, set()).add(col[i])
                col[i] = row[-1].get(code)
            for code, digest in row[-1].items():
                if code not in self._sd:
                    self._sd[code] = [None] * len(self._paths)
                    self._sd[code][i] = digest
            self._delta_rows.add(i)
        self._diags.update(blob["diags"])
        self._sups.update(blob["sups"])
        self._bank, self._delta_sums, self._delta_ref = blob["bank"], sums, blob["ref"]

    def recorded(self) -> bool:
        """Whether an earlier run left a cache to read (before ``load`` reads it)."""
        try:
            return is_real_folder(self._folder) and stat_mode.S_ISREG(os.lstat(self._file).st_mode)
        except OSError:
            return False

    def lookup(self, paths: list[str]) -> Lookup:
        """Which of ``paths`` the cache can answer for, and their recorded findings. A file
        whose stat is as recorded is taken as it was without being read; one whose stat
        changed is read and hashed, and still answered if its content is a recorded one."""
        n = len(paths)
        rows = [-1] * n
        stats: list[Stat | None] = [None] * n
        todo: list[int] = []
        touched: set[int] = set()
        diags: dict[str, list[Diagnostic]] = {}
        sups: dict[str, list[suppress.Suppression]] = {}
        # The loop of every warm run, over every file: plain locals, no method calls.
        row_of, keys = self._by_path.get, self._cols["keys"]
        sizes, mtimes, ctimes, inodes = (self._cols[c] for c in ("sizes", "mtimes", "ctimes", "inodes"))
        in_delta, base_limit, delta_limit = self._delta_rows, self._base_ref - RACY_NS, self._delta_ref - RACY_NS
        with_findings = self._diags.keys() | self._sups.keys()
        stat = os.stat
        for i, path in enumerate(paths):
            try:
                st = stat(path)
            except OSError:
                todo.append(i)  # the checker reports why
                continue
            ctime = st.st_ctime_ns
            stats[i] = (st.st_size, st.st_mtime_ns, ctime, st.st_ino)
            j = row_of(path)
            # Unchanged by its stat: the same stat, and last changed more than a second
            # before the run that recorded it (else a same-tick edit could hide).
            if j is None or sizes[j] != st.st_size or mtimes[j] != st.st_mtime_ns or ctimes[j] != ctime or (
                    inodes[j] != st.st_ino or ctime >= (delta_limit if j in in_delta else base_limit)):
                j = None
                if self._paths:  # read and hash it: maybe only its stat changed
                    raw, _ = read_file(path, self._bank_root)
                    j = self._row_of_key(content_key(path, raw)) if raw is not None else None
                    if j is not None:
                        touched.add(i)
            if j is not None and keys[j] in with_findings and not self._recall(j, path, diags, sups):
                j = None  # a corrupt entry: check the file
            if j is None:
                todo.append(i)
            else:
                rows[i] = j
        return Lookup(rows, stats, todo, touched, diags, sups)

    def _row_of_key(self, key: str) -> int | None:
        """The row recorded for this content (the file was touched, or its stat is racy)."""
        if self._by_key is None:
            self._by_key = {k: i for i, k in enumerate(self._cols["keys"])}
        return self._by_key.get(key)

    def _recall(self, j: int, path: str, diags: dict, sups: dict) -> bool:
        """Put row ``j``'s findings and suppressions under ``path``; False if corrupt."""
        try:
            found, silenced = self._findings_of(j)
        except ValueError:
            return False
        if found:
            diags[path] = found
        if silenced:
            sups[path] = silenced
        return True

    def column(self, name: str, rows: list[int]) -> list:
        """One fact (a name in ``ROW``) of each of ``rows`` (rows from ``lookup``, none -1)."""
        column = self._cols[name]
        return [column[j] for j in rows]

    def digest_codes(self) -> list[str]:
        """The bank rules whose summary digests the cache has."""
        return list(self._sd)

    def digests(self, code: str, rows: list[int]) -> list[str | None]:
        """One bank rule's summary digest of each of ``rows`` (None: the file has none)."""
        column = self._sd.get(code)
        return [column[j] for j in rows] if column is not None else [None] * len(rows)

    def bank_codes(self) -> list[str]:
        """The bank rules whose last findings the cache has, in order."""
        return sorted(self._bank) if self._paths else []

    def _findings_of(self, i: int) -> tuple[list[Diagnostic], list[suppress.Suppression]]:
        """Row ``i``'s findings and suppressions as objects (ValueError if they are corrupt)."""
        key = self._cols["keys"][i]
        try:
            diags, sups = self._diags.get(key), self._sups.get(key)
            return ([Diagnostic.from_dict(d) for d in diags] if diags else [],
                    [suppress.Suppression.from_list(v) for v in sups] if sups else [])
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise ValueError("corrupt cache entry") from exc

    def summary(self, code: str, digest: str | None) -> Any:
        """A bank-rule summary by its digest (KeyError if the cache does not have it)."""
        extra = self._delta_sums.get(code)
        if isinstance(extra, dict) and digest in extra:
            return extra[digest]  # without reading the whole store
        return self.store(code)[digest]

    def store(self, code: str) -> dict[str, Any]:
        """Every summary of one bank rule the cache has, by digest (the delta's included)."""
        if code not in self._stores:
            try:
                blob = self._read_store(code)
                self._stores[code] = blob["s"] if isinstance(blob.get("s"), dict) else {}
            except (OSError, ValueError, UnicodeDecodeError, RecursionError, AttributeError):
                self._stores[code] = {}
                self._damaged = self._damaged or code in self._sd  # the base names a store it cannot have
            extra = self._delta_sums.get(code)
            if isinstance(extra, dict):
                self._stores[code].update(extra)
        return self._stores[code]

    def _read_store(self, code: str) -> dict:
        blob = self._read_json(self._store_file(code))
        if blob["gen"] != self._gen:
            raise ValueError("a store of another base")
        return blob

    def _store_file(self, code: str) -> Path:
        return self._folder / f"lint-{self._tag}.{code}.json"

    def _state_file(self, code: str, part: str) -> Path:
        return self._folder / f"lint-{self._tag}.{code}.{part}.state"

    def rule_state(self, code: str, parts: tuple[str, ...]) -> dict[str, memoryview | None] | None:
        """What a stateful bank rule kept last time, by part (None if it kept nothing). The
        rule checks it against the bank itself, so a stale state is only slower, never wrong."""
        found = {part: self._map(self._state_file(code, part)) for part in parts}
        return found if any(v is not None for v in found.values()) else None

    def _map(self, path: Path) -> memoryview | None:
        if not is_real_folder(self._folder):
            return None
        try:
            fd, _ = open_regular(path, MAX_BYTES)
            try:
                # Mapped, not read: the rule copies out what it keeps, or uses it in place.
                data = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
            finally:
                os.close(fd)
            body = unseal(memoryview(data))
        except (OSError, ValueError):  # ValueError: an empty file, or a checksum that does not hold
            return None
        head = self._tag.encode() + b"\n"
        return body[len(head):] if body[:len(head)] == head else None

    def keep_state(self, code: str, state: Any) -> None:
        """What a stateful bank rule leaves for the next run (written by ``save``)."""
        self._states[code] = state

    def _write_states(self) -> None:
        for code, parts in self._states.items():
            for part, chunks in (parts or {}).items():  # in the rule's order: what others name first
                if chunks is None:
                    continue  # the rule keeps that part as it is
                with _sealed_writer(self._state_file(code, part)) as write:
                    write(self._tag.encode() + b"\n")
                    for chunk in chunks:
                        write(chunk)

    def bank_result(self, code: str, digest: str) -> list[Diagnostic] | None:
        """A bank rule's findings from the last run, if its inputs are the same."""
        entry = self._bank.get(code)
        try:
            if isinstance(entry, dict) and entry.get("digest") == digest:
                return [Diagnostic.from_dict(d) for d in entry["diags"]]
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
        return None

    def save(self, run: RunFacts, settle: Callable[[], object] = lambda: None) -> None:
        """Record this run: a new delta, or a new base when the delta has grown large.
        ``settle()`` completes ``run.bank`` and the states to keep (a bank rule may still be
        running apart, see engine._runs_apart): it is called once the summary stores, which
        need neither, are written."""
        codes = sorted(run.digests)
        # Only files checked or re-read this run, or recorded in the delta, can differ from
        # the base; the others are base rows the run took as they were.
        keep = set(run.keep)
        candidates = sorted({*run.checked, *run.touched, *(
            (i for i, j in enumerate(run.rows) if j in self._delta_rows) if self._delta_rows else ())} & keep)
        delta: dict[str, list] = {}
        for i in candidates:
            path = run.paths[i]
            j = self._by_path.get(path)
            size, mtime, ctime, inode = run.stats[i]
            row = [size, mtime, run.keys[i], run.ids[i], run.lines[i], run.cols[i], ctime, inode]  # as ROW
            digests = {c: run.digests[c][i] for c in codes if run.digests[c][i] is not None}
            if (j is not None and j < self._base_n and j not in self._delta_rows
                    and row == [self._cols[c][j] for c in ROW] and ctime < self._base_ref - RACY_NS
                    and digests == {c: col[j] for c, col in self._sd.items() if col[j] is not None}):
                continue  # the same as its base row after all (a racy one is recorded again, as
                # of this run, so later runs can trust its stat instead of reading it every time)
            delta[path] = row + [digests]
        # Base rows of files that are gone also count towards rewriting the base.
        in_base = sum(map(self._base_n.__gt__, run.rows)) - run.rows.count(-1) + sum(
            1 for i in run.checked if self._by_path.get(run.paths[i], self._base_n) < self._base_n)
        stale = self._base_n - in_base
        try:
            if cache_folder(self._root) is None:
                return  # something else stands in its place: never write through it
            if (not self._paths or self._damaged
                    or len(delta) + stale > max(self.REBASE_MIN, self.REBASE_SHARE * len(run.keep))):
                self._rebase(run, codes, settle)
            else:
                settle()
                self._write_states()
                self._write_delta(run, delta)
        except OSError:
            pass  # a read-only bank still lints; it just is not cached

    def _write_delta(self, run: RunFacts, delta: dict[str, list]) -> None:
        sums: dict[str, dict[str, Any]] = {}
        for path, row in list(delta.items()):
            needed = {}
            for code, digest in row[-1].items():
                if not self._in_base_store(code, digest):
                    value = needed[code, digest] = self._value(run, code, digest)
                    if value is _MISSING:
                        del delta[path]  # its base row (or none) stands: the file is read again
                        break
            else:
                for (code, digest), value in needed.items():
                    sums.setdefault(code, {})[digest] = value
        diags, sups = self._findings_by_key(run, {row[2] for row in delta.values()})
        blob = {"tag": self._tag, "gen": self._gen, "ref": self._started, "rows": delta, "diags": diags,
                "sups": sups, "sum": sums, "bank": run.bank}
        with _sealed_writer(self._delta_file) as write:
            write(json.dumps(blob, separators=(",", ":")).encode())

    def _findings_by_key(self, run: RunFacts, keys: Iterable[str]) -> tuple[dict, dict]:
        """Findings and suppressions by content key: this run's where it checked the file."""
        diags: dict[str, list] = {}
        sups: dict[str, list] = {}
        for k in keys:
            checked = run.findings.get(k)
            if checked is None:
                if k in self._diags:
                    diags[k] = self._diags[k]
                if k in self._sups:
                    sups[k] = self._sups[k]
                continue
            found, silenced = checked
            if found:
                diags[k] = [d.to_dict() for d in found]
            if silenced:
                sups[k] = [v.to_list() for v in silenced]
        return diags, sups

    def _in_base_store(self, code: str, digest: str) -> bool:
        """Whether the base's store holds ``digest``: it holds exactly the digests its
        columns named before the delta replaced some of its rows."""
        if digest in self._shadowed.get(code, ()):
            return True
        column, start = self._sd.get(code, []), 0
        while True:  # list.index scans in C: cheaper than a set of the whole column
            try:
                i = column.index(digest, start, self._base_n)
            except ValueError:
                return False
            if i not in self._delta_rows:
                return True
            start = i + 1

    def _value(self, run: RunFacts, code: str, digest: str) -> Any:
        """The summary with ``digest``: this run's, else the cache's; _MISSING if neither has it."""
        fresh = run.summaries.get(code, {})
        if digest in fresh:
            return fresh[digest]
        try:
            return self.summary(code, digest)
        except KeyError:
            return _MISSING

    def _rebase(self, run: RunFacts, codes: list[str], settle: Callable[[], object]) -> None:
        """Write every file worth recording as the new base of a new generation (and its
        summary stores, then ``settle()``, the states), and drop the delta."""
        remove_stale_temps([self._folder], self._root, self._started / 1e9)  # of runs killed mid-write
        for old in self._folder.glob("lint-*"):
            if not old.name.startswith(f"lint-{self._tag}."):  # another qbank, schema or options
                old.unlink(missing_ok=True)
        gen = os.urandom(8).hex()
        lost = {code: self._write_store(run, code, gen) for code in codes}
        rows = run.keep
        if any(lost.values()):  # rows whose summaries no one has: their files are checked again
            rows = [i for i in rows if not any(run.digests[c][i] in missing for c, missing in lost.items() if missing)]
        keys = [run.keys[i] for i in rows]
        blob = {
            "tag": self._tag, "gen": gen, "ref": self._started, "paths": [run.paths[i] for i in rows],
            **{name: [run.stats[i][at] for i in rows] for at, name in enumerate(("sizes", "mtimes", "ctimes", "inodes"))},
            **{name: [column[i] for i in rows] for name, column in
               (("keys", run.keys), ("ids", run.ids), ("lines", run.lines), ("cols", run.cols))},
            "sd": {c: [run.digests[c][i] for i in rows] for c in codes},
        }
        blob["diags"], blob["sups"] = self._findings_by_key(run, keys)
        # Encoded before ``settle()`` but for "bank", last: its closing brace is left off.
        body = json.dumps(blob, separators=(",", ":")).encode()[:-1]
        settle()
        self._write_states()
        with _sealed_writer(self._file) as write:
            write(body + b',"bank":' + json.dumps(run.bank, separators=(",", ":")).encode() + b"}")
        self._delta_file.unlink(missing_ok=True)

    def _write_store(self, run: RunFacts, code: str, gen: str) -> set[str]:
        """One rule's summaries, streamed in batches (100,000 of them are never one string;
        one encoder call per batch, not two per summary); returns the digests it could not
        find a summary for."""
        dumps = json.JSONEncoder(separators=(",", ":")).encode
        column = run.digests[code]
        fresh = run.summaries.get(code, {})
        seen: set[str] = set()
        lost: set[str] = set()
        batch: dict[str, Any] = {}
        with _sealed_writer(self._store_file(code)) as write:
            write(b'{"tag":' + dumps(self._tag).encode() + b',"gen":' + dumps(gen).encode() + b',"s":{')

            def flush() -> None:  # the batch's members, after those written before it
                write(("," if len(seen) > len(batch) else "").encode() + dumps(batch)[1:-1].encode())
                batch.clear()

            for i in run.keep:
                digest = column[i]
                if digest is None or digest in seen or digest in lost:
                    continue
                value = fresh[digest] if digest in fresh else self._value(run, code, digest)
                if value is _MISSING:
                    lost.add(digest)
                    continue
                batch[digest] = value
                seen.add(digest)
                if len(batch) == STORE_BATCH:
                    flush()
            if batch:
                flush()
            write(b"}}")
        return lost


_MISSING = object()  # a summary neither this run nor the cache has


def _code_stamp() -> str:
    """Sizes and mtimes of qbank's own modules: an edited rule (in a development install)
    invalidates the cache even before the version number changes."""
    pkg = Path(__file__).parent
    parts = []
    # Every package whose code decides a cached result (cli/ and export/ decide none).
    for sub in ("", "rules", "rules/bank", "textkit"):
        for entry in sorted(os.scandir(pkg / sub), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                st = entry.stat()
                parts.append(f"{sub}/{entry.name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)
