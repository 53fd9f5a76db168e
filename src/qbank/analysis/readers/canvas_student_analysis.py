"""Canvas's quiz Student Analysis report (Quiz Statistics > Student Analysis, a CSV).

One row per attempt: name, id, sis_id, section, section_id, section_sis_id, submitted,
attempt, then for each question a column headed "<canvas question id>: <question text>"
holding the text of the answer chosen (empty: not answered) followed by its score column,
then "n correct", "n incorrect", "score". The header carries Canvas's own id and the
question's text, not its name, so questions are matched to the bank by text (QB026).
"""

from __future__ import annotations

import re

from . import Answers, Malformed, ReadResult, Ref, rows

_QUESTION = re.compile(r"^(\d+): (.*)$", re.S)


def read(raw: bytes, shown: str) -> ReadResult:
    header_line, header, body = rows(raw)
    questions = [(i, m.group(2).strip()) for i, h in enumerate(header) if (m := _QUESTION.match(h.strip()))]
    if not questions:
        raise Malformed("no question columns headed '<id>: <question text>': this is not a Canvas Student "
                        "Analysis report", header_line)
    answers = Answers([Ref(None, q, header_line) for _, q in questions])
    for line, row in body:
        for k, (i, _) in enumerate(questions):
            if i < len(row) and row[i].strip():
                answers.add(answers.candidates, k, row[i].strip(), line)
        answers.candidates += 1
    return ReadResult(answers=answers)
