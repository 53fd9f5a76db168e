"""Convert third-party multiple-choice questions into a qbank bank (one YAML file per question).

    python benchmarks/corpus/convert.py SOURCE_KIND INPUT [INPUT...] OUT_DIR [--prefix P]

This builds the development corpus of issue 11: real, human-written items measured with
`benchmarks/precision.py`. The corpus itself lives outside the repository; only this
script, its own tiny fixtures and the labels are committed.

Source kinds (INPUT is a file, or a folder searched recursively for the kind's files):

- ``cnxml``: OpenStax textbook modules (``modules/*/index.cnxml``). An ``<exercise>``
  whose problem holds a lettered ``<list>`` is a question; the list items are the options
  and the solution's leading letter is the key. Text after the letter becomes the
  explanation. The books give no per-option feedback, so rationales stay missing.
- ``skill-md``: skill-assessment Markdown (``#### Q1. stem``, then ``- [x]`` / ``- [ ]``
  options). Text after the options becomes the explanation, except lines that only name a
  reference link, which go to ``references``.
- ``jupyterquiz``: JupyterQuiz JSON (a list of ``{"question", "type", "answers"}``).
  Only ``multiple_choice`` is kept. A distractor's ``feedback`` becomes its rationale. The
  format has no general feedback: the key's feedback is the text a reader gets for
  choosing the key, so it becomes the explanation.

What the source lacks is left out, never invented: qbank then reports the missing
explanation (QB003) or rationale (QB105). Ids are deterministic (prefix, source file and
the source's own number or id), so re-running the conversion gives the same files.
Referenced images are copied into ``OUT_DIR/media/`` when the source file has them.

One bad item never stops a run: it is skipped and counted by reason. The summary
(written, skipped by reason) is printed as JSON on stdout; the exit code is 0 unless the
arguments are wrong or no input file was found.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

ID_MAX = 200
MAX_INPUT_BYTES = 20_000_000  # a quiz file larger than this is not a quiz file
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class Skip(Exception):
    """An item that cannot become a qbank question; the message is the reason counted."""


@dataclass
class Option:
    text: str
    correct: bool = False
    rationale: str | None = None


@dataclass
class Item:
    id: str
    stem: str
    options: list[Option]
    explanation: str | None = None
    topic: str | None = None
    references: list[str] = field(default_factory=list)
    media: list[tuple[Path, str]] = field(default_factory=list)  # (source file, name in media/)


@dataclass
class Summary:
    written: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    files: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"files": self.files, "written": self.written,
                "skipped": dict(sorted(self.skipped.items()))}


# ----------------------------------------------------------------------------- helpers


def slug(text: str) -> str:
    """Lower-case id fragment: letters, digits and single hyphens."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s or "x"


def make_id(*parts: str) -> str:
    ident = "-".join(slug(p) for p in parts if p)
    return ident[:ID_MAX].rstrip("-._")


