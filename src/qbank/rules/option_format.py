"""Options that point at other options: "All of the above" (QB301), "None of the above"
(QB302) and combinations such as "Both A and C" (QB303)."""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostics import Diagnostic, Severity
from ..textkit.facts import facts
from ..textkit.messages import quote
from ..textkit.phrases import is_all_of_the_above, is_none_of_the_above
from .base import ItemContext, Rule


class AllOfTheAbove(Rule):
    """An "All of the above" option.

    What it flags:
        An option that reads "All of the above", "All of these", "All of the options" or
        similar.
    Why:
        A candidate who spots two correct options picks it without knowing the third, and
        one wrong option rules it out: it rewards partial knowledge (Haladyna et al. 2002,
        H#26).
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
          - text: All of the above
            rationale: Only one of these is the first thing to explore with the client.
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
        Replace the option with another plausible distractor (or split the item).
    """

    code = "QB301"
    name = "all-of-the-above"
    severity = Severity.ERROR

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        for i, norm in enumerate(facts(ctx).option_norm):
            if is_all_of_the_above(norm):
                yield self.diagnostic(ctx, ("options", i, "text"),
                                      f"option {i + 1} is {quote(ctx.question.options[i].text)}; replace "
                                      "it with a plausible distractor of its own")


class NoneOfTheAbove(Rule):
    """A "None of the above" option.

    What it flags:
        An option that reads "None of the above", "None of these", "Neither of the above" or
        similar.
    Why:
        When it is the key the item only tests recognising wrong answers; when it is not, it
        is rarely plausible (Haladyna et al. 2002, H#25).
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
          - text: None of the above
            rationale: One of these topics is plainly the first thing to explore here.
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
        Replace the option with a plausible distractor.
    """

    code = "QB302"
    name = "none-of-the-above"
    severity = Severity.WARNING

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        for i, norm in enumerate(facts(ctx).option_norm):
            if is_none_of_the_above(norm):
                yield self.diagnostic(ctx, ("options", i, "text"),
                                      f"option {i + 1} is {quote(ctx.question.options[i].text)}; replace "
                                      "it with a plausible distractor of its own")


_L = r"\(?(?:[A-H]|I{1,3}|IV|VI{0,3})\)?"
_JOIN = r"\s*(?:,\s*(?:(?i:and|or)\s+)?|\s(?i:and|or|nor)\s|&|\+)\s*"
_LABEL = r"(?:(?i:options?|choices?|answers?|statements?|responses?)\s+)?"
_COMBINATION = re.compile(
    rf"^(?:(?i:both|only|neither|either)\s+)?{_LABEL}{_L}(?:{_JOIN}{_LABEL}{_L})+"
    rf"(?:\s+(?i:only|but not\s+{_L}|are (?:both )?(?:correct|true|right)))?\s*[.!]?$"
    rf"|^{_LABEL}{_L}\s+(?i:only)\s*\.?$"
    rf"|^(?i:all|any)\s+(?i:but|except)\s+{_LABEL}{_L}\s*\.?$"
    rf"|^(?i:both|neither)\s+(?i:of\s+)?(?i:the\s+)?(?i:above|these|options|answers)\b"
)


def combines_other_options(plain: str) -> bool:
    """An option (its plain text) made of other options' letters or numerals: QB303's test,
    and why an export keeps such an item's order."""
    return len(plain) <= 40 and _COMBINATION.match(plain) is not None


class CombinationOption(Rule):
    """An option that combines other options ("Both A and C", "I and II only").

    What it flags:
        A whole option made of option letters or statement numerals: "Both A and C",
        "A and B only", "I, II and III", "II only", "All but B", "Both of the above".
    Why:
        Complex multiple-choice (K-type) items test reasoning about the option set rather
        than the content, are harder to read, and letter references break when options are
        shuffled (Haladyna et al. 2002, H#9; Tarrant et al. 2006). qbank's exports keep such an
        item's order, but an LMS set to shuffle every answer does not know to.
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
          - text: Both A and C
            rationale: Attachment patterns are too distant, so the combination is wrong.
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
        Rewrite as a single-best-answer item whose options each stand alone.
    """

    code = "QB303"
    name = "combination-option"
    severity = Severity.ERROR

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        for i, text in enumerate(facts(ctx).option_plain):
            if combines_other_options(text):
                yield self.diagnostic(ctx, ("options", i, "text"),
                                      f"option {i + 1} ({quote(text)}) combines other options; rewrite "
                                      "the item so every option stands alone")
