"""Readers of LMS result exports for `qbank stats import`, one module per format.

A reader turns the file's text into either per-question statistics the LMS computed
(``Reported``: Canvas's Item Analysis report) or candidates' answers (``Answers``: the other
reports), each question named by a ``Ref`` (a qbank id, or only its text). Matching refs to
bank items, answers to options, and the statistics themselves are the importer's
(qbank.analysis.importer), so every reader is only about its format.
"""

from __future__ import annotations

import csv
import io
from array import array
from dataclasses import dataclass, field
from typing import Iterator

from ...diagnostics import Diagnostic, diagnostic

csv.field_size_limit(1_000_000)  # a question's text fits; a runaway quoted field does not


@dataclass(frozen=True)
class Ref:
    """A question as the results name it: ``id`` (an exported qbank id, or a title that may
    be one) and/or ``text`` (its stem as the LMS shows it), where it is in the file."""

    id: str | None
    text: str | None
    line: int


@dataclass
class Reported:
    """One question's statistics as the LMS reports them; distractors in the report's order."""

    ref: Ref
    n: int
    p: float | None
    rpb: float | None
    upper_lower: float | None
    distractor_rpbs: list[float | None]


@dataclass
class Answers:
    """Who chose what, one entry per answer in flat columns (a million answers stay small):
    the candidate (a row number), the question (an index into ``refs``), the answer (an
    option's text, or an int: an option index, from a letter) and its line in the file."""

    refs: list[Ref] = field(default_factory=list)
    candidates: int = 0
    who: array = field(default_factory=lambda: array("l"))
    question: array = field(default_factory=lambda: array("l"))
    answer: list[str | int] = field(default_factory=list)
    line: array = field(default_factory=lambda: array("l"))
    by_text: bool = True  # answers are options' texts; False: every answer is an option index

    def add(self, candidate: int, question: int, answer: str | int, line: int) -> None:
        self.who.append(candidate)
        self.question.append(question)
        self.answer.append(answer)
        self.line.append(line)


@dataclass
class ReadResult:
    reported: list[Reported] = field(default_factory=list)
    answers: Answers | None = None
    kr20: float | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)


class Malformed(Exception):
    """The file cannot be read as its format: becomes QB025 at ``line``."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def rows(raw: bytes) -> tuple[int, list[str], Iterator[tuple[int, list[str]]]]:
    """The header of the CSV file ``raw`` (UTF-8, a BOM dropped: its line and cells) and an
    iterator over the records after it, each with the line it starts on (quoted fields may
    span lines). Decoded and parsed as it is read: a million-row file is never held as text."""
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline=""), strict=True)

    def records() -> Iterator[tuple[int, list[str]]]:
        line = 1
        try:
            for record in reader:
                if any(map(str.strip, record)):
                    yield line, record
                line = reader.line_num + 1
        except csv.Error as exc:
            raise Malformed(f"not CSV: {exc}", reader.line_num) from None
        except UnicodeDecodeError:
            raise Malformed("the file is not UTF-8 text", line) from None

    it = records()
    first = next(it, None)
    if first is None:
        raise Malformed("the file has no rows")
    return first[0], first[1], it


def columns(header: list[str], wanted: tuple[str, ...], what: str) -> dict[str, int]:
    """Where each ``wanted`` column is; Malformed naming the first missing one."""
    at = {name.strip(): i for i, name in enumerate(header)}
    for name in wanted:
        if name not in at:
            raise Malformed(f"no '{name}' column: this is not {what}")
    return {name: at[name] for name in wanted}


def number(cell: str, line: int, column: str) -> float | None:
    """A number cell ("" or "N/A": None)."""
    text = cell.strip()
    if text in ("", "N/A", "-"):
        return None
    try:
        value = float(text)
    except ValueError:
        raise Malformed(f"'{column}' is '{text[:40]}', not a number", line) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise Malformed(f"'{column}' is '{text[:40]}', not a number", line)
    return value


def warn(code: str, shown: str, line: int, message: str) -> Diagnostic:
    return diagnostic(code, shown, line, 1, message)
