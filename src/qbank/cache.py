"""The lint cache: what earlier `qbank lint` runs found, so that a warm run reads, parses
and checks only the files that changed (see :class:`Cache`)."""

from __future__ import annotations

import json
import mmap
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from . import __version__, suppress
from .diagnostics import Diagnostic
from .digest import blake2b
from .fsutil import atomic_writer
from .schema import schema_text

if TYPE_CHECKING:
    from .config import Config
    from .engine import Table

CACHE_DIR = ".qbank_cache"

ROW = ("sizes", "mtimes", "keys", "ids", "lines", "cols")  # a file's facts besides its path
COLUMN_TYPES = {"sizes": {int}, "mtimes": {int}, "keys": {str}, "ids": {str, type(None)}, "lines": {int}, "cols": {int}}


def _typed(column: list, kinds: set) -> bool:
    """Whether every value in ``column`` is of one of ``kinds`` (exactly: True is no line)."""
    return set(map(type, column)) <= kinds


class Cache:
    """What earlier `qbank lint` runs found, in ``.qbank_cache/`` of the bank root, for one
    (qbank code, schema, rule options) combination. JSON, not pickle, so a tampered cache
    cannot run code; anything unreadable, corrupt or foreign is ignored and rebuilt: the
    cache can only make a run faster, never change what it reports.

    - ``lint-<tag>.json``, the base: one column per fact (path, size, mtime, content key, id
      and its position, each bank rule's summary digest), the findings and suppressions of
      the files that have any (by content key), and each bank rule's findings with the
      digest of its inputs. A warm run parses a few flat lists, not 10,000 objects.
    - ``lint-<tag>.delta.json``: the rows that changed since the base was written (and the
      summaries and findings they need), rewritten whole by each run. Editing one file
      costs a small write; the base is rewritten only when the delta grows past
      ``REBASE_SHARE`` of the bank.
    - ``lint-<tag>.<rule>.json``: each bank rule's summaries by digest, read only when that
      rule must run again.
    - ``lint-<tag>.<rule>.<part>.state``: what a stateful bank rule keeps between runs
      (QB902's stem index: its shingles, written by a full build only, and an index that
      names them), in the rule's own format, which the rule checks before using.

    A file whose size and mtime (ns) are those recorded, and that was last modified more
    than a second before the run that recorded it started (git's "racily clean" rule), is
    taken as unchanged without reading it; anything else is read and hashed.
    """

    REBASE_SHARE = 0.02
    REBASE_MIN = 100

    def __init__(self, root: Path, config: Config) -> None:
        self.started = time.time_ns()
        self.tag = blake2b(
            f"{__version__}\0{_code_stamp()}\0{schema_text()}\0{config.fingerprint()}".encode(),
            digest_size=8).hexdigest()
        self.folder = root / CACHE_DIR
        self.file = self.folder / f"lint-{self.tag}.json"
        self.delta_file = self.folder / f"lint-{self.tag}.delta.json"
        self.paths: list[str] = []
        self.cols: dict[str, list] = {c: [] for c in ROW}
        self.sd: dict[str, list] = {}        # bank rule -> summary digest per row
        self.diags: dict[str, list] = {}     # content key -> findings (as dicts)
        self.sups: dict[str, list] = {}
        self.bank: dict[str, Any] = {}
        self.by_path: dict[str, int] = {}
        self.base_n = 0                      # rows [0, base_n) are the base's
        self.base_ref = self.delta_ref = 0   # start time of the run that recorded them
        self.delta_rows: set[int] = set()    # rows whose latest facts are the delta's
        self.delta_sums: dict[str, dict[str, Any]] = {}
        self._by_key: dict[str, int] | None = None
        self._stores: dict[str, dict[str, Any]] = {}
        self._shadowed: dict[str, set[str]] = {}   # bank rule -> base digests the delta replaced
        self.states: dict[str, Any] = {}     # bank rule -> state to keep (see BankRule.stateful)

    def load(self) -> None:
        """Read what the last runs recorded (nothing, if it is unusable)."""
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
        self.paths, self.cols, self.sd, self.diags, self.sups, self.bank = [], {c: [] for c in ROW}, {}, {}, {}, {}
        self.by_path, self.base_n, self.delta_rows, self.delta_sums = {}, 0, set(), {}
        self.base_ref = self.delta_ref = 0

    def _read(self, path: Path) -> dict:
        with open(path, "rb") as fh:
            blob = json.loads(fh.read())
        if not isinstance(blob, dict) or blob.get("tag") != self.tag or not isinstance(blob.get("ref"), int):
            raise ValueError("foreign cache")
        if not all(isinstance(blob.get(c), dict) for c in ("diags", "sups", "bank")):
            raise ValueError("foreign cache")
        return blob

    def _load_base(self) -> None:
        blob = self._read(self.file)
        paths = blob["paths"]
        n = len(paths)
        if (not isinstance(paths, list) or any(not isinstance(blob[c], list) or len(blob[c]) != n for c in ROW)
                or not isinstance(blob["sd"], dict)
                or any(not isinstance(v, list) or len(v) != n for v in blob["sd"].values())
                or not all(_typed(blob[c], kinds) for c, kinds in COLUMN_TYPES.items())
                or not _typed(paths, {str}) or not all(_typed(v, {str, type(None)}) for v in blob["sd"].values())):
            raise ValueError("foreign cache")
        self.paths, self.cols, self.sd = paths, {c: blob[c] for c in ROW}, blob["sd"]
        self.diags, self.sups, self.bank = blob["diags"], blob["sups"], blob["bank"]
        self.by_path = {p: i for i, p in enumerate(paths)}
        self.base_n, self.base_ref = n, blob["ref"]

    def _load_delta(self) -> None:
        blob = self._read(self.delta_file)
        rows, sums = blob["rows"], blob["sum"]
        if not isinstance(rows, dict) or not isinstance(sums, dict) or not all(
                isinstance(v, list) and len(v) == len(ROW) + 1 and isinstance(v[-1], dict)
                and all(type(value) in COLUMN_TYPES[c] for c, value in zip(ROW, v))
                and _typed(list(v[-1].values()), {str}) for v in rows.values()):
            raise ValueError("foreign cache")
        for path, row in rows.items():
            i = self.by_path.get(path)
            if i is None:
                i = self.by_path[path] = len(self.paths)
                self.paths.append(path)
                for col in self.cols.values():
                    col.append(None)
                for col in self.sd.values():
                    col.append(None)
            for name, value in zip(ROW, row):
                self.cols[name][i] = value
            for code, col in self.sd.items():
                if i < self.base_n and col[i] is not None:
                    self._shadowed.setdefault(code, set()).add(col[i])
                col[i] = row[-1].get(code)
            for code, digest in row[-1].items():
                if code not in self.sd:
                    self.sd[code] = [None] * len(self.paths)
                    self.sd[code][i] = digest
            self.delta_rows.add(i)
        self.diags.update(blob["diags"])
        self.sups.update(blob["sups"])
        self.bank, self.delta_sums, self.delta_ref = blob["bank"], sums, blob["ref"]

    @staticmethod
    def key(path: str, raw: bytes) -> str:
        return blake2b(path.encode() + b"\0" + raw, digest_size=16).hexdigest()

    @property
    def empty(self) -> bool:
        return not self.paths

    def row_of_key(self, key: str) -> int | None:
        """The row recorded for this content (the file was touched, or its stat is racy)."""
        if self._by_key is None:
            self._by_key = {k: i for i, k in enumerate(self.cols["keys"])}
        return self._by_key.get(key)

    def findings(self, i: int) -> tuple[list[Diagnostic], list[suppress.Suppression]]:
        """Row ``i``'s findings and suppressions as objects (ValueError if they are corrupt)."""
        key = self.cols["keys"][i]
        try:
            diags, sups = self.diags.get(key), self.sups.get(key)
            return ([Diagnostic.from_dict(d) for d in diags] if diags else [],
                    [suppress.Suppression.from_list(v) for v in sups] if sups else [])
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise ValueError("corrupt cache entry") from exc

    def summary(self, code: str, digest: str | None) -> Any:
        """A bank-rule summary by its digest (KeyError if the cache does not have it)."""
        extra = self.delta_sums.get(code)
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
            extra = self.delta_sums.get(code)
            if isinstance(extra, dict):
                self._stores[code].update(extra)
        return self._stores[code]

    def _read_store(self, code: str) -> dict:
        with open(self.folder / f"lint-{self.tag}.{code}.json", "rb") as fh:
            blob = json.loads(fh.read())
        if not isinstance(blob, dict) or blob.get("tag") != self.tag:
            raise ValueError("foreign cache")
        return blob

    def _state_file(self, code: str, part: str) -> Path:
        return self.folder / f"lint-{self.tag}.{code}.{part}.state"

    def rule_state(self, code: str, parts: tuple[str, ...]) -> dict[str, memoryview | None] | None:
        """What a stateful bank rule kept last time, by part (None if it kept nothing). The
        rule checks it against the bank itself, so a stale state is only slower, never wrong."""
        found = {part: self._map(self._state_file(code, part)) for part in parts}
        return found if any(v is not None for v in found.values()) else None

    def _map(self, path: Path) -> memoryview | None:
        try:
            with open(path, "rb") as fh:
                # Mapped, not read: the rule copies out what it keeps, or uses it in place.
                data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # ValueError: an empty file
            return None
        head = self.tag.encode() + b"\n"
        return memoryview(data)[len(head):] if data[:len(head)] == head else None

    def _write_states(self) -> None:
        for code, parts in self.states.items():
            for part, chunks in (parts or {}).items():  # in the rule's order: what others name first
                if chunks is None:
                    continue  # the rule keeps that part as it is
                self.folder.mkdir(exist_ok=True)
                with atomic_writer(self._state_file(code, part), keep_mode=False, durable=False) as fh:
                    fh.write(self.tag.encode() + b"\n")
                    for chunk in chunks:
                        fh.write(chunk)

    def bank_result(self, code: str, digest: str) -> list[Diagnostic] | None:
        """A bank rule's findings from the last run, if its inputs are the same."""
        entry = self.bank.get(code)
        try:
            if isinstance(entry, dict) and entry.get("digest") == digest:
                return [Diagnostic.from_dict(d) for d in entry["diags"]]
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
        return None

    def save(self, table: Table, bank: dict[str, dict]) -> None:
        """Record this run: a new delta, or a new base when the delta has grown large."""
        codes = sorted(table.digests)
        cacheable = table.cacheable_rows()
        # Only rows checked or re-read this run, or recorded in the delta, can differ from
        # the base; the others are base rows the run took as they were.
        keep = set(cacheable)
        candidates = sorted({*table.fresh, *table.touched, *(
            (i for i, j in enumerate(table.source) if j in self.delta_rows) if self.delta_rows else ())} & keep)
        delta: dict[str, list] = {}
        for i in candidates:
            path = table.paths[i]
            j = self.by_path.get(path)
            row = [*table.stats[i], table.keys[i], table.ids[i], table.lines[i], table.cols[i]]
            digests = {c: table.digests[c][i] for c in codes if table.digests[c][i] is not None}
            if (j is not None and j < self.base_n and j not in self.delta_rows
                    and row == [self.cols[c][j] for c in ROW]
                    and digests == {c: col[j] for c, col in self.sd.items() if col[j] is not None}):
                continue  # the same as its base row after all
            delta[path] = row + [digests]
        # Base rows of files that are gone also count towards rewriting the base.
        in_base = sum(map(self.base_n.__gt__, table.source)) - table.source.count(-1) + sum(
            1 for i in table.fresh if self.by_path.get(table.paths[i], self.base_n) < self.base_n)
        stale = self.base_n - in_base
        try:
            self._write_states()
            if self.empty or len(delta) + stale > max(self.REBASE_MIN, self.REBASE_SHARE * len(cacheable)):
                self._rebase(table, cacheable, codes, bank)
            else:
                self._write_delta(table, delta, bank)
        except OSError:
            pass  # a read-only bank still lints; it just is not cached

    def _write_delta(self, table: Table, delta: dict[str, list], bank: dict[str, dict]) -> None:
        keys = {row[2] for row in delta.values()}
        sums: dict[str, dict[str, Any]] = {}
        for row in delta.values():
            for code, digest in row[-1].items():
                if not self._in_base_store(code, digest):
                    sums.setdefault(code, {})[digest] = self._value(table, code, digest)
        diags, sups = self._findings(table, keys)
        blob = {"tag": self.tag, "ref": self.started, "rows": delta, "diags": diags, "sups": sups,
                "sum": sums, "bank": bank}
        with atomic_writer(self.delta_file, keep_mode=False, durable=False) as fh:
            fh.write(json.dumps(blob, separators=(",", ":")).encode())

    def _findings(self, table: Table, keys: Iterable[str]) -> tuple[dict, dict]:
        """Findings and suppressions by content key: this run's where it checked the file."""
        fresh = {r.key: r for r in table.fresh.values() if r.key is not None}
        diags: dict[str, list] = {}
        sups: dict[str, list] = {}
        for k in keys:
            r = fresh.get(k)
            if r is None:
                if k in self.diags:
                    diags[k] = self.diags[k]
                if k in self.sups:
                    sups[k] = self.sups[k]
                continue
            if r.diagnostics:
                diags[k] = [d.to_dict() for d in r.diagnostics]
            if r.suppressions:
                sups[k] = [v.to_list() for v in r.suppressions]
        return diags, sups

    def _in_base_store(self, code: str, digest: str) -> bool:
        """Whether the base's store holds ``digest``: it holds exactly the digests its
        columns named before the delta replaced some of its rows."""
        if digest in self._shadowed.get(code, ()):
            return True
        column, start = self.sd.get(code, []), 0
        while True:  # list.index scans in C: cheaper than a set of the whole column
            try:
                i = column.index(digest, start, self.base_n)
            except ValueError:
                return False
            if i not in self.delta_rows:
                return True
            start = i + 1

    def _value(self, table: Table, code: str, digest: str) -> Any:
        fresh = table.summaries.get(code, {})
        return fresh[digest] if digest in fresh else self.summary(code, digest)

    def _rebase(self, table: Table, rows: list[int], codes: list[str], bank: dict[str, dict]) -> None:
        """Write every cacheable row as the new base (and the summary stores) and drop the delta."""
        self.folder.mkdir(exist_ok=True)
        if not (self.folder / ".gitignore").exists():
            (self.folder / ".gitignore").write_text("# created by qbank; safe to delete\n*\n")
        for old in self.folder.glob("lint-*"):
            if not old.name.startswith(f"lint-{self.tag}."):  # another qbank, schema or options
                old.unlink(missing_ok=True)
        for code in codes:
            self._write_store(table, rows, code)
        keys = [table.keys[i] for i in rows]
        blob = {
            "tag": self.tag, "ref": self.started, "paths": [table.paths[i] for i in rows],
            "sizes": [table.stats[i][0] for i in rows], "mtimes": [table.stats[i][1] for i in rows],
            **{name: [column[i] for i in rows] for name, column in
               (("keys", table.keys), ("ids", table.ids), ("lines", table.lines), ("cols", table.cols))},
            "sd": {c: [table.digests[c][i] for i in rows] for c in codes},
            "bank": bank,
        }
        blob["diags"], blob["sups"] = self._findings(table, keys)
        with atomic_writer(self.file, keep_mode=False, durable=False) as fh:
            fh.write(json.dumps(blob, separators=(",", ":")).encode())
        self.delta_file.unlink(missing_ok=True)

    def _write_store(self, table: Table, rows: list[int], code: str) -> None:
        """One rule's summaries, streamed (100,000 of them are never one string)."""
        dumps = json.JSONEncoder(separators=(",", ":")).encode
        column = table.digests[code]
        seen: set[str] = set()
        with atomic_writer(self.folder / f"lint-{self.tag}.{code}.json", keep_mode=False, durable=False) as fh:
            fh.write(b'{"tag":' + dumps(self.tag).encode() + b',"s":{')
            for i in rows:
                digest = column[i]
                if digest is None or digest in seen:
                    continue
                seen.add(digest)
                value = self._value(table, code, digest)
                fh.write(f'{"," if len(seen) > 1 else ""}{dumps(digest)}:{dumps(value)}'.encode())
            fh.write(b"}}")


def _code_stamp() -> str:
    """Sizes and mtimes of qbank's own modules: an edited rule (in a development install)
    invalidates the cache even before the version number changes."""
    pkg = Path(__file__).parent
    parts = []
    for folder in (pkg, pkg / "rules"):
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                st = entry.stat()
                parts.append(f"{entry.name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)
