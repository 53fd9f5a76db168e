"""The stem asks one focused question: it poses a complete question or task (QB201), and the
question is not a bare "Which of the following is true?" (QB202).

The question is the sentence that asks, wherever it is: a stem may ask and then show an
exhibit (code, an image, an equation, labelled statements).
"""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostics import Diagnostic, Severity
from ..textkit.facts import facts
from ..textkit.lead_in import lead_in_span
from ..textkit.markup import plain
from ..textkit.messages import quote
from ..textkit.words import WORD
from .base import ItemContext, Rule

_TRAILING = " \t\r\n*_\"'”’)]"
# A blank: three or more underscores (escaped or not) outside a word, or empty brackets.
_BLANK = re.compile(r"(?<![^\W_])(?:\\?_){3,}(?![^\W_])|\(\s+\)|\[\s+\]")
_CODE_BLANK = re.compile(r"`+[ ]?_{3,}[ ]?`+")  # `____`: a blank written as code
_RULE_LINE = re.compile(r"^[ \t]*(?:[-_*][ \t]*){3,}$", re.M)  # a Markdown thematic break
# What may follow a blank at the end of a completion stem ("... is a(n) ________.").
_END = re.compile(r"[\s*_\\]*[.;]?[\s*\"'”’)\]]*\Z")
# A sentence that asks: "?" before a space or the end, or ":" ending a line (it introduces the
# exhibit, prompt or statements below it).
_ASKS = re.compile(r"\?(?=[\s\"'”’)\]*_.]*(?:\s|\Z))|:[ \t*_]*(?:\n|\Z)")
_TRUE_FALSE = re.compile(r"[\s*_]*true or false\b", re.I)
_QUESTION_WORDS = frozenset("what which who whom whose when where why how is are was were does do did can could "
                            "should would will may must".split())
# Imperative lead-ins pose a complete task ("Choose the snippet that ...", "Describe a deque.").
_IMPERATIVES = frozenset("choose pick select identify name describe explain arrange order rank match classify "
                         "complete calculate compute determine find estimate indicate give list state evaluate "
                         "predict compare define".split())


class StemNotClosedQuestion(Rule):
    """The stem does not pose a complete question or task.

    What it flags:
        A blank at the start or inside the sentence (`___`, `( )`, or a code span of
        underscores); a lead-in that is a statement ("Aquaporins are found only in the
        collecting duct."); a question that lacks its `?`.
        It leaves alone a question anywhere in the stem (one that asks and then shows an
        exhibit, a code block, a prompt or labelled statements), a lead-in ending in `:`,
        "True or False:", imperative tasks ("Choose the snippet that ..."), and completion
        stems whose blank or open end is where the answer goes ("Synovial joints ____.",
        "Topcoding is used in data sets to"), an accepted format (Haladyna et al. 2002).
        On 2,513 real items, 487 of the 705 findings of the older rule were such completion
        stems.
    Why:
        A stem should pose a complete question the candidate could answer with the options
        covered: the "cover-the-options" rule (NBME Item-Writing Guide; Haladyna et al.
        2002, H#14-15). A blank inside a sentence makes the candidate hold the sentence in
        mind while reading every option, and a statement leaves the task unsaid.
    Fails:
        ```yaml
        stem: |
          A 34-year-old client reports trouble sleeping since starting a new job.
          The ________ of the client is what the social worker explores FIRST.
        ```
    Passes:
        ```yaml
        stem: |
          A 34-year-old client reports trouble sleeping since starting a new job.
          What should the social worker explore FIRST?
        ```
    Fix:
        Move the blank to the end, or end the stem with the question the options answer.
    """

    code = "QB201"
    name = "stem-not-closed-question"
    severity = Severity.WARNING
    needs = frozenset()  # the stem only

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        found = _open_stem_problem(ctx.question.stem, f.stem_masked, f.lead_span)
        if found:
            message, offset = found
            yield self.diagnostic(ctx, ("stem",), message, offset=offset)


