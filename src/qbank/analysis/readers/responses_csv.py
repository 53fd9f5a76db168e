"""qbank's own responses format: a CSV with the header ``candidate,item,choice`` and one row
per answer: any candidate label, the qbank id of the item, and the letter (A, B, ...) of the
option chosen as the candidate saw the options (the form's order with `--form FILE`, else the
item's written order); an empty choice is an omitted item. A candidate
who has no row for an item omitted it. Rows of one candidate need not be together.
"""

from __future__ import annotations

from . import Answers, Malformed, ReadResult, Ref, columns, rows

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def read(raw: bytes, shown: str) -> ReadResult:
    _, header, body = rows(raw)
    at = columns([h.strip().lower() for h in header], ("candidate", "item", "choice"), "a responses CSV "
                 "(candidate,item,choice)")
    ic, ii, ich = at["candidate"], at["item"], at["choice"]
    width = max(ic, ii, ich) + 1
    letter = {c: i for i, c in enumerate(LETTERS)} | {c.lower(): i for i, c in enumerate(LETTERS)}
    answers = Answers(by_text=False)
    items: dict[str, int] = {}
    candidates: dict[str, int] = {}
    # one loop over a million rows: local names, one dict look-up per field
    who_, question_, answer_, line_ = (answers.who.append, answers.question.append, answers.answer.append,
                                       answers.line.append)
    for line, row in body:
        if len(row) < width:
            row = row + [""] * (width - len(row))
        who, item, choice = row[ic].strip(), row[ii].strip(), row[ich].strip()
        if not who or not item:
            raise Malformed("every row needs a candidate and an item id", line)
        k = items.get(item)
        if k is None:
            k = items[item] = len(answers.refs)
            answers.refs.append(Ref(item, None, line))
        c = candidates.get(who)
        if c is None:
            c = candidates[who] = len(candidates)
        if choice:
            index = letter.get(choice)
            if index is None:
                raise Malformed(f"choice '{choice[:20]}' is not an option letter (A, B, C, ...)", line)
            who_(c)
            question_(k)
            answer_(index)
            line_(line)
    answers.candidates = len(candidates)
    return ReadResult(answers=answers)
