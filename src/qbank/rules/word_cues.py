"""Shared words that point to the key: a stem word echoed only in the key (QB308), the key
sharing the most words with the other options (QB309)."""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostics import Diagnostic, Severity, plural
from ..textkit.facts import facts
from ..textkit.literal import is_code
from ..textkit.words import STOP_ALL, content_roots, find_root, word_root
from .base import ItemContext, Option, Rule


# Words that carry no association: general verbs and adjectives any answer may use.
_GENERIC = frozenset("""create creates created creating better worse different same based given used
using uses type types kind kinds term terms refer refers referred example examples part parts thing
things usually often also able allow allows allowed provide provides""".split())
# The subject the stem names: the noun a which/what question asks for ("Which of these bones",
# "What disease", "What type of control"), what a statement is "about", and the noun after a
# code span ("the `map()` function"). The key names its subject too: no cue.
_SUBJECT = re.compile(
    r"\b(?:which|what)\s+(?:(?:of\s+)?(?:the\s+)?(?:following|these|those)\s+)?"
    r"(?:(?:type|kind|form|class|sort)s?\s+of\s+)?(?:the\s+)?([^\W\d_]{4,})"
    r"|\babout\s+(?:the\s+|a\s+|an\s+)?([^\W\d_]{4,})")
_SLASHED = re.compile(r"[^\W_]+(?:/[^\W_]+)+")
# Two or more capitalised words in a row, not at a sentence start: a name ("French and Indian
# War", "Security Operations Center").
_NAME = re.compile(r"(?<![.?!:]\s)(?<!^)\b[A-Z][a-z]+(?:\s+(?:of|and|the|for)\s+|\s+)[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")
_AFTER_CODE = re.compile(r"\x01+[ \t]+([^\W\d_]{4,})")
_QUOTED = re.compile(r"\"[^\"\n]{1,200}\"|“[^”\n]{1,200}”")


def _word_at(low: str, word: str) -> int:
    """Where the whole word ``word`` starts in the lowercase text ``low``, or -1."""
    m = re.search(rf"(?<![^\W\d_]){re.escape(word)}(?![^\W\d_])", low)
    return m.start() if m else -1


