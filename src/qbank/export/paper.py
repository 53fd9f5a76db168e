"""The paper exam: a form as a printable PDF and its answer key as another, through typst.

`qbank export --form forms/A.yaml --pdf` writes ``<bank>-form-<A>.pdf`` (numbered items,
options lettered in the form's order, images, no item split across pages) and
``<bank>-form-<A>-key.pdf`` (per item: the key's letter, the area, the explanation and each
option's rationale). typst compiles in-process (the `typst` package; no TeX, no browser).

Nothing the author wrote is ever typst markup: the Markdown of every text is turned into a
small tree (paragraphs of styled runs, lists, code, quotes, images; markdown-it-py) and handed
to the template as JSON through ``sys.inputs``; the template places the strings as text. So
`#`, `$`, `*`, `<label>` or `@ref` in a stem print as written. Images are the bank's own
files (the loader has checked they exist inside the bank), resolved under the bank root,
which is typst's root: typst reads nothing outside it. An image that is a URL cannot be
fetched for print: its alt text is printed and a QB011 warning says so.

Deterministic: embedded fonts only (no system fonts), no creation date in the PDF, so the same
form gives the same bytes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..diagnostics import Diagnostic, diagnostic
from ..errors import ExportError
from ..model import Question

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class PaperItem:
    """One item of the form as printed: the question with its options already in the form's
    order (the key moved with its option), and its blueprint area."""

    question: Question
    area: str = ""


# --- Markdown -> a tree of plain strings ---------------------------------------------------------

def _inline(children: list, styles: tuple[str, ...] = ()) -> tuple[list[dict], list[dict]]:
    """Runs of text (with their styles) and the images met in an inline token's children."""
    runs: list[dict] = []
    images: list[dict] = []
    current = list(styles)
    for tok in children or ():
        t = tok.type
        if t in ("strong_open", "em_open", "s_open"):
            current.append(t[:-5])
        elif t in ("strong_close", "em_close", "s_close"):
            if t[:-6] in current:
                current.remove(t[:-6])
        elif t == "text" or t == "html_inline":
            runs.append({"text": tok.content, "styles": sorted(set(current))})
        elif t == "code_inline":
            runs.append({"text": tok.content, "styles": sorted(set(current) | {"code"})})
        elif t == "softbreak":
            runs.append({"text": " ", "styles": []})
        elif t == "hardbreak":
            runs.append({"text": "", "styles": ["break"]})
        elif t == "image":
            images.append({"src": tok.attrs.get("src", ""), "alt": tok.content or "".join(
                c.content for c in tok.children or ())})
    return runs, images


