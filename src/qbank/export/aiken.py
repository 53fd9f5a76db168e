"""Aiken: the plainest text format Moodle imports (Question bank > Import > Aiken format).
It is lossy by design: it holds the question, the lettered options and the key, nothing else.

How a question maps (an importer inverts this, knowing what is lost):
    <stem as one line of plain text>
    A) <option as one line of plain text>
    B) ...
    ANSWER: <key letter>
    (a blank line between questions)

Lost on the way: explanation, rationales, images, Markdown (each text is the plain text of its
rendered HTML, its white space runs made single spaces, paragraphs of the stem joined by a
space), topic, tags, points, the id, and the order (Moodle shuffles when the quiz does; a
warning says so for an item that must keep its order). Moodle's reader takes each line as it
comes, so a question it would misread is left out of the file with a QB011 warning at the
part concerned instead: a stem or option with an image, an option that is more than one line
(paragraphs, a list, a line break), a list, table, code block or quote in the stem, a stem
that reads as an option line (`A. ...`, `B) ...`) or an `ANSWER:` line, a text with no
words. Every question written ends with its `ANSWER:` line: Moodle drops an unfinished last
question without a message.
"""

from __future__ import annotations

import re
from typing import BinaryIO

from .common import ExportJob, RenderedQuestion, first_image
from .gift import order_warning

# What Moodle's Aiken reader takes for an option or an answer line (after trimming the line).
OPTION_LINE = re.compile(r"[A-Z][).]")
ANSWER_LINE = "ANSWER:"
BLOCKS_ONE_LINE = {"p"}   # the stem's blocks that join into one line without losing sense
_BREAK = "\ue000"          # stands for a hard line break while the text is taken out


def plain_lines(fragment: str) -> list[str] | None:
    """The plain text of each top-level block of ``fragment``, or None if one is not a
    paragraph; a paragraph with a hard line break counts as two lines."""
    import lxml.html

    if not fragment.strip():
        return []
    try:
        blocks = lxml.html.fragments_fromstring(fragment)
    except Exception:  # lxml refuses what it cannot parse: such a text is no Aiken line
        return None
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, str) or block.tag not in BLOCKS_ONE_LINE:
            return None
        for br in block.iter("br"):
            br.tail = _BREAK + (br.tail or "")
        for part in block.text_content().split(_BREAK):
            lines.append(" ".join(part.split()))
    return [line for line in lines if line]


def refusal(rq: RenderedQuestion) -> tuple[tuple, str] | None:
    """Why Aiken cannot hold ``rq`` (where, and the message), or None."""
    image = first_image(rq, ("stem", "options"))
    if image is not None or "<img" in rq.stem or any("<img" in o for o in rq.options):
        return image or ("stem",), "Aiken cannot carry images, so this question is left out of the Aiken file"
    stem = plain_lines(rq.stem)
    if stem is None:
        return ("stem",), ("the stem has a list, table, code block or quote, which Aiken cannot write on one line; "
                           "the question is left out of the Aiken file")
    line = " ".join(stem)
    if len(line) < 2:
        return ("stem",), "the stem has no text Aiken can write; the question is left out of the Aiken file"
    if OPTION_LINE.match(line) or line.startswith(ANSWER_LINE):
        return ("stem",), (f"the stem starts like an Aiken {'answer' if line.startswith(ANSWER_LINE) else 'option'} "
                           "line, and Moodle would read it as one; the question is left out of the Aiken file")
    for i, fragment in enumerate(rq.options):
        lines = plain_lines(fragment)
        if lines is None or len(lines) > 1:
            return ("options", i, "text"), ("this option is more than one line, and an Aiken option is one line; "
                                            "the question is left out of the Aiken file")
        if not lines:
            return ("options", i, "text"), "this option has no text Aiken can write; the question is left out"
    return None


def question(rq: RenderedQuestion) -> str:
    lines = [" ".join(plain_lines(rq.stem) or [])]
    lines += [f"{rq.letter(i)}) {(plain_lines(o) or [''])[0]}" for i, o in enumerate(rq.options)]
    lines.append(f"{ANSWER_LINE} {rq.key_letter}")
    return "\n".join(lines) + "\n"


def export(job: ExportJob, out: BinaryIO) -> None:
    separator = ""
    for rq in job.questions:
        refused = refusal(rq)
        if refused is not None:
            job.lossy(rq, *refused)
        else:
            order_warning(job, rq, "Aiken")
            out.write((separator + question(rq)).encode("utf-8"))
            separator = "\n"
        job.tick(1)