def _open_stem_problem(stem: str, masked: str, lead: tuple[int, int]) -> tuple[str, int] | None:
    """What is open about the stem, and the offset of the text it is about, or None."""
    blank = _inner_blank(stem, masked)
    if blank is not None:
        return (f"the stem has a blank inside the sentence ({quote(blank.group(0))}); put the blank at the end "
                "or ask a complete question ending in '?'", blank.start())
    s, e = lead
    if _ASKS.search(masked) or _TRUE_FALSE.match(masked, s):
        return None
    core = masked[s:e].rstrip(_TRAILING)
    if not core or core.endswith(("...", "…")) or _ends_in_blank(masked):
        return None  # a completion stem: the answer goes where it ends
    words = WORD.findall(core.lower())
    first = words[0] if words else ""
    if first in _IMPERATIVES:
        return None
    said = _said(stem, masked, s, e)
    if first in _QUESTION_WORDS:
        return f"the question {said} does not end in '?'; end it with '?'", s
    if core[-1] in ".!":
        return (f"the lead-in {said} is a statement, not a question; end the stem with the question the "
                "options answer"), s
    return None  # an open end where the answer goes ("Topcoding is used to")


def _said(stem: str, masked: str, start: int, end: int) -> str:
    """The author's words from ``start`` to ``end`` for a message, code and all (the mask's
    span stops before code that ends the stem)."""
    if end >= len(masked.rstrip()) and masked[end - 1:end] not in ("?", ":"):
        end = len(stem.rstrip())
    return quote(" ".join(stem[start:end].split()), 60)


def _inner_blank(stem: str, masked: str) -> re.Match | None:
    """The first blank that is not at the end of the stem."""
    text = masked
    if "`" in stem and "_" in stem:  # a code span of underscores is a blank, not code
        for m in _CODE_BLANK.finditer(stem):
            text = text[:m.start()] + "_" * (m.end() - m.start()) + text[m.end():]
    if "_" not in text and "(" not in text and "[" not in text:
        return None
    if "\n" in text:
        text = _RULE_LINE.sub(lambda m: " " * len(m.group(0)), text)
    for m in _BLANK.finditer(text):
        if not _END.match(text, m.end()):
            return m
    return None


def _ends_in_blank(masked: str) -> bool:
    return "_" in masked and any(_END.match(masked, m.end()) for m in _BLANK.finditer(masked))


def question_span(masked: str, lead: tuple[int, int]) -> tuple[int, int]:
    """The sentence that asks (the last one ending in '?' or a line-ending ':'), wherever it is
    in the stem, else the lead-in ``lead``."""
    last = None
    for last in _ASKS.finditer(masked):
        pass
    if last is None:
        return lead
    end = last.start() + 1
    return lead_in_span(masked[:end])[0], end


_UNFOCUSED = re.compile(
    r"^which(?: one)?(?: of (?:the following|these|the statements|the options|the choices))?"
    r"(?: (?:statement|option|answer|choice)s?)?"
    r"(?: (?:about|regarding|concerning|on|of|describing) [^?:]{1,80}?)?"
    r" (?:is|are|would be)(?: (?:most|the most|least|the least|best))?"
    r" (?:true|correct|false|incorrect|accurate|inaccurate|right|wrong|not true|not correct)"
    r"(?: (?:about|regarding|concerning|of|for|in) [^?:]{1,80}?)?\s*[?:]$"
)


class UnfocusedLeadIn(Rule):
    """A bare "Which of the following is true?" lead-in.

    What it flags:
        Lead-ins such as "Which of the following is true?", "Which statement is correct?",
        "Which of the following statements about grief is accurate?": questions that can
        only be answered by reading every option.
    Why:
        A focused lead-in can be answered with the options covered, so the item tests one
        idea instead of a list of true-false statements (NBME Item-Writing Guide,
        "cover-the-options").
    Fails:
        ```yaml
        stem: |
          A 34-year-old client reports trouble sleeping since starting a new job.
          Which of the following is correct?
        ```
    Passes:
        ```yaml
        stem: |
          A 34-year-old client reports trouble sleeping since starting a new job.
          What should the social worker explore FIRST?
        ```
    Fix:
        Put the idea being tested into the lead-in ("Which message about the course of grief
        is MOST accurate?", "What is the MOST likely diagnosis?").
    """

    code = "QB202"
    name = "unfocused-lead-in"
    severity = Severity.WARNING
    needs = frozenset()  # the stem only

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        s, e = question_span(f.stem_masked, f.lead_span)
        lead = plain(f.stem_masked[s:e])
        if lead[:5].lower() == "which" and _UNFOCUSED.match(lead.lower()):
            said = _said(ctx.question.stem, f.stem_masked, s, e)
            yield self.diagnostic(ctx, ("stem",),
                                  f"the lead-in {said} can only be answered by reading "
                                  "every option; ask about the specific idea being tested", offset=s)
