"""Cues to the testwise and option-format flaws (QB301-QB312).

Each rule flags something a candidate can use to pick or eliminate an option without
knowing the content, or an option format the item-writing literature advises against.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, MutableMapping

from ..diagnostics import Diagnostic, Severity
from .base import ItemContext, Option, Rule, RuleOptions
from .text import (STOP_ALL, content_stems, facts, find_stem, ordinal_list, quantity,
                   quote, stem, words)

_ABOVE = r"(?:above|preceding|previous|options|answers|choices|statements|responses)"
_ALL_ABOVE = re.compile(rf"^(?:all|each) (?:of )?(?:the )?{_ABOVE}\b|^all of these\b|^all (?:are|of them are) correct\b")
_NONE_ABOVE = re.compile(rf"^(?:none|neither) (?:of )?(?:the )?{_ABOVE}\b|^none of these\b|^none (?:is|are|of them (?:is|are)) correct\b")


def _inert(norm: str) -> bool:
    """An all-/none-of-the-above option: reported by QB301/QB302, not by word-cue rules."""
    return norm[:3] in ("all", "eac", "non", "nei") and bool(_ALL_ABOVE.match(norm) or _NONE_ABOVE.match(norm))


class AllOfTheAbove(Rule):
    """An "All of the above" option.

    What it flags:
        An option that reads "All of the above", "All of these", "All of the options" or
        similar.
    Why:
        A candidate who spots two correct options picks it without knowing the third, and
        one wrong option rules it out: it rewards partial knowledge (Haladyna et al. 2002,
        H#26).
    Fails:
        ```yaml
        id: hbse-attachment-008
        stem: |
          A foster mother describes a 2-year-old placed with her three months ago who seeks
          comfort from strangers as readily as from her. Which attachment pattern do these
          behaviors MOST likely indicate?
        options:
          - text: Disinhibited social engagement
            correct: true
            rationale: Indiscriminate comfort seeking with strangers after neglect fits this pattern.
          - text: Secure attachment with a sociable temperament
            rationale: Secure toddlers prefer their caregiver for comfort over strangers.
          - text: Separation anxiety
            rationale: Separation anxiety shows distress at separation, not indiscriminate seeking.
          - text: All of the above
            rationale: The patterns exclude one another, so they cannot all describe this child.
        explanation: |
          A toddler with a history of neglect who seeks comfort from strangers as readily as
          from the caregiver shows disinhibited social engagement, not secure attachment.
        ```
    Passes:
        ```yaml
        id: hbse-attachment-008
        stem: |
          A foster mother describes a 2-year-old placed with her three months ago who seeks
          comfort from strangers as readily as from her. Which attachment pattern do these
          behaviors MOST likely indicate?
        options:
          - text: Disinhibited social engagement
            correct: true
            rationale: Indiscriminate comfort seeking with strangers after neglect fits this pattern.
          - text: Secure attachment with a sociable temperament
            rationale: Secure toddlers prefer their caregiver for comfort over strangers.
          - text: Separation anxiety
            rationale: Separation anxiety shows distress at separation, not indiscriminate seeking.
          - text: Reactive attachment
            rationale: Reactive attachment shows withdrawal and rarely seeking comfort at all.
        explanation: |
          A toddler with a history of neglect who seeks comfort from strangers as readily as
          from the caregiver shows disinhibited social engagement, not secure attachment.
        ```
    Fix:
        Replace the option with another plausible distractor (or split the item).
    """

    code = "QB301"
    name = "all-of-the-above"
    severity = Severity.ERROR

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        for i, norm in enumerate(facts(ctx).option_norm):
            if norm[:3] in ("all", "eac") and _ALL_ABOVE.match(norm):
                yield self.diagnostic(ctx, ("options", i, "text"),
                                      f"option {i + 1} is {quote(ctx.question.options[i].text)}; replace "
                                      "it with a plausible distractor of its own")


class NoneOfTheAbove(Rule):
    """A "None of the above" option.

    What it flags:
        An option that reads "None of the above", "None of these", "Neither of the above" or
        similar.
    Why:
        When it is the key the item only tests recognising wrong answers; when it is not, it
        is rarely plausible (Haladyna et al. 2002, H#25).
    Fails:
        ```yaml
        id: policy-mandates-009
        stem: |
          A hospital social worker learns that an 82-year-old patient's son has been taking her
          pension checks and leaving her without food. Which agency should receive the report?
        options:
          - text: Adult Protective Services
            correct: true
            rationale: Financial exploitation of an older adult is reported to Adult Protective Services.
          - text: The state licensing board
            rationale: Licensing boards oversee professionals, not family financial abuse.
          - text: The Social Security Administration fraud line
            rationale: Misuse of benefits can be reported there, but that does not protect her.
          - text: None of the above
            rationale: A mandated reporting channel exists for exactly this situation.
        explanation: |
          Financial exploitation and neglect of an older adult by a family member fall under
          Adult Protective Services, which investigates and arranges protective services.
        ```
    Passes:
        ```yaml
        id: policy-mandates-009
        stem: |
          A hospital social worker learns that an 82-year-old patient's son has been taking her
          pension checks and leaving her without food. Which agency should receive the report?
        options:
          - text: Adult Protective Services
            correct: true
            rationale: Financial exploitation of an older adult is reported to Adult Protective Services.
          - text: The state licensing board
            rationale: Licensing boards oversee professionals, not family financial abuse.
          - text: The Social Security Administration fraud line
            rationale: Misuse of benefits can be reported there, but that does not protect her.
          - text: The local area agency on aging
            rationale: It coordinates services but does not investigate exploitation reports.
        explanation: |
          Financial exploitation and neglect of an older adult by a family member fall under
          Adult Protective Services, which investigates and arranges protective services.
        ```
    Fix:
        Replace the option with a plausible distractor.
    """

    code = "QB302"
    name = "none-of-the-above"
    severity = Severity.WARNING

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        for i, norm in enumerate(facts(ctx).option_norm):
            if norm[:3] in ("non", "nei") and _NONE_ABOVE.match(norm):
                yield self.diagnostic(ctx, ("options", i, "text"),
                                      f"option {i + 1} is {quote(ctx.question.options[i].text)}; replace "
                                      "it with a plausible distractor of its own")


_L = r"\(?(?:[A-H]|I{1,3}|IV|VI{0,3})\)?"
_JOIN = r"\s*(?:,\s*(?:(?i:and|or)\s+)?|\s(?i:and|or|nor)\s|&|\+)\s*"
_LABEL = r"(?:(?i:options?|choices?|answers?|statements?|responses?)\s+)?"
_COMBINATION = re.compile(
    rf"^(?:(?i:both|only|neither|either)\s+)?{_LABEL}{_L}(?:{_JOIN}{_LABEL}{_L})+"
    rf"(?:\s+(?i:only|but not\s+{_L}|are (?:both )?(?:correct|true|right)))?\s*[.!]?$"
    rf"|^{_LABEL}{_L}\s+(?i:only)\s*\.?$"
    rf"|^(?i:all|any)\s+(?i:but|except)\s+{_LABEL}{_L}\s*\.?$"
    rf"|^(?i:both|neither)\s+(?i:of\s+)?(?i:the\s+)?(?i:above|these|options|answers)\b"
)


class CombinationOption(Rule):
    """An option that combines other options ("Both A and C", "I and II only").

    What it flags:
        A whole option made of option letters or statement numerals: "Both A and C",
        "A and B only", "I, II and III", "II only", "All but B", "Both of the above".
    Why:
        Complex multiple-choice (K-type) items test reasoning about the option set rather
        than the content, are harder to read, and letter references break when options are
        shuffled (Haladyna et al. 2002, H#9; Tarrant et al. 2006).
    Fails:
        ```yaml
        id: research-validity-010
        stem: |
          A program evaluator compares depression scores of clients who chose to join a support
          group with those of clients who declined. Which threat to internal validity is the
          MOST serious in this design?
        options:
          - text: Selection bias
            correct: true
            rationale: Self-selected groups may differ in motivation before the program starts.
          - text: Testing effects
            rationale: Repeated testing matters, but both groups were measured the same way.
          - text: Instrumentation
            rationale: Nothing suggests the measure changed between groups or over time.
          - text: Both A and C
            rationale: Instrumentation is not a concern here, so the combination is wrong.
        explanation: |
          Clients who choose to join a group may already differ from those who decline, so
          selection bias is the main threat; random assignment would address it.
        ```
    Passes:
        ```yaml
        id: research-validity-010
        stem: |
          A program evaluator compares depression scores of clients who chose to join a support
          group with those of clients who declined. Which threat to internal validity is the
          MOST serious in this design?
        options:
          - text: Selection bias
            correct: true
            rationale: Self-selected groups may differ in motivation before the program starts.
          - text: Testing effects
            rationale: Repeated testing matters, but both groups were measured the same way.
          - text: Instrumentation
            rationale: Nothing suggests the measure changed between groups or over time.
          - text: Regression to the mean
            rationale: Groups were not chosen for extreme scores, so regression is unlikely.
        explanation: |
          Clients who choose to join a group may already differ from those who decline, so
          selection bias is the main threat; random assignment would address it.
        ```
    Fix:
        Rewrite as a single-best-answer item whose options each stand alone.
    """

    code = "QB303"
    name = "combination-option"
    severity = Severity.ERROR

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        for i, text in enumerate(facts(ctx).option_plain):
            if len(text) <= 40 and _COMBINATION.match(text):
                yield self.diagnostic(ctx, ("options", i, "text"),
                                      f"option {i + 1} ({quote(text)}) combines other options; rewrite "
                                      "the item so every option stands alone")


def _short_options(f) -> bool:
    """Every option is three words or fewer: length differences then mean nothing."""
    return max(f.option_word_counts) <= 3


LONGEST_RATIO = 1.2
LONGEST_MIN_CHARS = 10


class LongestOptionIsKey(Rule):
    """The key is conspicuously the longest option.

    What it flags:
        A key strictly longer than every distractor, at least 1.2 times (and 10 characters
        more than) the longest distractor. Items whose options are all three words or fewer
        are skipped.
    Why:
        Writers qualify the key until it is unarguable, so testwise candidates pick the
        longest option (Haladyna et al. 2002, H#24 and H#28d; NBME Item-Writing Guide).
    Fails:
        ```yaml
        id: practice-termination-011
        stem: |
          A client who has met her treatment goals after six months of weekly sessions says
          she feels anxious about ending. What should the social worker do FIRST?
        options:
          - text: Explore her reactions to termination and review the progress she has made in their work
            correct: true
            rationale: Processing feelings and consolidating gains is the core of termination.
          - text: Extend the sessions for another six months
            rationale: Extending treatment without a clinical reason fosters dependence.
          - text: Refer her to a support group right away
            rationale: A referral may help later but skips the work on ending itself.
          - text: Reassure her that anxiety is normal
            rationale: Reassurance alone closes the topic instead of exploring it with her.
        explanation: |
          Anxiety about ending is common; the worker explores those feelings and reviews the
          progress made, which consolidates gains and prepares her to continue on her own.
        ```
    Passes:
        ```yaml
        id: practice-termination-011
        stem: |
          A client who has met her treatment goals after six months of weekly sessions says
          she feels anxious about ending. What should the social worker do FIRST?
        options:
          - text: Explore her reactions to termination
            correct: true
            rationale: Processing feelings and consolidating gains is the core of termination.
          - text: Extend the sessions for another six months
            rationale: Extending treatment without a clinical reason fosters dependence.
          - text: Refer her to a support group right away
            rationale: A referral may help later but skips the work on ending itself.
          - text: Reassure her that her anxiety is normal
            rationale: Reassurance alone closes the topic instead of exploring it with her.
        explanation: |
          Anxiety about ending is common; the worker explores those feelings and reviews the
          progress made, which consolidates gains and prepares her to continue on her own.
        ```
    Fix:
        Shorten the key or add comparable detail to the distractors.
    """

    code = "QB304"
    name = "longest-option-is-key"
    severity = Severity.WARNING

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        if len(ctx.question.options) < 2 or _short_options(f):
            return
        k = facts(ctx).key_index
        lengths = f.option_lengths
        longest_other = max(n for i, n in enumerate(lengths) if i != k)
        key_len = lengths[k]
        if key_len >= LONGEST_RATIO * longest_other and key_len - longest_other >= LONGEST_MIN_CHARS:
            ratio = key_len / max(longest_other, 1)
            yield self.diagnostic(ctx, ("options", k, "text"),
                                  f"the key is {ratio:.1f}x longer than any distractor ({key_len} vs "
                                  f"{longest_other} characters); shorten it or lengthen the distractors")


SPREAD_RATIO = 3.0
SPREAD_MIN_WORDS = 7


class OptionLengthSpread(Rule):
    """Options of very different lengths.

    What it flags:
        The longest option has at least 3 times as many words as the shortest, and 7 or more
        words more. Items whose options are all three words or fewer are skipped.
    Why:
        Options should be similar in length and detail, or the odd one stands out as the key
        or as filler (Haladyna et al. 2002, H#24).
    Fails:
        ```yaml
        id: hbse-development-012
        stem: |
          A mother says her 18-month-old son cries and clings to her whenever she leaves him at
          child care, then plays happily. How should the social worker interpret this?
        options:
          - text: As expected separation distress for his age
            correct: true
            rationale: Distress at separation that resolves quickly is typical at 18 months.
          - text: Insecure attachment
            rationale: Recovering and playing after she leaves is not a sign of insecurity.
          - text: As an early sign of separation anxiety disorder that needs a referral to a child psychiatrist
            rationale: Separation distress at this age is developmentally normal, not a disorder.
          - text: As a response to problems in the child care setting
            rationale: He plays happily once she leaves, so the setting is not the problem.
        explanation: |
          Separation distress peaks between about 10 and 18 months; crying at drop-off that
          resolves into play is expected and a sign of attachment to the mother.
        ```
    Passes:
        ```yaml
        id: hbse-development-012
        stem: |
          A mother says her 18-month-old son cries and clings to her whenever she leaves him at
          child care, then plays happily. How should the social worker interpret this?
        options:
          - text: As expected separation distress for his age
            correct: true
            rationale: Distress at separation that resolves quickly is typical at 18 months.
          - text: As a sign of insecure attachment to his mother
            rationale: Recovering and playing after she leaves is not a sign of insecurity.
          - text: As an early sign of separation anxiety disorder
            rationale: Separation distress at this age is developmentally normal, not a disorder.
          - text: As a response to problems in the child care setting
            rationale: He plays happily once she leaves, so the setting is not the problem.
        explanation: |
          Separation distress peaks between about 10 and 18 months; crying at drop-off that
          resolves into play is expected and a sign of attachment to the mother.
        ```
    Fix:
        Make the options similar in length and level of detail.
    """

    code = "QB305"
    name = "option-length-spread"
    severity = Severity.INFO

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        counts = f.option_word_counts
        if len(counts) < 2 or _short_options(f):
            return
        lo, hi = min(counts), max(counts)
        if hi >= SPREAD_RATIO * max(lo, 1) and hi - lo >= SPREAD_MIN_WORDS:
            yield self.diagnostic(ctx, ("options",),
                                  f"option lengths range from {lo} words (option {counts.index(lo) + 1}) "
                                  f"to {hi} words (option {counts.index(hi) + 1}); make the options "
                                  "similar in length and detail")


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
        k = facts(ctx).key_index
        if _inert(f.option_norm[k]) or _absolutes(f.option_words[k], f.option_norm[k]):
            return
        for i, ws in enumerate(f.option_words):
            if i == k or _inert(f.option_norm[i]):
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
        k = facts(ctx).key_index
        if _HEDGES.isdisjoint(f.option_words[k]):
            return
        hedges = [w for w in f.option_words[k] if w in _HEDGES]
        if any(not _HEDGES.isdisjoint(ws) for i, ws in enumerate(f.option_words) if i != k):
            return
        yield self.diagnostic(ctx, ("options", k, "text"),
                              f"only the key hedges (\"{hedges[0]}\"), which marks it as the careful "
                              "answer; drop the hedge or qualify the distractors too")


class StemKeyWordRepeat(Rule):
    """A stem word repeated in the key and in no distractor (clang association).

    What it flags:
        A content word of the stem (4+ letters, not a stopword or a domain word such as
        client, social, worker; plurals and -ing/-ion/-er forms count as the same word) that
        reappears in the key but in none of the distractors. Add words to ignore with
        `stem_stoplist` in qbank.toml.
    Why:
        A word echoed from the stem points to the key (clang association; Haladyna et al.
        2002, H#28b).
    Fails:
        ```yaml
        id: practice-custody-015
        stem: |
          During a contentious custody dispute, a father asks the social worker who is seeing
          his 10-year-old daughter to write a letter supporting his position. What should the
          social worker do?
        options:
          - text: Decline, since custody opinions exceed a therapist's role
            correct: true
            rationale: Treating clinicians should not act as evaluators in the same case.
          - text: Write the letter, limited to observations from sessions
            rationale: Even limited letters take sides and compromise the therapy.
          - text: Ask the daughter which parent she prefers
            rationale: Putting the child in the middle harms her and the work.
          - text: Agree if the mother gives her consent as well
            rationale: Consent of both parents does not make the dual role appropriate.
        explanation: |
          A treating clinician who writes in support of one parent takes on an evaluator's role,
          which damages the therapeutic relationship; the worker declines and explains why.
        ```
    Passes:
        ```yaml
        id: practice-custody-015
        stem: |
          During a contentious custody dispute, a father asks the social worker who is seeing
          his 10-year-old daughter to write a letter supporting his position. What should the
          social worker do?
        options:
          - text: Decline, since evaluative opinions exceed a therapist's role
            correct: true
            rationale: Treating clinicians should not act as evaluators in the same case.
          - text: Write the letter, limited to observations from sessions
            rationale: Even limited letters take sides and compromise the therapy.
          - text: Ask the daughter which parent she prefers
            rationale: Putting the child in the middle harms her and the work.
          - text: Agree if the mother gives her consent as well
            rationale: Consent of both parents does not make the dual role appropriate.
        explanation: |
          A treating clinician who writes in support of one parent takes on an evaluator's role,
          which damages the therapeutic relationship; the worker declines and explains why.
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
        k = facts(ctx).key_index
        stop = ctx.options.stem_stoplist
        key_words: dict[str, str] = {}
        for w in f.option_words[k]:
            if len(w) >= 4 and w not in STOP_ALL and w not in stop:
                key_words.setdefault(stem(w), w)
        if not key_words:
            return
        low = f.stem_lower
        exclude = STOP_ALL | stop if stop else STOP_ALL
        shared = [s for s in key_words if find_stem(low, s, exclude=exclude)]
        if not shared:
            return
        others: set[str] = set()
        for i, ws in enumerate(f.option_words):
            if i != k:
                others |= content_stems(ws, stop) if stop else f.option_content[i]
        cues = [key_words[s] for s in shared if s not in others]
        if cues:
            listed = ", ".join(f'"{w}"' for w in cues)
            yield self.diagnostic(ctx, ("options", k, "text"),
                                  f"the key repeats {listed} from the stem and no distractor does (a clang "
                                  "cue); reword the key or use the word in a distractor too")


CONVERGENCE_MIN_SHARED = 3


class ConvergenceKey(Rule):
    """The key shares the most words with the other options (convergence cue).

    What it flags:
        The key shares content words with every distractor and, in total, clearly more (at
        least 3, and more than any distractor) than any distractor does: the key is the
        "average" of the options.
    Why:
        Writers build distractors by varying the key, so the option with the most in common
        with the others is likely the key (convergence strategy; NBME Item-Writing Guide).
    Fails:
        ```yaml
        id: practice-groups-016
        stem: |
          A social worker is forming a psychoeducational group for teenagers with type 1
          diabetes. Which plan fits the group's purpose BEST?
        options:
          - text: Weekly structured sessions on insulin with peer discussion
            correct: true
            rationale: Structure and peer discussion suit a psychoeducational purpose.
          - text: Weekly unstructured sessions on family conflict
            rationale: Unstructured process work fits a therapy group, not psychoeducation.
          - text: Monthly structured lectures on insulin without discussion
            rationale: Lectures without discussion lose the peer learning a group offers.
          - text: Daily peer discussion sessions on any topic
            rationale: Open topics drift from the educational purpose of the group.
        explanation: |
          A psychoeducational group combines structured teaching on a shared concern with
          discussion among members, here the daily management of diabetes.
        ```
    Passes:
        ```yaml
        id: practice-groups-016
        stem: |
          A social worker is forming a psychoeducational group for teenagers with type 1
          diabetes. Which plan fits the group's purpose BEST?
        options:
          - text: Structured meetings on insulin care with peer discussion
            correct: true
            rationale: Structure and peer discussion suit a psychoeducational purpose.
          - text: Open-ended process work on family conflict
            rationale: Unstructured process work fits a therapy group, not psychoeducation.
          - text: A lecture series delivered by an endocrinologist
            rationale: Lectures without discussion lose the peer learning a group offers.
          - text: Individual coaching offered to each teenager
            rationale: Individual work gives up the peer support that is the point of a group.
        explanation: |
          A psychoeducational group combines structured teaching on a shared concern with
          discussion among members, here the daily management of diabetes.
        ```
    Fix:
        Write distractors that differ from the key in more than recombined parts.
    """

    code = "QB309"
    name = "convergence-key"
    severity = Severity.INFO

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        f = facts(ctx)
        n = len(f.option_words)
        if n < 3:
            return
        sets = f.option_content
        k = facts(ctx).key_index
        if not sets[k] or not all(sets[k] & sets[j] for j in range(n) if j != k):
            return
        scores = []
        for i in range(n):
            scores.append(sum(len(sets[i] & sets[j]) for j in range(n) if j != i))
        best_other = max(s for i, s in enumerate(scores) if i != k)
        if scores[k] >= CONVERGENCE_MIN_SHARED and scores[k] > best_other:
            yield self.diagnostic(ctx, ("options", k, "text"),
                                  f"the key shares {scores[k]} content words with the distractors (the "
                                  f"most of any option: next is {best_other}); candidates can converge on "
                                  "it, so vary the distractors more independently")


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
        k = facts(ctx).key_index
        if agree[k] and sum(agree) == 1:
            yield self.diagnostic(ctx, ("stem",),
                                  f"the lead-in ends in \"{article}\" and only the key fits it "
                                  f"grammatically; end the lead-in without the article or ask a question")


class NumericOptionsUnordered(Rule):
    """Numeric options not in ascending order.

    What it flags:
        Every option is a number, percentage, amount or range in the same unit ("10 mg",
        "18-25 years", "less than 5%"), but the options are not listed from smallest to
        largest.
    Why:
        Ordered numeric options are easier to scan and avoid giving the key's position away
        (Haladyna et al. 2002, H#21; Tarrant et al. 2006).
    Fails:
        ```yaml
        id: policy-hipaa-018
        stem: |
          A client asks a community mental health agency for a copy of her records. Under
          the HIPAA Privacy Rule, within how many days must the agency usually act on the
          request?
        options:
          - text: 60 days
            rationale: Sixty days was the limit for off-site records before the 2013 changes.
          - text: 30 days
            correct: true
            rationale: The rule requires action within 30 days, with one possible extension.
          - text: 10 days
            rationale: Ten days is shorter than the federal rule requires.
          - text: 90 days
            rationale: Ninety days exceeds the time the rule allows.
        explanation: |
          Under the HIPAA Privacy Rule a covered entity must act on a request for access within
          30 days, extendable once by another 30 days with written notice to the individual.
        ```
    Passes:
        ```yaml
        id: policy-hipaa-018
        stem: |
          A client asks a community mental health agency for a copy of her records. Under
          the HIPAA Privacy Rule, within how many days must the agency usually act on the
          request?
        options:
          - text: 10 days
            rationale: Ten days is shorter than the federal rule requires.
          - text: 30 days
            correct: true
            rationale: The rule requires action within 30 days, with one possible extension.
          - text: 60 days
            rationale: Sixty days was the limit for off-site records before the 2013 changes.
          - text: 90 days
            rationale: Ninety days exceeds the time the rule allows.
        explanation: |
          Under the HIPAA Privacy Rule a covered entity must act on a request for access within
          30 days, extendable once by another 30 days with written notice to the individual.
        ```
    Fix:
        List the options from smallest to largest. `qbank lint --fix` sorts them, moving each
        option whole (its `correct`, `rationale` and comments stay with it).
    """

    code = "QB311"
    name = "numeric-options-unordered"
    severity = Severity.WARNING
    fix_safety = "safe"

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        qs = facts(ctx).quantities
        order = _sorted_order(qs)
        if order is not None and order != list(range(len(qs))):
            yield self.diagnostic(ctx, ("options",),
                                  f"the numeric options are not in ascending order; list them as options "
                                  f"{ordinal_list(order)} (smallest first)")

    def fix(self, data: MutableMapping[str, Any], options: RuleOptions) -> bool:
        opts = data.get("options")
        if not isinstance(opts, list) or not all(isinstance(o, dict) and isinstance(o.get("text"), str)
                                                 for o in opts):
            return False
        order = _sorted_order([quantity(o["text"]) for o in opts])
        if order is None or order == list(range(len(opts))):
            return False
        reorder_sequence(opts, order)
        return True


def _sorted_order(qs: list) -> list[int] | None:
    """Indexes of the options in ascending order, or None when they are not all numeric
    in one unit (or there are fewer than 3)."""
    if len(qs) < 3 or any(q is None for q in qs):
        return None
    if len({q.unit for q in qs}) != 1:
        return None
    return sorted(range(len(qs)), key=lambda i: (qs[i].sort_key(), i))


def reorder_sequence(seq: Any, order: list[int]) -> None:
    """Reorder a ruamel.yaml sequence of mappings in place so that new[j] = old[order[j]].

    Each item moves whole, with the comments inside it and its end-of-line comment; a
    full-line comment *between* items stays in its place between items, and a comment
    after the last item (which precedes the next key) stays at the end of the list.
    """
    old = list(seq)
    eol_parts: list[str | None] = []
    rest_parts: list[str | None] = []
    tokens = []
    for item in old:
        tok = _last_comment(item)
        tokens.append(tok)
        eol, rest = _split_comment(tok.value if tok is not None else None)
        eol_parts.append(eol)
        rest_parts.append(rest)
    for j, i in enumerate(order):
        seq[j] = old[i]
    for j, i in enumerate(order):
        item = old[i]
        value = (eol_parts[i] or "") + (rest_parts[j] or "")
        tok = tokens[i]
        if tok is None and not value:
            continue
        if tok is None:
            tok = _new_comment_on_last_key(item, tokens)
            if tok is None:
                continue
        tok.value = value if value else "\n"
        if not value:
            _drop_last_comment(item)


def _last_comment(item: Any):
    ca = getattr(item, "ca", None)
    if ca is None or not hasattr(item, "keys") or not len(item):
        return None
    last = list(item.keys())[-1]
    entry = ca.items.get(last)
    if entry and len(entry) > 2 and entry[2] is not None:
        return entry[2]
    return None


def _split_comment(value: str | None) -> tuple[str | None, str | None]:
    """("# end-of-line comment\\n", "following full-line comments and blank lines")."""
    if not value:
        return None, None
    if value.startswith("#"):
        nl = value.find("\n")
        if nl < 0:
            return value + "\n", None
        return value[: nl + 1], value[nl + 1:] or None
    return None, value


def _new_comment_on_last_key(item: Any, tokens: list) -> Any:
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    if not hasattr(item, "ca") or not len(item):
        return None
    last = list(item.keys())[-1]
    template = next((t for t in tokens if t is not None), None)
    col = getattr(getattr(template, "start_mark", None), "column", 0) if template else 0
    tok = CommentToken("\n", CommentMark(col), None)
    entry = item.ca.items.setdefault(last, [None, None, None, None])
    while len(entry) < 4:
        entry.append(None)
    entry[2] = tok
    return tok


def _drop_last_comment(item: Any) -> None:
    last = list(item.keys())[-1]
    entry = item.ca.items.get(last)
    if entry and len(entry) > 2:
        entry[2] = None
        if not any(entry):
            del item.ca.items[last]


_PERIOD_EXEMPT = re.compile(r"\b(?:etc|e\.g|i\.e|vs|inc|ltd|co)\.$", re.I)


class NonparallelOptions(Rule):
    """One option differs in form from all the others.

    What it flags:
        With 3 or more options: exactly one option ends with a period while the others do
        not (or the reverse: a full sentence among fragments), or exactly one option starts
        with a lowercase letter while the others start with a capital.
    Why:
        Options should be parallel in grammar and form; the odd one draws attention
        (Haladyna et al. 2002, H#23).
    Fails:
        ```yaml
        id: practice-interview-019
        stem: |
          A client pauses for a long time after describing her father's funeral, then looks at
          the floor. What is the social worker's BEST response?
        options:
          - text: Remain silent and let her continue when she is ready
            correct: true
            rationale: Purposeful silence respects the moment and invites her to go on.
          - text: Ask what she is feeling right now about her father.
            rationale: A direct question interrupts a moment she may need to stay in.
          - text: Move to a less painful topic for now
            rationale: Changing the subject tells her the feeling is too much to share.
          - text: Reassure her that grief takes time
            rationale: Reassurance closes the topic instead of leaving room for it.
        explanation: |
          Silence after an emotional disclosure gives the client room to feel and to decide
          what to say next; interrupting it shifts the focus to the worker.
        ```
    Passes:
        ```yaml
        id: practice-interview-019
        stem: |
          A client pauses for a long time after describing her father's funeral, then looks at
          the floor. What is the social worker's BEST response?
        options:
          - text: Remain silent and let her continue when she is ready
            correct: true
            rationale: Purposeful silence respects the moment and invites her to go on.
          - text: Ask what she is feeling right now about her father
            rationale: A direct question interrupts a moment she may need to stay in.
          - text: Move to a less painful topic for now
            rationale: Changing the subject tells her the feeling is too much to share.
          - text: Reassure her that grief takes time
            rationale: Reassurance closes the topic instead of leaving room for it.
        explanation: |
          Silence after an emotional disclosure gives the client room to feel and to decide
          what to say next; interrupting it shifts the focus to the worker.
        ```
    Fix:
        Give every option the same form: all fragments or all sentences, same capitalization
        and end punctuation.
    """

    code = "QB312"
    name = "nonparallel-options"
    severity = Severity.INFO

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        texts = facts(ctx).option_plain
        n = len(texts)
        if n < 3:
            return
        periods = [t.endswith(".") and not t.endswith("..") and not _PERIOD_EXEMPT.search(t[-8:]) for t in texts]
        odd = _odd_one(periods)
        if odd is not None:
            how = ("ends with a period and the other options do not" if periods[odd]
                   else "has no final period and the other options end with one")
            yield self.diagnostic(ctx, ("options", odd, "text"),
                                  f"option {odd + 1} {how}; give all options the same form")
            return
        initials: list[bool | None] = []
        for t in texts:
            c = t[:1]
            if c and not c.isalnum():
                c = next((ch for ch in t if ch.isalnum()), "")
            initials.append(c.isupper() if c.isalpha() else None)
        known = [v for v in initials if v is not None]
        if len(known) >= 3 and known.count(False) == 1:
            i = initials.index(False)
            yield self.diagnostic(ctx, ("options", i, "text"),
                                  f"option {i + 1} starts with a lowercase letter and the others with a "
                                  "capital; give all options the same form")


def _odd_one(flags: list[bool]) -> int | None:
    """The index of the only True (or only False) when all others agree."""
    t = flags.count(True)
    if t == 1:
        return flags.index(True)
    if t == len(flags) - 1:
        return flags.index(False)
    return None
