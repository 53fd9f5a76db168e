"""HTML (as LMSs and Anki store question text) to qbank Markdown, through markdownify: the one
conversion every reader uses.

The conversion aims at the exact inverse of qbank's own rendering: HTML made of paragraphs and
lists of text with emphasis and code is read directly (far faster than markdownify, and checked
against qbank's renderer); other HTML goes through markdownify without, then with, Markdown
escapes, and the first candidate that renders back (:func:`qbank.render.to_html`) to the same
HTML is taken, so an export imports back to the Markdown it came from. When none does (LMS HTML
has attributes qbank never writes), the fewest escapes that keep what a reader sees are used.

TeX math (`\\(...\\)`, `\\[...\\]`, `$$...$$`, Canvas's equation images, MathML) becomes
`$...$` / `$$...$$`, the spans qbank's lint reads as math, never escaped; image sources go
through a callback so each reader can point them at the files it extracts.
"""

from __future__ import annotations

import html as htmllib
import re
from functools import lru_cache
from typing import Callable

from .archive import add_media


@lru_cache(maxsize=1)
def _converter() -> type:
    """markdownify's converter with qbank's images, math and loose lists (markdownify loads
    only when a text needs it: most of an export takes the fast path)."""
    from markdownify import MarkdownConverter

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

    return _Converter


def _code_language(el) -> str:
    """The language of a `<pre><code class="language-sql">` block (as markdown-it writes it)."""
    code = el.find("code") if el.name == "pre" else None
    for cls in (code.get("class") if code is not None else None) or []:
        if cls.startswith("language-"):
            return cls[len("language-"):]
    return ""


_MARKUP = re.compile(r"[<&*_\\`\[\]$]")
_INTRAWORD_UNDERSCORE = re.compile(r"(?<=[^\W_])\\_(?=[^\W_])")  # CommonMark never emphasises these
_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_SPACES = re.compile(r"\s+")

# TeX math as LMS HTML holds it: \(...\), \[...\], $$...$$. It becomes qbank's $...$ and
# $$...$$ (the spans lint reads as math), held out of markdownify so no `_` or `*` in it is escaped.
_TEX = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$|(\$[^$\n<]+\$)", re.S)
_TAG = re.compile(r"(<[^>]*>)")
_HELD = re.compile("\ue010(\\d+)\ue011")  # a held span's place (private-use characters)

# markdownify's escapes, fewest first: (asterisks and underscores, everything else)
_ESCAPES = ((False, False), (True, False), (True, True))
_OPTIONS = dict(heading_style="ATX", bullets="-", strong_em_symbol="*", code_language_callback=_code_language,
                bs4_options="lxml")  # lxml: the faster parser, the one every other step here uses


def _hold(held: list[str], tex: str) -> str:
    held.append(tex)
    return f"\ue010{len(held) - 1}\ue011"


def _tex_span(m: re.Match) -> str:
    inline, display, dollars, single = m.groups()
    if single is not None:  # already qbank's form (its own export): kept as written
        return htmllib.unescape(single)
    body = " ".join(htmllib.unescape(inline if inline is not None else display or dollars).split())
    return f"${body}$" if inline is not None else f"$${body}$$"


def _same_html(a: str, b: str) -> bool:
    return _SPACES.sub(" ", a).replace("> <", "><").strip() == _SPACES.sub(" ", b).replace("> <", "><").strip()


def _words(fragment: str) -> list[str]:
    """What a reader of the HTML sees, as words (math placeholders and images aside)."""
    from lxml import html as lhtml

    if not fragment.strip():
        return []
    return " ".join(lhtml.fragment_fromstring(fragment, create_parent="div").itertext()).split()


_BLOCK = re.compile(r"\s*(?:<p>((?:[^<]|</?(?:em|strong|code)>)*)</p>|<ul>\s*((?:<li>(?:[^<]|</?(?:em|strong|code)>)*</li>\s*)+)</ul>)")
_INLINE_TAG = re.compile(r"<(/?)(em|strong|code)>")
_MARKS = {"em": "*", "strong": "**"}


def _inline(html: str) -> str | None:
    """Markdown for text with only <em>, <strong> and <code> in it (None for a backtick in code)."""
    out, code = [], False
    pos = 0
    for m in _INLINE_TAG.finditer(html):
        out.append(htmllib.unescape(html[pos:m.start()]))
        pos = m.end()
        closing, tag = m.groups()
        if tag == "code":
            code = not closing
            out.append("`")
        else:
            out.append(_MARKS[tag])
    out.append(htmllib.unescape(html[pos:]))
    text = "".join(out)
    return None if code or text.count("`") % 2 else text


def _simple(fragment: str) -> str | None:
    """The Markdown of HTML made of paragraphs and bullet lists of text with emphasis and code
    spans (what qbank renders most texts to), if it renders back the same; else None."""
    pos, blocks, lists = 0, [], False
    parts: list[str | list[str]] = []  # each paragraph's Markdown, or a list's items
    while pos < len(fragment):
        m = _BLOCK.match(fragment, pos)
        if m is None:
            return None
        pos = m.end()
        para, items = m.groups()
        if para is not None:
            md = _inline(para)
            if md is None:
                return None
            blocks.append(md.strip())
            parts.append(md.strip())
        else:
            lines = [_inline(li) for li in re.findall(r"<li>(.*?)</li>", items, re.S)]
            if any(line is None or "\n" in line for line in lines):
                return None
            blocks.append("\n".join(f"- {line.strip()}" for line in lines))
            parts.append([line.strip() for line in lines])
            lists = True
    text = "\n\n".join(blocks)
    rendered = _blocks_html(parts) if lists else _paragraphs_html(text)
    if rendered is not None:
        return text if rendered == fragment.strip() else None
    from ..render import to_html

    return text if to_html(text) == fragment.strip() else None


