"""The pipeline: discover -> load -> validate -> lint (per file, cached, in parallel) ->
bank rules -> config and suppressions. Every command reads the bank through here.

A warm run (a cache to read) is shaped for speed: the per-file facts live in columns
(``Table``), files whose stat is unchanged are answered from the cache without being read,
the few changed files go to a standby checker forked as the run starts (standby.py), and
the cache (cache.py) gets a small delta instead of a rewrite."""

from __future__ import annotations

import gc
import json
import os
import sys
import traceback
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from . import suppress
from .bank import Bank
from .cache import ROW, Cache
from .config import Config, load_config
from .diagnostics import Diagnostic, Severity, error
from .digest import blake2b
from .discover import discover_paths, nothing_to_check
from .fsutil import read_file
from .rules.base import BankInput, BankRule, ItemContext, RuleOptions
from .standby import MAX_FILES as STANDBY_MAX, Standby

if TYPE_CHECKING:
    from .model import Question

# The loader, validator and rules are imported where a file is actually checked: a warm
# run that answers everything from the cache never loads YAML or compiles a rule regex.

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
        raw, diag = read_file(path, job.bank_root)
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
        if not shown:
            raise nothing_to_check(paths)
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
                    raw, _ = read_file(path, job.bank_root)
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
    fresh = table.summaries.get(code, {})
    stored = cache.store(code) if cache is not None else {}
    missing = object()
    found = [fresh[d] if d in fresh else stored.get(d, missing) for d in column if d is not None]
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
