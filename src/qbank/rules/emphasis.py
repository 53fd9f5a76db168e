"""Words of the lead-in that decide the answer and must stand out: negatives (QB203) and
priority qualifiers such as FIRST or MOST (QB204), with the fixes that capitalise them.

Only the lead-in is read (the stem's last sentence), so "a client who does not attend" in
the vignette, or "the first session", never trips them.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Callable, Iterator, MutableMapping

from ..diagnostics import Diagnostic, Severity
from ..textkit.edits import apply_edits
from ..textkit.facts import facts
from ..textkit.lead_in import LeadWord, lead_in_words
from ..textkit.layout import merge
from ..textkit.spans import layout, overlaps
from .base import ItemContext, Rule, RuleOptions

# --- negatives -----------------------------------------------------------------------------

_SUBORDINATORS = frozenset("who whom whose that when whenever if because since although though "
                           "while after before until unless where whereas once".split())

_CODE_NOUNS = frozenset("block blocks clause clauses statement statements keyword keywords".split())
_NEGATIVE_HINT = re.compile(r"(?i:not|except|least|incorrect|false)")
# Qualifiers in capitals need no check, so only lowercase or Title-case forms are a hint.
_QUALIFIER_HINT = re.compile(r"[Ff]irst|[Nn]ext|[Bb]est|[Mm]ost|[Ii]nitial")


def _after(stem: str, w: LeadWord) -> str:
    return stem[w.end: w.end + 1]


def _negatives(stem: str, ws: list[LeadWord]) -> list[tuple[LeadWord, bool]]:
    """(word, is a lowercase negative to capitalise) for each negative word in the lead-in."""
    out = []
    # A lead-in that opens with a clause ("If you do not return a value, what happens?",
    # "When ventilation is not sufficient, ...") negates the condition, not the question.
    subordinate = bool(ws) and ws[0].lower in _SUBORDINATORS and "," in stem[ws[0].end:ws[-1].start]
    for i, w in enumerate(ws):
        low = w.lower
        prev = ws[i - 1].lower if i else ""
        nxt = ws[i + 1].lower if i + 1 < len(ws) else ""
        if i and low in _SUBORDINATORS:
            subordinate = True
        if low not in ("not", "except", "least", "incorrect", "false", "cannot"):
            continue
        if low == "least" and (prev == "at" or nxt in ("square", "squares")):
            continue  # "at least", "least squares"
        if low == "not" and (nxt == "only" or prev == "or"):
            continue
        if low == "except" and (prev == "try" or w.start > 0 and stem[w.start - 1] in "/_."
                                or nxt in _CODE_NOUNS):
            continue  # Python's `except` ("a try/except block"), not a negative
        if low in ("incorrect", "false") and not (
                prev in ("is", "are", "be", "was", "were", "most", "least", "not")
                or nxt in ("statement", "statements", "assumption", "answer", "option", "choice")):
            continue  # "a false positive", "false memories": not a negative question
        if w.shouted or w.emphasized:
            out.append((w, False))
        elif not subordinate:
            out.append((w, True))
    return out


class NegativeLeadIn(Rule):
    """A negative lead-in (NOT, EXCEPT, LEAST...) not written in capitals.

    What it flags:
        NOT, EXCEPT, LEAST, INCORRECT, FALSE or CANNOT in the lead-in written in lowercase
        (a warning: candidates miss it), or in capitals/bold (info: negative items are harder
        to read; keep them only when knowing what not to do is the point). Negatives inside a
        clause such as "a client who does not attend" and "at least" are not flagged.
    Why:
        Negative stems cause errors unrelated to knowledge; if used, the negative word must
        stand out (Haladyna et al. 2002, H#17; Tarrant et al. 2006).
    Fails:
        ```yaml
        stem: |
          A 34-year-old client reports trouble sleeping since starting a new job.
          What should the social worker not put off exploring?
        ```
    Passes:
        ```yaml
        stem: |
          A 34-year-old client reports trouble sleeping since starting a new job.
          What should the social worker explore FIRST?
        ```
    Fix:
        Write the negative word in capitals, or better, reword the question positively.
        `qbank lint --fix` capitalises lowercase NOT/EXCEPT/LEAST/INCORRECT/FALSE/CANNOT in
        the lead-in and changes nothing else; never inside code or a link's text (a title's
        capitals are its own), which are left to you.
    """

    code = "QB203"
    name = "negative-lead-in"
    severity = Severity.WARNING
    fix_safety = "safe"

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        stem = ctx.question.stem
        f = facts(ctx)
        if not _NEGATIVE_HINT.search(f.lead_in):
            return
        for w, lowercase in _negatives(stem, f.lead_words):
            if lowercase:
                yield _fixable(self.diagnostic(ctx, ("stem",), offset=w.start, message=
                                               f"the lead-in uses the negative \"{w.text}\" in lowercase; write "
                                               f"it as {w.text.upper()} so candidates cannot miss it, or ask the "
                                               "question positively"), stem, w)
            else:
                d = self.diagnostic(ctx, ("stem",),
                                    f"the lead-in is negative ({w.text}); negative items are harder "
                                    "to read, so keep it only if knowing what not to do is the point",
                                    Severity.INFO)
                yield dataclasses.replace(d, fixable=False)

    def fix(self, data: MutableMapping[str, Any], options: RuleOptions) -> bool:
        return _upper_words(data, lambda stem, ws: [w for w, low in _negatives(stem, ws) if low])


def _in_link_text(stem: str, w: LeadWord) -> bool:
    """Is ``w`` part of a link's text? Its capitals may be a title's, so no fix changes them."""
    spans = layout(stem).link_text
    return bool(spans) and overlaps(merge(spans), w.start, w.end)


def _fixable(d: Diagnostic, stem: str, w: LeadWord) -> Diagnostic:
    return dataclasses.replace(d, fixable=False) if _in_link_text(stem, w) else d


def _upper_words(data: MutableMapping[str, Any], pick: Callable[[str, list[LeadWord]], list[LeadWord]]) -> bool:
    """Capitalise the words ``pick`` chooses in the stem's lead-in: never inside code (the
    lead-in's words come from the masked stem), URLs or a link's text."""
    stem = data.get("stem")
    if not isinstance(stem, str):
        return False
    edits = [(w.start, w.end, w.text.upper()) for w in pick(stem, lead_in_words(stem))
             if not _in_link_text(stem, w)]
    edits = [e for e in edits if stem[e[0]:e[1]] != e[2]]
    if not edits:
        return False
    data["stem"] = apply_edits(stem, edits)
    return True


# --- qualifiers ----------------------------------------------------------------------------

# Nouns after which first/next/best/initial ask for a priority ("the first step").
_PRIORITY_NOUNS = frozenset("""
step steps action actions thing things priority priorities task tasks response responses
intervention interventions move consideration considerations concern course approach strategy
focus goal question explanation choice way reason recommendation description example
indication explanation interpretation option answer statement referral measure
best most
""".split())
# Adjectives after which "most" asks for a judgement between plausible options.
_MOST_ADJECTIVES = frozenset("""
likely important urgent helpful useful critical appropriate pressing immediate effective
beneficial essential suitable probable ethical
""".split())

# Nouns after which "best" only decorates a question with one right answer ("the best answer").
_DECORATIVE = frozenset("""explanation description example answer statement option choice way reason
interpretation indication question""".split())
_MODALS = frozenset("should would must will".split())
_ARTICLES = frozenset("the a an his her their its this that these those our my your".split())


def _qualifiers(stem: str, ws: list[LeadWord]) -> list[LeadWord]:
    """Lowercase (or Title-case) qualifiers that ask for a priority in the lead-in."""
    out = []
    asks_what_to_do = any(w.lower in _MODALS for w in ws)
    for i, w in enumerate(ws):
        low = w.lower
        if low not in ("first", "next", "best", "most", "initial", "initially"):
            continue
        if w.shouted or w.emphasized:
            continue
        prev = ws[i - 1].lower if i else ""
        nxt = ws[i + 1].lower if i + 1 < len(ws) else ""
        hyphen = _after(stem, w) == "-" or w.start > 0 and stem[w.start - 1] == "-"
        if prev == "at" or hyphen:
            continue  # "at first", "at best", "at most", "first-line", "best-practice", "Test-First"
        if low in ("first", "next"):
            if nxt in _PRIORITY_NOUNS:
                out.append(w)
            elif (asks_what_to_do or i + 1 == len(ws)) and prev not in _ARTICLES:
                out.append(w)  # "What should the nurse do first?", "Which step comes first?"; else a time
        elif low == "best":
            if nxt in _PRIORITY_NOUNS and nxt not in _DECORATIVE or i + 1 == len(ws) and asks_what_to_do:
                out.append(w)  # not "best describes", "the best answer": one option is simply right
        elif low == "most":
            if nxt in _MOST_ADJECTIVES:
                out.append(w)  # "most likely", "most appropriate"; not "most readily", "most lucrative"
        elif low == "initially":
            out.append(w)
        elif nxt in _PRIORITY_NOUNS:  # initial
            out.append(w)
    return out


class QualifierNotCapitalized(Rule):
    """A priority qualifier (FIRST, NEXT, BEST, MOST, INITIAL) not in capitals.

    What it flags:
        first, next, best, most, initial(ly) used in the lead-in to ask for a priority ("What
        should the social worker do first?", "the most likely diagnosis") but not written in
        capitals or bold. Ordinals, times and idioms are left alone: "the first session",
        "when sperm first reach", "best interests of the child", "best practices", "at
        least", "most of the clients", "Test-First"; so are "best" that only decorates a
        question with one right answer ("best describes", "the best answer") and content
        superlatives ("most readily", "most lucrative"). LEAST is reported by QB203.
        Information by default, not a warning: capitals are a house style (licensing exams
        use it; NBME-style items write "most likely" in lower case), and on the development
        corpus none of 17 labelled lowercase qualifiers was a flaw an author should fix.
    Why:
        Licensing exams (ASWB and similar) write these qualifiers in capitals because the
        whole item turns on them; a candidate who misses "FIRST" answers a different question
        (exam style; Haladyna et al. 2002, H#17).
    Fails:
        ```yaml
        stem: |
          A 34-year-old client reports trouble sleeping since starting a new job.
          What should the social worker explore first?
        ```
    Passes:
        ```yaml
        stem: |
          A 34-year-old client reports trouble sleeping since starting a new job.
          What should the social worker explore FIRST?
        ```
    Fix:
        Write the qualifier in capitals. `qbank lint --fix` capitalises exactly the flagged
        words (and changes nothing else), except inside a link's text, which is left to you.
    """

    code = "QB204"
    name = "qualifier-not-capitalized"
    severity = Severity.INFO
    fix_safety = "safe"

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        stem = ctx.question.stem
        f = facts(ctx)
        if not _QUALIFIER_HINT.search(f.lead_in):
            return
        for w in _qualifiers(stem, f.lead_words):
            yield _fixable(self.diagnostic(ctx, ("stem",), offset=w.start, message=
                                           f"the qualifier \"{w.text}\" in the lead-in decides the answer; "
                                           f"write it as {w.text.upper()}"), stem, w)

    def fix(self, data: MutableMapping[str, Any], options: RuleOptions) -> bool:
        return _upper_words(data, _qualifiers)
