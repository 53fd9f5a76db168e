"""Rules about the feedback a learner sees: explanation and rationales (QB401-QB403)."""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostics import Diagnostic, Severity, plural
from ..textkit.facts import facts
from ..textkit.messages import quote
from ..textkit.substance import own_words
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
    options = (Option("explanation-min-words", int, 1,
                      "The fewest words an explanation must have besides verdicts, links and the key's own "
                      "words (1: on the development corpus every explanation below it was empty, and none "
                      "above it was).", min=0, max=1000),)

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        text = ctx.question.explanation
        least = ctx.options.explanation_min_words
        n = len(own_words(text, ctx.question.key.text))
        if n < least:
            yield self.diagnostic(ctx, ("explanation",),
                                  f"the explanation ({quote(text)}) has {plural(n, 'word')} besides "
                                  "verdicts, links and the key's own words; say why the key is right in at "
                                  f"least {plural(least, 'such word')}")


class RationaleTooShort(Rule):
    """A rationale gives no reason, or copies a generic rationale of another option.

    What it flags:
        A rationale (on a distractor, or on the key when it has one) with fewer than 1 word
        (`rationale-min-words`) besides verdicts, pointers, links and the option's own words
        ("Incorrect.", "Try again.", "Check the question carefully."), or a copy of another
        option's rationale that says nothing about the stem or either option (boilerplate).
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
        q = ctx.question
        opts = q.options
        stem_words: set[str] | None = None
        for i, opt in enumerate(opts):
            if not opt.rationale:
                continue
            path = ("options", i, "rationale")
            verdict = "right" if opt.correct else "wrong"
            own = own_words(opt.rationale, opt.text)
            if len(own) < least:
                yield self.diagnostic(ctx, path,
                                      f"the rationale of option {i + 1} ({quote(opt.rationale)}) has "
                                      f"{plural(len(own), 'word')} besides verdicts, links and the option's own "
                                      f"words; say why this option is {verdict} in at least "
                                      f"{plural(least, 'such word')}")
                continue
            norm = " ".join(opt.rationale.split()).casefold()
            j = seen.setdefault(norm, i)
            if j == i:
                continue
            if stem_words is None:
                stem_words = set(own_words(q.stem))
            if set(own).isdisjoint(stem_words | set(own_words(opts[j].text)) | set(own_words(opt.text))):
                yield self.diagnostic(ctx, path,
                                      f"the rationale of option {i + 1} repeats that of option {j + 1} "
                                      f"({quote(opt.rationale)}) and says nothing about either option; say why "
                                      f"this option in particular is {verdict}")


_OPT = r"(?i:options?|choices?|answers?|alternatives?)"
# References that name an option word: "option B", "choice 2", "the answer is C", "the
# second option". Searched only in fields that contain one of _OPTION_WORDS.
_WORD_REF = re.compile(
    rf"\b{_OPT}\s+\(?[A-H]\)?(?![\w'’-])"
    rf"|\b{_OPT}\s+\(?[1-9]\)?(?![\w'’.,-])"
    r"|\b(?i:the\s+(?:correct\s+|right\s+|best\s+)?(?:answer|key|option|choice)\s+is)\s+\(?[A-H]\)?(?![\w'’-])"
    r"|\b(?i:the\s+(?:first|second|third|fourth|fifth|last)\s+(?:option|choice|answer|alternative))\b"
)
_OPTION_WORDS = ("option", "choice", "answer", "alternative", "key is")
# A sentence that starts with letters: "B is correct", "A and D are wrong". The pattern starts
# with a character class, so the regex engine scans for it fast; the sentence start is
# checked afterwards.
_SENTENCE_REF = re.compile(
    r"[A-H]\)?(?:\s*(?:,|and|&|or)\s*\(?[A-H]\)?)*\s+(?i:is|are|was|were|would be)\s+"
    r"(?i:(?:not\s+|also\s+|both\s+)?(?:correct|incorrect|wrong|right|true|false|the\s+(?:best|correct|right|key)))")
_VERDICT_WORDS = ("correct", "wrong", "right", "true", "false", "the best", "the key")
_SENTENCE_START = re.compile(r"(?:^|[.!?;:]\s+)$")


def _letter_reference(text: str) -> str | None:
    """The first reference to an option by letter or position in plain ``text``."""
    low = text.lower()
    if any(w in low for w in _OPTION_WORDS):
        m = _WORD_REF.search(text)
        if m:
            return m.group(0)
    for m in _SENTENCE_REF.finditer(text):
        start = m.start() - (1 if m.start() and text[m.start() - 1] == "(" else 0)
        if start == 0 or _SENTENCE_START.search(text, max(0, start - 4), start):
            return m.group(0)
    return None


class LetterReference(Rule):
    """Feedback that names options by letter or position.

    What it flags:
        An explanation or rationale that refers to options by letter or position: "B is
        correct", "option C", "A and D are wrong", "the answer is B", "the second option".
    Why:
        qbank's exports let the LMS or the Anki card shuffle the options, and exam delivery
        often shuffles them too, so "B" will point at a different option (shuffling safety).
        Even an item whose order the exports keep (`shuffle: false`, numeric options) is
        shuffled by an LMS set to shuffle every answer.
    Fails:
        ```yaml
        explanation: |
          A is correct: the problem began with the new job, so the worker first explores recent
          changes in routine, the most likely and most modifiable contributors to poor sleep.
        ```
    Passes:
        ```yaml
        explanation: |
          The problem began with the new job, so the worker first explores recent changes in
          routine, which are the most likely and most modifiable contributors to poor sleep.
        ```
    Fix:
        Refer to options by their content ("running the group untrained"), never by letter.
    """

    code = "QB403"
    name = "letter-reference"
    severity = Severity.WARNING

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        fields = [(p, t) for p, t in f.fields if p[-1] in ("explanation", "rationale")]
        # Cheap first pass over all feedback at once: every reference has an option word or
        # a capital A-H followed by is/are/was/were.
        joined = "\n\x00\n".join(t for _, t in fields)
        low = joined.lower()
        if not any(w in low for w in _OPTION_WORDS) and not (
                any(w in low for w in _VERDICT_WORDS) and _SENTENCE_REF.search(joined)):
            return
        for path, raw in fields:
            if not any(w in raw.lower() for w in _OPTION_WORDS) and not _SENTENCE_REF.search(raw):
                continue
            found = _letter_reference(f.plain_of(path, raw))
            if found:
                where = "the explanation" if path[0] == "explanation" else f"the rationale of option {path[1] + 1}"
                yield self.diagnostic(ctx, path,
                                      f"{where} refers to an option by letter or position "
                                      f"({quote(found)}); {_what_exports_do(ctx, f)}, so name the option by "
                                      "its content")


def _what_exports_do(ctx: ItemContext, f) -> str:
    from ..order import option_order

    if option_order(ctx.question, f).shuffle:
        return "exports let the LMS or the Anki card shuffle the options"
    return "exports keep this item's order, but an LMS set to shuffle answers still moves the options"
