"""Options that point at other options: "All of the above" (QB301), "None of the above"
(QB302) and combinations such as "Both A and C" (QB303)."""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostics import Diagnostic, Severity
from ..textkit.facts import facts
from ..textkit.markup import normalize
from ..textkit.messages import quote
from ..textkit.phrases import is_all_of_the_above, is_dont_know, is_none_of_the_above
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
        An option that reads "None of the above", "None of these", "None of the other
        choices", "None of the mentioned", "Neither of these" or similar, and an option that
        is no answer at all: "I don't know", "Not sure".
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
            if is_none_of_the_above(norm) or is_dont_know(norm):
                yield self.diagnostic(ctx, ("options", i, "text"),
                                      f"option {i + 1} is {quote(ctx.question.options[i].text)}; replace "
                                      "it with a plausible distractor of its own")


_L = r"\(?(?:[A-H]|I{1,3}|IV|VI{0,3})\)?"
_JOIN = r"\s*(?:,\s*(?:(?i:and|or)\s+)?|\s(?i:and|or|nor)\s|&|\+)\s*"
_LABEL = r"(?:(?i:options?|choices?|answers?|statements?|responses?)\s+)?"
_VERDICT = r"(?:\s+(?i:only|but not\s+{l}|(?:are|is) (?:both )?(?:correct|true|right)))"
_COMBINATION = re.compile(
    rf"^(?:(?i:both|only|neither|either)\s+)?{_LABEL}{_L}(?:{_JOIN}{_LABEL}{_L})+"
    rf"{_VERDICT.format(l=_L)}?\s*[.!]?$"
    rf"|^{_LABEL}{_L}\s+(?i:only)\s*\.?$"
    rf"|^(?i:all|any)\s+(?i:but|except)\s+{_LABEL}{_L}\s*\.?$"
    rf"|^(?i:both|neither)\s+(?i:of\s+)?(?i:the\s+)?(?i:above|these|options|answers)\b"
)
# Lower-case letters and statement numbers ("both a and b", "Both b and c are correct", "1 and 3
# only") combine options only when a word says so: "a and b" or "2 and 3" alone may be content.
_l = r"\(?(?:[a-hA-H]|[1-9])\)?"
_SAID_COMBINATION = re.compile(
    rf"^(?i:(?:both|neither|either)\s+{_LABEL}{_l}(?:{_JOIN}{_LABEL}{_l})+{_VERDICT.format(l=_l)}?"
    rf"|{_LABEL}{_l}(?:{_JOIN}{_LABEL}{_l})+{_VERDICT.format(l=_l)})\s*[.!]?$")
_NUMERALS = re.compile(rf"^{_LABEL}[1-9](?:(?:{_JOIN}{_LABEL}[1-9])+|\s+(?i:only))\s*[.!]?$")
# The stem lists numbered statements ("1. ...", "(2) ...", "II. ..."): "2 and 3" points at them.
_NUMBERED_LINE = re.compile(r"^[ \t]*(?:\(?[1-9][.)]|\(?(?:I{1,3}|IV|VI{0,3})[.)])[ \t]+\S", re.M)
# "both X and Y", "neither X nor Y", where X and Y are other options.
_BOTH = re.compile(r"^(?i:both|neither|either)\s+(.+?)\s+(?i:and|nor|or)\s+(.+?)[\s.!]*$")


def combines_other_options(plain: str) -> bool:
    """An option (its plain text) made of other options' letters or numerals: QB303's test,
    and why an export keeps such an item's order."""
    return len(plain) <= 40 and (_COMBINATION.match(plain) is not None
                                 or _SAID_COMBINATION.match(plain) is not None)


def combines(i: int, plain: list[str], norms: list[str], numbered: bool) -> bool:
    """Option ``i`` combines others: by letter or numeral, by statement number when the stem
    numbers its statements, or by naming two other options whole ("both symmetric and
    asymmetric" beside "symmetric" and "asymmetric")."""
    text = plain[i]
    if combines_other_options(text) or numbered and _NUMERALS.match(text):
        return True
    m = _BOTH.match(text) if len(text) <= 200 and text[:1] in "bBnNeE" else None
    if m is None:
        return False
    if "$" in text or "`" in text:
        return False  # "Either $A_0$ or $A_1$": a tie between two values is an answer of its own
    others = {n for j, n in enumerate(norms) if j != i and n}
    return normalize(m.group(1)) in others and normalize(m.group(2)) in others


class CombinationOption(Rule):
    """An option that combines other options ("Both A and C", "I and II only").

    What it flags:
        A whole option made of option letters or statement numerals: "Both A and C",
        "A and B only", "I, II and III", "II only", "All but B", "Both of the above";
        lower-case letters and numbers when a word says they are options ("both a and b",
        "Both b and c are correct", "1 and 3 only"), or when the stem numbers its
        statements ("2 and 3"); "both X and Y" or "neither X nor Y" where X and Y are other
        options. One finding per item, at the first such option.
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
        f = facts(ctx)
        plain = f.option_plain
        numbered = any(_NUMERALS.match(p) for p in plain) and _NUMBERED_LINE.search(ctx.question.stem) is not None
        found = [i for i in range(len(plain)) if combines(i, plain, f.option_norm, numbered)]
        if not found:
            return
        # One finding for the item: the fix (a single-best-answer item) is one rewrite.
        which = f"option {found[0] + 1}" if len(found) == 1 else \
            "options " + ", ".join(str(i + 1) for i in found[:-1]) + f" and {found[-1] + 1}"
        quoted = ", ".join(quote(plain[i]) for i in found)
        verb = "combines" if len(found) == 1 else "combine"
        yield self.diagnostic(ctx, ("options", found[0], "text"),
                              f"{which} ({quoted}) {verb} other options; rewrite the item so every "
                              "option stands alone")
