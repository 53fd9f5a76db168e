"""What the package readers (canvas, qti21, csv/xlsx, apkg) share to build a question's data:
HTML from LMS and Anki exports as the Markdown a bank holds (markdownify, MathML as TeX),
ids, points, and the canonical key order.

TeX math (`\\(...\\)`, `\\[...\\]`, `$$...$$`, Canvas's equation images, MathML) becomes
`$...$` / `$$...$$`, the spans qbank's lint reads as math, untouched by Markdown escaping;
image sources go through a callback so each reader can point them at the files it extracts.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Callable

from markdownify import MarkdownConverter

ID_MAX = 200


class _Converter(MarkdownConverter):
    def __init__(self, image: Callable[[str], str] | None, math: list[str], **options) -> None:
        super().__init__(**options)
        self._image = image
        self._math = math

    def convert_img(self, el, text, parent_tags):
        classes = el.get("class") or []
        equation = el.get("data-equation-content") or (el.get("title") or el.get("alt") if "equation_image" in classes
                                                        else None)
        if equation:  # Canvas shows TeX as a rendered image of it: keep the TeX
            return _hold(self._math, f"${' '.join(equation.split())}$")
        src = el.get("src") or ""
        if self._image is not None and src:
            el["src"] = self._image(src)
        el.attrs.pop("title", None)  # Canvas repeats the alt text as a title
        out = super().convert_img(el, text, parent_tags)
        src = el.get("src") or ""
        if re.search(r"[\s()<>]", src):  # CommonMark: a destination with these needs <...>
            out = out.replace(f"]({src})", "](<" + src.replace("<", "%3C").replace(">", "%3E") + ">)", 1)
        return out

    def convert_li(self, el, text, parent_tags):
        out = super().convert_li(el, text, parent_tags)
        if el.find("p", recursive=False) is not None and out.endswith("\n") and not out.endswith("\n\n"):
            out += "\n"  # an item holding paragraphs is a loose list's: a blank line between items
        return out


def _code_language(el) -> str:
    code = el.find("code") if el.name == "pre" else None
    for cls in (code.get("class") if code is not None else None) or []:
        if cls.startswith("language-"):
            return cls[len("language-"):]
    return ""


_INTRAWORD_UNDERSCORE = re.compile(r"(?<=[^\W_])\\_(?=[^\W_])")  # CommonMark never emphasises these
_MARKUP = re.compile(r"[<&*_\\`\[\]$]")
_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


# TeX math as LMS HTML holds it: \(...\), \[...\], $$...$$. It becomes qbank's $...$ and
# $$...$$ (the spans lint reads as math), held out of markdownify so no `_` or `*` in it is escaped.
_TEX = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$|(\$[^$\n<]+\$)", re.S)
_TAG = re.compile(r"(<[^>]*>)")
_HELD = re.compile("\ue010(\\d+)\ue011")  # a held span's place (private-use characters)


def _hold(held: list[str], tex: str) -> str:
    held.append(tex)
    return f"\ue010{len(held) - 1}\ue011"


def _tex_span(m: re.Match) -> str:
    inline, display, dollars, single = m.groups()
    if single is not None:  # already qbank's form (its own export): kept as written
        return html.unescape(single)
    body = " ".join(html.unescape(inline if inline is not None else display or dollars).split())
    return f"${body}$" if inline is not None else f"$${body}$$"


_PARAGRAPHS = re.compile(r"\s*(?:<p>(?:[^<]|</?(?:em|strong|code)>)*</p>\s*)+")
_INLINE_TAGS = re.compile(r"</?(em|strong|code)>")
_MARKS = {"em": "*", "strong": "**", "code": "`"}


def _paragraphs(fragment: str) -> str | None:
    """The Markdown of HTML that is paragraphs of text with emphasis and code spans (most of
    what qbank's exports hold), when qbank's own renderer gives exactly that HTML back from it;
    None otherwise. Far faster than markdownify, and a round trip by construction."""
    if not _PARAGRAPHS.fullmatch(fragment) or _TEX.search(fragment):
        return None
    from ..export.common import paragraphs_html

    paras = re.findall(r"<p>(.*?)</p>", fragment, re.S)
    text = "\n\n".join(html.unescape(_INLINE_TAGS.sub(lambda m: _MARKS[m.group(1)], p)) for p in paras)
    return text if paragraphs_html(text) == fragment.strip() else None


def _words(fragment: str) -> list[str]:
    """What a reader of the HTML sees, as words (math placeholders and images aside)."""
    from lxml import html as lhtml

    if not fragment.strip():
        return []
    return " ".join(lhtml.fragment_fromstring(fragment, create_parent="div").itertext()).split()


def to_markdown(fragment: str, image: Callable[[str], str] | None = None) -> str:
    """``fragment`` (HTML) as Markdown, trimmed; ``image`` maps each `<img src>` to the
    reference the Markdown should hold."""
    if not fragment or not fragment.strip():
        return ""
    if not _MARKUP.search(fragment):
        return fragment.strip()  # text with nothing HTML or Markdown would read differently
    quick = _paragraphs(fragment)
    if quick is not None:
        return quick
    held: list[str] = []
    # in text only, never in a tag (`src="$IMS-CC-FILEBASE$/..."` is no math); a span may cross
    # inline tags no more than markdown-it's math would
    fragment = "".join(part if part.startswith("<") else _TEX.sub(lambda m: _hold(held, _tex_span(m)), part)
                       for part in _TAG.split(fragment))
    from ..render import to_html

    options = dict(heading_style="ATX", bullets="-", strong_em_symbol="*", code_language_callback=_code_language)
    spans = len(held)
    text = _Converter(image, held, escape_misc=False, **options).convert(fragment)
    if _words(to_html(text)) != _words(fragment):
        # a text line that Markdown reads as markup ("1. Not a list", "# 3"): escape those too
        del held[spans:]
        text = _Converter(image, held, escape_misc=True, **options).convert(fragment)
    if held:
        text = _HELD.sub(lambda m: held[int(m.group(1))], text)
    text = _INTRAWORD_UNDERSCORE.sub("_", text)
    text = _TRAILING_SPACE.sub(lambda m: "  \n" if m.group(0).startswith("  ") else "\n", text)
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if not line.strip():
            lines[i] = ""
        elif i and lines[i - 1].endswith("  ") and not line.startswith("    "):
            lines[i] = line.lstrip(" ")  # the space after a <br> in the source
    for i in range(len(lines) - 1):
        if not lines[i + 1]:
            lines[i] = lines[i].rstrip(" ")  # a hard break that ends a paragraph breaks nothing
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def text_to_markdown(text: str) -> str:
    """Plain text (QTI `text/plain`) as Markdown that shows it as written."""
    return to_markdown(html.escape(text, quote=False))


def slug_id(text: str) -> str | None:
    """A question id (`^[a-z0-9][a-z0-9._-]*$`) from a source identity, or None if nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    out = re.sub(r"[^a-z0-9._-]+", "-", ascii_text)
    out = re.sub(r"-{2,}", "-", out).lstrip("._-").rstrip("-")[:ID_MAX].rstrip("-")
    return out or None


ID = re.compile(r"[a-z0-9][a-z0-9._-]*")


def is_id(text: str | None) -> bool:
    return bool(text) and len(text) <= ID_MAX and ID.fullmatch(text) is not None


def question_data(**fields) -> dict:
    """A question's data in the canonical `fmt` key order, fields that are None or empty left
    out, except the explanation: a source without one gives "" (as every reader does; the
    writer keeps it and lint reports QB105). A missing rationale stays missing: nothing is invented."""
    from ..schema import schema

    top, option = tuple(schema()["properties"]), tuple(schema()["$defs"]["option"]["properties"])

    def keep(value) -> bool:
        return value is not None and value != "" and value != [] and value != {}

    fields["options"] = [{k: o[k] for k in option if k in o and keep(o[k]) and (k != "correct" or o[k] is True)}
                         for o in fields.get("options") or []]
    fields["explanation"] = fields.get("explanation") or ""
    return {k: fields[k] for k in top if k in fields and (keep(fields[k]) or k == "explanation")}


def number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None and text.strip() else None
    except ValueError:
        return None


def points(value: float | None) -> int | float | None:
    """What a source says a question is worth, as the bank holds it: 1 (every target's default)
    and values the schema refuses are left out, whole numbers are written as such."""
    if value is None or value == 1 or not 0 < value <= 10000:
        return None
    return int(value) if value.is_integer() else value


# --- MathML -> TeX -------------------------------------------------------------------------

def _name(el) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _tex(el) -> str:
    name = _name(el)
    kids = [k for k in el if isinstance(k.tag, str)]
    parts = [_tex(k) for k in kids]
    text = " ".join((el.text or "").split())
    if name in ("mi", "mn", "mo"):
        return text
    if name == "mtext":
        return f"\\text{{{text}}}"
    if name == "msup" and len(parts) == 2:
        return f"{{{parts[0]}}}^{{{parts[1]}}}"
    if name == "msub" and len(parts) == 2:
        return f"{{{parts[0]}}}_{{{parts[1]}}}"
    if name == "msubsup" and len(parts) == 3:
        return f"{{{parts[0]}}}_{{{parts[1]}}}^{{{parts[2]}}}"
    if name == "mfrac" and len(parts) == 2:
        return f"\\frac{{{parts[0]}}}{{{parts[1]}}}"
    if name == "msqrt":
        return f"\\sqrt{{{' '.join(parts)}}}"
    if name == "mroot" and len(parts) == 2:
        return f"\\sqrt[{parts[1]}]{{{parts[0]}}}"
    if name == "mfenced":
        return f"{el.get('open', '(')}{', '.join(parts)}{el.get('close', ')')}"
    if name == "semantics":
        return parts[0] if parts else ""
    if name in ("annotation", "annotation-xml"):
        return ""
    return " ".join(p for p in parts if p)


def mathml_tex(el) -> str:
    """A MathML ``<math>`` element as TeX with its delimiters: its own TeX annotation when it
    has one, else the TeX of its presentation markup (tokens, scripts, fractions, roots)."""
    for note in el.iter():
        if _name(note) == "annotation" and "tex" in (note.get("encoding") or "").lower() and (note.text or "").strip():
            tex = note.text.strip()
            for left, right in (("\\[", "\\]"), ("\\(", "\\)"), ("$$", "$$"), ("$", "$")):
                if tex.startswith(left) and tex.endswith(right) and len(tex) > len(left) + len(right):
                    tex = tex[len(left):-len(right)].strip()
                    break
            break
    else:
        tex = _tex(el)
    return f"$${tex}$$" if el.get("display") == "block" else f"${tex}$"
