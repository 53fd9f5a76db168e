"""Markup the exports show as literal text (their CommonMark has raw HTML off): raw HTML
elements, links and images CommonMark cannot read, and Pandoc's `~sub~` and `^sup^` — each
with the Markdown (or Unicode) that says what the author meant.

Everything comes from :func:`.spans.layout` (one linear scan, cached for the other rules)
plus one bounded pattern, so this is linear in the text too.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import NamedTuple

from .spans import attempt, layout

# HTML elements (a `<name>` outside this list, such as `<filename>`, reads as a placeholder
# that is meant to be seen as written, which is what the exports show).
ELEMENTS = frozenset("""
a abbr address area article aside audio b bdi bdo big blink blockquote body br button canvas
caption center cite code col colgroup data dd del details dfn dialog div dl dt em embed fieldset
figcaption figure font footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins
kbd label legend li link main map mark marquee math meta meter nav nobr noscript object ol
optgroup option output p param picture pre progress q rp rt ruby s samp script section select
small source span strike strong style sub summary sup svg table tbody td template textarea tfoot
th thead time title tr track tt u ul var video wbr
""".split())

# Elements that have no closing tag: alone, they are still markup.
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9\-]*)")
_ATTR = re.compile(r"""\b(src|alt|href|url)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)
# Pandoc's subscript and superscript: one short run with no space, not `~~` (strikethrough).
_PANDOC = re.compile(r"(?<![~\\])~([^\s~]{1,20})~(?!~)|(?<![\^\\])\^([^\s^]{1,20})\^(?!\^)")

TAG_KEPT = 1000  # of a tag, what its attributes are read from
_SUB = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
_SUP = dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyz",
                "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ"))

# What to write instead of an element, where Markdown has it.
_MARKDOWN = {
    "b": "**bold**", "strong": "**bold**", "i": "*italics*", "em": "*italics*", "u": "*italics* (Markdown has no underline)",
    "s": "~~struck~~", "strike": "~~struck~~", "del": "~~struck~~", "code": "`code`", "tt": "`code`", "kbd": "`code`",
    "samp": "`code`", "pre": "a fenced code block (```)", "br": "a `\\` at the end of the line (a line break)",
    "p": "a blank line between paragraphs", "hr": "a line of `---`", "blockquote": "`> ` at the start of the line",
    "h1": "a `#` heading", "h2": "a `##` heading", "h3": "a `###` heading", "h4": "a `####` heading",
    "ul": "`- ` list items", "ol": "`1. ` list items", "li": "`- ` list items", "table": "a Markdown table (`| a | b |`)",
    "tr": "a Markdown table (`| a | b |`)", "td": "a Markdown table (`| a | b |`)", "th": "a Markdown table (`| a | b |`)",
}


class Problem(NamedTuple):
    kind: str        # "image", "link", "html", "comment", "pandoc"
    name: str        # the element's name for "html", else the kind
    start: int
    end: int
    written: str     # what the author wrote (bounded)
    advice: str      # what to write instead


def unrendered(text: str, literal_tags: frozenset[str] = frozenset()) -> list[Problem]:
    """What in ``text`` the exports show as typed, in text order. ``literal_tags``: element
    names the bank writes on purpose to be seen as text (not reported)."""
    if "<" not in text and "](" not in text and "~" not in text and "^" not in text:
        return []
    found = layout(text)
    out = [_attempt(text, *a) for a in found.attempts]
    out += _html(text, found.html, literal_tags)
    if "~" in text or "^" in text:
        out += _pandoc(text)
    return sorted(out, key=lambda p: p.start)


_TITLED = re.compile(r"(\S.*?) +(\"[^\"]*\"|'[^']*'|\([^()]*\))")


def _attempt(text: str, start: int, close: int, image: bool) -> Problem:
    a = attempt(text, start, close, image)
    bang = "!" if image else ""
    dest, title = a.dest.strip(), ""
    titled = _TITLED.fullmatch(dest) if a.why == "space" else None
    if titled:  # `(my file.png "Title")`: the title stays outside the brackets
        dest, title = titled.group(1), " " + titled.group(2)
    if a.why == "space":
        fix = (f"{bang}[{a.text}](<{dest}>{title}) or {bang}[{a.text}]({dest.replace(' ', '%20')}{title}) "
               "(a destination with a space must be in angle brackets or use %20)")
    elif a.why == "parentheses":
        fix = (f"{bang}[{a.text}](<{dest}>) (parentheses in a destination must be balanced, escaped as "
               "`\\(` `\\)`, or the destination put in angle brackets; a `)` must close it on the same line)")
    else:
        fix = f"{bang}[{a.text}](<{dest}>) (in angle brackets, any characters but `<`, `>` and line breaks are fine)"
    kind = "image" if image else "link"
    return Problem(kind, kind, a.start, a.end, _short(text[a.start:a.end]), fix)


