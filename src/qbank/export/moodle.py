"""Moodle XML: the format Moodle's question bank imports whole (Question bank > Import >
Moodle XML format). One file, images inside it.

How a question maps (an importer inverts this):
    <question type="category">   one before each topic's questions: `$course$/top/<bank>/<topic>`
                                 (no topic: `$course$/top/<bank>`), a `/` in a name written `//`;
                                 <bank> is the bank's own name (qbank.toml), never `--name`;
                                 a form (--form): `$course$/top/<bank>/form <name>`, in its order;
                                 --pools: `$course$/top/<bank>/<area>`, one per blueprint area
    <question type="multichoice"> one per question, in bank order within its category
      name, idnumber             the question id (an idnumber over Moodle's 100 characters is cut
                                 and ends in a hash of the id)
      questiontext               the stem, rendered HTML in CDATA, format="html"
      generalfeedback            the explanation
      defaultgrade               `points` (1 without it)
      single                     true; fraction="100" on the key, "0" on every other option
      shuffleanswers             what qbank.order allows; Moodle cannot pin one option in place,
                                 so an item with "None of the above" kept last is not shuffled
      answernumbering            ABCD: the letters qbank's rationales and "Both A and C" use
      answer/feedback            each option's rationale (empty without one)
      tags/tag                   `tags`
Images travel as `<file name="..." path="/" encoding="base64">` beside the text that shows
them (a text's files belong to that text in Moodle), referenced as `@@PLUGINFILE@@/<name>`;
they are streamed into the file, and the file is refused before anything is written when it
would hold more than the package bound. Re-importing adds the questions again: Moodle matches
nothing on import, and drops an idnumber the category already has (see the README).
The bytes depend only on the questions: two exports are identical.
"""

from __future__ import annotations

import hashlib
import io
from html import escape
from typing import BinaryIO, Iterable, Iterator

from .common import (Base64Writer, ExportJob, MediaFile, RenderedQuestion, base64_size, check_package_size,
                     copy_media, decimal, images_in, sections, xml_safe)

PLUGINFILE = "@@PLUGINFILE@@/"
IDNUMBER_MAX = 100      # Moodle's question.idnumber column
PENALTY = "0.3333333"   # Moodle's default penalty for each wrong try (interactive quizzes)


def category_path(bank_name: str, topic: str | None) -> str:
    """The Moodle category of a question: `$course$/top/<bank>[/<topic>]`. Each name has its
    runs of white space made one space and its `/` doubled (Moodle's escape in paths)."""
    names = [" ".join(n.split()).replace("/", "//") for n in (bank_name, topic or "")]
    return "/".join(["$course$/top", *(n for n in names if n)])


def by_category(job: ExportJob) -> Iterator[tuple[str, list[RenderedQuestion]]]:
    """The questions grouped by category path, the categories sorted, bank order inside each.
    The path starts with the bank's own name, never ``--name``: Moodle keeps an idnumber unique
    per category, so (category, idnumber) is a question's identity there, from bank and id."""
    if job.form or job.pools:
        # a form: one category, its items in its order; pools: one category per blueprint area
        # (a quiz draws from each with "Add a random question", see the README)
        for _, title, _, questions in sections(job):
            yield category_path(job.identity, title if job.pools else f"form {job.form}"), questions
        return
    groups: dict[str, list[RenderedQuestion]] = {}
    for rq in job.questions:
        groups.setdefault(category_path(job.identity, rq.question.topic), []).append(rq)
    for path in sorted(groups):
        yield path, groups[path]


def idnumber(question_id: str) -> str:
    if len(question_id) <= IDNUMBER_MAX:
        return question_id
    digest = hashlib.sha256(question_id.encode("utf-8")).hexdigest()[:12]
    return f"{question_id[:IDNUMBER_MAX - 13]}-{digest}"


def cdata(fragment: str) -> str:
    return "<![CDATA[" + xml_safe(fragment).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text(value: str) -> str:
    return escape(xml_safe(value), quote=False)


