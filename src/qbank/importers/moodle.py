"""Moodle XML (Question bank > Export > Moodle XML format) to qbank questions; the inverse of
:mod:`qbank.export.moodle`.

How a question maps:
    <question type="category">     sets the category of the questions after it: `$course$/top/
                                   <bank>/<a>/<b>` -> folders a/b and `topic: a/b` (the context
                                   marker, `top` and the bank's own default category dropped;
                                   Moodle's `//` is a `/` inside a name)
    multichoice, <single>true      one question; truefalse: a two-option one (True, False)
      idnumber, else name          the id (slugged by the writer)
      questiontext                 the stem; HTML to Markdown, images to media
      answer fraction="100"        the key; fraction 0 (or a penalty below 0) a distractor
      answer/feedback              that option's rationale (the key's too)
      generalfeedback              the explanation (empty when there is none: lint says QB105)
      shuffleanswers false         `shuffle: false`
      defaultgrade                 `points` (left out when 1, Moodle's default)
      tags/tag                     `tags`
    `<file name=".." path=".." encoding="base64">` beside a text, referenced there as
    `@@PLUGINFILE@@/<path><name>`, becomes a media file of the question.
Every other type (essay, numerical, shortanswer, matching, ddwtos, cloze/multianswer, ...), a
multichoice with several answers or partial credit: QB012, skipped. No text, fewer than two
options, no 100% answer, two 100% answers, bad base64: QB013, skipped.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from ..diagnostics import Diagnostic, diagnostic
from .. import pool
from .archive import add_media, guarded, parse_xml, read_file, xml_parser
from .base import ImportedItem, ImportOptions, ReadResult
from .itemdata import number, points as to_points
from .markup import data_images, html_to_markdown, plain_to_markdown
from .write import new_text

PLUGINFILE = re.compile(r"@@PLUGINFILE@@/([^\"'\s<>)]*)")
CONTEXT = re.compile(r"^\$[a-z0-9]+\$$")  # `$course$`, `$system$`, `$module$`, `$cat1$`...
IDNUMBER_MAX = 100


class Skip(Exception):
    """This question cannot come in: ``code`` and message, at its line."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    def __reduce__(self):  # it comes back from a worker process
        return Skip, (self.code, str(self))


def category_parts(path: str) -> list[str]:
    """`$course$/top/Bank/Chapter//Part 1/Sub` -> ["Chapter/Part 1", "Sub"]: the categories under
    the bank's own (default) category, `//` read as a `/` inside a name; `$course$/Iota/Kappa`
    (before Moodle 3.5) -> ["Iota", "Kappa"], `$course$/Default for X/Y` -> ["Y"]."""
    names = [n.replace("\0", "/").strip() for n in path.replace("//", "\0").split("/")]
    names = [n for n in names if n]
    if names and CONTEXT.match(names[0]):
        names = names[1:]
    if names and names[0] == "top":
        return names[2:]          # Moodle 3.5+: `top`, then the context's default category
    # older exports have no `top`: the first name is the default category only when it says so
    return names[1:] if names and names[0].startswith("Default for ") else names


def _field(el, tag: str):
    return el.find(tag) if el is not None else None


def _text_of(el) -> str:
    return (el.findtext("text") or "") if el is not None else ""


