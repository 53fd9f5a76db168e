"""Option length as a cue: the key is the longest option (QB304), or the options differ
widely in length (QB305)."""

from __future__ import annotations

from typing import Iterator

from ..diagnostics import Diagnostic, Severity, plural
from ..textkit.facts import ItemFacts, facts
from .base import ItemContext, Rule


def _short_options(f: ItemFacts) -> bool:
    """Every option is three words or fewer: length differences then mean nothing."""
    return max(f.option_word_counts) <= 3


LONGEST_RATIO = 1.2
LONGEST_MIN_CHARS = 10


class LongestOptionIsKey(Rule):
    """The key is conspicuously the longest option.

    What it flags:
        A key strictly longer than every distractor, at least 1.2 times (and 10 characters
        more than) the longest distractor. Items whose options are all three words or fewer
        are skipped.
    Why:
        Writers qualify the key until it is unarguable, so testwise candidates pick the
        longest option (Haladyna et al. 2002, H#24 and H#28d; NBME Item-Writing Guide).
    Fails:
        ```yaml
        options:
          - text: Recent changes in the client's routine, meals, exercise and caffeine use
            correct: true
            rationale: Routine changes are a common, modifiable cause of new sleep problems.
          - text: Family history of psychiatric hospitalization
            rationale: Useful later, but it does not address the recent onset tied to the job.
          - text: Early childhood attachment patterns
            rationale: Too distant from a problem that began with a recent life change.
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
        Shorten the key or add comparable detail to the distractors.
    """

    code = "QB304"
    name = "longest-option-is-key"
    severity = Severity.WARNING

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        if len(ctx.question.options) < 2 or _short_options(f):
            return
        k = f.key_index
        lengths = f.option_lengths
        longest_other = max(n for i, n in enumerate(lengths) if i != k)
        key_len = lengths[k]
        if key_len >= LONGEST_RATIO * longest_other and key_len - longest_other >= LONGEST_MIN_CHARS:
            ratio = key_len / max(longest_other, 1)
            yield self.diagnostic(ctx, ("options", k, "text"),
                                  f"the key is {ratio:.1f}x longer than any distractor ({key_len} vs "
                                  f"{plural(longest_other, 'character')}); shorten it or lengthen the distractors")


SPREAD_RATIO = 3.0
SPREAD_MIN_WORDS = 7


class OptionLengthSpread(Rule):
    """Options of very different lengths.

    What it flags:
        The longest option has at least 3 times as many words as the shortest, and 7 or more
        words more. Items whose options are all three words or fewer are skipped.
    Why:
        Options should be similar in length and detail, or the odd one stands out as the key
        or as filler (Haladyna et al. 2002, H#24).
    Fails:
        ```yaml
        options:
          - text: Recent changes in the client's daily routine
            correct: true
            rationale: Routine changes are a common, modifiable cause of new sleep problems.
          - text: Family history of psychiatric hospitalization among the client's parents, siblings and grandparents
            rationale: Useful later, but it does not address the recent onset tied to the job.
          - text: Early childhood attachment patterns
            rationale: Too distant from a problem that began with a recent life change.
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
        Make the options similar in length and level of detail.
    """

    code = "QB305"
    name = "option-length-spread"
    severity = Severity.INFO

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        counts = f.option_word_counts
        if len(counts) < 2 or _short_options(f):
            return
        lo, hi = min(counts), max(counts)
        if hi >= SPREAD_RATIO * max(lo, 1) and hi - lo >= SPREAD_MIN_WORDS:
            yield self.diagnostic(ctx, ("options",),
                                  f"option lengths range from {plural(lo, 'word')} (option {counts.index(lo) + 1}) "
                                  f"to {plural(hi, 'word')} (option {counts.index(hi) + 1}); make the options "
                                  "similar in length and detail")
