"""The pipeline: discover -> load -> validate -> lint (per file, cached, in parallel) ->
bank rules -> config and suppressions. Every command reads the bank through here.

A warm run (a cache to read) is shaped for speed: the per-file facts live in columns
(``Table``), files whose stat is unchanged are answered from the cache without being read,
the few changed files go to a standby checker forked as the run starts (standby.py), and
the cache gets a small delta instead of a rewrite."""

from __future__ import annotations

import gc
import json
import mmap
import os
import sys
import time
import traceback
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from . import __version__, suppress
from .bank import Bank
from .config import Config, load_config
from .fsutil import atomic_writer, read_file
from .diagnostics import Diagnostic, Severity, error
from .digest import blake2b
from .discover import discover_paths
from .rules.base import BankInput, BankRule, ItemContext, RuleOptions
from .schema import schema_text
from .standby import MAX_FILES as STANDBY_MAX, Standby

if TYPE_CHECKING:
    from .model import Question

# The loader, validator and rules are imported where a file is actually checked: a warm
# run that answers everything from the cache never loads YAML or compiles a rule regex.

CACHE_DIR = ".qbank_cache"
PARALLEL_MIN_FILES = 200  # below this, starting workers costs more than it saves


@dataclass(slots=True)
class FileResult:
    """What one file contributes to a run; everything but ``question`` is cached."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    qid: str | None = None
    id_pos: tuple[int, int] = (1, 1)
    summaries: dict[str, Any] = field(default_factory=dict)
    suppressions: list[suppress.Suppression] = field(default_factory=list)
    has_media: bool = False
    digests: dict[str, str] = field(default_factory=dict)  # bank rule -> hash of its summary
    question: Question | None = None
    key: str | None = None  # cache key of the content that was checked

    def to_wire(self) -> tuple:
        """Plain values (for marshal, between this process and a standby checker)."""
        return (self.path, [d.to_dict() for d in self.diagnostics], self.qid, list(self.id_pos), self.summaries,
                [s.to_list() for s in self.suppressions], self.has_media, self.digests, self.key)

    @classmethod
    def from_wire(cls, v: tuple) -> "FileResult":
        return cls(v[0], [Diagnostic.from_dict(d) for d in v[1]], v[2], tuple(v[3]), v[4],
                   [suppress.Suppression.from_list(s) for s in v[5]], v[6], v[7], None, v[8])


@dataclass(frozen=True)
class Job:
    bank_root: str
    lint: bool
    options: RuleOptions
    want_questions: bool


def check_file(path: str, raw: bytes | None, job: Job) -> FileResult:
    """Load, validate and (for lint) run every item rule on one file. Never raises."""
    result = FileResult(path)
    try:
        _check_file(result, raw, job)
    except Exception:  # a bug in qbank must still come out as a diagnostic
        where = traceback.extract_tb(sys.exc_info()[2])[-1]
        result.diagnostics.append(Diagnostic(
            path, 1, 1, "QB000", "internal-error", Severity.ERROR,
            f"qbank failed on this file ({where.name}:{where.lineno}); please report it with the file"))
    return result


def _check_file(result: FileResult, raw: bytes | None, job: Job) -> None:
    from .loader import load
    from .model import question_from_data
    from .rules import bank_rules, item_rules
    from .validate import check_document, check_media, markdown_fields

    path = result.path
    if raw is None:
        raw, diag = read_file(path)
        if diag:
            result.diagnostics.append(diag)
            return
    result.key = Cache.key(path, raw)
    doc, diags = load(path, raw)
    result.diagnostics.extend(diags)
    if doc is None:
        return
    text_suppressions = suppress.from_comments(raw.decode("utf-8-sig", "replace")) if b"qbank:" in raw else []
    diags.extend(check_document(doc))
    data = doc.data
    if isinstance(data, dict):
        if isinstance(data.get("id"), str):
            result.qid = data["id"]
            result.id_pos = doc.pos(("id",))
        result.has_media = any("![" in text for _, text in markdown_fields(data))
        if result.has_media:
            diags.extend(check_media(doc, job.bank_root))
    result.diagnostics = list(diags)
    if any(d.severity is Severity.ERROR for d in diags):
        return
    question = question_from_data(data, path)
    if job.want_questions:
        result.question = question
    if not job.lint:
        return
    result.suppressions = text_suppressions + suppress.from_item(data, doc.pos)
    ctx = ItemContext(doc, question, job.options)
    for rule in item_rules():
        try:
            result.diagnostics.extend(rule.check(ctx))
        except Exception:  # one broken rule must not hide the others' findings
            result.diagnostics.append(_internal(path, rule.code))
    for rule in bank_rules():
        try:
            summary = result.summaries[rule.code] = rule.summarize(ctx)
            result.digests[rule.code] = _digest(json.dumps(summary, sort_keys=True))
        except Exception:
            result.diagnostics.append(_internal(path, rule.code))


def _digest(text: str) -> str:
    return blake2b(text.encode(), digest_size=8).hexdigest()


def _internal(path: str, code: str) -> Diagnostic:
    return Diagnostic(path, 1, 1, "QB000", "internal-error", Severity.ERROR,
                      f"rule {code} failed on this file; please report it with the file")


# --- running many files --------------------------------------------------------------------

def _check_chunk(args: tuple[list[str], Job]) -> list[FileResult]:
    paths, job = args
    return [check_file(path, None, job) for path in paths]


def check_files(items: list[str], job: Job, jobs: int | None) -> list[FileResult]:
    """Check files in order; in worker processes when there are many. The result order is
    the input order whatever ``jobs`` is, so output never depends on parallelism."""
    workers = min(jobs or os.cpu_count() or 1, 61)
    if workers <= 1 or len(items) < PARALLEL_MIN_FILES:
        return _check_chunk((items, job))
    import multiprocessing

    # Contiguous chunks, several per worker: balanced load, results concatenate in order.
    n = max(1, min(len(items) // (workers * 4), 500))
    chunks = [(items[i:i + n], job) for i in range(0, len(items), n)]
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    try:
        with ctx.Pool(workers) as pool:
            return [r for part in pool.imap(_check_chunk, chunks) for r in part]
    except (OSError, RuntimeError):  # no processes to be had: do it here
        return _check_chunk((items, job))


# --- cache ---------------------------------------------------------------------------------

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


# --- the bank ------------------------------------------------------------------------------

@dataclass(slots=True)
class Table:
    """Every file's facts in this run, one list per fact, in discovery order. A warm run
    fills the columns from the cache's columns (list indexing, no object per file) and
    patches in the files it checked."""

    paths: list[str]
    source: list[int]                      # cache row the facts came from; -1: checked this run
    stats: list[tuple[int, int] | None]   # (size, mtime ns) when the cache is in use
    keys: list[str | None]
    ids: list[str | None]
    lines: list[int]
    cols: list[int]
    digests: dict[str, list[str | None]]   # bank rule -> summary digest per file
    diags: dict[str, list[Diagnostic]]     # path -> findings, for files that have any
    sups: dict[str, list[suppress.Suppression]]
    fresh: dict[int, FileResult]           # row -> full result, for files checked this run
    touched: set[int]                      # rows from the cache whose stat had changed
    summaries: dict[str, dict[str, Any]]   # bank rule -> digest -> summary computed this run

    def cacheable_rows(self) -> list[int]:
        """Rows worth recording: every file with a stat, except fresh ones with images
        (checked every run: their media can change on their own) or unreadable ones."""
        skip = {i for i, r in self.fresh.items() if r.key is None or r.has_media
                or any(d.code in ("QB000", "QB002") for d in r.diagnostics)}
        if not skip and None not in self.stats:
            return list(range(len(self.stats)))
        return [i for i, st in enumerate(self.stats) if st is not None and i not in skip]


def run(paths: list[Path], *, lint: bool, jobs: int | None = None, use_cache: bool = True,
        want_questions: bool = False, config: Config | None = None) -> tuple[Bank, Config]:
    """Check every question file under ``paths``; returns the bank and the config used."""
    config = config or load_config(paths)
    job = Job(str(config.root), lint, config.options, want_questions)
    cache = Cache(config.root, config) if (use_cache and lint and not want_questions) else None

    def find() -> list[str]:  # as named: relative paths stay relative
        return [p for p in discover_paths(paths) if not config.excluded(p)]

    standby = None
    if cache is not None and cache.file.exists() and Standby.available(jobs):
        try:
            standby = Standby(job, find)  # walks the bank and imports the checker meanwhile
        except OSError:
            standby = None
    # The run makes many long-lived objects and no garbage cycles worth collecting; the
    # cyclic collector would rescan them over and over (it is what makes 100k files slower
    # per file than 10k).
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        if cache is not None:
            cache.load()
        shown = (standby.discovered() if standby is not None else None) or find()
        table = _check_all(shown, job, jobs, cache, standby)
        extra = list(config.diagnostics) + list(_duplicate_ids(table))
        bank_results: dict[str, dict] = {}
        if lint:
            extra += _run_bank_rules(table, config.options, cache, bank_results)
        if cache is not None:
            cache.save(table, bank_results)
        diags = _select(table, extra, config, lint)
    finally:
        if standby is not None:
            standby.close()
        if gc_was_on:
            gc.enable()
    questions = [table.fresh[i].question for i in sorted(table.fresh)]
    bank = Bank(root=config.root, name=config.name, diagnostics=diags, files=len(shown),
                questions=[q for q in questions if q is not None])
    return bank, config


def _check_all(shown: list[str], job: Job, jobs: int | None, cache: Cache | None,
               standby: Standby | None = None) -> Table:
    """Every file's facts: from the cache where its content is unchanged, else checked."""
    n = len(shown)
    source = [-1] * n
    stats: list[tuple[int, int] | None] = [None] * n
    diags: dict[str, list[Diagnostic]] = {}
    sups: dict[str, list[suppress.Suppression]] = {}
    todo: list[int] = []
    touched: set[int] = set()
    if cache is None:
        todo = list(range(n))
    else:
        # The loop of every warm run, over every file: plain locals, no method calls.
        row_of, sizes, mtimes, keys = cache.by_path.get, cache.cols["sizes"], cache.cols["mtimes"], cache.cols["keys"]
        in_delta, base_limit, delta_limit = cache.delta_rows, cache.base_ref - 10**9, cache.delta_ref - 10**9
        with_findings = cache.diags.keys() | cache.sups.keys()
        for i, path in enumerate(shown):
            try:
                st = os.stat(path)
            except OSError:
                todo.append(i)  # the checker reports why
                continue
            size, mtime = stats[i] = (st.st_size, st.st_mtime_ns)
            j = row_of(path)
            # Unchanged by its stat: same size and mtime, and last modified more than a
            # second before the run that recorded it (else a same-second edit could hide).
            if j is None or sizes[j] != size or mtimes[j] != mtime or mtime >= (
                    delta_limit if j in in_delta else base_limit):
                j = None
                if not cache.empty:  # read and hash it: maybe only its stat changed
                    raw, _ = read_file(path)
                    j = cache.row_of_key(Cache.key(path, raw)) if raw is not None else None
                    if j is not None:
                        touched.add(i)
            if j is not None and keys[j] in with_findings and not _cached_findings(cache, j, path, diags, sups):
                j = None  # a corrupt entry: check the file
            if j is None:
                todo.append(i)  # workers read the file themselves: raw text never piles up here
            else:
                source[i] = j
    names = [shown[i] for i in todo]
    done = standby.check(names) if standby is not None and 0 < len(todo) <= STANDBY_MAX else None
    if standby is not None:
        standby.close()
    fresh = dict(zip(todo, done if done is not None else check_files(names, job, jobs)))

    hits = len(fresh) < n

    def column(cached: list, fact) -> list:
        out = [cached[j] for j in source] if hits else [None] * n
        for i, r in fresh.items():
            out[i] = fact(r)
        return out

    c = cache.cols if cache is not None else dict.fromkeys(ROW, [])
    table = Table(list(shown), source, stats, column(c["keys"], lambda r: r.key), column(c["ids"], lambda r: r.qid),
                  column(c["lines"], lambda r: r.id_pos[0]), column(c["cols"], lambda r: r.id_pos[1]),
                  {}, diags, sups, fresh, touched, {})
    for r in fresh.values():
        if r.diagnostics:
            diags[r.path] = r.diagnostics
        if r.suppressions:
            sups[r.path] = r.suppressions
    codes = set(cache.sd if cache is not None else ()) | {code for r in fresh.values() for code in r.digests}
    for code in sorted(codes):
        table.digests[code] = column(cache.sd.get(code, []) if cache is not None else [],
                                           lambda r: r.digests.get(code))
        for r in fresh.values():
            if code in r.summaries:
                table.summaries.setdefault(code, {})[r.digests[code]] = r.summaries[code]
    return table