def _html(text: str, spans: list[tuple[int, int]], literal_tags: frozenset[str]) -> list[Problem]:
    out: list[Problem] = []
    opened: set[str] = set()           # elements whose open tag is reported (their close is not)
    closes: dict[str, list[int]] = {}  # element -> where its close tags start, in order
    for s, _e in spans:
        m = _TAG.match(text, s)
        if m is not None and text.startswith("</", s):
            closes.setdefault(m.group(1).lower(), []).append(s)
    for s, e in spans:
        if text.startswith("<!--", s):
            out.append(Problem("comment", "comment", s, e, _short(text[s:e]),
                               "a YAML comment (`# ...` on a line of its own), which the exports leave out"))
            continue
        m = _TAG.match(text, s)
        if m is None:
            continue  # a declaration or processing instruction: rare, and shown as written
        name = m.group(1).lower()
        if name not in ELEMENTS or name in literal_tags:
            continue
        tag = _short(text[s:e])
        if text.startswith("</", s):
            if name not in opened:
                out.append(Problem("html", name, s, e, tag, _advice(name, tag, "")))
            continue
        after = closes.get(name, [])
        k = bisect_left(after, e)
        if k == len(after) and name not in VOID:
            continue  # "the HTML <script> tag": a mention, shown as meant (markup would close it)
        opened.add(name)
        inner = text[e:after[k]] if k < len(after) and after[k] - e <= 200 else ""
        out.append(Problem("html", name, s, e, tag, _advice(name, text[s:e][:TAG_KEPT], inner)))
    return out


_WRAP = {"b": "**", "strong": "**", "i": "*", "em": "*", "s": "~~", "strike": "~~", "del": "~~", "code": "`",
         "tt": "`", "kbd": "`", "samp": "`"}
_SCRIPT = {"sub": ("subscript", _SUB), "sup": ("superscript", _SUP)}


def _advice(name: str, tag: str, inner: str) -> str:
    if name in _SCRIPT:
        return _script(name, inner)
    if name in ("img", "a"):
        attrs = {k.lower(): v1 or v2 or v3 for k, v1, v2, v3 in _ATTR.findall(tag)}
        if name == "a":
            href = attrs.get("href") or attrs.get("url") or "https://..."  # `url=` is a slip for href
            return f"[{inner or 'text'}]({href}) (a Markdown link)"
        src = attrs.get("src", "path/to/image.png")
        return f"![{attrs.get('alt', '')}]({f'<{src}>' if ' ' in src else src}) (a Markdown image)"
    if name in _WRAP and inner and "\n" not in inner:
        return f"{_WRAP[name]}{inner}{_WRAP[name]}"
    if name in _MARKDOWN:
        return _MARKDOWN[name]
    return "plain text (the exports cannot style, lay out or run HTML)"


def _script(name: str, inner: str) -> str:
    what, table = _SCRIPT[name]
    if inner and all(c in table for c in inner):
        return f"{''.join(table[c] for c in inner)} (Unicode {what} characters)"
    if inner:
        return f"plain text ({inner!r} has no Unicode {what} characters)"
    return f"Unicode {what} characters where they exist (₂, ²), else plain text"


def _pandoc(text: str) -> list[Problem]:
    from .markup import mask

    hard = mask(text, opaque=True)  # not inside code, URLs or HTML
    out = []
    for m in _PANDOC.finditer(hard):
        name, inner = ("sub", m.group(1)) if m.group(1) is not None else ("sup", m.group(2))
        if "\x01" not in inner:
            out.append(Problem("pandoc", _SCRIPT[name][0], m.start(), m.end(), m.group(0),
                               f"{_script(name, inner)}; CommonMark has no {_SCRIPT[name][0]} syntax"))
    return out


def _short(s: str) -> str:
    return s if len(s) <= 60 else s[:57] + "..."
