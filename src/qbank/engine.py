"""The pipeline: discover -> load -> validate -> lint (per file, cached, in parallel) ->
bank rules -> config and suppressions. Every command reads the bank through here.

A warm run (a cache to read) is shaped for speed: the per-file facts live in columns
(``Table``), files whose stat is unchanged are answered from the cache without being read,
the few changed files go to a standby checker forked as the run starts (standby.py), and
the cache (cache.py) gets a small delta instead of a rewrite."""

from __future__ import annotations

import gc
import os
from array import array
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache as cache_result, partial
from pathlib import Path
from typing import Any, Callable, Iterable

from . import suppress
from .bank import Bank
from .cache import Cache, RunFacts
from .checker import FileResult, Job, check_file, check_paths, internal_error
from .codes import CODES, summary_code
from .config import Config, load_config
from .diagnostics import Diagnostic, Severity, error
from .digest import blake2b
from .discover import discover_paths, nothing_to_check
from .pool import Helper, ordered_map, side_by_side
from .rules.base import BankInput, BankRule
from .standby import MAX_FILES as STANDBY_MAX, Standby
from .standby import claim as claim_standby, discard as discard_standby


Progress = Callable[[int, int], None]  # (files done, files to do)


def check_files(paths: list[str], job: Job, jobs: int | None, progress: Progress | None = None) -> list[FileResult]:
    """``check_file`` over files read from disk, in input order whatever ``jobs`` is; in
    worker processes when there are many. ``progress(done, total)`` follows them."""
    out: list[FileResult] = []
    for result in ordered_map(partial(check_paths, job=job), paths, jobs=jobs):
        out.append(result)
        if progress is not None:
            progress(len(out), len(paths))
    return out


# --- the bank ------------------------------------------------------------------------------

@dataclass(slots=True)
class Table:
    """Every file's facts in this run, one list per fact, in discovery order. A warm run
    fills the columns from the cache's columns (list indexing, no object per file) and
    patches in the files it checked."""

    paths: list[str]
    source: list[int]                      # cache row the facts came from; -1: checked this run
    stats: list[tuple[int, int, int, int] | None]  # (size, mtime, ctime, inode) when the cache is in use
    keys: list[str | None]
    ids: list[str | None]
    lines: list[int]
    cols: list[int]
    digests: dict[str, list[str | None]]   # summarizing bank rule (codes.summary_code) -> digest per file
    diags: dict[str, list[Diagnostic]]     # path -> findings, for files that have any
    sups: dict[str, list[suppress.Suppression]]
    fresh: dict[int, FileResult]           # row -> full result, for files checked this run
    touched: set[int]                      # rows from the cache whose stat had changed
    summaries: dict[str, dict[str, Any]]   # summarizing bank rule -> digest -> summary computed this run

    def facts(self, bank: dict[str, dict]) -> RunFacts:
        """This run as the cache records it (the columns themselves, not copies)."""
        return RunFacts(self.paths, self.stats, self.keys, self.ids, self.lines, self.cols, self.digests,
                        self.source, list(self.fresh), self.touched, self._cacheable_rows(),
                        {r.key: (r.diagnostics, r.suppressions) for r in self.fresh.values() if r.key is not None},
                        self.summaries, bank)

    def _cacheable_rows(self) -> list[int]:
        """Rows worth recording: every file with a stat, except fresh ones with images
        (checked every run: their media can change on their own) or unreadable ones."""
        skip = {i for i, r in self.fresh.items() if r.key is None or r.has_media
                or any(d.code in ("QB000", "QB002") for d in r.diagnostics)}
        if not skip and None not in self.stats:
            return list(range(len(self.stats)))
        return [i for i, st in enumerate(self.stats) if st is not None and i not in skip]