def blocks(markdown: str) -> list[dict]:
    """The Markdown ``markdown`` as blocks: {"kind": "par"|"code"|"list"|"quote"|"image", ...}."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("strikethrough").parse(markdown)
    out: list[dict] = []
    stack: list[dict] = []          # open lists and quotes
    for n, tok in enumerate(tokens):
        t = tok.type
        target = stack[-1]["items"][-1] if stack and stack[-1]["kind"] == "list" and stack[-1]["items"] \
            else (stack[-1]["blocks"] if stack and stack[-1]["kind"] == "quote" else out)
        if t in ("bullet_list_open", "ordered_list_open"):
            new = {"kind": "list", "ordered": t == "ordered_list_open", "items": []}
            target.append(new)
            stack.append(new)
        elif t == "list_item_open":
            stack[-1]["items"].append([])
        elif t == "blockquote_open":
            new = {"kind": "quote", "blocks": []}
            target.append(new)
            stack.append(new)
        elif t in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            stack.pop()
        elif t == "inline":
            runs, images = _inline(tok.children, ("strong",) if n and tokens[n - 1].type == "heading_open" else ())
            if any(r["text"].strip() or "break" in r["styles"] for r in runs):
                target.append({"kind": "par", "runs": runs})
            target.extend({"kind": "image", **img} for img in images)
        elif t in ("fence", "code_block"):
            target.append({"kind": "code", "text": tok.content.rstrip("\n")})
        elif t == "html_block":
            target.append({"kind": "par", "runs": [{"text": tok.content.strip(), "styles": []}]})
    return out


# --- images --------------------------------------------------------------------------------------

def _place_images(tree: list, question: Question, root: Path, lossy: list[Diagnostic], part: str) -> None:
    """Point each image of ``tree`` at its file under the bank root ("/img/x.png", as typst
    names files from its root); a URL or a file outside the bank is printed as its alt text."""
    for b in tree:
        if b["kind"] == "list":
            for item in b["items"]:
                _place_images(item, question, root, lossy, part)
        elif b["kind"] == "quote":
            _place_images(b["blocks"], question, root, lossy, part)
        elif b["kind"] == "image":
            src = b["src"]
            path = (Path(question.path).parent / src).resolve() if "://" not in src and src else None
            try:
                inside = path is not None and path.is_file() and path.is_relative_to(root.resolve())
            except OSError:
                inside = False
            if inside:
                b["src"] = "/" + path.relative_to(root.resolve()).as_posix()
            else:
                b.update(kind="par", runs=[{"text": f"[image: {b['alt'] or src}]", "styles": ["em"]}])
                lossy.append(diagnostic("QB011", question.path or question.id, 1, 1,
                                        f"the {part}'s image {src[:80]} cannot be printed (not a file of the bank); "
                                        "its description is printed instead"))


def paper_data(title: str, items: list[PaperItem], root: Path, lossy: list[Diagnostic]) -> dict:
    """What the templates print, as plain data."""
    out = []
    for item in items:
        q = item.question
        stem = blocks(q.stem)
        _place_images(stem, q, root, lossy, "stem")
        options = []
        for o in q.options:
            tree = blocks(o.text)
            _place_images(tree, q, root, lossy, "option")
            options.append({"text": tree, "rationale": blocks(o.rationale or ""), "key": o.correct})
        out.append({"id": q.id, "area": item.area, "stem": stem, "options": options,
                    "key": LETTERS[q.key_index], "explanation": blocks(q.explanation)})
    return {"title": title, "items": out}


# --- typst ---------------------------------------------------------------------------------------

_COMMON = r"""
#let data = json(bytes(sys.inputs.at("data")))
#set document(title: data.title, date: none)
#set text(font: "Libertinus Serif", size: 11pt, lang: "en")
#set par(justify: false)
#let letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#let run(r) = {
  if "break" in r.styles { return linebreak() }
  let c = if "code" in r.styles { raw(r.text) } else { text(r.text) }
  if "strong" in r.styles { c = strong(c) }
  if "em" in r.styles { c = emph(c) }
  if "s" in r.styles { c = strike(c) }
  c
}
#let runs(rs) = for r in rs { run(r) }
#let blocks(bs) = for b in bs {
  if b.kind == "par" { block(spacing: 0.6em, runs(b.runs)) }
  else if b.kind == "code" { block(spacing: 0.6em, raw(b.text, block: true)) }
  else if b.kind == "image" { block(spacing: 0.6em, image(b.src, width: 60%, alt: b.alt)) }
  else if b.kind == "quote" { block(spacing: 0.6em, inset: (left: 1em), blocks(b.blocks)) }
  else if b.kind == "list" {
    let items = b.items.map(it => blocks(it))
    if b.ordered { enum(..items) } else { list(..items) }
  }
}
"""

EXAM = _COMMON + r"""
#set page(paper: "us-letter", margin: 2cm,
  footer: context [#text(size: 9pt)[#data.title #h(1fr) page #counter(page).display("1 of 1", both: true)]])
#align(center, text(size: 16pt, weight: "bold", data.title))
#v(0.3em)
Name: #box(width: 1fr, line(length: 100%)) #h(1em) Date: #box(width: 8em, line(length: 100%))
#v(1em)
#for (i, item) in data.items.enumerate() {
  block(breakable: false, width: 100%, below: 1.4em,
    grid(columns: (2.2em, 1fr), row-gutter: 0.5em,
      strong(str(i + 1) + "."), blocks(item.stem),
      ..item.options.enumerate().map(((j, o)) => ([], grid(columns: (1.8em, 1fr),
        text(letters.at(j) + "."), blocks(o.text)))).flatten()))
}
"""

KEY = _COMMON + r"""
#set page(paper: "us-letter", margin: 2cm,
  footer: context [#text(size: 9pt)[#data.title, answer key #h(1fr) page #counter(page).display("1 of 1", both: true)]])
#align(center, text(size: 16pt, weight: "bold", data.title + ": answer key"))
#v(1em)
#table(columns: (auto, auto, 1fr), stroke: 0.4pt, inset: 4pt,
  [*Item*], [*Key*], [*Area*],
  ..data.items.enumerate().map(((i, item)) => (str(i + 1), item.key, text(item.area))).flatten())
#v(1em)
#for (i, item) in data.items.enumerate() {
  block(below: 1.2em, {
    strong(str(i + 1) + ". Key " + item.key)
    if item.area != "" { [ #h(0.5em) ] + text(style: "italic", item.area) }
    [ #h(0.5em) ] + text(size: 9pt, raw(item.id))
    blocks(item.explanation)
    for (j, o) in item.options.enumerate() {
      if o.rationale.len() > 0 {
        grid(columns: (1.8em, 1fr), text(letters.at(j) + "."), blocks(o.rationale))
      }
    }
  })
}
"""


def compile_pdf(template: str, data: dict, root: Path, fmt: str = "pdf", ppi: float | None = None) -> bytes | list:
    """``template`` compiled with ``data`` (as sys.inputs.data), files read under ``root``: the
    PDF, or with ``fmt="png"`` a list of one PNG per page."""
    import typst

    try:
        out = typst.compile(template.encode("utf-8"), root=str(root), format=fmt, ppi=ppi,
                            sys_inputs={"data": json.dumps(data, ensure_ascii=False)}, ignore_system_fonts=True)
        return [out] if fmt == "png" and isinstance(out, bytes) else out  # png: one image per page
    except Exception as exc:  # typst reports a bad image or a compile error as its own exception
        raise ExportError(f"typst could not typeset the paper: {str(exc).strip().splitlines()[0][:200]}") from exc


def paper(title: str, items: list[PaperItem], root: Path) -> tuple[bytes, bytes, list[Diagnostic]]:
    """The exam PDF, the answer key PDF and what could not be printed (QB011)."""
    lossy: list[Diagnostic] = []
    data = paper_data(title, items, root, lossy)
    return compile_pdf(EXAM, data, root), compile_pdf(KEY, data, root), lossy
