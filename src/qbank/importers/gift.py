"""GIFT (Moodle's text format for questions) to qbank questions; the inverse of
:mod:`qbank.export.gift`, reading the grammar as Moodle's qformat_gift reads it.

- Lines whose first non-blank characters are `//` are comments; a blank line ends a question.
- `$CATEGORY: path` (a block of its own) sets the category of what follows: folders and topic,
  as in Moodle XML (see :func:`qbank.importers.moodle.category_parts`).
- `::title::` names the question (its id); `[html]`, `[markdown]`, `[plain]`, `[moodle]` before the
  text sets the format of every text of the question (no prefix: Moodle's auto format, read as
  HTML when it has tags, else as plain text).
- The answers are between the first unescaped `{` and the last unescaped `}`; text after the
  `}` makes a "missing word" question (`_____` where the answers stood).
- `=answer` is the key, `~answer` a distractor (`~%-50%answer` too: a penalty), `#feedback` after
  an answer its rationale, `####feedback` the general feedback (the explanation); `{T}` / `{F}`
  (or TRUE / FALSE, with `#wrong#right` feedback) a true/false question with options True, False.
- Escapes `\\~ \\= \\# \\{ \\} \\: \\\\` and `\\n` (a line break) are undone in every text.
Numerical (`{#...}`), matching (`->`), short answer (only `=`), essay (`{}`), several keys or
partial credit: QB012, skipped. An unclosed `{`, an answer with no text: QB013.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..diagnostics import diagnostic
from .archive import guarded, read_text
from .base import ImportedItem, ImportOptions, ReadResult
from .markup import html_to_markdown, plain_to_markdown
from .moodle import Skip, category_parts

# Escaped characters stand for themselves: swapped for private-use characters while the
# question is taken apart, then put back.
_ESCAPED = {"\\\\": "\ue020", "\\~": "\ue021", "\\=": "\ue022", "\\#": "\ue023", "\\{": "\ue024", "\\}": "\ue025",
            "\\:": "\ue026", "\\n": "\ue027"}
_ESCAPE = re.compile(r"\\[\\~=#{}:n]")
_UNESCAPE = {v: k[1] for k, v in _ESCAPED.items()} | {"\ue027": "\n"}
_TITLE = re.compile(r"^::(.*?)::", re.S)
_FORMAT = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.I)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TAGS = re.compile(r"<[a-zA-Z][^>]*>")
_CLOZE = re.compile(r"\s*\d*:[A-Z_]+:")   # `{1:MC:~a~=b}`: Moodle's embedded-answers syntax


def _hide(text: str) -> str:
    return _ESCAPE.sub(lambda m: _ESCAPED[m.group(0)], text)


def _show(text: str) -> str:
    return "".join(_UNESCAPE.get(ch, ch) for ch in text)


def blocks(text: str) -> list[tuple[int, str]]:
    """The file's questions (and `$CATEGORY:` lines) with the line each starts on; comments out."""
    out: list[tuple[int, str]] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith("//"):
            continue
        if not line.strip():
            if current:
                out.append((start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        out.append((start, "\n".join(current)))
    return out


def _markdown(text: str, fmt: str) -> str:
    text = _show(text).strip()
    if fmt == "markdown":
        return text
    if fmt == "plain" or (fmt == "moodle" and not _TAGS.search(text)):
        return plain_to_markdown(text)
    return html_to_markdown(text)


def _answers(body: str) -> list[tuple[str, str]]:
    """(`=` or `~`, what follows up to the next marker), in order."""
    parts = re.split(r"([=~])", body)
    if parts[0].strip():
        raise Skip("QB013", f"text before the first answer marker in the answers: {_show(parts[0]).strip()[:40]!r}")
    return [(parts[i], parts[i + 1]) for i in range(1, len(parts) - 1, 2)]


def question(block: str) -> dict:
    """One GIFT question as qbank data (Skip when it cannot be)."""
    text = _hide(block)
    data: dict = {}
    title = _TITLE.match(text.lstrip())
    if title:
        text = text.lstrip()[title.end():]
        name = " ".join(_show(title.group(1)).split())
        if name:
            data["id"] = name
    text = text.strip()
    fmt = "moodle"
    m = _FORMAT.match(text)
    if m:
        fmt, text = m.group(1).lower(), text[m.end():]
    start, end = text.find("{"), text.rfind("}")
    if start < 0:
        raise Skip("QB012", "a description (text with no answers); qbank holds questions with options only")
    if end < start:
        raise Skip("QB013", "the answers' `{` is never closed by a `}`")
    if text.count("{") > 1 or _CLOZE.match(text[start + 1:]):
        raise Skip("QB012", "an embedded-answers (cloze) question; qbank holds one set of options per question")
    stem = text[:start].rstrip()
    after = text[end + 1:].strip()
    if after:
        stem = f"{stem} _____ {after}"
    body = text[start + 1:end].strip()
    general = ""
    if "####" in body:
        body, general = body.split("####", 1)
    data["stem"] = _markdown(stem, fmt)
    if not data["stem"]:
        raise Skip("QB013", "the question has no text")
    data["options"] = _options(body.strip(), fmt)
    data["explanation"] = _markdown(general, fmt)
    return data


def _truefalse(body: str, fmt: str) -> list[dict] | None:
    value, *feedback = body.split("#")
    if value.strip().upper() not in ("T", "TRUE", "F", "FALSE"):
        return None
    truth = value.strip().upper().startswith("T")
    # `{T#shown when wrong#shown when right}`: the first feedback follows a wrong answer
    wrong, right = (_markdown(feedback[0], fmt) if feedback else ""), (_markdown(feedback[1], fmt) if len(feedback) > 1 else "")
    options = []
    for label, is_key in (("True", truth), ("False", not truth)):
        option: dict = {"text": label}
        if is_key:
            option["correct"] = True
        rationale = right if is_key else wrong
        if rationale:
            option["rationale"] = rationale
        options.append(option)
    return options


def _options(body: str, fmt: str) -> list[dict]:
    if not body:
        raise Skip("QB012", "an essay question (no answers); qbank holds multiple-choice questions only")
    if body.startswith("#"):
        raise Skip("QB012", "a numerical question; qbank holds multiple-choice questions only")
    tf = _truefalse(body, fmt)
    if tf is not None:
        return tf
    if "->" in body:
        raise Skip("QB012", "a matching question; qbank holds multiple-choice questions only")
    answers = _answers(body)
    if not any(mark == "~" for mark, _ in answers):
        raise Skip("QB012", "a short-answer question (only `=` answers); qbank holds multiple-choice questions only")
    options, keys = [], 0
    for mark, rest in answers:
        text, _, feedback = rest.partition("#")
        text = text.strip()
        weight = _WEIGHT.match(text)
        fraction = 100.0 if mark == "=" else 0.0
        if weight:
            fraction, text = float(weight.group(1)), text[weight.end():].strip()
        if 0 < fraction < 100:
            raise Skip("QB012", f"an answer gives partial credit ({fraction:g}%); qbank holds one key and no partial credit")
        option: dict = {"text": _markdown(text, fmt)}
        if not option["text"]:
            if not feedback.strip() and fraction <= 0:
                continue  # `{~=a~b}`: Moodle reads an empty `~` before the `=` and drops it
            raise Skip("QB013", "an answer has no text")
        if fraction >= 100:
            option["correct"] = True
            keys += 1
        rationale = _markdown(feedback, fmt)
        if rationale:
            option["rationale"] = rationale
        options.append(option)
    if keys != 1:
        raise Skip("QB012" if keys else "QB013",
                   f"{keys} correct answers: qbank holds single-answer questions only" if keys
                   else "no answer is marked `=` or worth 100%: the question has no key")
    if len(options) < 2:
        raise Skip("QB013", "a multiple-choice question needs two or more answers")
    return options


def read(path: str | Path, options: ImportOptions) -> ReadResult:
    return guarded(Path(path), lambda result: _read(read_text(path, options.max_bytes), str(path), result))


def _read(text: str, name: str, result: ReadResult) -> None:

    folder: tuple[str, ...] = ()
    for line, block in blocks(text):
        head = block.lstrip()
        if head.startswith("$CATEGORY:"):
            path_line, _, rest = head.partition("\n")
            folder = tuple(category_parts(path_line[len("$CATEGORY:"):].strip().replace("\\\\", "\\")))
            if not rest.strip():
                continue
            block, line = rest, line + 1
        try:
            data = question(block)
        except Skip as skip:
            result.diagnostics.append(diagnostic(skip.code, name, line, 1, f"{skip}; the question was skipped"))
            continue
        if folder:
            data["topic"] = "/".join(folder)
        result.items.append(ImportedItem(data=data, line=line, folder=folder))
    return result
