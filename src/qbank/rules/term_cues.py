"""Words that give the key away: absolute terms only in distractors (QB306), a hedge only
in the key (QB307)."""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostics import Diagnostic, Severity
from ..textkit.facts import facts
from ..textkit.phrases import refers_to_the_others
from ..textkit.words import words
from .base import ItemContext, Rule


_ABSOLUTES = frozenset("""always never all none only must every everyone everything everybody nobody
entirely completely totally absolutely invariably guarantee guarantees guaranteed certainly solely
exclusively impossible forever""".split())
_ABSOLUTE_EXCEPTIONS = re.compile(r"\b(?:at all|after all|all right|not only|only if|only when|"
                                  r"none of the above|all of the above)\b")


def _absolutes(text_words: list[str], norm: str) -> list[str]:
    if _ABSOLUTES.isdisjoint(text_words):
        return []
    found = [w for w in text_words if w in _ABSOLUTES]
    if _ABSOLUTE_EXCEPTIONS.search(norm):
        cleaned = _ABSOLUTE_EXCEPTIONS.sub(" ", norm)
        found = [w for w in words(cleaned) if w in _ABSOLUTES]
    return found


class AbsoluteTermCue(Rule):
    """An absolute term (always, never, only...) in a distractor but not in the key.

    What it flags:
        A distractor containing always, never, all, none, only, must, every, completely,
        entirely, guaranteed... when the key contains none of them.
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
        if refers_to_the_others(f.option_norm[k]) or _absolutes(f.option_words[k], f.option_norm[k]):
            return
        for i, ws in enumerate(f.option_words):
            if i == k or refers_to_the_others(f.option_norm[i]):
                continue
            found = _absolutes(ws, f.option_norm[i])
            if found:
                yield self.diagnostic(ctx, ("options", i, "text"),
                                      f"distractor {i + 1} says \"{found[0]}\" and the key has no absolute "
                                      "term, which lets candidates rule it out; reword it without the "
                                      "absolute")


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
