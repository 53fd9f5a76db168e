"""CSV exports: a spreadsheet for reviewers, and Anki's tab-separated text import.

Named ``csv_export`` so that ``import csv`` inside the package still means the stdlib.
"""

from __future__ import annotations

import csv
import io
from typing import BinaryIO

from ..model import LETTERS
from .anki import FIELDS, MODEL_NAME, deck_name, note_fields, note_guid, note_tags
from .common import ExportJob

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """``cell`` as text a spreadsheet will not evaluate: a leading apostrophe is what
    Excel and LibreOffice themselves use to mark a cell as text."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def plain(job: ExportJob, out: BinaryIO) -> None:
    """One row per question with the Markdown source, for reviewers and bulk tools.

    UTF-8 with a byte-order mark (without it Excel reads UTF-8 as the local code page),
    every field quoted when it holds a comma, quote or newline, CRLF between rows.
    """
    width = max((len(rq.question.options) for rq in job.questions), default=2)
    letters = [c.lower() for c in LETTERS[:width]]
    header = (["id", "topic", "tags", "difficulty", "stem"] + [f"option_{c}" for c in letters]
              + ["key", "explanation"] + [f"rationale_{c}" for c in letters])
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    text.write("\ufeff")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    for rq in job.questions:
        q = rq.question
        options = [o.text for o in q.options] + [""] * (width - len(q.options))
        rationales = [o.rationale or "" for o in q.options] + [""] * (width - len(q.options))
        row = [q.id, q.topic or "", "; ".join(q.tags), q.difficulty or "", q.stem, *options,
               q.key_letter, q.explanation, *rationales]
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
