"""CSV exports: a spreadsheet for reviewers, and Anki's tab-separated text import.

Named ``csv_export`` so that ``import csv`` inside the package still means the stdlib.
"""

from __future__ import annotations

import csv
import io
import re
from typing import BinaryIO

from ..model import LETTERS
from .anki import FIELDS, MODEL_NAME, deck_name, note_fields, note_guid, note_tags
from .common import ExportJob, decimal

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A plain number ("-2", "+3", "-2.5", "-1,000", "-5%", "1e-3"): a spreadsheet reads it as that
# number, never as a formula, so it stays as written (OWASP's CSV-injection guidance allows it).
NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|[.,]\d+)(?:[eE][+-]?\d+)?%?")


def neutralise(cell: str) -> str:
    """``cell`` as text a spreadsheet will not evaluate: a leading apostrophe is what Excel and
    LibreOffice themselves use to mark a cell as text. Plain numbers are left alone; anything
    else starting like a formula gets the apostrophe, "-2 mg" too (Excel reads it as the
    formula `=-2 mg`, and a number followed by text is how an injected formula starts)."""
    return "'" + cell if cell.startswith(FORMULA_START) and not NUMBER.fullmatch(cell) else cell


# A line that cannot open or continue a block other than a paragraph: it starts with a letter,
# a digit not followed by a list marker, or an opening quote or bracket (see common._PROSE_START).
_PROSE_LINE = re.compile(r" {0,3}(?:[^\W\d_]|[\"'(\u201c\u2018]|\d+(?![\d.)]))")


_BARE_MARKER = re.compile(r"\d{1,9}[.)]")
_WORD = re.compile(r"[^\W_]")


def unwrapped(text: str) -> str:
    """``text`` with the line breaks inside each paragraph made spaces, as every renderer
    shows them (authors wrap long lines in YAML blocks). Blank lines between paragraphs, hard
    breaks (two trailing spaces, a backslash), lists, quotes, tables and code stay as written."""
    body = text.rstrip("\n")
    if "\n" not in body:
        return text
    lines = body.split("\n")
    joined = _paragraph_lines(lines)
    keep_indent = "`" in body  # a code span keeps a continuation line's indent
    out: list[str] = []
    for i, line in enumerate(lines):
        if i - 1 in joined:  # (the line's own end may be a hard break: only its start is trimmed)
            out[-1] = out[-1].rstrip(" ") + " " + (line if keep_indent else line.lstrip(" "))
        else:
            out.append(line)
    return "\n".join(out) + text[len(body):]


def _paragraph_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines whose line break is a soft break inside a top-level or list-item
    paragraph (not in a quote, where the next line starts with its marker)."""
    if all(not line.strip(" ") or _PROSE_LINE.match(line) for line in lines):
        spans = []  # paragraphs of prose only: no parse needed
        start = None
        for i, line in enumerate(lines + [""]):
            if line.strip(" ") and start is None:
                start = i
            elif not line.strip(" ") and start is not None:
                spans.append((start, i))
                start = None
    else:
        from ..render import markdown

        md, tokens = markdown(), []
        md.block.parse("\n".join(lines), md, {}, tokens)  # the block structure is all this needs
        spans, quoted = [], 0
        for token in tokens:
            quoted += {"blockquote_open": 1, "blockquote_close": -1}.get(token.type, 0)
            if token.type == "paragraph_open" and token.map and not quoted:
                spans.append(tuple(token.map))
    # Not after a hard break, nor after a line without a letter or digit ("**" with the next
    # line's "*" would make a thematic break), nor after a bare list marker ("1."): an empty
    # list item cannot interrupt a paragraph, but with the next line's words it can.
    return {i for start, end in spans for i in range(start, end - 1)
            if not lines[i].endswith(("  ", "\\")) and _WORD.search(lines[i])
            and not _BARE_MARKER.fullmatch(lines[i].strip(" "))}


def plain(job: ExportJob, out: BinaryIO) -> None:
    """One row per question with the Markdown source, for reviewers and bulk tools: each text
    with its wrapped lines joined (``unwrapped``), references one per line, the item's
    ``shuffle`` setting, then its points, status, author, source and licence (empty when unset).

    UTF-8 with a byte-order mark (without it Excel reads UTF-8 as the local code page),
    every field quoted when it holds a comma, quote or newline, CRLF between rows.
    """
    width = max((len(rq.question.options) for rq in job.questions), default=2)
    letters = [c.lower() for c in LETTERS[:width]]
    header = (["id", "topic", "tags", "difficulty", "stem"] + [f"option_{c}" for c in letters]
              + ["key", "explanation"] + [f"rationale_{c}" for c in letters] + ["references", "shuffle"]
              + ["points", "status", "author", "source", "license"])
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    text.write("\ufeff")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    for rq in job.questions:
        q = rq.question
        options = [unwrapped(o.text) for o in q.options] + [""] * (width - len(q.options))
        rationales = [unwrapped(o.rationale or "") for o in q.options] + [""] * (width - len(q.options))
        row = [q.id, q.topic or "", "; ".join(q.tags), q.difficulty or "", unwrapped(q.stem), *options,
               q.key_letter, unwrapped(q.explanation), *rationales, "\n".join(q.references),
               "true" if q.shuffle else "false",
               "" if q.points is None else decimal(q.points), q.status or "", q.author or "", q.source or "",
               q.license or ""]
        writer.writerow([neutralise(cell) for cell in row])
        job.tick(1)
    text.flush()
    text.detach()  # ``out`` stays open: the caller closes it


ANKI_COLUMNS = FIELDS + ["Deck", "Tags", "GUID"]


def anki(job: ExportJob, out: BinaryIO) -> None:
    """Anki's text import with header lines: the same fields, decks, tags and GUIDs as the
    .apkg, so importing it updates those notes (or adds missing ones) in a collection that
    has the qbank note type (import the .apkg once to create it).

    The layout of Anki's own "Notes in Plain Text" export, and named `.txt` like it: Anki's
    importer reads `.txt`, `.csv` and `.tsv` alike, while a spreadsheet takes a `.csv` for
    comma-separated. Tab-separated because genanki GUIDs can contain `,` `;` `<` `>` `&`;
    the GUID is the last column because a line starting with `#` (a possible GUID
    character) would be read as a comment. Formula neutralising does not apply: Anki never
    evaluates cells, and an altered GUID would no longer match its note.
    """
    n = len(FIELDS)
    lines = [
        "#separator:Tab",
        "#html:true",
        f"#notetype:{MODEL_NAME}",
        f"#deck column:{n + 1}",
        f"#tags column:{n + 2}",
        f"#guid column:{n + 3}",
        "#columns:" + "\t".join(ANKI_COLUMNS),
    ]
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    text.write("\n".join(lines) + "\n")
    writer = csv.writer(text, delimiter="\t", lineterminator="\n")
    # Parent decks first: Anki's CSV import creates `Bank+` when a row names a deck that
    # the same import already created implicitly as the parent of `Bank::Topic`.
    for rq in sorted(job.questions, key=lambda rq: deck_name(job.bank_name, rq.question.topic)):
        fields = note_fields(rq.localized(""), job.identity)
        writer.writerow(fields + [deck_name(job.bank_name, rq.question.topic), " ".join(note_tags(rq)),
                                  note_guid(job.identity, rq.id)])
        job.tick(1)
    text.flush()
    text.detach()
