"""What every importer returns: questions as the schema holds them, where each came from, and
one diagnostic per question or part of the file that could not be brought in."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import Diagnostic


@dataclass
class ImportOptions:
    """Settings a reader may honour (a reader ignores what its format has no place for)."""

    mapping: dict[str, str] = field(default_factory=dict)  # CSV/XLSX: qbank field -> column header
    max_bytes: int = 64 * 1024 * 1024                       # refuse larger inputs (and archive members)


@dataclass
class ImportedItem:
    """One question read from a source file.

    ``data`` is a question as ``schema/question.schema.json`` holds it, keys in the canonical
    ``fmt`` order; a rationale the source does not have is left out (lint then reports QB105),
    never invented. ``id`` is the source's own identity (idnumber, ident, title) slugged, or
    absent when the source has none: the writer then makes one. ``media`` maps the file names
    the Markdown in ``data`` refers to onto their bytes. ``folder`` is the source category
    path (it becomes sub-folders of the bank); ``line`` is where the question starts in the
    source file (1-based), for diagnostics. ``text``, when a reader gives it, is
    :func:`qbank.importers.write.new_text` of ``data``, written ahead in the reader's worker
    processes.
    """

    data: dict
    line: int = 1
    folder: tuple[str, ...] = ()
    media: dict[str, bytes] = field(default_factory=dict)
    text: str | None = None


@dataclass
class ReadResult:
    items: list[ImportedItem] = field(default_factory=list)
    # one per skipped question (unsupported type, broken) and per malformed part of the file
    diagnostics: list[Diagnostic] = field(default_factory=list)