def clean(text: str) -> str:
    """Trim each line's trailing space and the block's blank edges; keep inner layout."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n").strip() if "".join(lines).strip() else ""


def one_key(options: list[Option]) -> None:
    keys = sum(1 for o in options if o.correct)
    if keys == 0:
        raise Skip("no key")
    if keys > 1:
        raise Skip("several keys (multiple answers)")
    if len(options) < 2:
        raise Skip("fewer than two options")
    if len(options) > 26:
        raise Skip("more than 26 options")
    if any(not o.text for o in options):
        raise Skip("empty option")


# ----------------------------------------------------------------------------- cnxml

CNX = "{http://cnx.rice.edu/cnxml}"


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _cnx_inline(el: ET.Element, media: list[tuple[Path, str]], base: Path,
                skip: ET.Element | None = None) -> str:
    """Render CNXML inline content as Markdown text (emphasis kept, other markup flattened)."""
    name = _local(el.tag)
    if name in {"footnote", "label"}:
        return ""
    if name == "media":  # <media alt=...><image src=.../></media>: the first image
        for child in el:
            src = child.get("src", "") if _local(child.tag) == "image" else ""
            if src:
                target = Path(src).name
                media.append((base / src, target))
                return f"![{el.get('alt', '')}](media/{target})"
        return ""
    inner = (el.text or "")
    for child in el:
        if child is not skip:  # skip: the options list inside a stem paragraph
            inner += _cnx_inline(child, media, base, skip)
        inner += child.tail or ""
    if name == "math":  # MathML: its text content, spaced
        return " ".join("".join(el.itertext()).split())
    if name == "emphasis":
        effect = el.get("effect", "bold")
        body = inner.strip()
        if not body:
            return inner
        mark = "*" if effect == "italics" else "**" if effect == "bold" else ""
        return inner.replace(body, f"{mark}{body}{mark}", 1)
    if name == "newline":
        return "\n"
    return inner


def _cnx_block(el: ET.Element, media: list[tuple[Path, str]], base: Path) -> str:
    """A problem child as a Markdown paragraph (lists become bullet lines, tables rows)."""
    name = _local(el.tag)
    if name == "list":
        return "\n".join("- " + " ".join(_cnx_inline(i, media, base).split())
                         for i in el if _local(i.tag) == "item")
    if name == "table":
        rows = []
        for row in el.iter(f"{CNX}row"):
            cells = [" ".join(_cnx_inline(c, media, base).split()) for c in row
                     if _local(c.tag) == "entry"]
            rows.append(" | ".join(cells))
        return "\n".join(rows)
    text = _cnx_inline(el, media, base)
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def _lettered_list(problem: ET.Element) -> ET.Element | None:
    for child in problem.iter(f"{CNX}list"):
        style = child.get("number-style", "")
        if child.get("list-type") == "enumerated" and "alpha" in style:
            return child
    return None


def parse_cnxml(path: Path, prefix: str) -> Iterator[Item | Skip]:
    tree = ET.parse(path)
    root = tree.getroot()
    module = path.parent.name if path.name == "index.cnxml" else path.stem
    title_el = root.find(f"{CNX}title")
    topic = " ".join("".join(title_el.itertext()).split()) if title_el is not None else None
    for number, exercise in enumerate(root.iter(f"{CNX}exercise"), 1):
        try:
            yield _cnx_item(exercise, path, prefix, module, number, topic)
        except Skip as skip:
            yield skip
        except Exception as exc:  # one broken exercise must not stop the book
            yield Skip(f"unreadable item ({type(exc).__name__})")


def _cnx_item(exercise: ET.Element, path: Path, prefix: str, module: str, number: int,
              topic: str | None) -> Item:
    problem = exercise.find(f"{CNX}problem")
    if problem is None:
        raise Skip("no problem")
    options_el = _lettered_list(problem)
    if options_el is None:
        raise Skip("not multiple choice")
    media: list[tuple[Path, str]] = []
    base = path.parent
    stem_parts = []
    for child in problem:
        if child is options_el:
            continue
        if options_el in list(child.iter()):  # the options sit inside a stem paragraph
            stem_parts.append(" ".join(_cnx_inline(child, media, base, options_el).split()))
            continue
        block = _cnx_block(child, media, base)
        if block:
            stem_parts.append(block)
    stem = clean("\n\n".join(p for p in stem_parts if p))
    if not stem:
        raise Skip("empty stem")
    texts = [clean(" ".join(_cnx_inline(i, media, base).split()))
             for i in options_el if _local(i.tag) == "item"]
    solution = exercise.find(f"{CNX}solution")
    if solution is None:
        raise Skip("no key")
    answer = " ".join(_cnx_block(c, media, base) for c in solution
                      if _local(c.tag) != "label").strip()
    match = re.match(r"^\(?([A-Za-z])\)?(?:[.):]|\s|$)\s*(.*)$", answer, re.S)
    if not match:
        raise Skip("no key")
    index = LETTERS.index(match.group(1).upper())
    if index >= len(texts):
        raise Skip("key outside the options")
    options = [Option(text=t, correct=(i == index)) for i, t in enumerate(texts)]
    one_key(options)
    explanation = clean(match.group(2)) or None
    ident = make_id(prefix, module, exercise.get("id") or str(number))
    return Item(id=ident, stem=stem, options=options, explanation=explanation, topic=topic,
                media=media)


# ----------------------------------------------------------------------------- skill-md

QUESTION_RE = re.compile(r"^#{3,6}\s*(?:Q\.?\s*)?(\d+)?\s*[.):-]?\s*(.*)$")
OPTION_RE = re.compile(r"^\s{0,3}[-*+]\s+\[( |x|X)\]\s?(.*)$")
FENCE_RE = re.compile(r"^\s*(```|~~~)")
IMAGE_RE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
REF_ONLY_RE = re.compile(
    r"^\s*(?:[-*]\s*)?(?:\*\*)?(?:reference|references|source|sources|see|read more|docs?)"
    r"\s*:?(?:\*\*)?\s*:?\s*(?:\[[^\]]*\]\((\S+?)\)|<?(https?://\S+?)>?)\s*\.?\s*$", re.I)
LINK_ONLY_RE = re.compile(r"^\s*(?:[-*]\s*)?(?:\[[^\]]*\]\((\S+?)\)|<?(https?://\S+?)>?)\s*\.?\s*$")


def _blocks(lines: list[str]) -> Iterator[tuple[int | None, str, list[str]]]:
    """Split a quiz file into (number, heading text, body lines) per question heading."""
    current: tuple[int | None, str, list[str]] | None = None
    in_fence = False
    for line in lines:
        if FENCE_RE.match(line):
            in_fence = not in_fence
        if not in_fence and line.startswith("####"):
            m = QUESTION_RE.match(line)
            if m:
                if current:
                    yield current
                current = (int(m.group(1)) if m.group(1) else None, m.group(2).strip(), [])
                continue
        if current:
            current[2].append(line)
    if current:
        yield current


def _dedent(lines: list[str]) -> list[str]:
    widths = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    cut = min(widths) if widths else 0
    return [line[cut:] for line in lines]


def parse_skill_md(path: Path, prefix: str) -> Iterator[Item | Skip]:
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines()
    quiz = slug(path.stem.replace("-quiz", "").replace("_quiz", ""))
    topic = next((line.lstrip("# ").strip() for line in lines if re.match(r"^#{1,2}\s+\S", line)),
                 None)
    seen: Counter[str] = Counter()
    for index, (number, heading, body) in enumerate(_blocks(lines), 1):
        key = str(number) if number is not None else f"n{index}"
        seen[key] += 1
        if seen[key] > 1:
            key = f"{key}-{seen[key]}"
        try:
            yield _skill_item(path, prefix, quiz, key, heading, body, topic)
        except Skip as skip:
            yield skip
        except Exception as exc:
            yield Skip(f"unreadable item ({type(exc).__name__})")


def _fence_lines(lines: list[str]) -> list[bool]:
    """For each line, whether it is inside (or opens/closes) a fenced code block."""
    inside, flags = False, []
    for line in lines:
        if FENCE_RE.match(line):
            flags.append(True)
            inside = not inside
        else:
            flags.append(inside)
    return flags


def _skill_item(path: Path, prefix: str, quiz: str, key: str, heading: str, body: list[str],
                topic: str | None) -> Item:
    fenced = _fence_lines(body)
    starts = [i for i, line in enumerate(body) if not fenced[i] and OPTION_RE.match(line)]
    if not starts:
        raise Skip("not multiple choice")
    stem_lines = ([heading] if heading else []) + body[:starts[0]]
    segments = [body[a:b] for a, b in zip(starts, starts[1:])]
    # The last option runs on over blank and indented lines, and over a fenced block
    # right after it when earlier options carried such blocks too (code options).
    last, i = [body[starts[-1]]], starts[-1] + 1
    code_options = any(any(FENCE_RE.match(line) for line in seg) for seg in segments)
    while i < len(body):
        line = body[i]
        if FENCE_RE.match(line) and (line.startswith((" ", "\t")) or code_options):
            j = i + 1
            while j < len(body) and not FENCE_RE.match(body[j]):
                j += 1
            last.extend(body[i:j + 1])
            i = j + 1
            code_options = False
            continue
        if not line.strip() or line.startswith((" ", "\t")):
            last.append(line)
            i += 1
            continue
        break
    segments.append(last)
    after = body[i:]
    media: list[tuple[Path, str]] = []
    built = []
    for seg in segments:
        m = OPTION_RE.match(seg[0])
        assert m is not None
        rest = _dedent(seg[1:])
        option_text = clean("\n".join([m.group(2), *rest]))
        built.append(Option(text=_images(option_text, path, quiz, media),
                            correct=m.group(1).lower() == "x"))
    one_key(built)
    stem = _images(clean("\n".join(stem_lines)), path, quiz, media)
    if not stem:
        raise Skip("empty stem")
    references: list[str] = []
    kept: list[str] = []
    for line in after:
        m = REF_ONLY_RE.match(line) or LINK_ONLY_RE.match(line)
        if m:
            references.append(m.group(1) or m.group(2))
        elif line.strip() != "---":
            kept.append(line)
    explanation = _images(clean("\n".join(kept)), path, quiz, media) or None
    return Item(id=make_id(prefix, quiz, f"q{key}"), stem=stem, options=built,
                explanation=explanation, topic=topic, references=references, media=media)


def _images(text: str, path: Path, quiz: str, media: list[tuple[Path, str]]) -> str:
    """Point local image references at media/, remembering the files to copy."""
    def repl(m: re.Match[str]) -> str:
        src = re.split(r"[?#]", m.group(2), maxsplit=1)[0]  # `x.png?raw=true` is x.png
        if re.match(r"^[a-z]+:", src) or not src:
            return m.group(0)
        target = f"{quiz}-{slug(Path(src).stem)}{Path(src).suffix.lower()}"
        media.append((path.parent / src, target))
        return f"![{m.group(1)}](media/{target})"
    return IMAGE_RE.sub(repl, text)


# ----------------------------------------------------------------------------- jupyterquiz


def parse_jupyterquiz(path: Path, prefix: str) -> Iterator[Item | Skip]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        yield Skip(f"unreadable file ({type(exc).__name__})")
        return
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        yield Skip("unreadable file (not a list)")
        return
    # book layout CHAPTER/questions/FILE.json: the chapter names the item and its topic
    chapter = path.parent.parent.name if path.parent.name == "questions" else ""
    stem_of_file = make_id(chapter, path.stem)
    topic = chapter
    for number, q in enumerate(data, 1):
        try:
            yield _jq_item(q, prefix, stem_of_file, number, topic)
        except Skip as skip:
            yield skip
        except Exception as exc:
            yield Skip(f"unreadable item ({type(exc).__name__})")


HTML_INLINE = [
    (re.compile(r"<code>(.*?)</code>", re.S | re.I), r"`\1`"),
    (re.compile(r"<(?:b|strong)>(.*?)</(?:b|strong)>", re.S | re.I), r"**\1**"),
    (re.compile(r"<(?:i|em)>(.*?)</(?:i|em)>", re.S | re.I), r"*\1*"),
    (re.compile(r"<br\s*/?>", re.I), "\n"),
    (re.compile(r"</p>\s*<p>", re.I), "\n\n"),
    (re.compile(r"</?p>", re.I), ""),
]


def _text(value: Any) -> str:
    """JupyterQuiz text (a little inline HTML) as Markdown."""
    if value is None:
        return ""
    text = str(value)
    for pattern, replacement in HTML_INLINE:
        text = pattern.sub(replacement, text)
    return clean(html.unescape(text))


def _code(value: Any) -> str:
    code = "" if value is None else str(value).strip("\n")
    if not code.strip():
        return ""
    if "\n" in code or "`" in code:
        return f"```\n{code}\n```"
    return f"`{code}`"


def _jq_item(q: Any, prefix: str, file_id: str, number: int, topic: str) -> Item:
    if not isinstance(q, dict):
        raise Skip("unreadable item (not a mapping)")
    kind = q.get("type")
    if kind == "many_choice":
        raise Skip("several keys (multiple answers)")
    if kind != "multiple_choice":
        raise Skip("not multiple choice")
    stem = _text(q.get("question"))
    code = q.get("code")
    if code is not None and str(code).strip():
        block = f"```\n{str(code).strip(chr(10))}\n```"
        stem = f"{stem}\n\n{block}" if stem else block
    if not stem:
        raise Skip("empty stem")
    answers = q.get("answers")
    if not isinstance(answers, list):
        raise Skip("not multiple choice")
    options = []
    explanation = None
    for a in answers:
        if not isinstance(a, dict):
            raise Skip("unreadable item (option not a mapping)")
        correct = a.get("correct") is True
        feedback = _text(a.get("feedback")) or None
        text = _text(a.get("answer")) if a.get("answer") is not None else _code(a.get("code"))
        options.append(Option(text=text, correct=correct,
                              rationale=None if correct else feedback))
        if correct:
            explanation = feedback
    one_key(options)
    return Item(id=make_id(prefix, file_id, str(number)), stem=stem, options=options,
                explanation=explanation, topic=topic or None)


# ----------------------------------------------------------------------------- writing

KINDS: dict[str, tuple[str, Callable[[Path, str], Iterator[Item | Skip]], str]] = {
    "cnxml": ("*.cnxml", parse_cnxml, "os"),
    "skill-md": ("*.md", parse_skill_md, "sk"),
    "jupyterquiz": ("*.json", parse_jupyterquiz, "jq"),
}


def _scalar(text: str) -> str | LiteralScalarString:
    return LiteralScalarString(text + "\n") if "\n" in text else text


def item_document(item: Item) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": item.id, "stem": _scalar(item.stem), "options": []}
    for o in item.options:
        option: dict[str, Any] = {"text": _scalar(o.text)}
        if o.correct:
            option["correct"] = True
        if o.rationale:
            option["rationale"] = _scalar(o.rationale)
        doc["options"].append(option)
    if item.explanation:
        doc["explanation"] = _scalar(item.explanation)
    if item.topic:
        doc["topic"] = item.topic
    if item.references:
        doc["references"] = list(dict.fromkeys(item.references))
    return doc


def input_files(inputs: list[Path], pattern: str) -> list[Path]:
    files: list[Path] = []
    for p in inputs:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob(pattern) if f.is_file()))
        elif p.is_file():
            files.append(p)
    return files


def convert(kind: str, inputs: list[Path], out_dir: Path, prefix: str | None = None) -> Summary:
    pattern, parse, default_prefix = KINDS[kind]
    prefix = prefix or default_prefix
    yaml = YAML()
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    summary = Summary()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: set[str] = set()
    for path in input_files(inputs, pattern):
        summary.files += 1
        if path.stat().st_size > MAX_INPUT_BYTES:
            summary.skipped["file too large"] += 1
            continue
        try:
            results = list(parse(path, prefix))
        except Exception as exc:  # the whole file is unreadable (bad XML, bad encoding)
            summary.skipped[f"unreadable file ({type(exc).__name__})"] += 1
            continue
        for result in results:
            if isinstance(result, Skip):
                summary.skipped[str(result)] += 1
                continue
            if result.id in written:
                summary.skipped["duplicate id in the source"] += 1
                continue
            written.add(result.id)
            _copy_media(result, out_dir, summary)
            with (out_dir / f"{result.id}.yaml").open("w", encoding="utf-8") as fh:
                yaml.dump(item_document(result), fh)
            summary.written += 1
    return summary


def _copy_media(item: Item, out_dir: Path, summary: Summary) -> None:
    for source, name in item.media:
        target = out_dir / "media" / name
        if target.exists():
            continue
        try:
            if source.is_file():
                target.parent.mkdir(exist_ok=True)
                shutil.copyfile(source, target)
            else:
                summary.skipped["media file absent (reference kept)"] += 1
        except OSError:
            summary.skipped["media file absent (reference kept)"] += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=sorted(KINDS), metavar="SOURCE_KIND",
                        help="one of: " + ", ".join(sorted(KINDS)))
    parser.add_argument("paths", nargs="+", type=Path, metavar="INPUT... OUT_DIR")
    parser.add_argument("--prefix", help="id prefix (default: a short name of the kind)")
    args = parser.parse_args(argv)
    if len(args.paths) < 2:
        parser.error("give at least one INPUT and the OUT_DIR")
    *inputs, out_dir = args.paths
    if not input_files(inputs, KINDS[args.kind][0]):
        parser.error("no input file found")
    summary = convert(args.kind, inputs, out_dir, args.prefix)
    json.dump(summary.as_dict(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
