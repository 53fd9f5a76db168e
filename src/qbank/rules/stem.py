"""Rules about the stem and its lead-in (QB201-QB204).

Word checks look at the lead-in only (the stem's last sentence), so a vignette that says
"she does not attend" or "the next morning" never trips them.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Iterator, MutableMapping

from ..diagnostics import Diagnostic, Severity
from .base import ItemContext, Rule, RuleOptions
from .text import WORD, apply_edits, facts, lead_in_span, mask, quote

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
        id: practice-engagement-004
        stem: |
          A client who was court-ordered to attend counseling after a driving-under-the-influence
          arrest arrives late to the first session and says the program is a waste of time.
          The social worker should
        options:
          - text: acknowledge the mandate and explore the client's own goals
            correct: true
            rationale: Naming the mandate and finding the client's own goals builds engagement.
          - text: review the consequences of not completing the program
            rationale: Leading with consequences confirms the client's view of a punitive program.
          - text: reschedule the session because of the late arrival
            rationale: Sending the client away wastes the chance to engage a reluctant client.
          - text: refer the client to a different program that he might prefer
            rationale: The mandate does not change with the program, and nothing was explored.
        explanation: |
          Involuntary clients engage when the worker is open about the mandate and then looks
          for goals the client shares, which turns compliance into work the client wants.
        ```
    Passes:
        ```yaml
        id: practice-engagement-004
        stem: |
          A client who was court-ordered to attend counseling after a driving-under-the-influence
          arrest arrives late to the first session and says the program is a waste of time.
          What should the social worker do FIRST?
        options:
          - text: Acknowledge the mandate and explore the client's own goals
            correct: true
            rationale: Naming the mandate and finding the client's own goals builds engagement.
          - text: Review the consequences of not completing the program
            rationale: Leading with consequences confirms the client's view of a punitive program.
          - text: Reschedule the session because of the late arrival
            rationale: Sending the client away wastes the chance to engage a reluctant client.
          - text: Refer the client to a different program that he might prefer
            rationale: The mandate does not change with the program, and nothing was explored.
        explanation: |
          Involuntary clients engage when the worker is open about the mandate and then looks
          for goals the client shares, which turns compliance into work the client wants.
        ```
    Fix:
        End the stem with a focused question ("What should the social worker do FIRST?").
    """

    code = "QB201"
    name = "stem-not-closed-question"
    severity = Severity.WARNING

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
        id: hbse-grief-005
        stem: |
          A social worker is preparing a psychoeducation group for adults who recently lost a
          spouse. Which of the following statements is true?
        options:
          - text: Grief reactions vary widely and do not follow fixed stages
            correct: true
            rationale: Current evidence shows varied trajectories rather than fixed stages.
          - text: Grief that lasts longer than two months is a mental disorder
            rationale: Prolonged grief disorder requires at least twelve months in adults.
          - text: Talking about the deceased slows the grieving process
            rationale: Continuing bonds with the deceased are common and often helpful.
          - text: Most bereaved adults need professional counseling
            rationale: Most adults are resilient and recover without formal treatment.
        explanation: |
          Bereavement research finds several common trajectories, with resilience the most
          frequent, rather than a fixed sequence of stages; the group should normalize varied
          grief reactions.
        ```
    Passes:
        ```yaml
        id: hbse-grief-005
        stem: |
          A social worker is preparing a psychoeducation group for adults who recently lost a
          spouse. Which message about the course of grief is MOST accurate to include?
        options:
          - text: Grief reactions vary widely and do not follow fixed stages
            correct: true
            rationale: Current evidence shows varied trajectories rather than fixed stages.
          - text: Grief that lasts longer than two months is a mental disorder
            rationale: Prolonged grief disorder requires at least twelve months in adults.
          - text: Talking about the deceased slows the grieving process
            rationale: Continuing bonds with the deceased are common and often helpful.
          - text: Most bereaved adults need professional counseling
            rationale: Most adults are resilient and recover without formal treatment.
        explanation: |
          Bereavement research finds several common trajectories, with resilience the most
          frequent, rather than a fixed sequence of stages; the group should normalize varied
          grief reactions.
        ```
    Fix:
        Put the idea being tested into the lead-in ("Which message about the course of grief
        is MOST accurate?", "What is the MOST likely diagnosis?").
    """

    code = "QB202"
    name = "unfocused-lead-in"
    severity = Severity.WARNING

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        lead = facts(ctx).lead_in
        if lead[:5].lower() == "which" and _UNFOCUSED.match(lead.lower()):
            yield self.diagnostic(ctx, ("stem",),
                                  f"the lead-in {quote(lead, 60)} can only be answered by reading "
                                  "every option; ask about the specific idea being tested")


# --- words in the lead-in ------------------------------------------------------------------

_SUBORDINATORS = frozenset("who whom whose that when whenever if because since although though "
                           "while after before until unless where whereas once".split())
_DETERMINERS = frozenset("the a an his her their its this that these those our my your".split())


@dataclasses.dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int
    emphasized: bool

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def shouted(self) -> bool:
        return len(self.text) > 1 and self.text.isupper()


def lead_in_words(stem: str, masked: str | None = None) -> list[Word]:
    """The words of the lead-in with their offsets in ``stem``."""
    masked = mask(stem) if masked is None else masked
    s, e = lead_in_span(masked)
    out = []
    for m in WORD.finditer(masked, s, e):
        a, b = m.span()
        emph = a > 0 and b < len(stem) and stem[a - 1] in "*_" and stem[b] in "*_"
        out.append(Word(m.group(0), a, b, emph))
    return out


_NEGATIVE_HINT = re.compile(r"(?i:not|except|least|incorrect|false)")
# Qualifiers in capitals need no check, so only lowercase or Title-case forms are a hint.
_QUALIFIER_HINT = re.compile(r"[Ff]irst|[Nn]ext|[Bb]est|[Mm]ost|[Ii]nitial")


def _cached_lead_words(f) -> list[Word]:
    ws = f.memo.get("lead_words")
    if ws is None:
        stem = f.q.stem
        ws = f.memo["lead_words"] = [
            Word(t, a, b, a > 0 and b < len(stem) and stem[a - 1] in "*_" and stem[b] in "*_")
            for t, a, b in f.lead_words]
    return ws


def _after(stem: str, w: Word) -> str:
    return stem[w.end: w.end + 1]


def _negatives(stem: str, ws: list[Word]) -> list[tuple[Word, bool]]:
    """(word, is a lowercase negative to capitalise) for each negative word in the lead-in."""
    out = []
    subordinate = False
    for i, w in enumerate(ws):
        low = w.lower
        prev = ws[i - 1].lower if i else ""
        nxt = ws[i + 1].lower if i + 1 < len(ws) else ""
        if i and low in _SUBORDINATORS:
            subordinate = True
        if low not in ("not", "except", "least", "incorrect", "false", "cannot"):
            continue
        if low == "least" and prev == "at":
            continue
        if low == "not" and (nxt == "only" or prev == "or"):
            continue
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
        id: ethics-confidentiality-006
        stem: |
          A social worker in a community agency receives several requests for client
          information. In which situation should the worker not share information without
          the client's written consent?
        options:
          - text: A health insurer asks for session notes to review a claim
            correct: true
            rationale: Releasing notes to an insurer needs the client's written authorization.
          - text: A client discloses a plan to kill an identified neighbor tonight
            rationale: A serious, foreseeable threat to an identifiable person permits disclosure.
          - text: A client reports ongoing physical abuse of a six-year-old child
            rationale: Suspected child abuse must be reported whatever the client wants.
          - text: A court issues an order requiring the release of specific records
            rationale: A court order compels release of the records it names.
        explanation: |
          Confidentiality yields to mandated reporting, duty-to-protect situations and court
          orders. A routine request from an insurer is not one of those exceptions, so the
          worker needs the client's written consent before sharing notes.
        ```
    Passes:
        ```yaml
        id: ethics-confidentiality-006
        stem: |
          A social worker in a community agency receives several requests for client
          information. In which situation does the worker need the client's written consent
          before sharing information?
        options:
          - text: A health insurer asks for session notes to review a claim
            correct: true
            rationale: Releasing notes to an insurer needs the client's written authorization.
          - text: A client discloses a plan to kill an identified neighbor tonight
            rationale: A serious, foreseeable threat to an identifiable person permits disclosure.
          - text: A client reports ongoing physical abuse of a six-year-old child
            rationale: Suspected child abuse must be reported whatever the client wants.
          - text: A court issues an order requiring the release of specific records
            rationale: A court order compels release of the records it names.
        explanation: |
          Confidentiality yields to mandated reporting, duty-to-protect situations and court
          orders. A routine request from an insurer is not one of those exceptions, so the
          worker needs the client's written consent before sharing notes.
        ```
    Fix:
        Write the negative word in capitals, or better, reword the question positively.
        `qbank lint --fix` capitalises lowercase NOT/EXCEPT/LEAST/INCORRECT/FALSE/CANNOT in
        the lead-in and changes nothing else.
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
        for w, lowercase in _negatives(stem, _cached_lead_words(f)):
            if lowercase:
                yield self.diagnostic(ctx, ("stem",), offset=w.start, message=
                                      f"the lead-in uses the negative \"{w.text}\" in lowercase; write "
                                      f"it as {w.text.upper()} so candidates cannot miss it, or ask the "
                                      "question positively")
            else:
                d = self.diagnostic(ctx, ("stem",),
                                    f"the lead-in is negative ({w.text}); negative items are harder "
                                    "to read, so keep it only if knowing what not to do is the point",
                                    Severity.INFO)
                yield dataclasses.replace(d, fixable=False)

    def fix(self, data: MutableMapping[str, Any], options: RuleOptions) -> bool:
        return _upper_words(data, lambda stem, ws: [w for w, low in _negatives(stem, ws) if low])


