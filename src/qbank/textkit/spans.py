"""Where a Markdown field's code, URLs, raw HTML, images and links are, as CommonMark (the
exporters' markdown-it) reads them, in one scan that is linear in the text.

Rules mask these spans before reading prose, and fixes never edit inside them. Nothing in the
scan is a regex that can backtrack over the text: block structure is read line by line
(:mod:`.blocks`), code spans through a table of backtick runs, link destinations through
parentheses matched in one pass (:mod:`.inline`, :mod:`.links`), and every other pattern is
anchored at a position and bounded (by the next character of a kind it cannot cross, or by a
fixed length). tests/test_spans.py checks the spans against markdown-it's own tokens on
generated Markdown; tests/test_worst_case.py times 1 MB of each pathological pattern.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import NamedTuple

from .layout import EMPTY, Layout, Span


class Attempt(NamedTuple):
    """A `[text](...)` or `![alt](...)` that CommonMark does not read as a link or image: it is
    shown as written. ``dest`` is what the author put between the parentheses (to the first
    `)` on the line), ``why`` what CommonMark could not read: "space", "parentheses" (not
    balanced, or not closed on the line) or "destination"."""

    start: int
    end: int
    image: bool
    text: str
    dest: str
    why: str


ATTEMPT_MAX = 300  # what is kept of a failed link's text and destination


def attempt(text: str, start: int, close: int, image: bool) -> Attempt:
    """The :class:`Attempt` whose bracket is at ``start`` and whose `]` is at ``close`` (one
    of ``Layout.attempts``). What it keeps of a long line is bounded."""
    stop = text.find("\n", close, close + 2 + ATTEMPT_MAX)
    stop = min(len(text), close + 2 + ATTEMPT_MAX) if stop < 0 else stop
    paren = text.find(")", close, stop)
    end = paren + 1 if paren >= 0 else stop
    dest = text[close + 2:paren if paren >= 0 else end]
    if " " in dest or "\t" in dest:
        why = "space"
    elif paren < 0 or dest.count("(") != dest.count(")"):
        why = "parentheses"
    else:
        why = "destination"
    label = text[start + (2 if image else 1):min(close, start + 2 + ATTEMPT_MAX)]
    return Attempt(start, end, image, label, dest, why)


# A field with none of these has nothing to find (the common case): a marker character or
# URL start, or a line that starts indented code, a quote or a list item with code in it.
_HINT_LINE = r"(?: {4}| {0,3}\t| {0,3}>|[ \t]*(?:[-+*]|\d{1,9}[.)])(?: {5}|\t))"
_HINT_FIRST_LINE = re.compile(_HINT_LINE)
_HINT_OTHER_LINE = re.compile("\n" + _HINT_LINE)  # starts with a literal: the regex engine skips to each "\n"


def _may_have_spans(text: str) -> bool:
    """Has ``text`` anything for :func:`layout` to find? Substring tests and line-anchored
    patterns, ~4x faster than one regex with these alternatives (tried at every character)."""
    return ("`" in text or "<" in text or "[" in text or "~" in text or "://" in text or "www." in text
            or _HINT_FIRST_LINE.match(text) is not None or _HINT_OTHER_LINE.search(text) is not None)


@lru_cache(maxsize=32)  # the rules ask about the same few fields of a question, one question at a time
def layout(text: str) -> Layout:
    """Where the non-prose parts of ``text`` are (the lists are shared: never change them)."""
    if not _may_have_spans(text):
        return EMPTY
    from .blocks import blocks
    from .inline import Inline

    found = Layout([], [], [], [], [], [], [])
    runs, defs = blocks(text, found.code, found.urls)
    for a, b in runs:
        Inline(text, a, b, defs, found).run()
    for spans in found[:5]:
        spans.sort()
    return found


def overlaps(spans: list[Span], start: int, end: int) -> bool:
    """Does [start, end) touch any of the sorted, merged ``spans`` (an empty range: lie inside one)?"""
    i = bisect_right(spans, (start, float("inf"))) - 1
    if i >= 0 and (spans[i][1] > start or spans[i][0] == start == end):
        return True
    return i + 1 < len(spans) and spans[i + 1][0] < end


def image_sources(text: str) -> list[str]:
    """Each image's `src` as markdown-it gives it (escapes and entities decoded, then
    percent-encoded); images whose URL markdown-it refuses (`javascript:`) are not images."""
    refs = layout(text).image_refs
    if not refs:
        return []
    from markdown_it.common.normalize_url import normalizeLink, validateLink
    from markdown_it.common.utils import unescapeAll

    out = []
    for dest in refs:
        href = normalizeLink(unescapeAll(dest))
        if validateLink(href):
            out.append(href)
    return out