def _cached_findings(cache: Cache, j: int, path: str, diags: dict, sups: dict) -> bool:
    """Put cache row ``j``'s findings and suppressions under ``path``; False if corrupt."""
    try:
        found, silenced = cache.findings(j)
    except ValueError:
        return False
    if found:
        diags[path] = found
    if silenced:
        sups[path] = silenced
    return True


def _select(table: Table, extra: list[Diagnostic], config: Config, lint: bool) -> list[Diagnostic]:
    """All findings after config (select/ignore/severity/per-file) and suppressions, sorted."""
    per_file: dict[str, list[Diagnostic]] = {path: list(found) for path, found in table.diags.items()}
    for d in extra:
        per_file.setdefault(d.path, []).append(d)
    sups = table.sups
    known: set[str] = set()
    if sups:
        from .rules import all_rules

        known = set(all_rules())
    diags: list[Diagnostic] = []
    cwd = os.getcwd()
    for path in per_file.keys() | sups.keys():
        file_diags = per_file.get(path, [])
        rel = _relative(path, config.root, cwd)
        selected = [d for d in (_configured(d, config, rel) for d in file_diags) if d is not None]
        if lint:
            selected = suppress.apply(path, selected, sups.get(path, []), known,
                                      lambda code: config.enabled(code, rel))
            selected = [d for d in selected if d.code != "QB007" or config.enabled("QB007", rel)]
        diags.extend(selected)
    diags.sort(key=Diagnostic.sort_key)
    return diags


