"""Grammar as a cue: the lead-in ends in "a"/"an" and only the key agrees (QB310)."""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostics import Diagnostic, Severity
from ..textkit.facts import facts
from .base import ItemContext, Rule


_ACRONYM_VOWEL_SOUND = set("AEFHILMNORSX")
_CONSONANT_SOUND_PREFIXES = ("uni", "use", "usu", "uti", "ure", "uro", "eu", "one", "once", "ewe")
_VOWEL_SOUND_PREFIXES = ("hour", "honest", "honor", "honour", "heir")


def vowel_sound(word: str) -> bool | None:
    """Does ``word`` start with a vowel sound (takes "an")? None when unknown."""
    if not word:
        return None
    if len(word) > 1 and word.isupper() and word.isalpha():
        return word[0] in _ACRONYM_VOWEL_SOUND
    low = word.lower()
    if low.startswith(_VOWEL_SOUND_PREFIXES):
        return True
    if low.startswith(_CONSONANT_SOUND_PREFIXES):
        return False
    if low[0].isdigit():
        return low.startswith(("8", "11", "18"))
    return low[0] in "aeiou"


_FIRST_WORD = re.compile(r"[^\W_]+")


class ArticleAgreementCue(Rule):
    """The lead-in ends in "a"/"an" and only the key agrees with it.

    What it flags:
        A lead-in ending in "a" or "an" (before a colon or blank) where the key is the only
        option whose first word fits the article ("an" + vowel sound).
    Why:
        Grammatical agreement between stem and key lets candidates rule out distractors
        without knowing the content (Haladyna et al. 2002, H#28c).
    Fails:
        ```yaml
        id: hbse-defenses-017
        stem: |
          After a diagnosis of terminal cancer, a client spends sessions discussing survival
          statistics and treatment protocols in technical detail, never mentioning fear. This
          defense mechanism is BEST described as an:
        options:
          - text: Intellectualization
            correct: true
            rationale: Focusing on abstract facts keeps the painful feeling at a distance.
          - text: Displacement
            rationale: Nothing suggests feelings are redirected toward a safer target.
          - text: Projection
            rationale: The client is not attributing his own feelings to others.
          - text: Reaction formation
            rationale: He does not express the opposite of what he feels.
        explanation: |
          Intellectualization uses abstract, technical thinking to avoid the emotions a
          situation stirs up, as when a client studies statistics instead of facing fear.
        ```
    Passes:
        ```yaml
        id: hbse-defenses-017
        stem: |
          After a diagnosis of terminal cancer, a client spends sessions discussing survival
          statistics and treatment protocols in technical detail, never mentioning fear. Which
          defense mechanism is the client using?
        options:
          - text: Intellectualization
            correct: true
            rationale: Focusing on abstract facts keeps the painful feeling at a distance.
          - text: Displacement
            rationale: Nothing suggests feelings are redirected toward a safer target.
          - text: Projection
            rationale: The client is not attributing his own feelings to others.
          - text: Reaction formation
            rationale: He does not express the opposite of what he feels.
        explanation: |
          Intellectualization uses abstract, technical thinking to avoid the emotions a
          situation stirs up, as when a client studies statistics instead of facing fear.
        ```
    Fix:
        End the lead-in without an article ("...is BEST described as:") or, better, ask a
        question ("Which defense mechanism is the client using?").
    """

    code = "QB310"
    name = "article-agreement-cue"
    severity = Severity.WARNING

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        lead_words = f.lead_in.rstrip(" :?._…").split()
        if not lead_words or lead_words[-1].lower() not in ("a", "an"):
            return
        article = lead_words[-1].lower()
        agree = []
        for text in f.option_plain:
            m = _FIRST_WORD.search(text)
            sound = vowel_sound(m.group(0)) if m else None
            if sound is None:
                return
            agree.append(sound == (article == "an"))
        k = f.key_index
        if agree[k] and sum(agree) == 1:
            yield self.diagnostic(ctx, ("stem",),
                                  f"the lead-in ends in \"{article}\" and only the key fits it "
                                  f"grammatically; end the lead-in without the article or ask a question")
