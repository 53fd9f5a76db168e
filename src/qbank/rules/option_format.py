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
        id: hbse-attachment-008
        stem: |
          A foster mother describes a 2-year-old placed with her three months ago who seeks
          comfort from strangers as readily as from her. Which attachment pattern do these
          behaviors MOST likely indicate?
        options:
          - text: Disinhibited social engagement
            correct: true
            rationale: Indiscriminate comfort seeking with strangers after neglect fits this pattern.
          - text: Secure attachment with a sociable temperament
            rationale: Secure toddlers prefer their caregiver for comfort over strangers.
          - text: Separation anxiety
            rationale: Separation anxiety shows distress at separation, not indiscriminate seeking.
          - text: All of the above
            rationale: The patterns exclude one another, so they cannot all describe this child.
        explanation: |
          A toddler with a history of neglect who seeks comfort from strangers as readily as
          from the caregiver shows disinhibited social engagement, not secure attachment.
        ```
    Passes:
        ```yaml
        id: hbse-attachment-008
        stem: |
          A foster mother describes a 2-year-old placed with her three months ago who seeks
          comfort from strangers as readily as from her. Which attachment pattern do these
          behaviors MOST likely indicate?
        options:
          - text: Disinhibited social engagement
            correct: true
            rationale: Indiscriminate comfort seeking with strangers after neglect fits this pattern.
          - text: Secure attachment with a sociable temperament
            rationale: Secure toddlers prefer their caregiver for comfort over strangers.
          - text: Separation anxiety
            rationale: Separation anxiety shows distress at separation, not indiscriminate seeking.
          - text: Reactive attachment
            rationale: Reactive attachment shows withdrawal and rarely seeking comfort at all.
        explanation: |
          A toddler with a history of neglect who seeks comfort from strangers as readily as
          from the caregiver shows disinhibited social engagement, not secure attachment.
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
        id: policy-mandates-009
        stem: |
          A hospital social worker learns that an 82-year-old patient's son has been taking her
          pension checks and leaving her without food. Which agency should receive the report?
        options:
          - text: Adult Protective Services
            correct: true
            rationale: Financial exploitation of an older adult is reported to Adult Protective Services.
          - text: The state licensing board
            rationale: Licensing boards oversee professionals, not family financial abuse.
          - text: The Social Security Administration fraud line
            rationale: Misuse of benefits can be reported there, but that does not protect her.
          - text: None of the above
            rationale: A mandated reporting channel exists for exactly this situation.
        explanation: |
          Financial exploitation and neglect of an older adult by a family member fall under
          Adult Protective Services, which investigates and arranges protective services.
        ```
    Passes:
        ```yaml
        id: policy-mandates-009
        stem: |
          A hospital social worker learns that an 82-year-old patient's son has been taking her
          pension checks and leaving her without food. Which agency should receive the report?
        options:
          - text: Adult Protective Services
            correct: true
            rationale: Financial exploitation of an older adult is reported to Adult Protective Services.
          - text: The state licensing board
            rationale: Licensing boards oversee professionals, not family financial abuse.
          - text: The Social Security Administration fraud line
            rationale: Misuse of benefits can be reported there, but that does not protect her.
          - text: The local area agency on aging
            rationale: It coordinates services but does not investigate exploitation reports.
        explanation: |
          Financial exploitation and neglect of an older adult by a family member fall under
          Adult Protective Services, which investigates and arranges protective services.
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


class CombinationOption(Rule):
    """An option that combines other options ("Both A and C", "I and II only").

    What it flags:
        A whole option made of option letters or statement numerals: "Both A and C",
        "A and B only", "I, II and III", "II only", "All but B", "Both of the above".
    Why:
        Complex multiple-choice (K-type) items test reasoning about the option set rather
        than the content, are harder to read, and letter references break when options are
        shuffled (Haladyna et al. 2002, H#9; Tarrant et al. 2006).
    Fails:
        ```yaml
        id: research-validity-010
        stem: |
          A program evaluator compares depression scores of clients who chose to join a support
          group with those of clients who declined. Which threat to internal validity is the
          MOST serious in this design?
        options:
          - text: Selection bias
            correct: true
            rationale: Self-selected groups may differ in motivation before the program starts.
          - text: Testing effects
            rationale: Repeated testing matters, but both groups were measured the same way.
          - text: Instrumentation
            rationale: Nothing suggests the measure changed between groups or over time.
          - text: Both A and C
            rationale: Instrumentation is not a concern here, so the combination is wrong.
        explanation: |
          Clients who choose to join a group may already differ from those who decline, so
          selection bias is the main threat; random assignment would address it.
        ```
    Passes:
        ```yaml
        id: research-validity-010
        stem: |
          A program evaluator compares depression scores of clients who chose to join a support
          group with those of clients who declined. Which threat to internal validity is the
          MOST serious in this design?
        options:
          - text: Selection bias
            correct: true
            rationale: Self-selected groups may differ in motivation before the program starts.
          - text: Testing effects
            rationale: Repeated testing matters, but both groups were measured the same way.
          - text: Instrumentation
            rationale: Nothing suggests the measure changed between groups or over time.
          - text: Regression to the mean
            rationale: Groups were not chosen for extreme scores, so regression is unlikely.
        explanation: |
          Clients who choose to join a group may already differ from those who decline, so
          selection bias is the main threat; random assignment would address it.
        ```
    Fix:
        Rewrite as a single-best-answer item whose options each stand alone.
    """

    code = "QB303"
    name = "combination-option"
    severity = Severity.ERROR

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        for i, text in enumerate(facts(ctx).option_plain):
            if len(text) <= 40 and _COMBINATION.match(text):
                yield self.diagnostic(ctx, ("options", i, "text"),
                                      f"option {i + 1} ({quote(text)}) combines other options; rewrite "
                                      "the item so every option stands alone")
