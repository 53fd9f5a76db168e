"""Exports of a loaded bank: Anki (.apkg and CSV), a reviewers' CSV, QTI 1.2 and QTI 2.1,
Moodle XML, GIFT and Aiken.

`choose_formats` names the formats, `exportable` refuses a bank with errors or an empty
selection, and `run_export` selects questions, renders each Markdown text once and streams
every requested format into a temp file in the output folder (images are copied in chunks,
never held whole), replacing the files only when all are complete. Failures are the typed
exceptions of :mod:`qbank.errors`; nothing here prints or exits.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable

from ..bank import Bank
from ..diagnostics import Diagnostic, Severity
from ..errors import BankHasErrors, ExportError, NothingSelected, OutputError, UsageError
from ..fsutil import atomic_writer
from ..model import Question
from . import aiken, anki, csv_export, gift, moodle, qti12, qti21
from .common import ExportJob, RenderedQuestion, Tick, no_tick, render_all, slug
from .selection import Selection, select


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str                       # appended to the bank slug: `.apkg`, `.qti21.zip`
    write: Callable[[ExportJob, BinaryIO], None]   # streams the file into an open binary file
    description: str
    needs_html: bool = True           # False: works from the Markdown source alone


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("anki", ".apkg", anki.export, "Anki package (genanki)"),
    Format("csv", ".csv", csv_export.plain, "spreadsheet for reviewers", needs_html=False),
    Format("anki-csv", ".anki.txt", csv_export.anki, "Anki text import with GUIDs"),
    Format("qti12", ".qti12.zip", qti12.export, "Canvas-style QTI 1.2 package"),
    Format("qti21", ".qti21.zip", qti21.export, "IMS QTI 2.1 content package"),
    Format("moodle", ".moodle.xml", moodle.export, "Moodle XML, images inside"),
    Format("gift", ".gift.txt", gift.export, "Moodle GIFT text (no images)"),
    Format("aiken", ".aiken.txt", aiken.export, "Aiken text: question, options, answer only (lossy)"),
)}

__all__ = ["FORMATS", "Format", "ExportError", "BankHasErrors", "NothingSelected", "OutputError", "Selection",
           "Chosen", "choose_formats", "exportable", "run_export", "prepare_out_dir", "output_path"]


def choose_formats(names: Iterable[str]) -> list[str]:
    """The formats ``names`` asks for (keys of FORMATS, or ``all`` for every one), each once,
    in the order named. Raises UsageError for none or an unknown name."""
    chosen: list[str] = []
    for name in names:
        chosen.extend(FORMATS if name == "all" else [name])
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        what = f"unknown export format {', '.join(unknown)}" if unknown else "no export format chosen"
        raise UsageError(f"{what}; choose from {', '.join(FORMATS)} or all")
    return list(dict.fromkeys(chosen))


@dataclass
class Chosen:
    """What an export of a selection takes, and what to report with it."""

    questions: list[Question]
    diagnostics: list[Diagnostic]   # every finding; errors outside the selection as warnings
    outside_errors: int = 0         # how many of those were errors in files the export leaves out


def exportable(bank: Bank, selection: Selection = Selection()) -> Chosen:
    """The questions of ``bank`` that ``selection`` takes (see :func:`select`), checked.

    An error blocks the export (BankHasErrors, with every diagnostic) when it is in a file the
    export takes, when it is in qbank.toml (the bank's name and exclusions shape every export),
    or, with no filter, anywhere. With a filter, an error in a file the export leaves out (a
    file with errors is no question, so no filter takes it) is reported as a warning and does
    not block. Warnings never block. Raises NothingSelected when no question is left.
    """
    errors = [d for d in bank.diagnostics if d.severity is Severity.ERROR]
    if errors and not selection.filtered:
        raise BankHasErrors(bank.diagnostics)
    chosen = select(bank.questions, selection)
    if errors:
        taken = {q.path for q in chosen}
        if any(d.path in taken or d.code == "QB008" for d in errors):
            raise BankHasErrors(bank.diagnostics)
    shown = [d.with_severity(Severity.WARNING) if d.severity is Severity.ERROR else d for d in bank.diagnostics]
    return Chosen(chosen, shown, len(errors))


def default_out_dir(root: Path) -> Path:
    """Where exports go without --out: the bank's ``[export] out`` (qbank.toml), else ``exports``,
    both relative to the bank root, so the folder does not depend on where the command runs."""
    from ..config import load_config

    return Path(os.path.normpath(Path(root) / (load_config([Path(root)]).export_out or "exports")))


def output_path(out_dir: Path, bank_name: str, fmt: str) -> Path:
    return Path(out_dir) / f"{slug(bank_name)}{FORMATS[fmt].suffix}"


def prepare_out_dir(out_dir: Path) -> Path:
    """Create ``out_dir`` if needed and prove a file can be written there, before any
    work is done: a bad output path fails fast and leaves nothing behind."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: is a file, not a folder; name a folder for the exports")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{out}: a file stands where a folder is needed on that path") from None
    except NotADirectoryError:
        raise OutputError(f"{out}: a file stands where a folder is needed on that path") from None
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the folder ({exc.strerror or exc})") from exc
    try:  # os.access is not enough: root ignores permission bits, not immutable folders
        fd, probe = tempfile.mkstemp(prefix=".qbank-probe-", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"{out}: cannot write files in this folder ({exc.strerror or exc})") from exc
    return out


