"""The Python API: what the `qbank` commands do, as functions that return results.

    import qbank

    result = qbank.lint(["bank"])
    for d in result.diagnostics:
        print(d.path, d.line, d.code, d.message)

Paths default, as on the command line, to the bank root configured by a qbank.toml at or
above the working folder, else ``bank/``; that qbank.toml applies. Nothing here prints or
exits: usage problems raise :class:`qbank.UsageError`, exports that cannot be made raise the
other exceptions of :mod:`qbank.errors`. The command line (:mod:`qbank.cli`) is a thin layer
over these functions.

This module is imported by every command, so it imports the pipeline only when called.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from .diagnostics import Diagnostic, Severity
from .errors import NoBank, UsageError

if TYPE_CHECKING:
    from .bank import Bank
    from .config import Config
    from .fix import FixOutcome
    from .fmt import FmtResult, FmtRun
    from .site import SiteResult

Paths = str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None  # None: the default bank (see resolve_paths)
Progress = Callable[[int, int], None]  # told (items done, items to do) during a long run


def resolve_paths(paths: Paths = None) -> list[Path]:
    """The paths to work on: those given, else the bank root configured by a qbank.toml at
    or above the working folder, else ``bank/``. Raises UsageError when there is none. One
    path may be given alone (``lint("bank")``), not only as a list."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    given = [Path(p) for p in paths or ()]
    if given:
        return given
    from .config import find_root

    root, config_file = find_root([Path.cwd()])
    if config_file is not None:
        return [Path(os.path.relpath(root))]
    if Path("bank").is_dir():
        return [Path("bank")]
    raise NoBank(f"no bank/ folder here and no qbank.toml in {Path.cwd()} or above; name the bank's folder "
                 "(or the files) to work on")


def rule_codes(codes: str | Iterable[str]) -> tuple[str, ...]:
    """Rule codes or prefixes (``QB3``, ``QB304``; a string may list them comma-separated),
    upper-cased. Raises UsageError for anything else."""
    if isinstance(codes, str):
        codes = codes.split(",")
    out = tuple(c.strip().upper() for c in codes if c.strip())
    bad = [c for c in out if not re.fullmatch(r"QB[0-9]{0,3}", c)]
    if bad:
        raise UsageError(f"{', '.join(bad)}: use rule codes or prefixes like QB3 or QB304")
    return out


# --- lint ------------------------------------------------------------------------------------

@dataclass
class FileChange:
    """What `lint --fix --diff` would do to one file: its text now and after the fixes."""

    path: str
    before: str
    after: str


@dataclass
class LintResult:
    """What `lint` found: every diagnostic (sorted by path, line, column) and the number of
    question files checked; with ``fix``, the problems fixed and the files rewritten, and
    ``fixes`` counting them by (path, code). With ``fix`` and ``dry_run`` nothing is written:
    the counts are what would be fixed and ``changes`` holds each file's text before and after."""

    diagnostics: list[Diagnostic]
    files: int
    fixed: int = 0
    fixed_files: int = 0
    fixes: dict[tuple[str, str], int] = field(default_factory=dict)
    changes: list[FileChange] = field(default_factory=list)

    def failed(self, strict: bool = False) -> bool:
        """Any error is left (with ``strict``, any warning too); infos never fail."""
        failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
        return any(d.severity in failing for d in self.diagnostics)