def run(paths: list[Path], *, lint: bool, jobs: int | None = None, use_cache: bool = True,
        want_questions: bool = False, config: Config | None = None,
        progress: Progress | None = None, then: Callable | None = None) -> tuple[Bank, Config]:
    """Check every question file under ``paths``; returns the bank and the config used.
    ``progress(done, total)`` follows the files that are read and checked (not those the
    cache answers). With ``want_questions`` the bank holds every valid question: a lint
    run keeps those of the files it checked and reads only the ones the cache answered;
    ``then`` (see Job.then) is done on them where they are read, its values in ``bank.made``."""
    config = config or load_config(paths)
    job = Job(str(config.root), lint, config.options, want_questions, config.fields, then if want_questions else None)
    cache = Cache(config.root, config) if (use_cache and lint) else None

    def find() -> list[str]:  # as named: relative paths stay relative
        return [p for p in discover_paths(paths) if not config.excluded(p)]

    standby = None
    # The standby checker sends results back without their questions.
    if cache is not None and not want_questions and cache.recorded() and Standby.available(jobs):
        try:
            standby = claim_standby(job, find)  # walks the bank and imports the checker meanwhile
        except OSError:
            standby = None
    else:
        discard_standby()   # one `qbank lint` started for this run, if any
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
        table = _check_all(shown, job, jobs, cache, standby, progress)
        extra = list(config.diagnostics) + list(_duplicate_ids(table))
        bank_results: dict[str, dict] = {}
        bank_findings = _run_bank_rules(table, job, jobs, cache, bank_results) if lint else list
        if cache is not None:
            cache.save(table.facts(bank_results), settle=bank_findings)
        extra += bank_findings()
        diags = _select(table, extra, config, lint)
    finally:
        if standby is not None:
            standby.close()
        if gc_was_on:
            # What the run made lives on: into the oldest generation without a scan (the next
            # young collection would otherwise walk all of it: ~0.2 s at 10,000 files).
            gc.freeze()
            gc.unfreeze()
            gc.enable()
    valid = [r for r in _with_questions(table, job, jobs) if r.question is not None] if want_questions else []
    bank = Bank(root=config.root, name=config.name, diagnostics=diags, files=len(shown),
                questions=[r.question for r in valid], id_lines=dict(zip(table.paths, table.lines)),
                made=[r.made for r in valid] if then is not None else [])
    return bank, config


def _with_questions(table: Table, job: Job, jobs: int | None) -> list[FileResult]:
    """Every file's result with its question (None: not valid), in discovery order: those
    checked this run carry theirs; the files the cache answered are loaded (not linted) now."""
    answered = [i for i in range(len(table.paths)) if i not in table.fresh]
    loaded = dict(zip(answered, check_files([table.paths[i] for i in answered],
                                            replace(job, lint=False, want_questions=True), jobs)))
    return [table.fresh.get(i) or loaded[i] for i in range(len(table.paths))]


def _check_all(shown: list[str], job: Job, jobs: int | None, cache: Cache | None,
               standby: Standby | None = None, progress: Progress | None = None) -> Table:
    """Every file's facts: from the cache where its content is unchanged, else checked."""
    n = len(shown)
    if cache is None:
        source, stats, todo, touched, diags, sups = [-1] * n, [None] * n, list(range(n)), set(), {}, {}
    else:
        source, stats, todo, touched, diags, sups = cache.lookup(shown)
    names = [shown[i] for i in todo]
    done = standby.check(names) if standby is not None and 0 < len(todo) <= STANDBY_MAX else None
    if standby is not None:
        standby.close()
    fresh = dict(zip(todo, done if done is not None else check_files(names, job, jobs, progress)))
    hits = cache is not None and len(fresh) < n

    def column(name: str, fact) -> list:
        out = cache.column(name, source) if hits else [None] * n
        for i, r in fresh.items():
            out[i] = fact(r)
        return out

    table = Table(list(shown), source, stats, column("keys", lambda r: r.key), column("ids", lambda r: r.qid),
                  column("lines", lambda r: r.id_pos[0]), column("cols", lambda r: r.id_pos[1]),
                  {}, diags, sups, fresh, touched, {})
    for r in fresh.values():
        if r.diagnostics:
            diags[r.path] = r.diagnostics
        if r.suppressions:
            sups[r.path] = r.suppressions
    codes = set(cache.digest_codes() if cache is not None else ()) | {code for r in fresh.values() for code in r.digests}
    for code in sorted(codes):
        digests = cache.digests(code, source) if hits else [None] * n
        for i, r in fresh.items():
            digests[i] = r.digests.get(code)
            if code in r.summaries:
                table.summaries.setdefault(code, {})[r.digests[code]] = r.summaries[code]
        table.digests[code] = digests
    return table


