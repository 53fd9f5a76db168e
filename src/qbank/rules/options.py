"""Rules about the set of options as a whole: how many, and duplicates (QB102, QB103)."""

from __future__ import annotations

from typing import Iterator

from ..diagnostics import Diagnostic, Severity, plural
from ..textkit.facts import facts
from ..textkit.literal import literal_key
from ..textkit.messages import quote
from .base import ItemContext, Option, Rule


class OptionCount(Rule):
    """Too few or too many options.

    What it flags:
        An item with fewer than 3 or more than 5 options (set `min-options` and
        `max-options` in qbank.toml to change the range). An item with exactly two options
        is a true/false or two-way item, a format of its own, and is left alone unless
        `two-option-items` is false: on the development corpus 58 of the 60 two-option
        findings were true/false items or comparisons with only two possible answers.
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
          - text: Early childhood attachment patterns
            rationale: Too distant from a problem that began with a recent life change.
          - text: Eligibility for a medication referral
            rationale: Premature before the worker understands what changed for the client.
          - text: The client's favourite television programmes
            rationale: Filler that no candidate would choose; it only lengthens the item.
          - text: Something else
            rationale: Filler that names nothing; it only lengthens the item.
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
               Option("max-options", int, 5, "The most options an item may have.", min=2, max=26),
               Option("two-option-items", bool, True,
                      "Allow items with exactly two options (true/false, two-way comparisons) below "
                      "`min-options`: 58 of 60 such findings on the development corpus were that format."))

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        n = len(ctx.question.options)
        lo, hi = ctx.options.min_options, ctx.options.max_options
        if n < lo and not (n == 2 and ctx.options.two_option_items):
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
        Two prose options that are equal once Unicode forms, whitespace, Markdown emphasis,
        trailing punctuation and the case of lower-case or capitalised words are folded
        ("Refer to a psychiatrist." and "refer to a  psychiatrist"). An option that is code
        or data ("`class Dog:`", "-D", "LocalStorage.setItem(...)", "3, 6, 9") is a literal:
        its case, brackets, `*` and `:` are its content, so only an exact copy counts
        (on the development corpus 10 of the 13 findings of the folding test were such
        literals). Reported at the repeat that is not the key.
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
        f = facts(ctx)
        norms = f.option_norm
        if len(set(norms)) == len(norms):
            return  # equal literal keys fold to equal norms: no two options can be the same
        opts = ctx.question.options
        key = f.key_index
        seen: dict[str, int] = {}
        for i, o in enumerate(opts):
            k = literal_key(o.text)
            if not k:
                continue
            if k not in seen:
                seen[k] = i
                continue
            j = seen[k]
            # The copy to replace is never the key: a distractor that repeats the key goes.
            drop, kept = (j, i) if i == key else (i, j)
            yield self.diagnostic(ctx, ("options", drop, "text"),
                                  f"option {drop + 1} repeats option {kept + 1}"
                                  f"{' (the key)' if kept == key else ''} ({quote(opts[kept].text)}); "
                                  f"replace option {drop + 1} with a different plausible distractor")
