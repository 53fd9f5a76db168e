"""Options that are not parallel in form: one odd period or capital (QB312)."""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostics import Diagnostic, Severity
from ..textkit.facts import facts
from .base import ItemContext, Rule


_PERIOD_EXEMPT = re.compile(r"\b(?:etc|e\.g|i\.e|vs|inc|ltd|co)\.$", re.I)


class NonparallelOptions(Rule):
    """One option differs in form from all the others.

    What it flags:
        With 3 or more options: exactly one option ends with a period while the others do
        not (or the reverse: a full sentence among fragments), or exactly one option starts
        with a lowercase letter while the others start with a capital.
    Why:
        Options should be parallel in grammar and form; the odd one draws attention
        (Haladyna et al. 2002, H#23).
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
          - text: Eligibility for a medication referral.
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
        Give every option the same form: all fragments or all sentences, same capitalization
        and end punctuation.
    """

    code = "QB312"
    name = "nonparallel-options"
    severity = Severity.INFO

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        texts = facts(ctx).option_plain
        n = len(texts)
        if n < 3:
            return
        periods = [t.endswith(".") and not t.endswith("..") and not _PERIOD_EXEMPT.search(t[-8:]) for t in texts]
        odd = _odd_one(periods)
        if odd is not None:
            how = ("ends with a period and the other options do not" if periods[odd]
                   else "has no final period and the other options end with one")
            yield self.diagnostic(ctx, ("options", odd, "text"),
                                  f"option {odd + 1} {how}; give all options the same form")
            return
        initials: list[bool | None] = []
        for t in texts:
            c = t[:1]
            if c and not c.isalnum():
                c = next((ch for ch in t if ch.isalnum()), "")
            initials.append(c.isupper() if c.isalpha() else None)
        known = [v for v in initials if v is not None]
        if len(known) >= 3 and known.count(False) == 1:
            i = initials.index(False)
            yield self.diagnostic(ctx, ("options", i, "text"),
                                  f"option {i + 1} starts with a lowercase letter and the others with a "
                                  "capital; give all options the same form")


def _odd_one(flags: list[bool]) -> int | None:
    """The index of the only True (or only False) when all others agree."""
    t = flags.count(True)
    if t == 1:
        return flags.index(True)
    if t == len(flags) - 1:
        return flags.index(False)
    return None
