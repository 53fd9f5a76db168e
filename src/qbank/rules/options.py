"""Rules about the set of options as a whole: how many, duplicates, overlaps (QB102-QB104)."""

from __future__ import annotations

from typing import Iterator

from ..diagnostics import Diagnostic, Severity, plural
from ..textkit.facts import facts
from ..textkit.messages import quote
from ..textkit.quantity import Quantity
from .base import ItemContext, Option, Rule


class OptionCount(Rule):
    """Too few or too many options.

    What it flags:
        An item with fewer than 3 or more than 5 options (set `min-options` and
        `max-options` in qbank.toml to change the range). Two options is a true/false item.
    Why:
        Three to five plausible options measure best; more add writing effort and
        implausible filler, fewer make guessing pay (Haladyna et al. 2002, H#18;
        Tarrant et al. 2006).
    Fails:
        ```yaml
        options:
          - text: Recent changes in the client's daily routine
            correct: true
            rationale: Routine changes are a common, modifiable cause of new sleep problems.
          - text: Family history of psychiatric hospitalization
            rationale: Useful later, but it does not address the recent onset tied to the job.
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
        ```
    Fix:
        Add plausible distractors (or merge weak ones) until the item has 3-5 options.
    """

    code = "QB102"
    name = "option-count"
    severity = Severity.WARNING
    options = (Option("min-options", int, 3, "The fewest options an item may have.", min=2, max=26),
               Option("max-options", int, 5, "The most options an item may have.", min=2, max=26))

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        n = len(ctx.question.options)
        lo, hi = ctx.options.min_options, ctx.options.max_options
        if n < lo:
            extra = " (2 options is a true/false item)" if n == 2 else ""
            yield self.diagnostic(ctx, ("options",),
                                  f"the item has {plural(n, 'option')}{extra}; add plausible distractors "
                                  f"to reach at least {lo}")
        elif n > hi:
            yield self.diagnostic(ctx, ("options",),
                                  f"the item has {plural(n, 'option')}; keep the {hi} most plausible "
                                  f"(at most {hi})")


class DuplicateOption(Rule):
    """Two options say the same thing.

    What it flags:
        Two options that are equal once Unicode forms, case, whitespace, Markdown emphasis
        and trailing punctuation are folded ("Refer to a psychiatrist." and
        "refer to a  psychiatrist"). Reported at the later option.
    Why:
        A repeated option is a wasted slot and, if it repeats the key, a second key
        (Haladyna et al. 2002, H#22).
    Fails:
        ```yaml
        options:
          - text: Recent changes in the client's daily routine
            correct: true
            rationale: Routine changes are a common, modifiable cause of new sleep problems.
          - text: Family history of psychiatric hospitalization
            rationale: Useful later, but it does not address the recent onset tied to the job.
          - text: Family history of psychiatric hospitalization
            rationale: A copy of the family-history option, and just as far from the onset.
          - text: Eligibility for a medication referral
            rationale: Premature before the worker understands what changed for the client.
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
          - text: Eligibility for a medication referral
            rationale: Premature before the worker understands what changed for the client.
        ```
    Fix:
        Replace the repeated option with a different plausible distractor.
    """

    code = "QB103"
    name = "duplicate-option"
    severity = Severity.ERROR

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        seen: dict[str, int] = {}
        for i, norm in enumerate(facts(ctx).option_norm):
            if not norm:
                continue
            if norm in seen:
                j = seen[norm]
                yield self.diagnostic(ctx, ("options", i, "text"),
                                      f"option {i + 1} repeats option {j + 1} "
                                      f"({quote(ctx.question.options[j].text)}); replace it with a "
                                      "different plausible distractor")
            else:
                seen[norm] = i


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



class OverlappingOptions(Rule):
    """Options that overlap: one inside another, near-identical, or overlapping ranges.

    What it flags:
        - an option whose whole wording appears inside another option ("Denial" and
          "Denial and projection");
        - two options whose content words overlap by 80% or more (Jaccard;
          `option-similarity`), i.e. they differ by a word or two or only in word order;
        - numeric options whose ranges overlap ("18-25" and "25-40" both contain 25; "less
          than 18" and "18-25" do not).
    Why:
        Overlapping options can both be right, or let the testwise rule one in or out
        together (Haladyna et al. 2002, H#22 and H#28e).
    Fails:
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
          - text: Eligibility for a medication referral
            rationale: Premature before the worker understands what changed for the client.
        ```
    Fix:
        Make the options mutually exclusive: non-overlapping ranges, or distinct ideas that
        do not contain one another.
    """

    code = "QB104"
    name = "overlapping-options"
    severity = Severity.WARNING
    options = (Option("option-similarity", float, 0.8,
                      "The share of content words (Jaccard) two options must share to count as near-identical.",
                      min=0.1, max=1.0),)

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        opts = ctx.question.options
        n = len(opts)
        norms = f.option_norm
        quantities = f.quantities
        content = f.option_content
        spaced: list[str] | None = None
        flagged: set[int] = set()
        for j in range(n):
            for i in range(j):
                if not norms[i] or not norms[j] or norms[i] == norms[j]:
                    continue  # empty, or an exact duplicate (QB103)
                qi, qj = quantities[i], quantities[j]
                if qi is not None and qj is not None:
                    if qi.unit == qj.unit and (qi.is_range or qj.is_range) and _intervals_overlap(qi, qj):
                        yield self.diagnostic(ctx, ("options", j, "text"),
                                              f"option {j + 1} ({quote(opts[j].text)}) overlaps option "
                                              f"{i + 1} ({quote(opts[i].text)}); make the ranges "
                                              "mutually exclusive")
                        flagged.add(j)
                    continue
                if j in flagged or content[i].isdisjoint(content[j]):
                    continue  # both overlaps need a shared content word
                if spaced is None:
                    spaced = [f" {' '.join(t)} " for t in f.option_tokens]
                msg = self._wording_overlap(i, j, spaced, content, opts, ctx.options.option_similarity)
                if msg:
                    flagged.add(j)
                    yield self.diagnostic(ctx, ("options", j, "text"), msg)

    @staticmethod
    def _wording_overlap(i: int, j: int, spaced: list[str], content: list[set[str]], opts,
                         near: float) -> str | None:
        a, b = spaced[i], spaced[j]
        short, long_, si, li = (a, b, i, j) if len(a) <= len(b) else (b, a, j, i)
        if content[si] and short.strip() and short in long_:
            return (f"option {si + 1} ({quote(opts[si].text)}) is contained in option {li + 1} "
                    f"({quote(opts[li].text)}); make each option a distinct, independent choice")
        ci, cj = content[i], content[j]
        union = ci | cj
        if len(union) >= 3 and len(ci & cj) / len(union) >= near:
            pct = round(100 * len(ci & cj) / len(union))
            return (f"option {j + 1} and option {i + 1} share {pct}% of their content words "
                    f"({quote(opts[j].text)} / {quote(opts[i].text)}); make them differ in more "
                    "than a word or two")
        return None