class _Question:
    """One `<question>` element read into qbank data; media gathered under safe unique names."""

    def __init__(self, el) -> None:
        self.el = el
        self.media: dict[str, bytes] = {}
        self.names: dict[str, str] = {}   # `@@PLUGINFILE@@/` reference (decoded) -> media name

    def markdown(self, el) -> str:
        """The Markdown of a text element (`<questiontext format=..><text>..</text><file>..`)."""
        if el is None:
            return ""
        self._files(el)
        raw = _text_of(el)
        fmt = el.get("format", "html")
        if fmt == "markdown":
            return raw.strip()
        if fmt == "plain_text":
            return plain_to_markdown(raw)
        if fmt == "moodle_auto_format" and "<" not in raw:
            return plain_to_markdown(raw)
        return html_to_markdown(data_images(PLUGINFILE.sub(self._relink, raw), self.media))

    def _relink(self, m: re.Match) -> str:
        ref = unquote(m.group(1))
        return self.names.get(ref, ref.rsplit("/", 1)[-1])

    def _files(self, el) -> None:
        for f in el.findall("file"):
            name = f.get("name") or ""
            ref = ((f.get("path") or "/").strip("/") + "/" + name).lstrip("/")
            if not name or ref in self.names:
                continue
            try:
                data = base64.b64decode(re.sub(rb"\s+", b"", (f.text or "").encode("ascii", "replace")),
                                        validate=True)
            except (binascii.Error, ValueError):
                raise Skip("QB013", f"the embedded file {name!r} is not valid base64") from None
            self.names[ref] = add_media(self.media, name, data)

    def read(self) -> dict:
        el = self.el
        qtype = el.get("type", "")
        answers = [a for a in el.findall("answer")]
        stem = self.markdown(_field(el, "questiontext"))
        if qtype == "truefalse":
            options = self._truefalse(answers)
        else:
            single = (el.findtext("single") or "true").strip().lower() in ("true", "1")
            if not single:
                raise Skip("QB012", "a multiple-choice question with several correct answers; qbank holds "
                                    "single-answer questions only")
            options = self._options(answers)
        if not stem:
            raise Skip("QB013", "the question has no text")
        data: dict = {}
        own = self._identity()
        if own:
            data["id"] = own
        data["stem"] = stem
        data["options"] = options
        if (el.findtext("shuffleanswers") or "").strip().lower() in ("false", "0"):
            data["shuffle"] = False
        data["explanation"] = self.markdown(_field(el, "generalfeedback"))
        tags = []
        for tag in el.iterfind("tags/tag"):
            t = " ".join(_text_of(tag).split())
            if t and t not in tags:
                tags.append(t)
        if tags:
            data["tags"] = tags
        points = to_points(number(el.findtext("defaultgrade")))
        if points is not None:
            data["points"] = points
        return data

    def _identity(self) -> str:
        name = " ".join(_text_of(_field(self.el, "name")).split())
        idnumber = (self.el.findtext("idnumber") or "").strip()
        if idnumber and name and len(idnumber) == IDNUMBER_MAX and len(name) > IDNUMBER_MAX:
            from ..export.moodle import idnumber as cut

            if cut(name) == idnumber:  # qbank's export cut a long id to Moodle's 100 characters
                return name
        return idnumber or name

    def _option(self, answer, text: str, key: bool) -> dict:
        option: dict = {"text": text}
        if key:
            option["correct"] = True
        rationale = self.markdown(_field(answer, "feedback"))
        if rationale:
            option["rationale"] = rationale
        return option

    def _options(self, answers) -> list[dict]:
        options, keys = [], 0
        for a in answers:
            fraction = _fraction(a.get("fraction"))
            text = self.markdown(a)
            if not text:
                if fraction <= 0 and not _text_of(_field(a, "feedback")).strip():
                    continue  # Moodle drops a blank answer too
                raise Skip("QB013", "an answer has no text")
            if 0 < fraction < 100:
                raise Skip("QB012", f"an answer gives partial credit ({fraction:g}%); qbank holds one key and "
                                    "no partial credit")
            keys += fraction >= 100
            options.append(self._option(a, text, fraction >= 100))
        if len(options) < 2:
            raise Skip("QB013", f"the question has {len(options)} answer{'s' if len(options) != 1 else ''}; "
                                "a multiple-choice question needs two or more")
        if keys != 1:
            raise Skip("QB013", "no answer is worth 100%: the question has no key" if not keys
                       else f"{keys} answers are worth 100%; a single-answer question has one key")
        return options

    def _truefalse(self, answers) -> list[dict]:
        by_value: dict[str, tuple] = {}
        for a in answers:
            value = _text_of(a).strip().lower()
            if value in ("true", "false"):
                by_value[value] = (a, _fraction(a.get("fraction")) >= 100)
        if len(by_value) != 2 or sum(k for _, k in by_value.values()) != 1:
            raise Skip("QB013", "a true/false question needs a `true` and a `false` answer, one of them worth 100%")
        return [self._option(a, value.capitalize(), key) for value, (a, key) in by_value.items()]


def _fraction(value: str | None) -> float:
    try:
        return float(value or 0)
    except ValueError:
        raise Skip("QB013", f"the answer's fraction {value!r} is not a number") from None


def read(path: str | Path, options: ImportOptions) -> ReadResult:
    return guarded(Path(path), lambda result: _read(read_file(path, options.max_bytes), str(path), result))


Read = tuple[dict, dict[str, bytes], str | None] | Skip   # data, media, new_text; or why not


def _read_questions(questions: list[tuple[bytes, str]]) -> list[Read]:
    """Each `<question>` element and its topic read into its data, media and the text of a new
    question (:func:`qbank.importers.write.new_text`; there is none with media to relink), or
    the Skip that keeps it out. The elements come serialised (a worker process gets plain bytes)
    from a file already parsed: there is nothing to check again."""
    parser = xml_parser()
    out: list[Read] = []
    for fragment, topic in questions:
        q = _Question(etree.fromstring(fragment, parser))
        try:
            data = q.read()
        except Skip as skip:
            out.append(skip)
            continue
        if topic:
            data["topic"] = topic   # fmt puts it in its place
        out.append((data, q.media, None if q.media else new_text(data)))
    return out


def _read(raw: bytes, name: str, result: ReadResult) -> None:
    root, problem = parse_xml(raw, name)
    if problem is not None:
        result.diagnostics.append(problem)
        return
    if root.tag != "quiz":
        result.diagnostics.append(diagnostic("QB013", name, root.sourceline or 1, 1,
                                             f"this is not a Moodle XML file: its root is <{root.tag}>, not <quiz>"))
        return
    # the file is walked here (categories apply to the questions after them); the questions'
    # HTML-to-Markdown conversion and their text, most of an import's time, in the worker pool
    steps: list[Diagnostic | tuple[int, tuple[str, ...]]] = []   # in file order: a skip, or a question's line and folder
    questions: list[tuple[bytes, str]] = []
    folder: tuple[str, ...] = ()
    for el in root.iterfind("question"):
        qtype = el.get("type", "")
        line = el.sourceline or 1
        if qtype == "category":
            folder = tuple(category_parts(_text_of(_field(el, "category"))))
            continue
        if qtype not in ("multichoice", "truefalse"):
            steps.append(diagnostic(
                "QB012", name, line, 1,
                f"{'an' if (qtype or 'u')[0] in 'aeiou' else 'a'} {qtype or 'untyped'} question; qbank holds single-answer multiple-choice questions only, "
                "so it was skipped"))
            continue
        steps.append((line, folder))
        questions.append((etree.tostring(el, encoding="utf-8", with_tail=False), "/".join(folder)))
    read = iter(list(pool.ordered_map(_read_questions, questions, min_items=pool.PARALLEL_MIN_ITEMS)))
    for step in steps:
        if isinstance(step, Diagnostic):
            result.diagnostics.append(step)
            continue
        line, folder = step
        got = next(read)
        if isinstance(got, Skip):
            result.diagnostics.append(diagnostic(got.code, name, line, 1, f"{got}; the question was skipped"))
            continue
        data, media, text = got
        result.items.append(ImportedItem(data=data, line=line, folder=folder, media=media, text=text))
