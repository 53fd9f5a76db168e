"""Option length as a cue: the key is the longest option (QB304), or the options differ
widely in length (QB305)."""

from __future__ import annotations

from typing import Iterator

from ..diagnostics import Diagnostic, Severity
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
        id: practice-termination-011
        stem: |
          A client who has met her treatment goals after six months of weekly sessions says
          she feels anxious about ending. What should the social worker do FIRST?
        options:
          - text: Explore her reactions to termination and review the progress she has made in their work
            correct: true
            rationale: Processing feelings and consolidating gains is the core of termination.
          - text: Extend the sessions for another six months
            rationale: Extending treatment without a clinical reason fosters dependence.
          - text: Refer her to a support group right away
            rationale: A referral may help later but skips the work on ending itself.
          - text: Reassure her that anxiety is normal
            rationale: Reassurance alone closes the topic instead of exploring it with her.
        explanation: |
          Anxiety about ending is common; the worker explores those feelings and reviews the
          progress made, which consolidates gains and prepares her to continue on her own.
        ```
    Passes:
        ```yaml
        id: practice-termination-011
        stem: |
          A client who has met her treatment goals after six months of weekly sessions says
          she feels anxious about ending. What should the social worker do FIRST?
        options:
          - text: Explore her reactions to termination
            correct: true
            rationale: Processing feelings and consolidating gains is the core of termination.
          - text: Extend the sessions for another six months
            rationale: Extending treatment without a clinical reason fosters dependence.
          - text: Refer her to a support group right away
            rationale: A referral may help later but skips the work on ending itself.
          - text: Reassure her that her anxiety is normal
            rationale: Reassurance alone closes the topic instead of exploring it with her.
        explanation: |
          Anxiety about ending is common; the worker explores those feelings and reviews the
          progress made, which consolidates gains and prepares her to continue on her own.
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
                                  f"{longest_other} characters); shorten it or lengthen the distractors")


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
        id: hbse-development-012
        stem: |
          A mother says her 18-month-old son cries and clings to her whenever she leaves him at
          child care, then plays happily. How should the social worker interpret this?
        options:
          - text: As expected separation distress for his age
            correct: true
            rationale: Distress at separation that resolves quickly is typical at 18 months.
          - text: Insecure attachment
            rationale: Recovering and playing after she leaves is not a sign of insecurity.
          - text: As an early sign of separation anxiety disorder that needs a referral to a child psychiatrist
            rationale: Separation distress at this age is developmentally normal, not a disorder.
          - text: As a response to problems in the child care setting
            rationale: He plays happily once she leaves, so the setting is not the problem.
        explanation: |
          Separation distress peaks between about 10 and 18 months; crying at drop-off that
          resolves into play is expected and a sign of attachment to the mother.
        ```
    Passes:
        ```yaml
        id: hbse-development-012
        stem: |
          A mother says her 18-month-old son cries and clings to her whenever she leaves him at
          child care, then plays happily. How should the social worker interpret this?
        options:
          - text: As expected separation distress for his age
            correct: true
            rationale: Distress at separation that resolves quickly is typical at 18 months.
          - text: As a sign of insecure attachment to his mother
            rationale: Recovering and playing after she leaves is not a sign of insecurity.
          - text: As an early sign of separation anxiety disorder
            rationale: Separation distress at this age is developmentally normal, not a disorder.
          - text: As a response to problems in the child care setting
            rationale: He plays happily once she leaves, so the setting is not the problem.
        explanation: |
          Separation distress peaks between about 10 and 18 months; crying at drop-off that
          resolves into play is expected and a sign of attachment to the mother.
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
                                  f"option lengths range from {lo} words (option {counts.index(lo) + 1}) "
                                  f"to {hi} words (option {counts.index(hi) + 1}); make the options "
                                  "similar in length and detail")
