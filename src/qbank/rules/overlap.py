"""Options that overlap: one a part of another, or ranges that share values (QB104)."""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostics import Diagnostic, Severity
from ..textkit.facts import facts
from ..textkit.literal import is_literal
from ..textkit.messages import quote
from ..textkit.quantity import Quantity
from .base import ItemContext, Option, Rule
from .option_format import combines


def _intervals_overlap(a: Quantity, b: Quantity) -> bool:
    lo, hi = max(a.lo, b.lo), min(a.hi, b.hi)
    if lo < hi:
        return True
    if lo > hi:
        return False
    # They touch at one point: an overlap only if both include it ("18-25" and "25-40").
    a_has = (a.lo < lo or not a.lo_open) and (a.hi > lo or not a.hi_open)
    b_has = (b.lo < lo or not b.lo_open) and (b.hi > lo or not b.hi_open)
    return a_has and b_has



# The words that join the parts of a list option ("copper, zinc, and vitamin B12", "both
# symmetric and asymmetric"): an option that is one whole part of another overlaps it.
_PART_BEFORE = frozenset(", ; and or nor plus & both either neither".split())
_PART_AFTER = frozenset(", ; and or nor plus &".split())
_RANGE_ASKED = re.compile(r"\b(?:range|ranges|interval|intervals|span)\b")
_PART_TOKEN = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*|[,;&]")


def _part_tokens(low: str) -> list[str]:
    """Words (hyphenated ones whole: "non-random" is not "random") and list separators."""
    return _PART_TOKEN.findall(low)


def _is_list_part(short: list[str], long_: list[str]) -> bool:
    """Whether the words ``short`` are one whole part of the list option ``long_``."""
    n = len(short)
    if not n or n >= len(long_):
        return False
    for s in range(len(long_) - n + 1):
        if long_[s:s + n] == short and (s == 0 or long_[s - 1] in _PART_BEFORE) \
                and (s + n == len(long_) or long_[s + n] in _PART_AFTER):
            return True
    return False


class OverlappingOptions(Rule):
    """Options that overlap: one inside another as a part of a list, or overlapping ranges.

    What it flags:
        - an option that is one whole part of a list in another option ("Denial" and
          "Denial and projection"; "copper" and "copper, zinc, and vitamin B12"): a word
          inside a longer term is no overlap ("random" and "non-random", "psychology" and
          "personality psychology");
        - numeric options whose ranges overlap ("18-25" and "25-40" both contain 25; "less
          than 18" and "18-25" do not), unless the stem asks for a range ("The audible range
          is"): then each option claims a range and none is a bin;
        - with `option-similarity` set, two prose options whose content words overlap by that
          share (Jaccard) but not in the same words reordered. Off by default: on the
          development corpus none of 24 such findings was a flaw (swapped terms, a negation,
          "Na+" for "K+" are how distractors are made).
        Options that are code or data ("`def greet(t):`", "3, 6, 9", "Target > Capturing >
        Bubbling") are literals and are only compared as ranges.
    Why:
        Overlapping options can both be right, or let the testwise rule one in or out
        together (Haladyna et al. 2002, H#22 and H#28e).
    Fails:
        ```yaml
        options:
          - text: Recent changes in the client's daily routine
            correct: true
            rationale: Routine changes are a common, modifiable cause of new sleep problems.
          - text: Family history or psychiatric hospitalization
            rationale: Useful later, but it does not address the recent onset tied to the job.
          - text: Early childhood attachment patterns
            rationale: Too distant from a problem that began with a recent life change.
          - text: Psychiatric hospitalization
            rationale: Already part of the family-history option, and as far from the onset.
        ```
    Passes:
        ```yaml
        options:
          - text: Recent changes in the client's daily routine
            correct: true
            rationale: Routine changes are a common, modifiable cause of new sleep problems.
          - text: Family history of psychiatric hospitalization
            rationale: Useful later, but it does not address the recent onset tied to the job.
          - text: Early childhood attachment patterns
            rationale: Too distant from a problem that began with a recent life change.
          - text: Psychiatric hospitalization
            rationale: A different history, and as far from the onset.
        ```
    Fix:
        Make the options mutually exclusive: non-overlapping ranges, or distinct ideas that
        do not contain one another.
    """

    code = "QB104"
    name = "overlapping-options"
    severity = Severity.WARNING
    options = (Option("option-similarity", float, 0.0,
                      "The share of content words (Jaccard) two prose options must share to count as "
                      "near-identical; 0 turns the test off (the default: 0 of 24 such findings on the "
                      "development corpus were flaws).", min=0.0, max=1.0),)

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        opts = ctx.question.options
        n = len(opts)
        norms = f.option_norm
        quantities = f.quantities
        content = f.option_content
        near = ctx.options.option_similarity
        parts: list[list[str]] | None = None
        combined: set[int] | None = None
        ranges_asked: bool | None = None
        flagged: set[int] = set()
        for j in range(n):
            for i in range(j):
                if not norms[i] or not norms[j] or norms[i] == norms[j]:
                    continue  # empty, or an exact duplicate (QB103)
                qi, qj = quantities[i], quantities[j]
                if qi is not None and qj is not None:
                    if ranges_asked is None:
                        ranges_asked = _RANGE_ASKED.search(f.stem_lower) is not None
                    if ranges_asked:
                        continue  # "The audible range is": each option claims a range, none is a bin
                    if qi.unit == qj.unit and (qi.is_range or qj.is_range) and _intervals_overlap(qi, qj):
                        yield self.diagnostic(ctx, ("options", j, "text"),
                                              f"option {j + 1} ({quote(opts[j].text)}) overlaps option "
                                              f"{i + 1} ({quote(opts[i].text)}); make the ranges "
                                              "mutually exclusive")
                        flagged.add(j)
                    continue
                if j in flagged or content[i].isdisjoint(content[j]):
                    continue  # both overlaps need a shared content word
                if parts is None:
                    parts = [_part_tokens(p.lower()) for p in f.option_plain]
                msg = self._overlap(i, j, parts, content, opts, near)
                if not msg or is_literal(opts[i].text) or is_literal(opts[j].text):
                    continue  # code and data are literals
                if combined is None:
                    combined = {x for x in range(n) if combines(x, f.option_plain, norms, False)}
                if i in combined or j in combined:
                    continue  # "both X and Y" beside X and Y: QB303 reports it
                flagged.add(j)
                yield self.diagnostic(ctx, ("options", j, "text"), msg)

    @staticmethod
    def _overlap(i: int, j: int, parts: list[list[str]], content: list[set[str]], opts,
                 near: float) -> str | None:
        si, li = (i, j) if len(parts[i]) <= len(parts[j]) else (j, i)
        if _is_list_part(parts[si], parts[li]):
            return (f"option {si + 1} ({quote(opts[si].text)}) is part of option {li + 1} "
                    f"({quote(opts[li].text)}); make each option a distinct, independent choice")
        if not near or sorted(parts[i]) == sorted(parts[j]):
            return None  # the test is off, or the same words in another order (an ordering)
        ci, cj = content[i], content[j]
        union = ci | cj
        if len(union) >= 3 and len(ci & cj) / len(union) >= near:
            pct = round(100 * len(ci & cj) / len(union))
            return (f"option {j + 1} and option {i + 1} share {pct}% of their content words "
                    f"({quote(opts[j].text)} / {quote(opts[i].text)}); make them differ in more "
                    "than a word or two")
        return None
