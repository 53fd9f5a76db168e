"""Option length as a cue: the key is the longest option (QB304), or the options differ
widely in length (QB305)."""

from __future__ import annotations

from typing import Iterator

from ..diagnostics import Diagnostic, Severity, plural
from ..textkit.facts import ItemFacts, facts
from .base import ItemContext, Option, Rule


def _short_options(f: ItemFacts) -> bool:
    """Every option is three words or fewer: length differences then mean nothing."""
    return max(f.option_word_counts) <= 3



class LongestOptionIsKey(Rule):
    """The key is conspicuously the longest option.

    What it flags:
        A key strictly longer than every distractor, at least 1.5 times
        (`longest-option-ratio`) and 20 characters (`longest-option-min-chars`) longer than
        the longest distractor. Items whose options are all three words or fewer are skipped.
        The defaults come from the development corpus: keys 1.2-1.4 times the longest
        distractor were cues on 1 of 5 labelled items (parallel long sentences), keys 1.7
        times or more on all 9, and at 1.5-1.6 the cues were the keys 20 or more characters
        longer.
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
    options = (Option("longest-option-ratio", float, 1.5,
                      "How many times as long as the longest distractor the key must be to be flagged.",
                      min=1.0, max=100.0),
               Option("longest-option-min-chars", int, 20,
                      "How many characters longer than the longest distractor the key must be to be flagged.",
                      min=0, max=10000))

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        if len(ctx.question.options) < 2 or _short_options(f):
            return
        k = f.key_index
        lengths = f.option_lengths
        longest_other = max(n for i, n in enumerate(lengths) if i != k)
        key_len = lengths[k]
        o = ctx.options
        if key_len >= o.longest_option_ratio * longest_other and key_len - longest_other >= o.longest_option_min_chars:
            ratio = key_len / max(longest_other, 1)
            yield self.diagnostic(ctx, ("options", k, "text"),
                                  f"the key is {ratio:.1f}x longer than any distractor ({key_len} vs "
                                  f"{plural(longest_other, 'character')}); shorten it or lengthen the distractors")



class OptionLengthSpread(Rule):
    """Options of very different lengths.

    What it flags:
        The longest option has at least 3 times as many words as the shortest
        (`length-spread-ratio`), and 7 or more words more (`length-spread-min-words`). Items
        whose options are all three words or fewer are skipped.
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
    options = (Option("length-spread-ratio", float, 3.0,
                      "How many times as many words as the shortest option the longest must have to be flagged.",
                      min=1.0, max=100.0),
               Option("length-spread-min-words", int, 7,
                      "How many words more than the shortest option the longest must have to be flagged.",
                      min=0, max=1000))

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        counts = f.option_word_counts
        if len(counts) < 2 or _short_options(f):
            return
        lo, hi = min(counts), max(counts)
        o = ctx.options
        if hi >= o.length_spread_ratio * max(lo, 1) and hi - lo >= o.length_spread_min_words:
            yield self.diagnostic(ctx, ("options",),
                                  f"option lengths range from {plural(lo, 'word')} (option {counts.index(lo) + 1}) "
                                  f"to {plural(hi, 'word')} (option {counts.index(hi) + 1}); make the options "
                                  "similar in length and detail")