def _paragraphs_html(text: str) -> str | None:
    from ..export.common import paragraphs_html

    return paragraphs_html(text)


def _blocks_html(parts: list[str | list[str]]) -> str | None:
    """The HTML of paragraphs and tight bullet lists of one-line items, each as the exports'
    paragraph renderer gives it (an item's content renders as a paragraph's does), or None where
    that does not hold: two lists in a row are one loose list in Markdown, and an item that could
    open a block (a digit, `#`, `>`...) is left to the full parser. Checking a text this way
    instead of through markdown-it is what makes importing 10,000 list-heavy questions fast."""
    out: list[str] = []
    for i, part in enumerate(parts):
        if isinstance(part, str):
            html_ = _paragraphs_html(part)
            if html_ is None:
                return None
            out.append(html_)
            continue
        if i and isinstance(parts[i - 1], list) or not part:
            return None
        items = []
        for item in part:
            html_ = _paragraphs_html(item) if item else None
            if html_ is None or html_.count("<p>") != 1 or not html_.endswith("</p>"):
                return None
            items.append(f"<li>{html_[3:-4]}</li>\n")
        out.append("<ul>\n" + "".join(items) + "</ul>")
    return "\n".join(out)


def _tidy(text: str) -> str:
    """markdownify's output as a bank holds it: no escaped intraword `_`, no stray indentation or
    trailing space, no hard break that ends a paragraph, no runs of blank lines."""
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


def html_to_markdown(fragment: str, image: Callable[[str], str] | None = None) -> str:
    """qbank Markdown for an HTML fragment, trimmed ("" for one with no text); ``image`` maps
    each `<img src>` to the reference the Markdown should hold."""
    if not fragment or not fragment.strip():
        return ""
    return _convert(fragment, image) if image is not None else _cached(fragment)


@lru_cache(maxsize=65536)  # exports repeat the same option texts ("True", "None of these") many times
def _cached(fragment: str) -> str:
    return _convert(fragment, None)


def _convert(fragment: str, image: Callable[[str], str] | None) -> str:
    if not _MARKUP.search(fragment):
        return fragment.strip()  # text with nothing HTML or Markdown would read differently
    fast = _simple(fragment.strip())
    if fast is not None:
        return fast
    from ..render import to_html

    held: list[str] = []
    # in text only, never in a tag (`src="$IMS-CC-FILEBASE$/..."` is no math); a span may cross
    # inline tags no more than markdown-it's math would
    masked = "".join(part if part.startswith("<") else _TEX.sub(lambda m: _hold(held, _tex_span(m)), part)
                     for part in _TAG.split(fragment))
    spans, candidates, rendered = len(held), [], []
    for emphasis, misc in _ESCAPES:  # one at a time: a qbank export is matched by the first
        del held[spans:]  # each conversion holds the same equation images again, in the same order
        text = _tidy(_converter()(image, held, escape_asterisks=emphasis, escape_underscores=emphasis,
                                  escape_misc=misc, **_OPTIONS).convert(masked))
        rendered.append(rendered[-1] if candidates and text == candidates[-1] else to_html(text))
        candidates.append(text)
        if _same_html(rendered[-1], masked):
            break
    else:
        # no candidate renders back the same: escape emphasis marks, and also a text line that
        # Markdown reads as markup ("1. Not a list", "# 3") when that changes what a reader sees
        text = candidates[1] if _words(rendered[1]) == _words(masked) else candidates[2]
    if held:
        text = _HELD.sub(lambda m: held[int(m.group(1))], text)
    return text


def plain_to_markdown(text: str) -> str:
    """A plain-text field (no markup: Moodle's plain format, Aiken, QTI `text/plain`) as Markdown
    that shows the same text, paragraph by paragraph."""
    paras = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return html_to_markdown("\n".join(f"<p>{htmllib.escape(p, quote=False)}</p>" for p in paras))


_DATA_URI = re.compile(r"""(src=["'])data:image/(png|jpeg|gif|webp|svg\+xml);base64,([A-Za-z0-9+/=\s]+)(["'])""")
_EXT = {"jpeg": "jpg", "svg+xml": "svg"}


def data_images(fragment: str, media: dict[str, bytes]) -> str:
    """``fragment`` with each `src="data:image/...;base64,..."` image taken out into ``media``
    (named by its content) and referred to by that name: a bank keeps images as files."""
    import base64
    import binascii
    import hashlib

    if "data:image/" not in fragment:
        return fragment

    def take(m: re.Match) -> str:
        try:
            data = base64.b64decode(re.sub(r"\s+", "", m.group(3)), validate=True)
        except (binascii.Error, ValueError):
            return m.group(0)   # left as written: lint reports what it cannot show
        name = add_media(media, f"image-{hashlib.sha256(data).hexdigest()[:12]}.{_EXT.get(m.group(2), m.group(2))}", data)
        return f"{m.group(1)}{name}{m.group(4)}"

    return _DATA_URI.sub(take, fragment)


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
