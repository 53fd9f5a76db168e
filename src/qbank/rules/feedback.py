"""Rules about the feedback a learner sees: explanation and rationales (QB401, QB402)."""

from __future__ import annotations

from typing import Iterator

from ..diagnostics import Diagnostic, Severity, plural
from ..textkit.messages import quote
from ..textkit.substance import own_words
from ..textkit.words import STOP_ALL
from .base import ItemContext, Option, Rule


class WeakExplanation(Rule):
    """The explanation gives no reason: a verdict, a link or the key and nothing else.

    What it flags:
        An explanation with fewer than 1 word (`explanation-min-words`) besides verdicts and
        pointers ("Correct!", "Yes.", "See the discussion below."), labels ("Explanation:"),
        links, option letters and the key's own words: "Correct.", "The answer is B.", "The
        correct answer is 42.", a bare list of reference links. Code counts as words. A short
        explanation that states the reason ("First square 2, then add 3.") is fine: on the
        development corpus a 20-word minimum was wrong on half its findings, while every
        explanation with no word of its own was empty.
    Why:
        Learners read the explanation to understand why the key is right; one that only
        repeats the verdict teaches nothing (house rule).
    Fails:
        ```yaml
        explanation: Correct! Recent changes in the client's daily routine.
        ```
    Passes:
        ```yaml
        explanation: The problem began with the new job, so recent routine changes come first.
        ```
    Fix:
        Say why the key is right, in terms of its content.
    """

    code = "QB401"
    name = "weak-explanation"
    severity = Severity.WARNING
    needs = frozenset({"key", "explanation"})  # a missing explanation is QB003's
    options = (Option("explanation-min-words", int, 1,
                      "The fewest words an explanation must have besides verdicts, links and the key's own "
                      "words (1: on the development corpus every explanation below it was empty, and none "
                      "above it was).", min=0, max=1000),)

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        text = ctx.question.explanation
        least = ctx.options.explanation_min_words
        n = len(own_words(text, ctx.question.key.text, enough=least))
        if n < least:
            yield self.diagnostic(ctx, ("explanation",),
                                  f"the explanation ({quote(text)}) has {plural(n, 'word')} besides "
                                  "verdicts, links and the key's own words; say why the key is right in at "
                                  f"least {plural(least, 'such word')}")


# A copied rationale is boilerplate when it has at most this many content words of its own
# ("That misses the point."); one that states a reason ("This is a made-up name.", "Strings
# are concatenated by +.") may explain two distractors (every such copy on the development
# corpus did).
_BOILERPLATE_WORDS = 1


class RationaleTooShort(Rule):
    """A rationale gives no reason, or copies a generic rationale of another option.

    What it flags:
        A rationale (on a distractor, or on the key when it has one) with fewer than 1 word
        (`rationale-min-words`) besides verdicts, pointers, links and the option's own words
        ("Incorrect.", "Try again.", "Check the question carefully."), or a copy of another
        option's rationale with at most one content word of its own ("That misses the
        point.": boilerplate).
        A precise short rationale ("False is at index 6.") is fine, and so is one explanation
        of a misconception given to the two distractors it explains: on the development
        corpus an 8-word minimum and every copy were wrong on 8 of 19 findings.
    Why:
        A rationale should say why this particular tempting answer is wrong; "Incorrect." or a
        copy of a generic remark does not (house rule).
    Fails:
        ```yaml
        options:
          - text: Recent changes in the client's daily routine
            correct: true
            rationale: Routine changes are a common, modifiable cause of new sleep problems.
          - text: Family history of psychiatric hospitalization
            rationale: Useful later, but it does not address the recent onset tied to the job.
          - text: Early childhood attachment patterns
            rationale: Incorrect. Try again.
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
        Say why this option is wrong (or right), in terms of its content.
    """

    code = "QB402"
    name = "rationale-too-short"
    severity = Severity.WARNING
    options = (Option("rationale-min-words", int, 1,
                      "The fewest words a rationale must have besides verdicts, links and the option's own "
                      "words (1: on the development corpus every rationale below it was empty).",
                      min=0, max=1000),)

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        seen: dict[str, int] = {}
        least = ctx.options.rationale_min_words
        for i, opt in enumerate(ctx.question.options):
            if not opt.rationale:
                continue
            path = ("options", i, "rationale")
            verdict = "right" if opt.correct else "wrong"
            own = own_words(opt.rationale, opt.text, enough=least)
            if len(own) < least:
                yield self.diagnostic(ctx, path,
                                      f"the rationale of option {i + 1} ({quote(opt.rationale)}) has "
                                      f"{plural(len(own), 'word')} besides verdicts, links and the option's own "
                                      f"words; say why this option is {verdict} in at least "
                                      f"{plural(least, 'such word')}")
                continue
            norm = " ".join(opt.rationale.split()).casefold()
            j = seen.setdefault(norm, i)
            if j != i and sum(w not in STOP_ALL for w in own_words(opt.rationale, opt.text)) <= _BOILERPLATE_WORDS:
                yield self.diagnostic(ctx, path,
                                      f"the rationale of option {i + 1} repeats that of option {j + 1} "
                                      f"({quote(opt.rationale)}), a remark that fits any option; say why "
                                      f"this option in particular is {verdict}")