def lint(paths: Paths = None, *, rules: bool = True, select: str | Iterable[str] = (),
         ignore: str | Iterable[str] = (), fix: bool = False, unsafe_fixes: bool = False,
         dry_run: bool = False, jobs: int | None = None, cache: bool = True,
         config: str | os.PathLike[str] | None = None, progress: Progress | None = None) -> LintResult:
    """Check the question files under ``paths`` (`qbank lint`); ``rules=False`` checks only
    the file format (`qbank validate`).

    ``select`` keeps only these rule codes or prefixes, ``ignore`` skips these too (both on
    top of qbank.toml). ``fix`` applies the safe fixes, ``unsafe_fixes`` the unsafe ones too,
    then checks again; with ``dry_run`` it writes nothing and says what it would change.
    ``jobs`` caps the worker processes; ``cache=False`` neither reads nor writes
    ``.qbank_cache/``. ``config`` names a qbank.toml to use instead of the bank's.
    ``progress(done, total)`` is called as files are checked.
    """
    from .report import tally

    started = time.time()
    roots = resolve_paths(paths)
    options = dict(rules=rules, jobs=jobs, cache=cache, select=rule_codes(select), ignore=rule_codes(ignore),
                   config_file=_config_path(config), progress=progress)
    bank, settings = _run(roots, **options)
    refused: list[Diagnostic] = []
    fixed = fixed_files = 0
    fixes: dict[tuple[str, str], int] = {}
    changes: list[FileChange] = []
    if fix or unsafe_fixes:
        allowed = {"safe", "unsafe"} if unsafe_fixes else {"safe"}
        before = _fixable(bank.diagnostics, allowed)
        outcomes = _apply_fixes(before, settings, unsafe_fixes, started, write=not dry_run)
        refused = [d for o in outcomes for d in o.diagnostics]
        if dry_run:
            changes = [FileChange(o.path, o.before, o.after) for o in outcomes if o.after is not None]
            would = {o.path: o.fixed for o in outcomes}
            fixes = tally(d for d in before if d.code in would.get(d.path, ()))
            fixed, fixed_files = sum(fixes.values()), len(changes)
        else:
            fixed_files = sum(o.written for o in outcomes)
            if fixed_files:
                bank, settings = _run(roots, **options)
            after = _fixable(bank.diagnostics, allowed)
            fixed = len(before) - len(after)
            left = tally(after)
            fixes = {k: n - left.get(k, 0) for k, n in tally(before).items() if n > left.get(k, 0)}
    diags = sorted(bank.diagnostics + refused, key=Diagnostic.sort_key)
    return LintResult(diags, bank.files, fixed, fixed_files, fixes, changes)


def lint_source(source: bytes | str, filename: str = "-", *, rules: bool = True, select: str | Iterable[str] = (),
                ignore: str | Iterable[str] = (), config: str | os.PathLike[str] | None = None) -> LintResult:
    """Check one question given as text or bytes (`qbank lint -`), reported under ``filename``:
    the qbank.toml at or above ``filename`` applies (or ``config``), and images resolve from
    its folder. Only the file and item checks run: the bank rules and duplicate ids need
    the whole bank."""
    from .config import load_config
    from .engine import check_source

    raw = source.encode("utf-8") if isinstance(source, str) else source
    settings = load_config([Path(filename)], _config_path(config))
    _narrow(settings, rule_codes(select), rule_codes(ignore))
    return LintResult(check_source(filename, raw, lint=rules, config=settings), 1)


def _narrow(config: Config, select: tuple[str, ...], ignore: tuple[str, ...]) -> None:
    """``--select``/``--ignore`` on top of the config's own."""
    if select:
        config.select = select
    if ignore:
        config.ignore = tuple(config.ignore) + ignore


def _config_path(config: str | os.PathLike[str] | None) -> Path | None:
    """A config file named by the caller (`--config`); UsageError unless it is a file."""
    if config is None:
        return None
    path = Path(config)
    if not path.is_file():
        raise UsageError(f"{path}: no such config file")
    return path


def _run(roots: list[Path], *, rules: bool, jobs: int | None, cache: bool, select: tuple[str, ...],
         ignore: tuple[str, ...], config_file: Path | None = None,
         progress: Progress | None = None, want_questions: bool = False,
         then: Callable | None = None) -> tuple[Bank, Config]:
    from .config import load_config
    from .discover import DiscoveryError
    from .engine import run

    config = load_config(roots, config_file)
    _narrow(config, select, ignore)
    try:
        return run(roots, lint=rules, jobs=jobs, use_cache=cache, config=config, progress=progress,
                   want_questions=want_questions, then=then)
    except DiscoveryError as exc:
        raise UsageError(str(exc)) from exc