def _select(table: Table, extra: list[Diagnostic], config: Config, lint: bool) -> list[Diagnostic]:
    """All findings after config (select/ignore/severity/per-file) and suppressions, sorted."""
    per_file: dict[str, list[Diagnostic]] = {path: list(found) for path, found in table.diags.items()}
    for d in extra:
        per_file.setdefault(d.path, []).append(d)
    sups = table.sups
    known = _known_codes() if sups else set()
    diags: list[Diagnostic] = []
    cwd = os.getcwd()
    for path in per_file.keys() | sups.keys():
        checked = not _has_file_errors(table.diags.get(path, ()))
        diags.extend(_select_file(path, per_file.get(path, []), sups.get(path, []), config, lint, known, cwd,
                                  rules_ran=checked))
    diags.sort(key=Diagnostic.sort_key)
    return diags


def _known_codes() -> set[str]:
    from .rules import all_rules

    return set(all_rules())


def _has_file_errors(found: Iterable[Diagnostic]) -> bool:
    """Did the file's own checks find errors (so the rules did not run on it)?"""
    return any(d.severity is Severity.ERROR and CODES[d.code].kind == "file" for d in found if d.code in CODES)


def _select_file(path: str, file_diags: list[Diagnostic], sups: list[suppress.Suppression], config: Config,
                 lint: bool, known: set[str], cwd: str, *, rules_ran: bool = True) -> list[Diagnostic]:
    """One file's findings after config and its suppressions (``rules_ran``: False for a file
    with errors, whose suppressions of lint rules cannot be called unused)."""
    rel = _relative(path, config.root, cwd)
    selected = [d for d in (_configured(d, config, rel) for d in file_diags) if d is not None]
    if lint:
        selected = suppress.apply(path, selected, sups, known, lambda code: rules_ran and config.enabled(code, rel))
        selected = [d for d in selected if d.code != "QB007" or config.enabled("QB007", rel)]
    return selected


def check_source(path: str, raw: bytes, *, lint: bool, config: Config) -> list[Diagnostic]:
    """The findings for one file given as bytes (`qbank lint -`), reported under ``path``:
    the file and item checks, then config and suppressions, as a run applies them. Bank
    rules and duplicate ids need the whole bank and are not run."""
    result = check_file(path, raw, Job(str(config.root), lint, config.options, False, config.fields))
    known = _known_codes() if result.suppressions else set()
    found = _select_file(path, result.diagnostics, result.suppressions, config, lint, known, os.getcwd(),
                         rules_ran=not _has_file_errors(result.diagnostics))
    return sorted(list(config.diagnostics) + found, key=Diagnostic.sort_key)


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


# The bank rules from item statistics (codes.py: QB920-QB929) also read the bank's
# statistics store, so its bytes are part of their inputs: a new import reruns them.
STATS_RULES = "QB92"


def _stats_digest(root: str) -> bytes:
    from .analysis.store import MAX_STORE_BYTES, store_path
    from .fsutil import read_bounded

    try:
        return blake2b(read_bounded(store_path(root), MAX_STORE_BYTES, root=root), digest_size=8).digest()
    except OSError:
        return b"-"


def _run_bank_rules(table: Table, job: Job, jobs: int | None, cache: Cache | None,
                    record: dict[str, dict]) -> Callable[[], list[Diagnostic]]:
    """Every bank rule over the per-file summaries. A rule whose inputs (each file's path,
    id position and summary digest; for the statistics rules, the store too) are those of the
    last run reuses its findings, so an edit that leaves the summaries alone (a comment, a
    rationale) costs no bank work. Returns the findings in code order, once every rule is
    done (each rule's also in ``record``): the slowest may still run apart (_runs_apart)."""
    results: list[tuple[str, str, Callable[[], list[Diagnostic]]]] = []
    stats: bytes | None = None
    recorded = cache.bank_codes() if cache is not None else []
    rules = None if recorded else _bank_rules_by_code()
    # Joined columns, not JSON: this runs on every warm lint.
    where = blake2b("\0".join(table.paths).encode("utf-8", "surrogateescape"), digest_size=8)
    where.update(array("q", table.lines).tobytes() + array("q", table.cols).tobytes())
    for code in recorded or list(rules):
        column = table.digests.get(summary_code(code), [])
        h = where.copy()
        h.update("\0".join([d or "-" for d in column]).encode())
        if code.startswith(STATS_RULES):
            stats = _stats_digest(job.bank_root) if stats is None else stats
            h.update(stats)
        digest = h.hexdigest()
        found = cache.bank_result(code, digest) if cache is not None else None
        if found is None:
            rules = rules or _bank_rules_by_code()
            if code not in rules:
                continue
            results.append((code, digest, _start_bank_rule(rules[code], table, column, job, jobs, cache)))
        else:
            results.append((code, digest, partial(list, found)))

    @cache_result
    def findings() -> list[Diagnostic]:
        out: list[Diagnostic] = []
        for code, digest, result in results:
            found = result()
            record[code] = {"digest": digest, "diags": [d.to_dict() for d in found]}
            out.extend(found)
        return out

    return findings