def load_bank(paths: list[Path] | None = None, *, lint: bool = False, jobs: int | None = None,
              use_cache: bool = True) -> Bank:
    """Every valid question under ``paths`` (default ``bank/``), plus all diagnostics."""
    bank, _ = run(list(paths or [Path("bank")]), lint=lint, jobs=jobs, use_cache=use_cache,
                  want_questions=True)
    return bank


def _relative(path: str, root: Path, cwd: str) -> str:
    """``path`` relative to the bank root, with forward slashes (for per-file-ignores)."""
    full = os.path.normpath(os.path.join(cwd, path))
    prefix = str(root).rstrip(os.sep) + os.sep
    rel = full[len(prefix):] if full.startswith(prefix) else path
    return rel.replace(os.sep, "/")


def _configured(d: Diagnostic, config: Config, rel: str) -> Diagnostic | None:
    """Apply select/ignore/per-file-ignores and severity overrides to lint findings;
    file and schema errors always stand."""
    if d.code < "QB102" or d.code == "QB105":
        return d
    if not config.enabled(d.code, rel):
        return None
    sev = config.severity.get(d.code)
    return d.with_severity(sev) if sev and sev is not d.severity else d


def _duplicate_ids(table: Table) -> Iterable[Diagnostic]:
    """QB005 at every file that shares an id, each naming the others."""
    counts = Counter(table.ids)
    by_id: dict[str, list[int]] = {}
    for i, qid in enumerate(table.ids):
        if qid is not None and counts[qid] > 1:
            by_id.setdefault(qid, []).append(i)
    for qid, group in by_id.items():
        for i in group:
            others = [(table.paths[o], table.lines[o], table.cols[o]) for o in group if o != i]
            names = ", ".join(f"{p}:{line}" for p, line, _ in others)
            d = error(table.paths[i], table.lines[i], table.cols[i], "QB005",
                      f"id '{qid}' is also used by {names}; ids must be unique in the bank")
            yield Diagnostic(d.path, d.line, d.column, d.code, d.name, d.severity, d.message,
                             related=tuple(others))


