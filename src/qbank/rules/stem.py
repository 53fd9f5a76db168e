"""The stem asks one focused question: it ends in a question (QB201), and the question is
not a bare "Which of the following is true?" (QB202).

Word checks look at the lead-in only (the stem's last sentence), so a vignette that says
"she does not attend" or "the next morning" never trips them.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostics import Diagnostic, Severity
from ..textkit.facts import facts
from ..textkit.messages import quote
from ..textkit.words import WORD
from .base import ItemContext, Rule

_TRAILING = " \t\r\n*_\"'”’)]"
_BLANK = re.compile(r"(?<![\w*])_{3,}(?![\w*])|\(\s+\)|\[\s+\]")
_RULE_LINE = re.compile(r"^[ \t]*(?:[-_*][ \t]*){3,}$", re.M)  # a Markdown thematic break
_DANGLING = frozenset({"a", "an", "the", "of", "to"})


class StemNotClosedQuestion(Rule):
    """The stem does not end in a question.

    What it flags:
        A lead-in that does not end in `?` or `:`; a fill-in-the-blank stem (`___`, `( )`);
        a stem that trails off with `...`; a stem whose last word is a, an, the, of or to.
    Why:
        A stem should pose a complete question the candidate could answer with the options
        covered: the "cover-the-options" rule (NBME Item-Writing Guide; Haladyna et al.
        2002, H#14-15). Blanks and unfinished sentences add grammatical cues and reading load.
    Fails:
        ```yaml
        stem: |
          A 34-year-old client reports trouble sleeping since starting a new job.
          The social worker should FIRST explore the
        ```
    Passes:
        ```yaml
        stem: |
          A 34-year-old client reports trouble sleeping since starting a new job.
          What should the social worker explore FIRST?
        ```
    Fix:
        End the stem with a focused question ("What should the social worker do FIRST?").
    """

    code = "QB201"
    name = "stem-not-closed-question"
    severity = Severity.WARNING
    needs = frozenset()  # the stem only

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        masked = f.stem_masked
        message = _open_stem_problem(masked, f.lead_in)
        if message:
            yield self.diagnostic(ctx, ("stem",), message)


def _open_stem_problem(masked: str, lead_in: str) -> str | None:
    blank = None
    if "___" in masked or "(" in masked and _BLANK.search(masked) or "[" in masked and _BLANK.search(masked):
        blank = _BLANK.search(_RULE_LINE.sub("", masked) if "\n" in masked else masked)
    if blank:
        return (f"the stem has a blank ({quote(blank.group(0))}); ask a complete question ending "
                "in '?' instead of a fill-in-the-blank")
    core = masked.rstrip(_TRAILING)
    if core.endswith("...") or core.endswith("…"):
        return "the stem trails off with '...'; finish it as a question ending in '?'"
    if core.endswith(("?", ":")):
        return None
    last = WORD.findall(core[-20:].lower())
    if last and last[-1] in _DANGLING:
        return (f"the stem ends in '{last[-1]}', an unfinished sentence; rewrite the lead-in as a "
                "question ending in '?' (e.g. \"What should the social worker do FIRST?\")")
    return (f"the lead-in {quote(lead_in, 60)} does not end in '?' or ':'; end the stem with the "
            "question the options answer")


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
        lead = facts(ctx).lead_in
        if lead[:5].lower() == "which" and _UNFOCUSED.match(lead.lower()):
            yield self.diagnostic(ctx, ("stem",),
                                  f"the lead-in {quote(lead, 60)} can only be answered by reading "
                                  "every option; ask about the specific idea being tested")
