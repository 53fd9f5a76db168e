"""qbank's own responses format: a CSV with the header ``candidate,item,choice`` and one row
per answer: any candidate label, the qbank id of the item, and the letter (A, B, ...) of the
option chosen, in the item's written order; an empty choice is an omitted item. A candidate
who has no row for an item omitted it. Rows of one candidate need not be together.
"""

from __future__ import annotations

from . import Answers, Malformed, ReadResult, Ref, columns, rows

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def read(raw: bytes, shown: str) -> ReadResult:
    _, header, body = rows(raw)
    at = columns([h.strip().lower() for h in header], ("candidate", "item", "choice"), "a responses CSV "
                 "(candidate,item,choice)")
    answers = Answers()
    items: dict[str, int] = {}
    candidates: dict[str, int] = {}
    for line, row in body:
        row = row + [""] * (3 - len(row)) if len(row) < 3 else row
        who, item, choice = (row[at[k]].strip() for k in ("candidate", "item", "choice"))
        if not who or not item:
            raise Malformed("every row needs a candidate and an item id", line)
        if choice and (len(choice) != 1 or choice.upper() not in LETTERS):
            raise Malformed(f"choice '{choice[:20]}' is not an option letter (A, B, C, ...)", line)
        if item not in items:
            items[item] = len(answers.refs)
            answers.refs.append(Ref(item, None, line))
        if who not in candidates:
            candidates[who] = answers.candidates
            answers.candidates += 1
        if choice:
            answers.add(candidates[who], items[item], LETTERS.index(choice.upper()), line)
    return ReadResult(answers=answers)
