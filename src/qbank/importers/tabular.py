"""CSV and XLSX: one question a row, under a header row naming the columns.

Default column mapping (a header matches case-insensitively, with spaces and hyphens read as
underscores; the first header row found is used, `qbank export --csv` writes exactly these):

    qbank field    column headers read
    id             id
    stem           stem, question, question_text, prompt
    option_a ...   option_a, choice_a, answer_a, a  (and so on for b, c ... z)
    key            key, answer, correct, correct_answer
    explanation    explanation, general_feedback, feedback
    rationale_a... rationale_a, feedback_a  (and so on)
    topic, tags, difficulty, references, shuffle, points, status, author, source, license
                   the field's name (license also: licence)

``ImportOptions.mapping`` overrides it: qbank field -> the header of the column that holds it
(`{"stem": "Question Text", "option_a": "Answer 1", "key": "Correct"}`). The key is a letter
(`B`, `b)`), an option number (`2`) or the key option's text. Tags are separated by `;` (or
`,`), references by line breaks; shuffle reads true/false, yes/no, 1/0. A cell that qbank's
export marked as text with a leading apostrophe (a formula-like `'=SUM(A1)`) loses it.

Each row becomes one question with its row number as the line; a row without a stem, with
fewer than two options, a key that names no option or a value a field cannot take is one
QB013 at its row. Empty rows are passed over. XLSX is read from the first sheet, values not
formulas (openpyxl, read-only mode), after the zip checks every package gets.
"""

from __future__ import annotations

import csv
import io
import re
import string
from datetime import date, datetime, time
from pathlib import Path
from typing import Iterable, Iterator

from ..diagnostics import diagnostic
from .archive import Archive, Malformed, check_size, guarded, read_text
from .base import ImportedItem, ImportOptions, ReadResult
from .itemdata import number, question_data, slug_id

LETTERS = string.ascii_lowercase
SIMPLE = ("id", "topic", "tags", "difficulty", "stem", "key", "explanation", "references", "shuffle", "points",
          "status", "author", "source", "license")
FIELDS = SIMPLE + tuple(f"option_{c}" for c in LETTERS) + tuple(f"rationale_{c}" for c in LETTERS)
ALIASES: dict[str, tuple[str, ...]] = {
    "stem": ("question", "question_text", "prompt"),
    "key": ("answer", "correct", "correct_answer"),
    "explanation": ("general_feedback", "feedback"),
    "license": ("licence",),
    **{f"option_{c}": (f"choice_{c}", f"answer_{c}", c) for c in LETTERS},
    **{f"rationale_{c}": (f"feedback_{c}",) for c in LETTERS},
}
# What qbank's CSV export (csv_export.FORMULA_START) marks as text with a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ENUMS = {"difficulty": ("easy", "medium", "hard"), "status": ("draft", "review", "approved", "retired")}
TRUE, FALSE = ("true", "yes", "y", "1"), ("false", "no", "n", "0")


def read(path: Path, options: ImportOptions) -> ReadResult:
    path = Path(path)

    def work(result: ReadResult) -> None:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            check_size(path, options.max_bytes)  # openpyxl opens the file itself
            rows = _xlsx_rows(path, options)
        else:
            rows = _csv_rows(read_text(path, options.max_bytes, 'save it as "CSV UTF-8"'))
        _read_rows(rows, str(path), options.mapping, result)

    return guarded(path, work)


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, cells) for each row; the delimiter is the one of `,` `;`
    tab that the first line holds most of (Excel writes `;` where the comma is a decimal mark)."""
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise Malformed(f"the CSV cannot be read past here: {exc}", start) from exc


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)


def _xlsx_rows(path: Path, options: ImportOptions) -> Iterator[tuple[int, list[str]]]:
    with Archive(path, options.max_bytes):  # refuses bombs, links and traversal before openpyxl opens it
        pass
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook; all mean "cannot read"
        raise Malformed(f"not a readable XLSX workbook ({type(exc).__name__}: {exc})") from exc
    try:
        if not book.worksheets:
            raise Malformed("the workbook has no sheet")
        for number_, row in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
            yield number_, [_cell(v) for v in row]
    finally:
        book.close()


def _normal(header: str) -> str:
    return re.sub(r"[\s-]+", "_", header.strip().lower())


def _columns(header: list[str], mapping: dict[str, str]) -> dict[str, int]:
    """qbank field -> column index, from ``mapping`` first, then the default headers."""
    index = {}
    for i, name in enumerate(header):
        index.setdefault(_normal(name), i)
    out: dict[str, int] = {}
    for field, column in mapping.items():
        if _normal(column) in index:
            out[field] = index[_normal(column)]
    for field in FIELDS:
        if field in out or field in mapping:
            continue
        for name in (field,) + ALIASES.get(field, ()):
            if name in index and index[name] not in out.values():
                out[field] = index[name]
                break
    return out


def _text(cell: str) -> str:
    """A cell's text: a leading apostrophe before a formula character is the export's text mark."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_START):
        cell = cell[1:]
    return cell.replace("\r\n", "\n").strip()