def _fixable(diags: list[Diagnostic], allowed: set[str]) -> list[Diagnostic]:
    from .rules import all_rules

    rules = all_rules()
    # not d.fixable: a finding on a file with errors (which --fix does not rewrite)
    return [d for d in diags if d.fixable and d.code in rules and rules[d.code].fix_safety in allowed]


def _remove_stale_temps(files: Iterable[str], root: str, started: float) -> None:
    """Before a run writes files: delete the temp files an interrupted run left beside them."""
    from .fsutil import remove_stale_temps

    remove_stale_temps({os.path.dirname(f) or os.curdir for f in files}, root, started)


def _apply_fixes(fixable: list[Diagnostic], config: Config, unsafe: bool, started: float,
                 write: bool = True) -> list[FixOutcome]:
    """Fix each file for the codes reported in it (with ``write=False`` only work out how)."""
    from .fix import apply_fixes

    by_file: dict[str, set[str]] = {}
    for d in fixable:
        by_file.setdefault(d.path, set()).add(d.code)
    if write:
        _remove_stale_temps(by_file, str(config.root), started)
    return [apply_fixes(path, codes, config.options, unsafe, root=str(config.root), write=write)
            for path, codes in sorted(by_file.items())]


# --- fmt -------------------------------------------------------------------------------------

def reformat(paths: Paths = None, *, check: bool = False, diff: bool = False, jobs: int | None = None,
             cache: bool = True, on_file: Callable[[FmtResult], None] | None = None,
             progress: Progress | None = None) -> FmtRun:
    """Rewrite the question files under ``paths`` in the canonical layout (`qbank fmt`).

    ``check`` writes nothing and says what would change; ``diff`` does the same and keeps
    each file's text before and after (for :func:`qbank.fmt.unified_diff`). ``cache=False``
    neither reads nor writes ``.qbank_cache/`` (the contents found formatted before, which
    are only read and hashed: :mod:`qbank.fmt_cache`). ``on_file`` is called with each
    file's result as it is done, in order, then ``progress(done, total)``. The returned run
    lists the files changed (or that would be), unchanged and refused, with the refusals'
    diagnostics.
    """
    from .discover import DiscoveryError
    from .fmt import FmtRun, files_to_format, format_files
    from .fmt_cache import FmtCache

    started = time.time()
    roots = resolve_paths(paths)
    try:
        files, root = files_to_format(roots)
    except DiscoveryError as exc:
        raise UsageError(str(exc)) from exc
    run = FmtRun(dry=check or diff)
    if not run.dry:
        _remove_stale_temps(files, root, started)
    known = FmtCache(root) if cache else None
    if known is not None:
        known.load()
    for result in format_files(files, run.dry, keep_text=diff, jobs=jobs, root=root,
                               known=known.known if known is not None else ()):
        run.results.append(result)
        if on_file is not None:
            on_file(result)
        if progress is not None:
            progress(len(run.results), len(files))
    if known is not None:
        known.add(r.key for r in run.results if r.key is not None)
        known.save(len(files), started)
    return run


# --- export ----------------------------------------------------------------------------------

def load_bank(paths: Paths = None, *, jobs: int | None = None) -> Bank:
    """Every valid question under ``paths`` (``bank.questions``, sorted by path) and every
    file and schema diagnostic (``bank.diagnostics``), as `qbank export` loads a bank."""
    from .discover import DiscoveryError
    from .engine import load_bank as load

    try:
        return load(resolve_paths(paths), lint=False, jobs=jobs, use_cache=False)
    except DiscoveryError as exc:
        raise UsageError(str(exc)) from exc


