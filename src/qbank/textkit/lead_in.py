"""The lead-in: the stem's last sentence, the question the options answer."""

from __future__ import annotations

from dataclasses import dataclass

from .markup import mask
from .words import WORD

_TRAILING_MARKUP = " \t\r\n*_\"'”’)]"
_CLOSERS = "\"'”’)]*_"
_ABBREVIATIONS = frozenset("dr mr mrs ms mx st vs e.g i.e eg ie approx prof jr sr no fig cf al".split())


def lead_in_span(masked_stem: str) -> tuple[int, int]:
    """(start, end) of the lead-in, the stem's last sentence, in ``masked_stem``.

    Walks back from the final mark over candidate sentence ends (. ? ! followed, after any
    closing quotes or brackets, by whitespace) with ``rfind``, skipping decimals, ellipses
    and abbreviations ("Dr.", "e.g."); a blank line also ends a sentence."""
    m = masked_stem
    end = len(m.rstrip(_TRAILING_MARKUP))
    if end == 0:
        return 0, 0
    end_full = len(m.rstrip())
    blank = m.rfind("\n\n", 0, end - 1)
    start = blank + 2 if blank >= 0 else 0
    limit = end - 1  # the lead-in's own final mark is not a boundary
    # The last of each mark before ``limit``; only the one just used is looked for again, so
    # the walk reads the text once (three rfinds per step would make it quadratic).
    last = {mark: m.rfind(mark, start, limit) for mark in ".?!"}
    while limit > start:
        p = max(last.values())
        if p < 0:
            break
        limit = p
        last[m[p]] = m.rfind(m[p], start, p)
        q = p + 1
        while q < end and m[q] in _CLOSERS:
            q += 1
        if q >= end or not m[q].isspace() or q == p + 1 and m[p] == "." and m[p - 1: p] == ".":
            continue
        if m[p] == ".":
            before = m[max(0, p - 24):p].rsplit(None, 1)
            prev = before[-1].lower().lstrip("(\"'“") if before else ""
            if prev in _ABBREVIATIONS or (len(prev) == 1 and prev.isalpha()):
                continue
        start = q
        break
    while start < end and m[start].isspace():
        start += 1
    return start, end_full


@dataclass(frozen=True)
class LeadWord:
    """A word of the lead-in, with its offsets in the stem."""

    text: str
    start: int
    end: int
    emphasized: bool  # between Markdown emphasis marks (*word*, __word__)

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def shouted(self) -> bool:
        return len(self.text) > 1 and self.text.isupper()


def lead_in_words(stem: str, masked: str | None = None, span: tuple[int, int] | None = None) -> list[LeadWord]:
    """The words of the lead-in of ``stem`` (``masked`` is ``mask(stem)`` and ``span`` its
    lead-in span if the caller has them)."""
    masked = mask(stem) if masked is None else masked
    s, e = lead_in_span(masked) if span is None else span
    out = []
    for m in WORD.finditer(masked, s, e):
        a, b = m.span()
        out.append(LeadWord(m.group(0), a, b, a > 0 and b < len(stem) and stem[a - 1] in "*_" and stem[b] in "*_"))
    return out