class StemKeyWordRepeat(Rule):
    """A stem word repeated in the key and in no distractor (clang association).

    What it flags:
        A content word of the stem (4+ letters, not a stopword or a domain word such as
        client, social, worker; plurals and -ing/-ion/-er forms count as the same word) that
        reappears in the key but in none of the distractors. Add words to ignore with
        `stem-stoplist` in qbank.toml. Not cues: general words (create, better, type...),
        the subject the stem names ("Which of these bones...", "statements about bile",
        "the `map()` function"), words of a name in the stem ("Security Operations Center"),
        words of a sentence the stem quotes (a quoted term of three words or fewer still
        counts), slashed shorthand ("try/except"), and keys that are code or data (on the
        development corpus these made half the findings wrong).
    Why:
        A word echoed from the stem points to the key (clang association; Haladyna et al.
        2002, H#28b).
    Fails:
        ```yaml
        options:
          - text: Recent changes in the client's sleeping routine
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
        Reword the key without the echoed word, or use the word in a distractor as well.
    """

    code = "QB308"
    name = "stem-key-word-repeat"
    severity = Severity.WARNING
    options = (Option("stem-stoplist", list[str], (), "Extra words never treated as a clue (any case).",
                      convert=lambda words: frozenset(w.casefold() for w in words)),)

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        k = f.key_index
        stop = ctx.options.stem_stoplist
        key_words: dict[str, str] = {}
        for w in f.option_words[k]:
            if len(w) >= 4 and w not in STOP_ALL and w not in _GENERIC and w not in stop:
                key_words.setdefault(word_root(w), w)
        if not key_words:
            return
        low = f.stem_lower
        exclude = STOP_ALL | stop if stop else STOP_ALL
        shared = [s for s in key_words if find_root(low, s, exclude=exclude)]
        if not shared:
            return
        others: set[str] = set()
        for i, ws in enumerate(f.option_words):
            if i != k:
                others |= content_roots(ws, stop) if stop else f.option_content[i]
        roots = [s for s in shared if s not in others]
        if roots and is_code(ctx.question.key.text):
            return  # a code or data key echoes the code it is about
        if roots:  # rare: only now read the stem for what is no cue
            roots = self._not_excused(ctx, f, low, roots, exclude)
        cues = [key_words[s] for s in roots]
        if cues:
            text = ctx.question.key.text
            low_key = text.lower()
            at = [_word_at(low_key, w) for w in cues]
            listed = ", ".join(f'"{text[a:a + len(w)]}"' if a >= 0 else f'"{w}"' for w, a in zip(cues, at))
            yield self.diagnostic(ctx, ("options", k, "text"),
                                  f"the key repeats {listed} from the stem and no distractor does (a clang "
                                  "cue); reword the key or use the word in a distractor too",
                                  offset=at[0] if at[0] >= 0 else None)



    @staticmethod
    def _not_excused(ctx: ItemContext, f, low: str, roots: list[str], exclude: frozenset[str]) -> list[str]:
        """The echoed roots that are still cues once the stem's names, subject, quoted
        material and slashed shorthand are set aside."""
        plain = f.stem_plain
        names = _QUOTED.sub(" ", plain) if '"' in plain or "“" in plain else plain
        excused = {word_root(w) for m in _NAME.finditer(names) for w in m.group(0).lower().split()}
        if '"' in low or "“" in low:
            low = _QUOTED.sub(lambda m: " " if len(m.group(0).split()) >= 4 else m.group(0), low)
        if "/" in low:
            low = _SLASHED.sub(" ", low)  # "try/except", "and/or": code or shorthand
        excused.update(word_root(m.group(1) or m.group(2)) for m in _SUBJECT.finditer(low))
        if "`" in ctx.question.stem:
            opaque = f.opaque_of(("stem",), ctx.question.stem).lower()
            excused.update(word_root(m.group(1)) for m in _AFTER_CODE.finditer(opaque))
        return [s for s in roots if s not in excused and find_root(low, s, exclude=exclude)]


class ConvergenceKey(Rule):
    """The key shares the most words with the other options (convergence cue).

    What it flags:
        The key shares content words with every distractor and, in total, clearly more (at
        least 3, `convergence-min-shared`, and more than any distractor) than any distractor
        does: the key is the "average" of the options.
    Why:
        Writers build distractors by varying the key, so the option with the most in common
        with the others is likely the key (convergence strategy; NBME Item-Writing Guide).
    Fails:
        ```yaml
        options:
          - text: Recent changes in the client's daily routine
            correct: true
            rationale: Routine changes are a common, modifiable cause of new sleep problems.
          - text: Recent conflicts in family relationships
            rationale: Conflict may matter, but it is not what changed when the job began.
          - text: Daily caffeine and alcohol use
            rationale: Worth asking about, but as one part of the changed routine.
          - text: Changes in the client's routine at home
            rationale: Home life did not change with the job, so it is the wrong place to look.
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
        Write distractors that differ from the key in more than recombined parts.
    """

    code = "QB309"
    name = "convergence-key"
    severity = Severity.INFO
    options = (Option("convergence-min-shared", int, 3,
                      "The fewest content words the key must share with the distractors in total to be flagged.",
                      min=1, max=1000),)

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        n = len(f.option_words)
        if n < 3:
            return
        sets = f.option_content
        k = f.key_index
        if not sets[k] or not all(sets[k] & sets[j] for j in range(n) if j != k):
            return
        scores = []
        for i in range(n):
            scores.append(sum(len(sets[i] & sets[j]) for j in range(n) if j != i))
        best_other = max(s for i, s in enumerate(scores) if i != k)
        if scores[k] >= ctx.options.convergence_min_shared and scores[k] > best_other:
            yield self.diagnostic(ctx, ("options", k, "text"),
                                  f"the key shares {plural(scores[k], 'content word')} with the distractors (the "
                                  f"most of any option: next is {best_other}); candidates can converge on "
                                  "it, so vary the distractors more independently")