def _read_rows(rows: Iterable[tuple[int, list[str]]], at: str, mapping: dict[str, str], result: ReadResult) -> None:
    unknown = [f for f in mapping if f not in FIELDS]
    if unknown:
        result.diagnostics.append(diagnostic("QB013", at, 1, 1, f"the mapping names {', '.join(sorted(unknown))}, "
                                             f"which qbank does not have; fields: {', '.join(FIELDS[:14])}, "
                                             "option_a..option_z, rationale_a..rationale_z"))
        return
    columns: dict[str, int] | None = None
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if columns is None:
            columns = _columns(cells, mapping)
            missing = [f for f in ("stem", "option_a", "option_b", "key") if f not in columns]
            if missing:
                wanted = ", ".join(f"{f} (column {mapping[f]!r})" if f in mapping else f for f in missing)
                result.diagnostics.append(diagnostic(
                    "QB013", at, line, 1, f"the header row has no column for {wanted}; it has "
                    f"{', '.join(repr(c) for c in cells if c.strip())} (map them with a column mapping)"))
                return
            continue
        row = {f: _text(cells[i]) if i < len(cells) else "" for f, i in columns.items()}
        item, problem = _question(row)
        if problem:
            result.diagnostics.append(diagnostic("QB013", at, line, 1, f"row {line}: {problem}; skipped"))
        else:
            result.items.append(ImportedItem(item, line))
    if columns is None:
        result.diagnostics.append(diagnostic("QB013", at, 1, 1, "the file has no header row and no questions"))


def _question(row: dict[str, str]) -> tuple[dict, str | None]:
    options = [(c, row[f"option_{c}"]) for c in LETTERS if row.get(f"option_{c}")]
    if not row.get("stem"):
        return {}, "it has no stem"
    if len(options) < 2:
        return {}, f"it has {len(options)} option(s); a question needs at least two"
    letters = [c for c, _ in options]
    key = row.get("key", "").strip()
    chosen = key.lower().rstrip(").")
    by_text = [c for c, t in options if t == key]
    by_number = [letters[int(chosen) - 1]] if chosen.isdigit() and 1 <= int(chosen) <= len(options) else []
    if len(chosen) == 1 and chosen in letters:
        key_letter = chosen
    elif by_text and by_number and by_text != by_number:
        return {}, (f"its key {key!r} is both option {chosen}'s number and option "
                    f"{by_text[0].upper()}'s text; give the key as a letter")
    elif by_number or by_text:
        key_letter = (by_number or by_text)[0]
    else:
        return {}, f"its key {key!r} names no option (give a letter, {', '.join(l.upper() for l in letters)})" \
            if key else "it has no key"
    values: dict = {}
    for field, allowed in ENUMS.items():
        value = row.get(field, "").lower()
        if value and value not in allowed:
            return {}, f"{field} {row[field]!r} is not one of {', '.join(allowed)}"
        values[field] = value or None
    shuffle = row.get("shuffle", "").lower()
    if shuffle and shuffle not in TRUE + FALSE:
        return {}, f"shuffle {row['shuffle']!r} is not true or false"
    score = number(row.get("points", "").replace(",", "."))
    if row.get("points") and (score is None or not 0 < score <= 10000):
        return {}, f"points {row['points']!r} is not a number above 0 and at most 10000"
    tags = [t.strip() for t in re.split(r"[;,]", row.get("tags", "")) if t.strip()]
    data = question_data(
        id=slug_id(row.get("id") or ""), stem=row["stem"],
        options=[{"text": t, "correct": c == key_letter, "rationale": row.get(f"rationale_{c}")} for c, t in options],
        shuffle=False if shuffle in FALSE else None,
        explanation=row.get("explanation"), topic=row.get("topic"), tags=list(dict.fromkeys(tags)),
        difficulty=values["difficulty"], points=None if score is None else int(score) if score.is_integer() else score,
        references=[r.strip() for r in row.get("references", "").split("\n") if r.strip()],
        status=values["status"], author=row.get("author"), source=row.get("source"), license=row.get("license"),
    )
    return data, None