# A cold run's stem index (QB902) takes as long as the other bank rules and the cache's
# summary stores together: over this many files it is built in a forked child meanwhile.
APART_MIN_FILES = 1000


def _start_bank_rule(rule: BankRule, table: Table, column: list[str | None], job: Job, jobs: int | None,
                     cache: Cache | None) -> Callable[[], list[Diagnostic]]:
    """One bank rule, run now or started in a forked child (_runs_apart); returns its findings
    once it is done, and leaves the state of a stateful rule with the cache."""
    work = partial(_run_bank_rule, rule, table, column, job, cache)
    helper = None
    if _runs_apart(rule, table, jobs):
        helper = Helper(lambda: _picklable(*work()))  # a child that fails: result() runs it here
        helper.submit()

    def finish() -> list[Diagnostic]:
        found, state = helper.result() if helper is not None else work()
        if cache is not None and rule.stateful:
            cache.keep_state(rule.code, state)
        return found

    return finish if helper is not None else partial(list, finish())


def _runs_apart(rule: BankRule, table: Table, jobs: int | None) -> bool:
    """Whether ``rule`` runs in a forked child while this process runs the others and
    writes the cache: the stateful one (QB902's stem index, the slowest) over a large bank
    whose every summary was made this run (so the child reads nothing from the cache:
    what reading it finds must stay in this process), when a second core is free."""
    return rule.stateful and len(table.fresh) == len(table.paths) >= APART_MIN_FILES and side_by_side(jobs)


def _picklable(found: list[Diagnostic], state: dict[str, list[bytes | memoryview] | None] | None) -> tuple:
    """A bank rule's findings and state, its chunks as bytes (a memoryview cannot be pickled)."""
    return found, None if state is None else {
        part: None if chunks is None else [bytes(c) for c in chunks] for part, chunks in state.items()}


def _run_bank_rule(rule: BankRule, table: Table, column: list[str | None], job: Job,
                   cache: Cache | None) -> tuple[list[Diagnostic], Any]:
    """One bank rule over every file's summary, and the state it leaves (a stateful rule
    gets the last one from the cache)."""
    kind = summary_code(rule.code)
    bank = BankInput(table.paths, table.lines, table.cols, column or [None] * len(table.paths),
                     lambda i: _summary(table, i, kind, cache, job),
                     lambda: _summaries(table, kind, cache, job), job.bank_root)
    state = cache.rule_state(rule.code, rule.state_parts) if cache is not None and rule.stateful else None
    try:
        return rule.check_incremental(bank, job.options, state)
    except Exception:
        have = [i for i, d in enumerate(column) if d is not None]
        return [internal_error(table.paths[have[0]] if have else ".", rule.code)], None


def _bank_rules_by_code() -> dict:
    from .rules import bank_rules

    return {r.code: r for r in bank_rules()}


def _summaries(table: Table, code: str, cache: Cache | None, job: Job) -> list[Any]:
    """Every file's summary for a bank rule, in order (files without one left out), read in
    one batch: computed this run, else from the cache's store, else by checking the file."""
    column = table.digests.get(code, [])
    fresh = table.summaries.get(code, {})
    stored = cache.store(code) if cache is not None else {}
    missing = object()
    found = [fresh[d] if d in fresh else stored.get(d, missing) for d in column if d is not None]
    if any(v is missing for v in found):
        rows = [i for i, d in enumerate(column) if d is not None]
        found = [v if v is not missing else _summary(table, i, code, cache, job) for i, v in zip(rows, found)]
    return found


def _summary(table: Table, i: int, code: str, cache: Cache | None, job: Job) -> Any:
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
    result = check_file(table.paths[i], None, Job(".", True, job.options, False, job.fields))
    for c, value in result.summaries.items():
        table.summaries.setdefault(c, {})[result.digests[c]] = value
    return result.summaries[code]