def _run_bank_rules(table: Table, options: RuleOptions, cache: Cache | None,
                    record: dict[str, dict]) -> list[Diagnostic]:
    """Every bank rule over the per-file summaries. A rule whose inputs (each file's path,
    id position and summary digest) are those of the last run reuses its findings, so an
    edit that leaves the summaries alone (a comment, a rationale) costs no bank work."""
    out: list[Diagnostic] = []
    recorded = sorted(cache.bank) if cache is not None and not cache.empty else []
    rules = None if recorded else _bank_rules_by_code()
    # Joined columns, not JSON: this runs on every warm lint.
    where = blake2b("\0".join(table.paths).encode("utf-8", "surrogateescape"), digest_size=8)
    where.update(array("q", table.lines).tobytes() + array("q", table.cols).tobytes())
    for code in recorded or list(rules):
        column = table.digests.get(code, [])
        h = where.copy()
        h.update("\0".join([d or "-" for d in column]).encode())
        digest = h.hexdigest()
        found = cache.bank_result(code, digest) if cache is not None else None
        if found is None:
            rules = rules or _bank_rules_by_code()
            if code not in rules:
                continue
            found = _run_bank_rule(rules[code], table, column, options, cache)
        record[code] = {"digest": digest, "diags": [d.to_dict() for d in found]}
        out.extend(found)
    return out


