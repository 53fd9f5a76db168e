"""Markdown as prose: masked (same offsets), plain (markup removed), folded for equality."""

from __future__ import annotations

import re
import unicodedata

from .spans import layout

_NOT_NEWLINE = re.compile(r"[^\n]")
MATH = re.compile(r"\$\$?[^$\n]+\$\$?")  # TeX math ($...$, $$...$$): no prose words, no option letters


def mask(text: str, opaque: bool = False) -> str:
    """``text`` with code, images, URLs and HTML (see :mod:`spans`) replaced by spaces (or,
    with ``opaque``, by U+0001, which no prose pattern matches), same length and same line
    breaks, so offsets into the masked text are offsets into the original."""
    spans = layout(text).covered()
    if not spans:
        return text
    fill = "\x01" if opaque else " "
    parts = []
    last = 0
    for s, e in spans:
        parts.append(text[last:s])
        parts.append(_NOT_NEWLINE.sub(fill, text[s:e]))
        last = e
    parts.append(text[last:])
    return "".join(parts)


_LINK_TEXT = re.compile(r"\[([^\[\]\n]*)\]")  # no `[` inside: each bracket is looked at once
_UNDERSCORES = re.compile(r"(?<![^\W_])_+|_+(?![^\W_])")   # emphasis, not snake_case
_ESCAPES = re.compile(r"\\(?=[^\w\s])")
_LINE_MARKS = re.compile(r"^[ \t]*(?:#{1,6}|>)[ \t]+", re.M)


def _first_group(m: re.Match) -> str:
    return m.group(1)  # faster than the template r"\1", which is expanded in Python per match


def plain(text: str, masked: str | None = None) -> str:
    """Prose of a Markdown field: masked, link brackets and emphasis markers removed,
    whitespace collapsed to single spaces. (Each step runs only if its marker occurs.)
    ``masked`` is ``mask(text)`` if the caller has it already."""
    out = mask(text) if masked is None else masked
    if "*" in out:
        out = out.replace("*", "")
    if "_" in out:
        out = _UNDERSCORES.sub("", out)
    if "~~" in out:
        out = out.replace("~~", "")
    if "\\" in out:
        out = _ESCAPES.sub("", out)
    if "#" in out or ">" in out:
        out = _LINE_MARKS.sub("", out)
    if "[" in out:
        out = _LINK_TEXT.sub(_first_group, out)
    return " ".join(out.split())


_QUOTE_FOLD = (("“", '"'), ("”", '"'), ("„", '"'), ("‘", "'"), ("’", "'"), ("–", "-"), ("—", "-"), ("‐", "-"))


def _unify_quotes(text: str) -> str:
    """One kind of quote and dash. (str.translate looks up every character of a non-ASCII
    text in its table, ~7x slower than these few scans; no replacement is replaced again.)"""
    for curly, straight in _QUOTE_FOLD:
        if curly in text:
            text = text.replace(curly, straight)
    return text


def fold(text: str) -> str:
    """Non-ASCII text NFKC-normalised, casefolded, with one kind of quote and dash."""
    return _unify_quotes(unicodedata.normalize("NFKC", text).casefold())


_NORM_TRIGGER = re.compile(r"[`*~\[\\]")
_NORM_MARKUP = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\n]*\)|[`*~]+|\\(?=[^\w\s])")


def normalize(text: str) -> str:
    """Text folded for equality tests: NFKC, Markdown markup (not code content) removed,
    casefolded, quotes and dashes unified, whitespace collapsed, trailing punctuation
    dropped. "`len(x)`" and "len(x)." are equal; "`len(x)`" and "`x.size()`" are not."""
    t = text if text.isascii() else unicodedata.normalize("NFKC", text)
    if _NORM_TRIGGER.search(t):
        t = _NORM_MARKUP.sub(lambda m: m.group(1) or "", t)
    t = _unify_quotes(t.casefold())
    t = " ".join(t.split())
    return t.rstrip(" .;:,!?")