class _Writer:
    """Writes the XML as it goes: small strings buffered, images streamed as base64."""

    def __init__(self, out: BinaryIO, media: dict[str, MediaFile]) -> None:
        self.out = out
        self.media = media
        self.buffer = io.StringIO()

    def __call__(self, *parts: str) -> None:
        for part in parts:
            self.buffer.write(part)

    def flush(self) -> None:
        self.out.write(self.buffer.getvalue().encode("utf-8"))
        self.buffer = io.StringIO()

    def html(self, tag: str, indent: str, fragment: str, names: Iterable[str], extra: str = "",
             close: bool = True) -> None:
        """``<tag format="html">`` with the fragment and the files it shows (left open with
        ``close=False``, for an answer's feedback)."""
        self(f'{indent}<{tag}{extra} format="html">\n{indent}  <text>{cdata(fragment)}</text>\n')
        for name in names:
            self(f'{indent}  <file name="{escape(name)}" path="/" encoding="base64">')
            self.flush()
            encoder = Base64Writer(self.out)
            copy_media(self.media[name], encoder)
            encoder.close()
            self("</file>\n")
        if close:
            self(f"{indent}</{tag}>\n")


def embedded_bytes(job: ExportJob) -> int:
    """What the images add to the file: each once per text that shows it, in base64."""
    total = 0
    for rq in job.questions:
        for fragment in (rq.stem, rq.explanation, *rq.options, *rq.rationales):
            total += sum(base64_size(job.media[n].size) for n in images_in(rq, fragment))
    return total


def question(w: _Writer, rq: RenderedQuestion) -> None:
    q = rq.question
    here = rq.localized(PLUGINFILE)
    order = rq.order
    shuffle = order.shuffle and not order.fixed
    w('  <question type="multichoice">\n')
    w(f"    <name>\n      <text>{text(q.id)}</text>\n    </name>\n")
    w.html("questiontext", "    ", here.stem, images_in(rq, rq.stem))
    w.html("generalfeedback", "    ", here.explanation, images_in(rq, rq.explanation))
    w(f"    <defaultgrade>{decimal(rq.points)}</defaultgrade>\n",
      f"    <penalty>{PENALTY}</penalty>\n",
      "    <hidden>0</hidden>\n",
      f"    <idnumber>{text(idnumber(q.id))}</idnumber>\n",
      "    <single>true</single>\n",
      f"    <shuffleanswers>{'true' if shuffle else 'false'}</shuffleanswers>\n",
      "    <answernumbering>ABCD</answernumbering>\n",
      "    <showstandardinstruction>0</showstandardinstruction>\n")
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        w(f'    <{tag} format="html">\n      <text></text>\n    </{tag}>\n')
    for i, option in enumerate(here.options):
        fraction = "100" if i == rq.key_index else "0"
        w.html("answer", "    ", option, images_in(rq, rq.options[i]), extra=f' fraction="{fraction}"', close=False)
        w.html("feedback", "      ", here.rationales[i] or "", images_in(rq, rq.rationales[i]))
        w("    </answer>\n")
    if q.tags:
        w("    <tags>\n")
        for tag in q.tags:
            w(f"      <tag><text>{text(tag)}</text></tag>\n")
        w("    </tags>\n")
    w("  </question>\n")


def category(w: _Writer, path: str) -> None:
    w('  <question type="category">\n',
      f"    <category>\n      <text>{text(path)}</text>\n    </category>\n",
      '    <info format="html">\n      <text></text>\n    </info>\n',
      "  </question>\n")


def export(job: ExportJob, out: BinaryIO) -> None:
    check_package_size(embedded_bytes(job))
    w = _Writer(out, job.media)
    w('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n')
    for path, questions in by_category(job):
        category(w, path)
        for rq in questions:
            question(w, rq)
            w.flush()
            job.tick(1)
    w("</quiz>\n")
    w.flush()
