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
        id: practice-cbt-013
        stem: |
          A client in cognitive behavioral therapy says that because she failed one exam she
          is a complete failure. Which technique should the social worker use NEXT?
        options:
          - text: Help her examine the evidence for and against the belief
            correct: true
            rationale: Examining the evidence tests the all-or-nothing thought directly.
          - text: Tell her that one exam never predicts later success
            rationale: Arguing the point for her skips her own examination of the thought.
          - text: Explore early memories of being criticized
            rationale: Historical exploration belongs to other models and skips the current thought.
          - text: Teach progressive muscle relaxation
            rationale: Relaxation may reduce arousal but leaves the distorted belief untouched.
        explanation: |
          Examining the evidence is a core cognitive restructuring technique for
          all-or-nothing thinking; the client weighs the facts and reaches a balanced view.
        ```
    Passes:
        ```yaml
        id: practice-cbt-013
        stem: |
          A client in cognitive behavioral therapy says that because she failed one exam she
          is a complete failure. Which technique should the social worker use NEXT?
        options:
          - text: Help her examine the evidence for and against the belief
            correct: true
            rationale: Examining the evidence tests the all-or-nothing thought directly.
          - text: Point out that one exam rarely predicts later success
            rationale: Arguing the point for her skips her own examination of the thought.
          - text: Explore early memories of being criticized
            rationale: Historical exploration belongs to other models and skips the current thought.
          - text: Teach progressive muscle relaxation
            rationale: Relaxation may reduce arousal but leaves the distorted belief untouched.
        explanation: |
          Examining the evidence is a core cognitive restructuring technique for
          all-or-nothing thinking; the client weighs the facts and reaches a balanced view.
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
        id: hbse-trauma-014
        stem: |
          A social worker explains common responses to trauma to the parents of a 9-year-old who
          saw a serious car accident last week. What should the worker tell them about his
          nightmares?
        options:
          - text: They are often part of a normal early reaction
            correct: true
            rationale: Nightmares in the first weeks are a common, usually transient reaction.
          - text: They show he has developed PTSD
            rationale: PTSD cannot be diagnosed one week after the event.
          - text: They mean he is unsafe to attend school
            rationale: Nightmares are no reason to keep him from a normal routine.
          - text: They require sleep medication to prevent harm
            rationale: Medication is not the first response to an acute, expected reaction.
        explanation: |
          In the first weeks after a frightening event, nightmares are a common and usually
          transient reaction; the parents can support routine and watch for persistence.
        ```
    Passes:
        ```yaml
        id: hbse-trauma-014
        stem: |
          A social worker explains common responses to trauma to the parents of a 9-year-old who
          saw a serious car accident last week. What should the worker tell them about his
          nightmares?
        options:
          - text: They are part of a normal early reaction
            correct: true
            rationale: Nightmares in the first weeks are a common, usually transient reaction.
          - text: They show he has developed PTSD
            rationale: PTSD cannot be diagnosed one week after the event.
          - text: They mean he is unsafe to attend school
            rationale: Nightmares are no reason to keep him from a normal routine.
          - text: They require sleep medication to prevent harm
            rationale: Medication is not the first response to an acute, expected reaction.
        explanation: |
          In the first weeks after a frightening event, nightmares are a common and usually
          transient reaction; the parents can support routine and watch for persistence.
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