def _upper_words(data: MutableMapping[str, Any], pick) -> bool:
    stem = data.get("stem")
    if not isinstance(stem, str):
        return False
    edits = [(w.start, w.end, w.text.upper()) for w in pick(stem, lead_in_words(stem))]
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
# Words after first/next that make it an ordinal or a time ("the first session", "next week").
_TIME_WORDS = frozenset("""
session sessions time times meeting meetings visit visits day days week weeks month months year
years episode name language grade trimester child born marriage contact appointment interview
few several two three four five of door to generation person place half hour hours minute
minutes semester phase stage page line morning evening night weekend quarter date birthday
round cycle admission hospitalization encounter group class chapter decade
""".split())
_NOT_BEST = frozenset("interest interests practice practices friend friends known available man ever".split())
_ADJECTIVE_SUFFIXES = ("ly", "able", "ible", "ant", "ent", "ive", "ful", "al", "ic", "ous", "ate",
                       "ing", "ed", "ary", "ory", "ial", "ile", "ical", "less", "ish")
_MOST_ADJECTIVES = frozenset("""
likely important common urgent helpful useful critical serious strong clear accurate consistent
relevant concerning pressing immediate often frequently closely directly effective appropriate
salient sound safe valid reliable ethical suitable probable characteristic typical indicative
predictive beneficial essential significant
""".split())