@dataclass
class ExportResult:
    """The files an export wrote (``paths``, in the order of the formats asked for), the bank's
    diagnostics (warnings; with a filter, errors in files the export leaves out are reported as
    warnings: ``outside_errors`` counts them) out of how many files, and the questions exported."""

    paths: list[Path]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    questions: int = 0
    outside_errors: int = 0


def export_bank(paths: Paths = None, formats: str | Iterable[str] = "all", out: str | os.PathLike[str] | None = None,
                *, name: str | None = None, tags: Iterable[str] = (), exclude_tags: Iterable[str] = (),
                topics: Iterable[str] = (), difficulties: Iterable[str] = (), ids: Iterable[str] = (),
                sample: int | None = None, seed: int = 0, include_retired: bool = False,
                jobs: int | None = None, form: str | os.PathLike[str] | None = None) -> ExportResult:
    """Export the bank under ``paths`` (`qbank export`) into the folder ``out`` (default: ``exports``
    in the bank root), one file per format: ``anki``, ``csv``, ``anki-csv``, ``qti12``, ``qti21``,
    ``moodle``, ``gift``, ``aiken`` or ``all``. What a format cannot carry (QB011) is among the
    result's ``diagnostics``.

    The filters keep questions with any of ``tags``, none of ``exclude_tags``, in any of
    ``topics``, of any of ``difficulties``, with any of ``ids``; ``sample`` then keeps that many
    of them, the same ones for the same ``seed``. Questions with ``status: retired`` are left out
    unless ``include_retired``. ``form``, a form file (`qbank assemble`), exports only its items, in
    its order, with its option orders, instead of any filter (forms.FormError, an ExportError, when
    the file or the bank cannot serve it). ``name`` names the decks, titles and files
    (never the Anki notes' identity). Raises BankHasErrors (nothing written) when the bank has
    errors (with a filter: errors in the questions it takes), NothingSelected when a filter
    value matches no question or no question is left, OutputError for an unusable ``out`` and
    ExportError for content that cannot be packaged.
    """
    from .export import Selection, choose_formats, exportable, run_export

    chosen = choose_formats([formats] if isinstance(formats, str) else formats)
    if form is not None:
        from .forms import read

        form = read(form)
    selection = Selection(tuple(tags), tuple(exclude_tags), tuple(topics), tuple(difficulties), tuple(ids),
                          sample, seed, include_retired, form)
    bank = load_bank(paths, jobs=jobs)
    taken = exportable(bank, selection)
    from .export import default_out_dir

    target = Path(out) if out is not None else default_out_dir(Path(bank.root))
    findings: list[Diagnostic] = []
    written = run_export(bank, chosen, target, name=name, selection=selection, jobs=jobs, findings=findings)
    return ExportResult(written, taken.diagnostics + sorted(findings, key=Diagnostic.sort_key), bank.files,
                        len(taken.questions), taken.outside_errors)


def import_stats(results: str | os.PathLike[str], fmt: str, paths: Paths = None, *, form: str | None = None,
                 dry_run: bool = False, jobs: int | None = None):
    """Read an LMS results file (`qbank stats import`; ``fmt``: canvas-item-analysis,
    canvas-student-analysis, moodle or responses-csv), map its questions to the bank under
    ``paths`` and merge their statistics into the bank's qbank-stats.json (not with
    ``dry_run``). ``form``: a form file (its name is the form's, and option letters are in its
    option orders, as candidates saw them) or only a name for the form's KR-20. Returns a
    :class:`qbank.analysis.importer.ImportResult`; every problem is among its ``diagnostics``
    (QB025-QB029). Raises UsageError for an unknown format, ExportError for a bad form file."""
    from .analysis.importer import FORMATS, import_stats as run

    if fmt not in FORMATS:
        raise UsageError(f"unknown results format '{fmt}'; use one of {', '.join(FORMATS)}")
    orders = None
    if form is not None and Path(form).suffix in (".yaml", ".yml") and Path(form).is_file():
        from .forms import read

        parsed = read(form)
        form, orders = parsed.name, {e.id: e.order for e in parsed.items}
    bank = load_bank(paths, jobs=jobs)
    return run(Path(results), fmt, bank.questions, Path(bank.root), form=form, orders=orders, write=not dry_run)


