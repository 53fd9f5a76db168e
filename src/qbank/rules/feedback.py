"""Rules about the feedback a learner sees: explanation and rationales (QB401-QB403)."""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostics import Diagnostic, Severity, plural
from ..textkit.facts import facts
from ..textkit.messages import quote
from ..textkit.words import TOKEN, find_root
from .base import ItemContext, Option, Rule


class WeakExplanation(Rule):
    """The explanation is too short or never mentions the key.

    What it flags:
        An explanation under 20 words (`explanation-min-words`), or one that mentions none of
        the key's content words (or, for a numeric key, its number). Word forms count as the
        same word.
    Why:
        Learners read the explanation to understand why the key is right; one that does not
        talk about the key teaches nothing (house rule).
    Fails:
        ```yaml
        explanation: Routine comes first.
        ```
    Passes:
        ```yaml
        explanation: |
          The problem began with the new job, so the worker first explores recent changes in
          routine, which are the most likely and most modifiable contributors to poor sleep.
        ```
    Fix:
        Explain, in at least 20 words, why the key is right in terms of its content.
    """

    code = "QB401"
    name = "weak-explanation"
    severity = Severity.WARNING
    needs = frozenset({"key", "explanation"})  # a missing explanation is QB003's
    options = (Option("explanation-min-words", int, 20, "The fewest words an explanation may have.",
                      min=0, max=1000),)

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        text = ctx.question.explanation  # raw Markdown: word counts and word matches hardly differ
        n = len(text.split())
        least = ctx.options.explanation_min_words
        if n < least:
            yield self.diagnostic(ctx, ("explanation",),
                                  f"the explanation has {plural(n, 'word')}; say why the key is right in at least "
                                  f"{least}")
            return
        k = f.key_index
        key_roots = f.option_content[k]
        key_numbers = {t for t in TOKEN.findall(f.option_plain[k]) if t[0].isdigit()}
        if not key_roots and not key_numbers:
            return
        low = text.lower()
        if key_roots and any(find_root(low, s, loose=True) for s in key_roots):
            return
        if key_numbers and any(t in key_numbers for t in TOKEN.findall(text)):
            return
        yield self.diagnostic(ctx, ("explanation",),
                              f"the explanation never mentions the key ({quote(ctx.question.key.text)}); "
                              "say why that answer is right in terms of its content")


class RationaleTooShort(Rule):
    """A rationale is too short, or repeats another rationale of the item.

    What it flags:
        A rationale (on a distractor, or on the key when it has one) under 8 words
        (`rationale-min-words`), or one identical to another rationale of the same item.
    Why:
        A rationale should say why this particular tempting answer is wrong; "Incorrect." or a
        copy of another rationale does not (house rule).
    Fails:
        ```yaml
        options:
          - text: Recent changes in the client's daily routine
            correct: true
            rationale: Routine changes are a common, modifiable cause of new sleep problems.
          - text: Family history of psychiatric hospitalization
            rationale: Useful later, but it does not address the recent onset tied to the job.
          - text: Early childhood attachment patterns
            rationale: Too distant.
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
        Write a rationale of at least 8 words specific to that option.
    """

    code = "QB402"
    name = "rationale-too-short"
    severity = Severity.WARNING
    options = (Option("rationale-min-words", int, 8, "The fewest words a rationale may have.", min=0, max=1000),)

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        seen: dict[str, int] = {}
        least = ctx.options.rationale_min_words
        for i, opt in enumerate(ctx.question.options):
            if not opt.rationale:
                continue
            path = ("options", i, "rationale")
            parts = opt.rationale.split()
            n = len(parts)
            if n < least:
                yield self.diagnostic(ctx, path,
                                      f"the rationale of option {i + 1} has {plural(n, 'word')}; "
                                      f"say in at least {least} why this option is "
                                      f"{'right' if opt.correct else 'wrong'}")
                continue
            norm = " ".join(parts).casefold()
            if norm in seen:
                yield self.diagnostic(ctx, path,
                                      f"the rationale of option {i + 1} repeats that of option "
                                      f"{seen[norm] + 1}; say why this option in particular is "
                                      f"{'right' if opt.correct else 'wrong'}")
            else:
                seen[norm] = i


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
# checked afterwards. At most 8 letters are joined: an unbounded list would be retried from
# every letter of a long "A, A, A, ..." (quadratic).
_SENTENCE_REF = re.compile(
    r"[A-H]\)?(?:\s*(?:,|and|&|or)\s*\(?[A-H]\)?){0,7}\s+(?i:is|are|was|were|would be)\s+"
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
