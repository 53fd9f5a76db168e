"""The pipeline: discover -> load -> validate -> lint (per file, cached, in parallel) ->
bank rules -> config and suppressions. Every command reads the bank through here."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from . import __version__, suppress
from .bank import Bank
from .config import Config, load_config
from .fsutil import atomic_writer
from .diagnostics import Diagnostic, Severity, error
from .discover import discover_paths
from .rules.base import BankItem, ItemContext, RuleOptions
from .schema import schema_text

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
    from .loader import load, read_file
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
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


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

class Cache:
    """What the last `qbank lint` found, in ``.qbank_cache/`` of the bank root, for one
    (qbank code, schema, rule options) combination.

    Two files. ``lint-<tag>.json`` holds one column per fact (path, size, mtime, content
    key, id, id position, summary digests), the findings and suppressions of the files that
    have any, and the bank rules' findings with the digest of their inputs: a warm run
    parses a few flat lists, not 10,000 objects. ``lint-<tag>.summaries.json`` holds the
    bank-rule summaries by their digest, and is read only when a bank rule must run again.

    A file whose size and mtime (ns) are those recorded, and that was not modified in the
    second before the cache was written (git's "racily clean" rule), is taken as unchanged
    without reading it; anything else is read and hashed. Anything unreadable, corrupt or
    foreign is ignored and rebuilt: the cache can only make a run faster, never change what
    it reports. JSON, not pickle, so a tampered cache cannot run code.
    """

    COLUMNS = ("paths", "sizes", "mtimes", "keys", "ids", "lines", "cols")

    def __init__(self, root: Path, config: Config) -> None:
        self.tag = hashlib.blake2b(
            f"{__version__}\0{_code_stamp()}\0{schema_text()}\0{config.fingerprint()}".encode(),
            digest_size=8).hexdigest()
        self.file = root / CACHE_DIR / f"lint-{self.tag}.json"
        self.summary_file = root / CACHE_DIR / f"lint-{self.tag}.summaries.json"
        self.blob: dict[str, Any] = {}
        self.by_key: dict[str, int] = {}
        self.by_path: dict[str, int] = {}
        self._summaries: dict[str, dict[str, Any]] | None = None
        try:
            with open(self.file, "rb") as fh:
                blob = json.loads(fh.read())
            n = len(blob["paths"])
            if (blob["tag"] != self.tag or not isinstance(blob["written"], int)
                    or any(not isinstance(blob[c], list) or len(blob[c]) != n for c in self.COLUMNS)
                    or not all(isinstance(blob[c], dict) for c in ("sd", "diags", "sups", "bank"))
                    or any(not isinstance(v, list) or len(v) != n for v in blob["sd"].values())):
                raise ValueError("foreign cache")
            self.blob = blob
            self.by_key = {k: i for i, k in enumerate(blob["keys"])}
            self.by_path = {p: i for i, p in enumerate(blob["paths"])}
            self._digest_columns = list(blob["sd"].items())
        except (OSError, ValueError, UnicodeDecodeError, RecursionError, KeyError, TypeError):
            self.blob = {}

    @staticmethod
    def key(path: str, raw: bytes) -> str:
        return hashlib.blake2b(path.encode() + b"\0" + raw, digest_size=16).hexdigest()

    @property
    def empty(self) -> bool:
        return not self.blob

    def unchanged_key(self, path: str, st: os.stat_result) -> str | None:
        """The content key recorded for ``path`` if its stat says it has not changed."""
        i = self.by_path.get(path)
        b = self.blob
        if (i is not None and b["sizes"][i] == st.st_size and b["mtimes"][i] == st.st_mtime_ns
                and st.st_mtime_ns < b["written"] - 1_000_000_000):
            return b["keys"][i]
        return None

    def get(self, key: str, path: str) -> FileResult | None:
        i = self.by_key.get(key)
        if i is None:
            return None
        b = self.blob
        try:
            diags, sups = b["diags"].get(key), b["sups"].get(key)
            result = FileResult(path, [Diagnostic.from_dict(d) for d in diags] if diags else [],
                                b["ids"][i], (int(b["lines"][i]), int(b["cols"][i])), {},
                                [suppress.Suppression.from_list(v) for v in sups] if sups else [],
                                digests={code: col[i] for code, col in self._digest_columns if col[i] is not None},
                                key=key)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None
        return result

    def summary(self, code: str, digest: str | None) -> Any:
        """A bank-rule summary by its digest (KeyError if the store does not have it)."""
        if self._summaries is None:
            try:
                with open(self.summary_file, "rb") as fh:
                    store = json.loads(fh.read())
                self._summaries = store if isinstance(store, dict) and store.get("tag") == self.tag else {}
            except (OSError, ValueError, UnicodeDecodeError, RecursionError):
                self._summaries = {}
        return self._summaries[code][digest]

    def bank_result(self, code: str, digest: str) -> list[Diagnostic] | None:
        """A bank rule's findings from the last run, if its inputs are the same."""
        entry = self.blob.get("bank", {}).get(code) if self.blob else None
        try:
            if isinstance(entry, dict) and entry.get("digest") == digest:
                return [Diagnostic.from_dict(d) for d in entry["diags"]]
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
        return None

    def save(self, rows: list[tuple[FileResult, list]], bank: dict[str, dict]) -> None:
        """Record this run: ``rows`` are (result, [size, mtime]) of the cacheable files."""
        codes = sorted({c for r, _ in rows for c in r.digests})
        blob = {
            "tag": self.tag, "written": time.time_ns(),
            "paths": [r.path for r, _ in rows], "sizes": [st[0] for _, st in rows],
            "mtimes": [st[1] for _, st in rows], "keys": [r.key for r, _ in rows],
            "ids": [r.qid for r, _ in rows], "lines": [r.id_pos[0] for r, _ in rows],
            "cols": [r.id_pos[1] for r, _ in rows],
            "sd": {c: [r.digests.get(c) for r, _ in rows] for c in codes},
            "diags": {r.key: [d.to_dict() for d in r.diagnostics] for r, _ in rows if r.diagnostics},
            "sups": {r.key: [v.to_list() for v in r.suppressions] for r, _ in rows if r.suppressions},
            "bank": bank,
        }
        unchanged = self.blob and all(blob[c] == self.blob.get(c) for c in blob if c != "written")
        # The store holds exactly the digests the last run's columns name: no need to read it
        # to know whether this run's fresh summaries are in it already.
        known = {c: set(col) for c, col in self.blob.get("sd", {}).items()}
        stored = bool(self.blob) and all(r.digests[c] in known.get(c, ()) for r, _ in rows for c in r.summaries)
        try:
            folder = self.file.parent
            folder.mkdir(exist_ok=True)
            if not (folder / ".gitignore").exists():
                (folder / ".gitignore").write_text("# created by qbank; safe to delete\n*\n")
            for old in folder.glob("lint-*.json"):
                if old not in (self.file, self.summary_file):
                    old.unlink(missing_ok=True)
            if not stored:
                self._write_summaries(rows, codes)
            if not unchanged or not stored:
                with atomic_writer(self.file, keep_mode=False, durable=False) as fh:
                    fh.write(json.dumps(blob, separators=(",", ":")).encode())
        except OSError:
            pass  # a read-only bank still lints; it just is not cached

    def _write_summaries(self, rows: list[tuple[FileResult, list]], codes: list[str]) -> None:
        """The summaries this run refers to, streamed (100,000 of them are never one string)."""
        dumps = json.JSONEncoder(separators=(",", ":")).encode
        with atomic_writer(self.summary_file, keep_mode=False, durable=False) as fh:
            fh.write(b'{"tag":' + dumps(self.tag).encode())
            for code in codes:
                fh.write(b"," + dumps(code).encode() + b":{")
                seen: set[str] = set()
                for r, _ in rows:
                    digest = r.digests.get(code)
                    if digest is None or digest in seen:
                        continue
                    seen.add(digest)
                    value = r.summaries[code] if code in r.summaries else self.summary(code, digest)
                    fh.write(f'{"," if len(seen) > 1 else ""}{dumps(digest)}:{dumps(value)}'.encode())
                fh.write(b"}")
            fh.write(b"}")


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

def run(paths: list[Path], *, lint: bool, jobs: int | None = None, use_cache: bool = True,
        want_questions: bool = False, config: Config | None = None) -> tuple[Bank, Config]:
    """Check every question file under ``paths``; returns the bank and the config used."""
    config = config or load_config(paths)
    shown = [p for p in discover_paths(paths) if not config.excluded(p)]  # as named: relative stays relative
    job = Job(str(config.root), lint, config.options, want_questions)
    cache = Cache(config.root, config) if (use_cache and lint and not want_questions) else None
    # The run makes many long-lived objects and no garbage cycles worth collecting; the
    # cyclic collector would rescan them over and over (it is what makes 100k files slower
    # per file than 10k).
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        results, stats = _check_all(shown, job, jobs, cache)
        extra = list(config.diagnostics) + list(_duplicate_ids(results))
        bank_results: dict[str, dict] = {}
        if lint:
            extra += _run_bank_rules(results, config.options, cache, bank_results)
        if cache is not None:
            # Files with images are re-checked every run: their media can change on their own.
            cache.save([(r, stats[r.path]) for r in results
                        if r.key is not None and r.path in stats and not r.has_media
                        and not any(d.code in ("QB000", "QB002") for d in r.diagnostics)], bank_results)
        diags = _select(results, extra, config, lint)
    finally:
        if gc_was_on:
            gc.enable()
    bank = Bank(root=config.root, name=config.name, diagnostics=diags, files=len(results),
                questions=[r.question for r in results if r.question is not None])
    return bank, config


def _check_all(shown: list[str], job: Job, jobs: int | None,
               cache: Cache | None) -> tuple[list[FileResult], dict[str, list]]:
    """Every file's result, from the cache where its content is unchanged; also each
    file's stat (for the next run)."""
    results: list[FileResult | None] = [None] * len(shown)
    todo: list[tuple[int, str]] = []
    keys: list[str | None] = [None] * len(shown)
    stats: dict[str, list] = {}
    for i, path in enumerate(shown):
        if cache is not None:
            try:
                st = os.stat(path)
                stats[path] = [st.st_size, st.st_mtime_ns]
                keys[i] = cache.unchanged_key(path, st)
            except OSError:
                pass
            if keys[i] is None and not cache.empty:
                # Changed by its stat: read and hash here, in case only the stat changed.
                from .loader import read_file

                raw, _ = read_file(path)
                keys[i] = Cache.key(path, raw) if raw is not None else None
            hit = cache.get(keys[i], path) if keys[i] is not None else None
            if hit is not None:
                results[i] = hit
                continue
        # Workers read the file themselves, so raw text never piles up in this process.
        todo.append((i, path))
    done = check_files([p for _, p in todo], job, jobs)
    for (i, _), res in zip(todo, done):
        results[i] = res
    return [r for r in results if r is not None], stats


def _select(results: list[FileResult], extra: list[Diagnostic], config: Config, lint: bool) -> list[Diagnostic]:
    """All findings after config (select/ignore/severity/per-file) and suppressions, sorted."""
    per_file: dict[str, list[Diagnostic]] = {r.path: list(r.diagnostics) for r in results}
    for d in extra:
        per_file.setdefault(d.path, []).append(d)
    sups = {r.path: r.suppressions for r in results}
    known: set[str] = set()
    if any(sups.values()):
        from .rules import all_rules

        known = set(all_rules())
    diags: list[Diagnostic] = []
    for path, file_diags in per_file.items():
        if not file_diags and not sups.get(path):
            continue
        rel = _relative(path, config.root)
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


def _relative(path: str, root: Path) -> str:
    """``path`` relative to the bank root, with forward slashes (for per-file-ignores)."""
    full = os.path.abspath(path)
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


def _duplicate_ids(results: list[FileResult]) -> Iterable[Diagnostic]:
    """QB005 at every file that shares an id, each naming the others."""
    by_id: dict[str, list[FileResult]] = {}
    for r in results:
        if r.qid is not None:
            by_id.setdefault(r.qid, []).append(r)
    for qid, group in by_id.items():
        if len(group) < 2:
            continue
        for r in group:
            others = [o for o in group if o is not r]
            names = ", ".join(f"{o.path}:{o.id_pos[0]}" for o in others)
            d = error(r.path, *r.id_pos, "QB005", f"id '{qid}' is also used by {names}; ids must be unique in the bank")
            yield Diagnostic(d.path, d.line, d.column, d.code, d.name, d.severity, d.message,
                             related=tuple((o.path, *o.id_pos) for o in others))


def _run_bank_rules(results: list[FileResult], options: RuleOptions, cache: Cache | None,
                    record: dict[str, dict]) -> list[Diagnostic]:
    """Every bank rule over the per-file summaries. A rule whose inputs (each file's path,
    id position and summary digest) are those of the last run reuses its findings, so an
    edit that leaves the summaries alone (a comment, a rationale) costs no bank work."""
    out: list[Diagnostic] = []
    recorded = sorted(cache.blob.get("bank", {})) if cache is not None and not cache.empty else []
    rules = None if recorded else _bank_rules_by_code()
    inputs: dict[str, list[str]] = {}
    for r in results:
        where = f"{r.path}\0{r.id_pos[0]}:{r.id_pos[1]}\0"
        for code, d in r.digests.items():
            inputs.setdefault(code, []).append(where + d)
    for code in recorded or list(rules):
        have = [r for r in results if code in r.digests]
        digest = _digest("\n".join(inputs.get(code, ())))
        found = cache.bank_result(code, digest) if cache is not None else None
        if found is None:
            rules = rules or _bank_rules_by_code()
            if code not in rules:
                continue
            try:
                items = [BankItem(r.path, r.id_pos[0], r.id_pos[1], _summary(r, code, cache, options)) for r in have]
                found = list(rules[code].check_bank(items, options))
            except Exception:
                found = [_internal(have[0].path if have else ".", code)]
        record[code] = {"digest": digest, "diags": [d.to_dict() for d in found]}
        out.extend(found)
    return out


def _bank_rules_by_code() -> dict:
    from .rules import bank_rules

    return {r.code: r for r in bank_rules()}


def _summary(result: FileResult, code: str, cache: Cache | None, options: RuleOptions) -> Any:
    """A file's summary for a bank rule: computed this run, else from the cache's store,
    else (a store that lost it) by checking the file again."""
    if code not in result.summaries and cache is not None:
        try:
            result.summaries[code] = cache.summary(code, result.digests[code])
        except KeyError:
            fresh = check_file(result.path, None, Job(".", True, options, False))
            result.summaries.update(fresh.summaries)
    return result.summaries[code]
