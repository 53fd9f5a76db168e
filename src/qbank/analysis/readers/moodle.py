"""Moodle's quiz Responses report (Quiz > Results > Responses, downloaded as CSV).

One row per attempt: the user columns (Surname/Last name, First name, Email address, ...),
State, Started on, Completed, Time taken, Grade/<max>, then per question slot N a
"Response N" column with the text of the answer chosen ("-" or empty: not answered) and,
when the report is downloaded with "Question text" ticked, a "Question N" column with
Moodle's summary of the question (for a multiple-choice question its text, ": ", then the
options in the order that attempt showed them, joined by "; "; the importer matches the part
before a ": " to a stem), and optionally "Right answer N". The column names are Moodle's
quiz_responses strings. The report carries no question name or
idnumber, so questions are matched by text (QB026); download it with the question text
shown, which also maps random questions (a slot draws other questions per attempt). The
"Overall average" row Moodle may append is skipped.
"""

from __future__ import annotations

import re

from . import Answers, Malformed, ReadResult, Ref, rows

_RESPONSE = re.compile(r"^Response (\d+)$")
NOT_ANSWERED = {"", "-"}


def read(raw: bytes, shown: str) -> ReadResult:
    header_line, header, body = rows(raw)
    names = [h.strip() for h in header]
    slots = {int(m.group(1)): i for i, h in enumerate(names) if (m := _RESPONSE.match(h))}
    if not slots:
        raise Malformed("no 'Response 1' column: this is not a Moodle quiz Responses report", header_line)
    missing = [n for n in sorted(slots) if f"Question {n}" not in names]
    if missing:
        raise Malformed(f"no 'Question {missing[0]}' column: download the Responses report with 'Question text' "
                        "shown, so that each response can be matched to its question", header_line)
    text_at = {n: names.index(f"Question {n}") for n in slots}
    answers = Answers()
    known: dict[str, int] = {}
    for line, row in body:
        if row and row[0].strip().lower().startswith("overall average"):
            continue
        for n in sorted(slots):
            question = row[text_at[n]].strip() if text_at[n] < len(row) else ""
            answer = row[slots[n]].strip() if slots[n] < len(row) else ""
            if not question:
                continue
            if question not in known:
                known[question] = len(answers.refs)
                answers.refs.append(Ref(None, question, line))
            if answer not in NOT_ANSWERED:
                answers.add(answers.candidates, known[question], answer, line)
        answers.candidates += 1
    return ReadResult(answers=answers)
