"""Words that give the key away: absolute terms only in distractors (QB306), a hedge only
in the key (QB307)."""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostics import Diagnostic, Severity
from ..textkit.facts import facts
from ..textkit.literal import is_code
from ..textkit.phrases import refers_to_the_others
from .base import ItemContext, Rule


# Specific determiners: words that make a claim absolute. "all", "every" and "none" only as
# the claim's subject ("All objects have...", "None of them..."): inside an option they are
# quantities ("block all incoming traffic", "equal probabilities to all outcomes"), and
# "must" is a modal, not a determiner (on the development corpus those were wrong 8 times in
# 10). Hyphenated words are not absolutes ("read-only", "-all").
_ABSOLUTE = re.compile(
    r"(?<![\w-])(?:always|never|only|entirely|completely|totally|absolutely|invariably|guarantee[ds]?|"
    r"certainly|solely|exclusively|impossible|forever|everyone|everything|everybody|nobody)(?![\w-])"
    r"|^(?:all|every)(?![\w-])|^none of\b")
_ABSOLUTE_EXCEPTIONS = re.compile(
    r"\b(?:at all|after all|all right|not only|only if|only when|none of the above|all of the above|"
    r"impossible to (?:know|tell|say|determine|predict))\b"
    r"|(?<![\w-])only(?=[ .]*$|[ \t]*[;,])"  # "epidermis only": the option's scope, its content
    r"|\bonly (?:a few|a handful|one|two|three|\d+)\b")  # "only a few", "only one": a quantity
_ABSOLUTE_WORDS = frozenset("""always never only entirely completely totally absolutely invariably guarantee
guaranteed guarantees certainly solely exclusively impossible forever everyone everything everybody nobody
all every none""".split())
# Any of these in the key makes it as absolute as the distractors: no cue.
_KEY_ABSOLUTE = re.compile(r"(?<![\w-])(?:(?i:all|every|only|must|nothing|no one)|none)(?![\w-])")  # not `None`
_NEGATIVE = re.compile(r"\b(?:not|NOT|least|LEAST)\b|(?<![/\w])(?:except|EXCEPT)\b(?!\s+(?:block|clause|statement))")


def _absolutes(low: str) -> list[str]:
    """The absolute terms of an option's lowercase prose."""
    if _ABSOLUTE.search(low) is None:
        return []
    if _ABSOLUTE_EXCEPTIONS.search(low):
        low = _ABSOLUTE_EXCEPTIONS.sub(" ", low)
    return [m.group(0) for m in _ABSOLUTE.finditer(low)]


class AbsoluteTermCue(Rule):
    """An absolute term (always, never, only...) in a distractor but not in the key.

    What it flags:
        A distractor containing always, never, only, completely, entirely, guaranteed,
        everyone... when the key contains none of them; "all", "every" and "none of" only
        when they open the option's claim ("All objects have...", "None of them..."). Not
        absolutes: "all" as a quantity inside the option ("block all incoming traffic"),
        the modal "must", hyphenated words ("read-only"), a trailing "only" that states the
        option's scope ("epidermis only"), "only a few" and "only one" (quantities),
        "impossible to know", and options that are code or data (Python's `None`). No cue
        either when the key says all, every, only, must or none itself, or when the lead-in
        is negative (the distractors are then the true statements). On the development
        corpus those were wrong on 10 of 22 labelled findings.
    Why:
        Testwise candidates eliminate options with specific determiners because absolute
        statements are rarely true (Haladyna et al. 2002, H#28a).
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
          - text: Whether medication is always needed for insomnia
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
        Reword the distractor without the absolute term (or use qualified terms in every
        option).
    """

    code = "QB306"
    name = "absolute-term-cue"
    severity = Severity.WARNING

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        k = f.key_index
        if all(_ABSOLUTE_WORDS.isdisjoint(ws) for i, ws in enumerate(f.option_words) if i != k):
            return  # the common case: no distractor has a candidate word
        opts = ctx.question.options
        lows = [p.lower() for p in f.option_plain]
        if refers_to_the_others(f.option_norm[k]) or _absolutes(lows[k]) \
                or _KEY_ABSOLUTE.search(f.option_plain[k]):
            return
        if _NEGATIVE.search(f.lead_in):
            return  # in a NOT question the distractors are the true statements: no cue to the key
        for i, low in enumerate(lows):
            if i == k or refers_to_the_others(f.option_norm[i]) or is_code(opts[i].text):
                continue  # code and data ("None", "-all") say nothing absolute
            found = _absolutes(low)
            if found:
                text = opts[i].text
                at = text.lower().find(found[0])
                word = text[at:at + len(found[0])] if at >= 0 else found[0]
                yield self.diagnostic(ctx, ("options", i, "text"),
                                      f"distractor {i + 1} says \"{word}\" and the key has no absolute "
                                      "term, which lets candidates rule it out; reword it without the "
                                      "absolute", offset=at if at >= 0 else None)


_HEDGES = frozenset("""usually may might often sometimes generally typically frequently possibly
perhaps probably occasionally commonly tends tend likely""".split())


class VagueTermCue(Rule):
    """A hedge (usually, may, often...) only in the key.

    What it flags:
        The key contains a hedging word (usually, may, might, often, sometimes, generally,
        typically, probably...) and no distractor does.
    Why:
        Writers qualify the key to make it defensible; a lone hedge marks it (NBME
        Item-Writing Guide; Tarrant et al. 2006).
    Fails:
        ```yaml
        options:
          - text: Recent changes that often disrupt the daily routine
            correct: true
            rationale: Routine changes are a common, modifiable cause of new sleep problems.
          - text: Family history of psychiatric hospitalization
            rationale: Useful later, but it does not address the recent onset tied to the job.
          - text: Early childhood attachment patterns
            rationale: Too distant from a problem that began with a recent life change.
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
        Remove the hedge from the key, or word the distractors with comparable care.
    """

    code = "QB307"
    name = "vague-term-cue"
    severity = Severity.INFO

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        k = f.key_index
        if _HEDGES.isdisjoint(f.option_words[k]):
            return
        hedges = [w for w in f.option_words[k] if w in _HEDGES]
        if any(not _HEDGES.isdisjoint(ws) for i, ws in enumerate(f.option_words) if i != k):
            return
        yield self.diagnostic(ctx, ("options", k, "text"),
                              f"only the key hedges (\"{hedges[0]}\"), which marks it as the careful "
                              "answer; drop the hedge or qualify the distractors too")
