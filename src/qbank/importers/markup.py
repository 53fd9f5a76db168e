"""HTML (as LMSs store question text) to qbank Markdown, through markdownify.

The conversion aims at the exact inverse of qbank's own rendering: of the candidates (a text
of plain paragraphs taken as it is; markdownify without, then with, Markdown escapes) the first
that renders back (:func:`qbank.render.to_html`) to the same HTML is taken, so an export
imports back to the Markdown it came from. TeX math is kept as TeX, never escaped: `\\(...\\)`
becomes `$...$`, `\\[...\\]` and `$$...$$` become `$$...$$` (the spans qbank's lint skips as math).
"""

from __future__ import annotations

import html as htmllib
import re
from functools import lru_cache

from .archive import add_media


_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$", re.S)
_HOLD = "\ue010{}\ue011"   # a math span's place while markdownify runs (private-use characters)
_HELD = re.compile("\ue010(\\d+)\ue011")
_PLAIN_PARAS = re.compile(r"^(?:\s*<p>[^<]*</p>)+\s*$")
_SPACES = re.compile(r"\s+")


def _same_html(a: str, b: str) -> bool:
    return _SPACES.sub(" ", a).replace("> <", "><").strip() == _SPACES.sub(" ", b).replace("> <", "><").strip()


# markdownify's escapes, fewest first: (asterisks and underscores, everything else)
_ESCAPES = ((False, False), (True, False), (True, True))
_FALLBACK = 1   # when no candidate renders back the same (LMS HTML has attributes qbank never writes)


def _code_language(pre) -> str:
    """The language of a `<pre><code class="language-sql">` block (as markdown-it writes it)."""
    code = pre.find("code")
    for cls in (code.get("class") or []) if code is not None else []:
        if cls.startswith("language-"):
            return cls[len("language-"):]
    return ""


def _markdownify(fragment: str, escape: tuple[bool, bool]) -> str:
    from markdownify import markdownify

    emphasis, misc = escape
    return markdownify(fragment, bs4_options="lxml", code_language_callback=_code_language, heading_style="ATX", bullets="-", strong_em_symbol="*", escape_asterisks=emphasis,
                       escape_underscores=emphasis, escape_misc=misc, newline_style="backslash").strip()


def _plain(fragment: str) -> str | None:
    """The Markdown of HTML that is only paragraphs of literal text, if it renders back the same."""
    if not _PLAIN_PARAS.match(fragment):
        return None
    from ..export.common import paragraphs_html

    paras = [htmllib.unescape(p) for p in re.findall(r"<p>([^<]*)</p>", fragment)]
    text = "\n\n".join(p.strip() for p in paras)
    return text if paragraphs_html(text) == fragment.strip() else None


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
        else:
            lines = [_inline(li) for li in re.findall(r"<li>(.*?)</li>", items, re.S)]
            if any(line is None or "\n" in line for line in lines):
                return None
            blocks.append("\n".join(f"- {line.strip()}" for line in lines))
            lists = True
    text = "\n\n".join(blocks)
    if not lists:
        from ..export.common import paragraphs_html

        rendered = paragraphs_html(text)
        if rendered is not None:
            return text if rendered == fragment.strip() else None
    from ..render import to_html

    return text if to_html(text) == fragment.strip() else None


@lru_cache(maxsize=65536)
def html_to_markdown(fragment: str) -> str:
    """qbank Markdown for an HTML fragment ("" for one with no text)."""
    if not fragment or not fragment.strip():
        return ""
    fast = _plain(fragment.strip())
    if fast is None and "<" in fragment:
        fast = _simple(fragment.strip())
    if fast is not None:
        return fast
    from ..render import to_html

    held: list[str] = []

    def hold(m: re.Match) -> str:
        inline, display, dollars = m.groups()
        held.append(f"${inline.strip()}$" if inline is not None else f"$${(display or dollars).strip()}$$")
        return _HOLD.format(len(held) - 1)

    masked = _MATH.sub(hold, fragment)
    candidates = []
    for escape in _ESCAPES:  # one at a time: a qbank export is matched by the first
        candidates.append(_markdownify(masked, escape))
        if _same_html(to_html(candidates[-1]), masked):
            break
    else:
        candidates.append(candidates[_FALLBACK])
    choice = candidates[-1]
    out = _HELD.sub(lambda m: held[int(m.group(1))], choice) if held else choice
    return out if out.strip() else ""


def plain_to_markdown(text: str) -> str:
    """A plain-text field (no markup) as Markdown that shows the same text."""
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
