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
        stem: |
          A 34-year-old client reports trouble sleeping since starting a new job.
          The social worker should FIRST ask about an:
        options:
          - text: Altered daily routine at the new job
            correct: true
            rationale: Routine changes are a common, modifiable cause of new sleep problems.
          - text: Family history of psychiatric hospitalization
            rationale: Useful later, but it does not address the recent onset tied to the job.
          - text: Childhood attachment pattern
            rationale: Too distant from a problem that began with a recent life change.
          - text: Need for a medication referral
            rationale: Premature before the worker understands what changed for the client.
        ```
    Passes:
        ```yaml
        stem: |
          A 34-year-old client reports trouble sleeping since starting a new job.
          What should the social worker ask about FIRST?
        options:
          - text: Altered daily routine at the new job
            correct: true
            rationale: Routine changes are a common, modifiable cause of new sleep problems.
          - text: Family history of psychiatric hospitalization
            rationale: Useful later, but it does not address the recent onset tied to the job.
          - text: Childhood attachment pattern
            rationale: Too distant from a problem that began with a recent life change.
          - text: Need for a medication referral
            rationale: Premature before the worker understands what changed for the client.
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
