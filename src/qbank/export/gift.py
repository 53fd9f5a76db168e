"""GIFT: Moodle's text format for questions (Question bank > Import > GIFT format).

How a question maps (an importer inverts this):
    $CATEGORY: <path>        before each topic's questions, the Moodle XML export's category path
    ::<id>::[html]<stem>{    the id as the title; the stem, then every text, as rendered HTML
    =<key>#<rationale>       the key (100%), its rationale as its feedback when it has one
    ~<option>#<rationale>    every other option (0%) with its rationale
    ####<explanation>        the general feedback
    }                        then a blank line, which ends the question

Why `[html]` and not `[markdown]`: Moodle's Markdown is not CommonMark (another list and
emphasis grammar, raw HTML passed through), so Moodle would show a different question than the
other exports; the rendered HTML is the same question everywhere. The format prefix is written
once, on the stem: every other text takes the stem's format.

Escapes: `\\ ~ = # { } :` are written with a backslash in every text, titles and feedback
included (an unescaped `=` in feedback starts a new, correct answer), and a line break is
written `\\n`, so a question's texts never hold a blank line (which would end it) or a line
starting with `//` (a comment). Category paths are written unescaped, as Moodle writes them,
but for their backslashes, doubled (Moodle undoes `\\\\` there and no other escape).

What GIFT cannot carry, reported as QB011 warnings at the question's part concerned:
- images: GIFT holds no files and a local image would show broken, so a question with one is
  left out of the file (image URLs stay: they need no file);
- the order: GIFT cannot say "keep this order" nor pin an option, so an item whose options must
  keep their place is written, with a warning, and Moodle shuffles it unless the quiz does not;
- points: every question gets Moodle's default mark (1).
"""

from __future__ import annotations

from typing import BinaryIO

from .common import ExportJob, RenderedQuestion, first_image, xml_safe
from .moodle import by_category

ESCAPES = str.maketrans({"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}", ":": "\\:",
                         "\n": "\\n", "\r": "\\n"})


def escape(text: str) -> str:
    """``text`` as GIFT text: every special character backslash-escaped, line breaks as `\\n`."""
    return xml_safe(text).translate(ESCAPES)


def order_warning(job: ExportJob, rq: RenderedQuestion, target: str) -> None:
    """Say so when the item's options must keep their places, which ``target`` cannot say."""
    order = rq.order
    if order.shuffle and not order.fixed:
        return
    q = rq.question
    if job.form:
        at, why = ("options",), f"form {job.form} gives these options an order"
    elif not q.shuffle:
        at, why = ("shuffle",), "`shuffle: false`"
    elif order.fixed:
        at, why = ("options", order.fixed[0], "text"), "this option keeps its place"
    else:
        at, why = ("options",), "these options keep their order (they name each other, or are numbers in order)"
    job.lossy(rq, at, f"{why}, but {target} cannot say so: Moodle shuffles the options when the quiz shuffles "
                      "answers; export with --moodle, or turn off the quiz's shuffling")


def question(rq: RenderedQuestion) -> str:
    lines = [f"::{escape(rq.id)}::[html]{escape(rq.stem)}{{"]
    for i, option in enumerate(rq.options):
        mark = "=" if i == rq.key_index else "~"
        rationale = rq.rationales[i]
        lines.append(f"\t{mark}{escape(option)}" + (f"#{escape(rationale)}" if rationale else ""))
    lines.append(f"\t####{escape(rq.explanation)}")
    lines.append("}")
    return "\n".join(lines) + "\n\n"


def export(job: ExportJob, out: BinaryIO) -> None:
    for path, questions in by_category(job):
        # Written before the category's first question. Moodle reads the path after undoing `\\`
        # (and only then the other escapes, which it leaves undone here): backslashes doubled.
        header = f"$CATEGORY: {xml_safe(path).replace(chr(92), chr(92) * 2)}\n\n"
        for rq in questions:
            image = first_image(rq)
            if image is not None:
                job.lossy(rq, image, "GIFT cannot carry images, so this question is left out of the GIFT file; "
                                     "export it with --moodle, which carries them")
            else:
                order_warning(job, rq, "GIFT")
                out.write((header + question(rq)).encode("utf-8"))
                header = ""
            job.tick(1)