def _qualifiers(stem: str, ws: list[Word]) -> list[Word]:
    """Lowercase (or Title-case) qualifiers that ask for a priority in the lead-in."""
    out = []
    for i, w in enumerate(ws):
        low = w.lower
        if low not in ("first", "next", "best", "most", "initial", "initially"):
            continue
        if w.shouted or w.emphasized:
            continue
        prev = ws[i - 1].lower if i else ""
        nxt = ws[i + 1].lower if i + 1 < len(ws) else ""
        hyphen = _after(stem, w) == "-"
        if prev == "at" or hyphen:
            continue  # "at first", "at best", "at most", "first-line", "best-practice"
        if low in ("first", "next"):
            if nxt in _PRIORITY_NOUNS:
                out.append(w)
            elif nxt in _TIME_WORDS or prev in _DETERMINERS or prev.endswith(("'s", "’s")):
                continue
            else:
                out.append(w)
        elif low == "best":
            if nxt not in _NOT_BEST:
                out.append(w)
        elif low == "most":
            if nxt == "of":
                continue
            if not nxt or nxt in _MOST_ADJECTIVES or nxt.endswith(_ADJECTIVE_SUFFIXES) \
                    and not nxt.endswith("s"):
                out.append(w)
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
        capitals or bold. Ordinals and idioms are left alone: "the first session", "the next
        several minutes", "best interests of the child", "best practices", "at least", "most
        of the clients". LEAST is reported by QB203.
    Why:
        Licensing exams (ASWB and similar) write these qualifiers in capitals because the
        whole item turns on them; a candidate who misses "FIRST" answers a different question
        (exam style; Haladyna et al. 2002, H#17).
    Fails:
        ```yaml
        id: practice-crisis-007
        stem: |
          A woman calls a crisis line saying her partner hit her tonight and is now asleep in
          the next room. What should the social worker do first?
        options:
          - text: Ask whether she is safe to talk and whether she can leave now
            correct: true
            rationale: Immediate safety comes before any planning or referral.
          - text: Explain the process for obtaining a protective order
            rationale: Legal options matter, but not before her safety right now is known.
          - text: Encourage her to report the assault to the police tomorrow
            rationale: Deferring to tomorrow skips the question of her safety tonight.
          - text: Offer an appointment for counseling later this week
            rationale: Counseling may help later but leaves the present danger unaddressed.
        explanation: |
          In a crisis call about intimate partner violence, the first task is immediate safety:
          whether she can talk freely and whether she can get somewhere safe now.
        ```
    Passes:
        ```yaml
        id: practice-crisis-007
        stem: |
          A woman calls a crisis line saying her partner hit her tonight and is now asleep in
          the next room. What should the social worker do FIRST?
        options:
          - text: Ask whether she is safe to talk and whether she can leave now
            correct: true
            rationale: Immediate safety comes before any planning or referral.
          - text: Explain the process for obtaining a protective order
            rationale: Legal options matter, but not before her safety right now is known.
          - text: Encourage her to report the assault to the police tomorrow
            rationale: Deferring to tomorrow skips the question of her safety tonight.
          - text: Offer an appointment for counseling later this week
            rationale: Counseling may help later but leaves the present danger unaddressed.
        explanation: |
          In a crisis call about intimate partner violence, the first task is immediate safety:
          whether she can talk freely and whether she can get somewhere safe now.
        ```
    Fix:
        Write the qualifier in capitals. `qbank lint --fix` capitalises exactly the flagged
        words (and changes nothing else).
    """

    code = "QB204"
    name = "qualifier-not-capitalized"
    severity = Severity.WARNING
    fix_safety = "safe"

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        stem = ctx.question.stem
        f = facts(ctx)
        if not _QUALIFIER_HINT.search(f.lead_in):
            return
        for w in _qualifiers(stem, _cached_lead_words(f)):
            yield self.diagnostic(ctx, ("stem",), offset=w.start, message=
                                  f"the qualifier \"{w.text}\" in the lead-in decides the answer; "
                                  f"write it as {w.text.upper()}")

    def fix(self, data: MutableMapping[str, Any], options: RuleOptions) -> bool:
        return _upper_words(data, _qualifiers)
