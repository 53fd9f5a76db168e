"""Markdown as prose: masked (same offsets), plain (markup removed), folded for equality."""

from __future__ import annotations

import re
import unicodedata

# Parts of Markdown whose characters are not prose: fenced and indented-by-fence code, code
# spans, images, link destinations, autolinks and HTML tags. `mask` blanks them with spaces
# (newlines kept), so offsets into the masked text are offsets into the original.
_MASK = re.compile(
    r"(?P<fence>^[ \t]{0,3}(?P<f>`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]{0,3}(?P=f)[`~]*[ \t]*$|\Z))"
    r"|(?P<code>(?P<b>`+)[^`].*?(?<!`)(?P=b)(?!`))"
    r"|(?P<img>!\[[^\]\n]*\]\([^)\n]*\))"
    r"|(?P<dest>(?<=\])\([^)\s]*(?:[ \t]+\"[^\"\n]*\")?\))"
    r"|(?P<auto><(?:https?://|mailto:)[^>\s]*>)"
    r"|(?P<html></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>\n]*)?/?>)",
    re.M | re.S,
)
_NOT_NEWLINE = re.compile(r"[^\n]")


def _blank(m: re.Match) -> str:
    return _NOT_NEWLINE.sub(" ", m.group(0))


def _opaque(m: re.Match) -> str:
    return _NOT_NEWLINE.sub("\x01", m.group(0))


def mask(text: str, opaque: bool = False) -> str:
    """``text`` with code, images, URLs and HTML replaced by spaces (or, with ``opaque``, by
    U+0001, which no prose pattern matches), same length and same line breaks."""
    if "`" not in text and "<" not in text and "](" not in text and "~~~" not in text:
        return text
    return _MASK.sub(_opaque if opaque else _blank, text)


_LINK_TEXT = re.compile(r"\[([^\]\n]*)\]")
_UNDERSCORES = re.compile(r"(?<![^\W_])_+|_+(?![^\W_])")   # emphasis, not snake_case
_ESCAPES = re.compile(r"\\(?=[^\w\s])")
_LINE_MARKS = re.compile(r"^[ \t]*(?:#{1,6}|>)[ \t]+", re.M)


def plain(text: str) -> str:
    """Prose of a Markdown field: masked, link brackets and emphasis markers removed,
    whitespace collapsed to single spaces. (Each step runs only if its marker occurs.)"""
    out = mask(text)
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
        out = _LINK_TEXT.sub(r"\1", out)
    return " ".join(out.split())


_QUOTE_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "‐": "-"})


def fold(text: str) -> str:
    """Non-ASCII text NFKC-normalised, casefolded, with one kind of quote and dash."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_QUOTE_FOLD)


_NORM_TRIGGER = re.compile(r"[`*~\[\\]")
_NORM_MARKUP = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)|[`*~]+|\\(?=[^\w\s])")


def normalize(text: str) -> str:
    """Text folded for equality tests: NFKC, Markdown markup (not code content) removed,
    casefolded, quotes and dashes unified, whitespace collapsed, trailing punctuation
    dropped. "`len(x)`" and "len(x)." are equal; "`len(x)`" and "`x.size()`" are not."""
    t = text if text.isascii() else unicodedata.normalize("NFKC", text)
    if _NORM_TRIGGER.search(t):
        t = _NORM_MARKUP.sub(lambda m: m.group(1) or "", t)
    t = t.casefold().translate(_QUOTE_FOLD)
    t = " ".join(t.split())
    return t.rstrip(" .;:,!?")
