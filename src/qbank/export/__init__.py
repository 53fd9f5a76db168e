"""Exports of a loaded bank: Anki (.apkg and CSV), a reviewers' CSV, QTI 1.2 and QTI 2.1.

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
from typing import BinaryIO, Callable, Iterable

from ..bank import Bank
from ..errors import BankHasErrors, ExportError, NothingSelected, OutputError, UsageError
from ..fsutil import atomic_writer
from ..model import Question
from . import anki, csv_export, qti12, qti21
from .common import ExportJob, RenderedQuestion, Tick, no_tick, render_all, select, slug


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
)}

__all__ = ["FORMATS", "Format", "ExportError", "BankHasErrors", "NothingSelected", "OutputError", "choose_formats",
           "exportable", "run_export", "prepare_out_dir", "output_path"]


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


def _listed(value: str | Iterable[str] | None) -> list[str]:
    return [value] if isinstance(value, str) else list(value or ())


def exportable(bank: Bank, tag: str | Iterable[str] | None = None,
               topic: str | Iterable[str] | None = None) -> list[Question]:
    """The questions of ``bank`` an export of ``tag``/``topic`` (see :func:`select`) would hold.
    Raises BankHasErrors when the bank has errors (warnings never block) and NothingSelected
    when no question is left."""
    if bank.has_errors:
        raise BankHasErrors(bank.diagnostics)
    chosen = select(bank.questions, tag, topic)
    if not chosen:
        wanted = ", ".join([f"--tag {t}" for t in _listed(tag)] + [f"--topic {t}" for t in _listed(topic)])
        raise NothingSelected(f"no question matches {wanted}" if wanted else "the bank has no questions")
    return chosen


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
               tag: str | Iterable[str] | None = None, topic: str | Iterable[str] | None = None,
               tick: Tick = no_tick, now: float | None = None, jobs: int | None = None) -> list[Path]:
    """Export the selected questions of ``bank`` in each of ``formats`` (keys of FORMATS)
    into ``out_dir``; returns the files written, in the order of ``formats``.

    ``name`` replaces the bank's name in deck names, titles and file names; the notes'
    identity in Anki stays the bank's own name. Raises OutputError for an unusable
    output folder (nothing is written then) and
    ExportError for content that cannot be packaged (an unreadable image). ``now`` fixes
    the export time (Anki modification times); by default it is the clock. ``jobs`` caps
    the worker processes that render Markdown for large banks.
    """
    wanted = list(dict.fromkeys(formats))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown export format(s): {', '.join(unknown)}")
    identity = bank.name.strip() or "bank"      # Anki note identity: never changed by ``name``
    bank_name = (name or bank.name).strip() or "bank"
    out = prepare_out_dir(Path(out_dir))
    questions = select(bank.questions, tag, topic)
    if not questions:  # an empty deck or quiz helps nobody, and QTI needs at least one item
        raise NothingSelected("no question to export" + (" matches the --tag/--topic filters" if tag or topic else ""))
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
                FORMATS[fmt].write(ExportJob(bank_name, rendered, media, target, tick, now, identity=identity),
                                   out_file)
    except OSError as exc:
        raise OutputError(f"{exc.filename or out}: cannot write ({exc.strerror or exc})") from exc
    return targets
