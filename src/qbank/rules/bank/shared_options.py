"""Option sets and distractors reused across questions (QB904)."""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterator

from ...diagnostics import Diagnostic, Severity
from ...digest import blake2b
from ..base import BankItem, BankRule, ItemContext, Option, RuleOptions, item_facts
from .findings import bank_diagnostic, where


def _h(text: str, size: int = 8) -> str:
    return blake2b(text.encode(), digest_size=size).hexdigest()


class SharedOptionSet(BankRule):
    """The same option set reused across questions, or one distractor used everywhere.

    What it flags:
        The same set of options (in any order) in 3 or more questions (`shared-set-min`),
        reported at the question that reaches that count; or, in banks of 20 or more questions
        (`shared-distractor-min-items`), one distractor text used in more than 5% of the
        questions (`shared-distractor-share`) and at least 3 (`shared-distractor-min-count`),
        reported at the first question using it.
    Why:
        Recycled options let candidates learn the option set instead of the content and
        make distractors implausible (Haladyna et al. 2002, H#29).
    Fails:
        ```yaml
        id: practice-sleep-001  # the base item
        ---
        id: practice-sleep-002
        stem: |
          A 52-year-old client says he has been waking at 4 a.m. since he started a new job last
          month. What should the social worker explore FIRST?
        ---
        id: practice-sleep-003
        stem: |
          A 41-year-old client who began a new job with rotating night shifts in May now sleeps
          about four hours a day. What should the social worker explore FIRST?
        ```
    Passes:
        ```yaml
        id: practice-sleep-001  # the base item
        ---
        id: practice-sleep-002
        stem: |
          A 52-year-old client says he has been waking at 4 a.m. since he started a new job last
          month. What should the social worker explore FIRST?
        options:
          - text: Changes in his work schedule and daily routine
            correct: true
            rationale: A new schedule is the most likely and most modifiable cause of early waking.
          - text: Symptoms of a major depressive episode
            rationale: Worth screening, but nothing beyond the early waking points to depression.
          - text: Unresolved conflict with his parents
            rationale: Nothing in the situation links the new sleep problem to his family.
          - text: Willingness to try a sleep medication
            rationale: Medication comes after the worker understands what has changed.
        ```
    Fix:
        Write options specific to each question; vary the distractors.
    """

    code = "QB904"
    name = "shared-option-set"
    severity = Severity.INFO
    options = (Option("shared-set-min", int, 3, "How many questions must share an option set for it to be flagged.",
                      min=2, max=1000000),
               Option("shared-distractor-min-items", int, 20,
                      "The fewest questions a bank needs before reused distractors are counted.",
                      min=1, max=1000000),
               Option("shared-distractor-share", float, 0.05,
                      "The share of the questions a distractor must be used in to be flagged.", min=0.0, max=1.0),
               Option("shared-distractor-min-count", int, 3,
                      "The fewest questions a distractor must be used in to be flagged.", min=2, max=1000000))

    def summarize(self, ctx: ItemContext) -> Any:
        norms = item_facts(ctx).option_norm
        q = ctx.question
        distractors = []
        seen = set()
        for i, o in enumerate(q.options):
            if o.correct or not norms[i] or norms[i] in seen:
                continue
            seen.add(norms[i])
            distractors.append((_h(norms[i], 6), " ".join(o.text.split())[:60]))
        # Three strings, not nested lists: a rerun reads 10,000 of these from the cache.
        return [_h("\x1f".join(sorted(norms))), " ".join(h for h, _ in distractors),
                "\t".join(label for _, label in distractors)]

    def check_bank(self, items: list[BankItem], options: RuleOptions) -> Iterator[Diagnostic]:
        valid = [it for it in items if type(it.summary) is list and len(it.summary) == 3
                 and all(type(part) is str for part in it.summary)]
        # Count first (in C), then look at the few hashes over a threshold: a warm run that
        # reruns this rule after an option edit goes through 10,000 summaries.
        set_counts = Counter(it.summary[0] for it in valid)
        set_min = options.shared_set_min
        big = {o for o, count in set_counts.items() if count >= set_min}
        sets: dict[str, list[int]] = {}
        for i, it in enumerate(valid) if big else ():
            if it.summary[0] in big:
                sets.setdefault(it.summary[0], []).append(i)
        reported_groups: list[set[int]] = []
        for group in sets.values():
            reported_groups.append(set(group))
            at = valid[group[set_min - 1]]
            others = [valid[i] for i in group if valid[i] is not at]
            names = ", ".join(o.path for o in others[:3]) + (" and more" if len(others) > 3 else "")
            yield bank_diagnostic(self, at,
                                  f"this option set is used by {len(group)} questions (also {names}); write "
                                  "options specific to each question",
                                  related=tuple(where(o) for o in others[:10]))
        n = len(valid)
        if n < options.shared_distractor_min_items:
            return
        counts = Counter(h for it in valid for h in it.summary[1].split())
        hot = {h for h, count in counts.items()
               if count >= options.shared_distractor_min_count and count > options.shared_distractor_share * n}
        uses: dict[str, list[int]] = {}
        for i, it in enumerate(valid) if hot else ():
            for h in it.summary[1].split():
                if h in hot:
                    uses.setdefault(h, []).append(i)
        for h, idx in uses.items():
            count = len(idx)
            if any(set(idx) <= g for g in reported_groups):
                continue
            from ...textkit.messages import quote

            at = valid[idx[0]]
            hashes, labels = at.summary[1].split(), at.summary[2].split("\t")
            label = labels[hashes.index(h)] if len(labels) == len(hashes) else h
            yield bank_diagnostic(self, at,
                                  f"the distractor {quote(label)} appears in {count} of {n} questions "
                                  f"({count / n:.0%}); write distractors specific to each question",
                                  related=tuple(where(valid[i]) for i in idx[1:11]))
