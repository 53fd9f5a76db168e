"""Options named by letter or position, in feedback, stem or options (QB403)."""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostics import Diagnostic, Severity
from ..textkit.facts import facts
from ..textkit.markup import MATH
from ..textkit.messages import quote
from .base import ItemContext, Rule


_OPT = r"(?i:options?|choices?|answers?|alternatives?)"
# References that name an option word: "option B", "choice 2", "the answer is C", "the
# second option". Searched only in fields that name an option word (_names_option_word).
_WORD_REF = re.compile(
    rf"\b{_OPT}\s+\(?[A-H]\)?(?![\w'’-])"
    rf"|\b{_OPT}\s+\(?[1-9]\)?(?![\w'’.,-])"
    r"|\b(?i:the\s+(?:correct\s+|right\s+|best\s+)?(?:answer|key|option|choice)\s+is)\s+\(?[A-H]\)?(?![\w'’-])"
    r"|\b(?i:the\s+(?:first|second|third|fourth|fifth|last)\s+(?:option|choice|answer|alternative))\b"
)

# An option that carries its own letter: "A. Assess risk", "(b) Assess risk", "`C`" over a
# code block. Only when the letter is the option's own position, so "C" (the language) or
# "A DDoS bot" is no label.
_OWN_LABEL = re.compile(r"\A[ \t]*(?:\(?([A-Ha-h])\)?[.)][ \t]+\S|[`*_]{0,2}([A-Ha-h])[`*_]{0,2}[ \t]*\n\s*\S)")
_RANGE_REF = re.compile(rf"\b{_OPT}\s+[A-H]\s*[-–]\s*[A-H]\b")
# A sentence that starts with letters: "B is correct", "A and D are wrong". The pattern starts
# with a character class, so the regex engine scans for it fast; the sentence start is
# checked afterwards. At most 8 letters are joined: an unbounded list would be retried from
# every letter of a long "A, A, A, ..." (quadratic).
_SENTENCE_REF = re.compile(
    r"[A-H]\)?(?:\s*(?:,|and|&|or)\s*\(?[A-H]\)?){0,7}\s+(?i:is|are|was|were|would be)\s+"
    r"(?i:(?:not\s+|also\s+|both\s+)?(?:correct|incorrect|wrong|right|true|false|the\s+(?:best|correct|right|key)))")
_VERDICT_WORDS = ("correct", "wrong", "right", "true", "false", "the best", "the key")
_SENTENCE_START = re.compile(r"(?:^|[.!?;:]\s+)$")


def _names_option_word(low: str) -> bool:
    """Does the lowercase ``low`` hold "option", "choice", "answer", "alternative" or "key is"?
    (Plain `in` tests: asked of every field of every item, a generator per call costs more.)"""
    return "option" in low or "choice" in low or "answer" in low or "alternative" in low or "key is" in low


def _letter_reference(text: str) -> str | None:
    """The first reference to an option by letter or position in plain ``text``."""
    low = text.lower()
    if _names_option_word(low):
        m = _WORD_REF.search(text)
        if m:
            return m.group(0)
    for m in _SENTENCE_REF.finditer(text):
        start = m.start() - (1 if m.start() and text[m.start() - 1] == "(" else 0)
        if start == 0 or _SENTENCE_START.search(text, max(0, start - 4), start):
            return m.group(0)
    return None


class LetterReference(Rule):
    """Feedback, a stem or an option that names options by letter or position.

    What it flags:
        An explanation or rationale that refers to options by letter or position: "B is
        correct", "option C", "A and D are wrong", "the answer is B", "the second option";
        a stem or option that does ("option B", "Options A-D", "the second choice"); and
        options that carry their own letters at their positions ("A. Assess risk", "`C`"
        over a code block; two or more, one finding for the item).
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
        yield from self._in_stem_and_options(ctx, f)
        fields = [(p, t) for p, t in f.fields if p[-1] in ("explanation", "rationale")]
        # Cheap first pass over all feedback at once: every reference has an option word or
        # a capital A-H followed by is/are/was/were.
        joined = "\n\x00\n".join(t for _, t in fields)
        low = joined.lower()
        if not _names_option_word(low) and not (
                any(w in low for w in _VERDICT_WORDS) and _SENTENCE_REF.search(joined)):
            return
        for path, raw in fields:
            if not _names_option_word(raw.lower()) and not _SENTENCE_REF.search(raw):
                continue
            found = _letter_reference(f.plain_of(path, raw))
            if found:
                where = "the explanation" if path[0] == "explanation" else f"the rationale of option {path[1] + 1}"
                yield self.diagnostic(ctx, path,
                                      f"{where} refers to an option by letter or position "
                                      f"({quote(found)}); {_what_exports_do(ctx, f)}, so name the option by "
                                      "its content")


    def _in_stem_and_options(self, ctx: ItemContext, f) -> Iterator[Diagnostic]:
        """Letters in the stem and the options: a label an option carries ("A. ..."), a
        reference by letter or position ("option B", "Options A-D", "the second choice")."""
        labels = []
        for i, o in enumerate(ctx.question.options):
            m = _OWN_LABEL.match(o.text)
            if m and (m.group(1) or m.group(2)).upper() == chr(ord("A") + i):
                labels.append((i, m))
        if len(labels) >= 2:  # one option that starts "A." may just say so; two are a lettering
            i, m = labels[0]
            which = ", ".join(str(j + 1) for j, _ in labels[:-1]) + f" and {labels[-1][0] + 1}"
            letters = ", ".join((lm.group(1) or lm.group(2)) for _, lm in labels)
            yield self.diagnostic(ctx, ("options", i, "text"),
                                  f"options {which} carry their own letters ({letters}); "
                                  f"{_what_exports_do(ctx, f)} and add their own letters, so drop them",
                                  offset=m.start(1) if m.group(1) else m.start(2))
        q = ctx.question
        joined = "\n".join([q.stem, *(o.text for o in q.options)]).lower()
        if not _names_option_word(joined):
            return
        for path, raw in f.fields:
            if path[-1] not in ("stem", "text") or not _names_option_word(raw.lower()):
                continue
            text = f.plain_of(path, raw)
            if "$" in text:
                text = MATH.sub(" ", text)
            m = _RANGE_REF.search(text) or _WORD_REF.search(text)
            if m:
                where = "the stem" if path[0] == "stem" else f"option {path[1] + 1}"
                yield self.diagnostic(ctx, path, f"{where} refers to an option by letter or position "
                                                 f"({quote(m.group(0))}); {_what_exports_do(ctx, f)}, so name the "
                                                 "option by its content")


def _what_exports_do(ctx: ItemContext, f) -> str:
    from ..order import option_order

    if option_order(ctx.question, f).shuffle:
        return "exports let the LMS or the Anki card shuffle the options"
    return "exports keep this item's order, but an LMS set to shuffle answers still moves the options"
