"""Aiken (the plainest format Moodle imports) to qbank questions; the inverse of
:mod:`qbank.export.aiken`, reading lines as Moodle's qformat_aiken does.

    <question text: one or more lines>
    A) <option>          (or `A. <option>`)
    B) ...
    ANSWER: <letter>

Blank lines between questions are ignored; lines of question text before the first option are
joined with a space. Aiken holds no id, feedback, explanation, topic or images: each question's
explanation is empty and its distractors have no rationale (lint then reports QB105), and the
writer makes its id from the stem. An `ANSWER:` letter no option has, an option or answer line
with no question, a question with fewer than two options or no `ANSWER:` line: QB013, skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..diagnostics import diagnostic
from .archive import guarded, read_text
from .base import ImportedItem, ImportOptions, ReadResult
from .markup import plain_to_markdown

OPTION = re.compile(r"^([A-Z])[).]\s*(.*)$")
ANSWER = re.compile(r"^ANSWER:\s*(.*)$")


def read(path: str | Path, options: ImportOptions) -> ReadResult:
    return guarded(Path(path), lambda result: _read(read_text(path, options.max_bytes), str(path), result))


def _read(text: str, name: str, result: ReadResult) -> None:

    stem: list[str] = []
    opts: list[tuple[str, str]] = []
    start = 0

    def skip(line: int, message: str) -> None:
        result.diagnostics.append(diagnostic("QB013", name, line, 1, f"{message}; the question was skipped"))

    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        option, answer = OPTION.match(line), ANSWER.match(line)
        if answer:
            letter = answer.group(1).strip()[:1].upper()
            if not stem:
                skip(number, "an `ANSWER:` line with no question before it")
            elif len(opts) < 2:
                skip(start, f"the question has {len(opts)} option{'s' if len(opts) != 1 else ''}; it needs two or more")
            elif letter not in [l for l, _ in opts]:
                skip(start, f"`ANSWER: {answer.group(1).strip()}` names no option of the question")
            else:
                result.items.append(ImportedItem(data=_question(stem, opts, letter), line=start))
            stem, opts = [], []
            continue
        if option and stem:
            opts.append((option.group(1), option.group(2).strip()))
            continue
        if opts:  # text after the options: the question never got its ANSWER: line
            skip(start, "the question has no `ANSWER:` line")
            stem, opts = [], []
        if not stem:
            start = number
        stem.append(line)
    if stem:
        skip(start, "the question has no `ANSWER:` line (Moodle drops it without a message)")
    return result


def _question(stem: list[str], opts: list[tuple[str, str]], letter: str) -> dict:
    options = []
    for label, text in opts:
        option: dict = {"text": plain_to_markdown(text) or text}
        if label == letter:
            option["correct"] = True
        options.append(option)
    return {"stem": plain_to_markdown(" ".join(stem)), "options": options, "explanation": ""}