@dataclass
class PaperResult:
    """What `export_paper` wrote: the exam and the answer key, and what could not be printed."""

    exam: Path
    key: Path
    diagnostics: list[Diagnostic]
    items: int


def export_paper(form: str | os.PathLike[str], paths: Paths = None, out: str | os.PathLike[str] | None = None, *,
                 name: str | None = None, include_retired: bool = False, jobs: int | None = None) -> PaperResult:
    """Print the form in the file ``form`` (`qbank export --form FILE --pdf`): a PDF exam of its
    items in its order, options lettered in its order, and a PDF answer key (key letter, area,
    explanation, rationales), in ``out`` (default: the bank's exports folder). Raises
    BankHasErrors when the form's questions have errors and ExportError for a form file the
    bank cannot fill; both files are written only once both are typeset."""
    from .export import Selection, default_out_dir, exportable, prepare_out_dir
    from .export.common import slug
    from .export.paper import PaperItem, paper
    from .forms import read
    from .fsutil import atomic_write

    parsed = read(form)  # forms.FormError (an ExportError) with QB022 at the line
    form_name = parsed.name
    bank = load_bank(paths, jobs=jobs)
    chosen = exportable(bank, Selection(form=parsed, include_retired=include_retired))
    areas = {e.id: e.area for e in parsed.items}
    items = [PaperItem(q, areas[q.id]) for q in chosen.questions]
    title = f"{(name or bank.name).strip() or 'bank'}, form {form_name}"
    exam, key, lossy = paper(title, items, Path(bank.root))
    target = prepare_out_dir(Path(out) if out is not None else default_out_dir(Path(bank.root)))
    base = f"{slug((name or bank.name).strip() or 'bank')}-form-{slug(form_name)}"
    exam_path, key_path = target / f"{base}.pdf", target / f"{base}-key.pdf"
    atomic_write(exam_path, exam, keep_mode=False)
    atomic_write(key_path, key, keep_mode=False)
    return PaperResult(exam_path, key_path, chosen.diagnostics + lossy, len(items))


# --- site ------------------------------------------------------------------------------------

def build_site(paths: Paths = None, out: str | os.PathLike[str] = "site", *, forms: Iterable[str | os.PathLike[str]] = (),
         jobs: int | None = None, cache: bool = True) -> SiteResult:
    """Build the static review site of the bank under ``paths`` (`qbank site`) in the folder
    ``out``. Lint runs once (with its cache, as `qbank lint`) for the findings and keeps the
    valid questions it reads (the files its cache answers are loaded, as `qbank export` loads
    them). ``forms`` are form files (contracts:
    forms/A.yaml) offered in practice mode; the bank's qbank-stats.json, when present, adds
    item statistics. A bank with errors still gets a site (the files that cannot be read are
    listed on the index). Problems with the forms, the statistics or a formula are QB030/QB031
    warnings among the result's ``diagnostics``; an unusable ``out`` raises OutputError, an image
    that cannot be packaged ExportError (nothing is written then)."""
    from .pool import Helper
    from .site import make_site
    from .site.build import paint, warm
    from .site.item import make_items

    with Helper(paint, warm) as painter:   # imports matplotlib and renders the rule pages while lint runs
        bank, config = _run(resolve_paths(paths), rules=True, jobs=jobs, cache=cache, select=(), ignore=(),
                            want_questions=True, then=make_items)
        result = make_site(bank, bank.diagnostics, Path(bank.root), Path(out), [Path(f) for f in forms],
                           jobs=jobs, blueprints=config.blueprints, painter=painter)
    result.files = bank.files
    return result