def _run_bank_rule(rule: BankRule, table: Table, column: list[str | None], options: RuleOptions,
                   cache: Cache | None) -> list[Diagnostic]:
    """One bank rule over every file's summary; a stateful rule gets its state from the
    cache and leaves the new one there."""
    bank = BankInput(table.paths, table.lines, table.cols, column or [None] * len(table.paths),
                     lambda i: _summary(table, i, rule.code, cache, options),
                     lambda: _summaries(table, rule.code, cache, options))
    state = cache.rule_state(rule.code, rule.state_parts) if cache is not None and rule.stateful else None
    try:
        found, state = rule.check_incremental(bank, options, state)
    except Exception:
        have = [i for i, d in enumerate(column) if d is not None]
        return [_internal(table.paths[have[0]] if have else ".", rule.code)]
    if cache is not None and rule.stateful:
        cache.states[rule.code] = state
    return found


def _bank_rules_by_code() -> dict:
    from .rules import bank_rules

    return {r.code: r for r in bank_rules()}


def _summaries(table: Table, code: str, cache: Cache | None, options: RuleOptions) -> list[Any]:
    """Every file's summary for a bank rule, in order (files without one left out), read in
    one batch: computed this run, else from the cache's store, else by checking the file."""
    column = table.digests.get(code, [])
    known = dict(cache.store(code)) if cache is not None else {}
    known.update(table.summaries.get(code, {}))
    missing = object()
    found = [known.get(d, missing) for d in column if d is not None]
    if any(v is missing for v in found):
        rows = [i for i, d in enumerate(column) if d is not None]
        found = [v if v is not missing else _summary(table, i, code, cache, options) for i, v in zip(rows, found)]
    return found


def _summary(table: Table, i: int, code: str, cache: Cache | None, options: RuleOptions) -> Any:
    """A file's summary for a bank rule: computed this run, else from the cache's store,
    else (a store that lost it) by checking the file again."""
    digest = table.digests[code][i]
    fresh = table.summaries.get(code, {})
    if digest in fresh:
        return fresh[digest]
    if cache is not None:
        try:
            return cache.summary(code, digest)
        except KeyError:
            pass
    result = check_file(table.paths[i], None, Job(".", True, options, False))
    for c, value in result.summaries.items():
        table.summaries.setdefault(c, {})[result.digests[c]] = value
    return result.summaries[code]