def run_export(bank: Bank, formats: Iterable[str], out_dir: Path, name: str | None = None,
               selection: Selection = Selection(), tick: Tick = no_tick, now: float | None = None,
               jobs: int | None = None, findings: list[Diagnostic] | None = None,
               pools: tuple[Any, int] | None = None) -> list[Path]:
    """Export the questions of ``bank`` that ``selection`` takes in each of ``formats`` (keys
    of FORMATS) into ``out_dir``; returns the files written, in the order of ``formats``.

    ``name`` replaces the bank's name in deck names, titles and file names; the notes'
    identity in Anki stays the bank's own name. Raises what :func:`exportable` raises,
    OutputError for an unusable output folder and ExportError for content that cannot be
    packaged (an unreadable or oversized image); nothing is written then. ``now`` fixes the
    export time (Anki modification times); by default it is the clock. ``jobs`` caps the
    worker processes that render Markdown for large banks. What a format could not carry
    (QB011 warnings: a question GIFT or Aiken leaves out, say) is appended to ``findings``.
    ``pools`` = (blueprint, items): the questions go in one pool per area of the blueprint, each
    drawing its share of a form of ``items`` (QTI sections, Moodle categories; see blueprint.pools);
    questions in no area are left out. A ``selection.form`` exports the form's items, in its order.
    """
    wanted = list(dict.fromkeys(formats))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown export format(s): {', '.join(unknown)}")
    identity = bank.name.strip() or "bank"      # Anki note identity: never changed by ``name``
    bank_name = (name or bank.name).strip() or "bank"
    questions = exportable(bank, selection).questions  # never empty: QTI needs at least one item
    drawn: tuple = ()
    if pools is not None:
        from ..blueprint import pools as make_pools

        drawn = tuple(make_pools(pools[0], questions, pools[1]))
        questions = [q for pool in drawn for q in pool.questions]
        if not questions:
            raise NothingSelected(f"no question to export is in an area of blueprint `{pools[0].name}`")
    out = prepare_out_dir(Path(out_dir))
    if any(FORMATS[f].needs_html for f in wanted):
        rendered, media = render_all(questions, bank.root, tick, jobs)
    else:  # the reviewers' CSV alone carries the Markdown source: skip rendering
        rendered, media = [RenderedQuestion.source_only(q) for q in questions], {}
        tick(len(questions))
    targets = [output_path(out, bank_name, fmt) for fmt in wanted]
    for target in targets:
        if target.is_dir():
            raise OutputError(f"{target}: a folder stands where the export file goes")
    # Each package streams into a temp file beside its target; the targets are replaced only
    # once every package is complete, so a failure anywhere leaves every old file as it was.
    try:
        with ExitStack() as stack:
            for fmt, target in zip(wanted, targets):
                out_file = stack.enter_context(atomic_writer(target, keep_mode=False))
                job = ExportJob(bank_name, rendered, media, target, tick, now, identity=identity,
                                form=selection.form.name if selection.form is not None else None,
                                pools=tuple(pool._replace(questions=tuple(q.id for q in pool.questions))
                                            for pool in drawn))
                FORMATS[fmt].write(job, out_file)
                if findings is not None:
                    findings.extend(job.findings)
    except OSError as exc:
        raise OutputError(f"{exc.filename or out}: cannot write ({exc.strerror or exc})") from exc
    return targets
