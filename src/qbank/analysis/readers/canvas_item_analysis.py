"""Canvas's quiz Item Analysis report (Quiz Statistics > Item Analysis, a CSV).

One row per question, with the columns Canvas writes (its QuizStatistics::ItemAnalysis):
Question Id, Question Title, Answered Student Count, Top/Middle/Bottom Student Count (the 27%
groups), Quiz Question Count, Correct/Wrong Student Count and Ratio, Correct Top/Middle/Bottom
Student Count, Variance, Standard Deviation, Difficulty Index, Alpha, Point Biserial of
Correct, then Point Biserial of Distractor 2, 3, ... The Question Title is read first as a
qbank id (a qbank QTI export names each item by its id) and otherwise as the question's text,
which is then matched by text and reported (QB026). The distractors are in the quiz's answer
order (the form's with `--form FILE`, else as written). Canvas's point-biserials correlate with
the total score including the item (uncorrected), and it gives no per-distractor choice
rates; the store keeps those as null. Alpha (Cronbach's, which is KR-20 on right/wrong
items) becomes the form's kr20.
"""

from __future__ import annotations

import re

from . import Malformed, ReadResult, Ref, Reported, columns, number, rows

WHAT = "a Canvas Item Analysis report"
NEEDED = ("Question Id", "Question Title", "Answered Student Count", "Top Student Count", "Bottom Student Count",
          "Correct Top Student Count", "Correct Bottom Student Count", "Difficulty Index", "Alpha",
          "Point Biserial of Correct")
_DISTRACTOR = re.compile(r"Point Biserial of Distractor (\d+)$")


def read(raw: bytes, shown: str) -> ReadResult:
    _, header, body = rows(raw)
    at = columns(header, NEEDED, WHAT)
    distractors = sorted((int(m.group(1)), i) for i, h in enumerate(header) if (m := _DISTRACTOR.match(h.strip())))
    out = ReadResult()
    for line, row in body:
        row = row + [""] * (len(header) - len(row))

        def num(name: str) -> float | None:
            return number(row[at[name]], line, name)

        n = num("Answered Student Count")
        if n is None or n < 0 or n != int(n):
            raise Malformed(f"'Answered Student Count' must be a whole number, not '{row[at['Answered Student Count']]}'",
                            line)
        top, bottom = num("Top Student Count"), num("Bottom Student Count")
        top_ok, bottom_ok = num("Correct Top Student Count"), num("Correct Bottom Student Count")
        upper_lower = None
        if top and bottom and top_ok is not None and bottom_ok is not None:
            upper_lower = top_ok / top - bottom_ok / bottom
        alpha = num("Alpha")
        if alpha is not None:
            out.kr20 = alpha
        title = row[at["Question Title"]].strip()
        out.reported.append(Reported(Ref(title or None, title or None, line), int(n), num("Difficulty Index"),
                                     num("Point Biserial of Correct"), upper_lower,
                                     [number(row[i], line, header[i]) for _, i in distractors]))
    return out
