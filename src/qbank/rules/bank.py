"""Rules over the whole bank (QB901-QB904).

``summarize`` runs per file in worker processes and its result is cached as JSON, so it
returns a few small, plain values; ``check_bank`` sees the summaries of every valid file
in path order. All hashing is deterministic (crc32/blake2b, fixed constants), never
Python's per-process salted ``hash()``, so cached summaries stay comparable across runs.
"""

from __future__ import annotations

import base64
import math
import struct
import zlib
from collections import Counter
from typing import Any, Iterator

from ..diagnostics import Diagnostic, Severity
from ..digest import blake2b
from .base import BankInput, BankItem, BankRule, ItemContext, RuleOptions
from .stem_index import StemIndex

# Upper 1% points of chi-square by degrees of freedom (k options -> k - 1 df), to two
# decimals as the catalog states them (k=3: 9.21, k=4: 11.34, k=5: 13.28).
CHI2_CRITICAL_01 = {1: 6.63, 2: 9.21, 3: 11.34, 4: 13.28, 5: 15.09, 6: 16.81, 7: 18.48, 8: 20.09,
                    9: 21.67, 10: 23.21, 11: 24.72, 12: 26.22, 13: 27.69, 14: 29.14, 15: 30.58,
                    16: 32.00, 17: 33.41, 18: 34.81, 19: 36.19, 20: 37.57, 21: 38.93, 22: 40.29,
                    23: 41.64, 24: 42.98, 25: 44.31}
RUN_LENGTH = 5
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _bank_diag(rule: BankRule, item: BankItem, message: str, severity: Severity | None = None,
               related: tuple = ()) -> Diagnostic:
    return Diagnostic(item.path, item.line, item.column, rule.code, rule.name, severity or rule.severity,
                      message, False, tuple(related))


def _where(item: BankItem) -> tuple[str, int, int]:
    return (item.path, item.line, item.column)


class KeyPositionSkew(BankRule):
    """Key positions are unevenly spread across the bank, or repeat in long runs.

    What it flags:
        For each option count k with at least 5k items: a chi-square test of the key
        positions against a uniform spread, at alpha .01 (critical values 9.21 for k=3,
        11.34 for k=4, 13.28 for k=5), reported once at the first question file. Also any
        run of 5 or more consecutive questions (in path order) keyed at the same position,
        reported at the question that completes the run.
    Why:
        Writers hide keys in the middle positions and avoid A; testwise candidates exploit
        the bias (Haladyna et al. 2002, H#20; Attali & Bar-Hillel 2003).
    Fails:
        ```yaml
        id: runs-001
        stem: Which theorist described the stage of industry versus inferiority?
        options:
          - text: Erik Erikson
            correct: true
            rationale: Industry versus inferiority is the fourth of Erikson's stages.
          - text: Jean Piaget
            rationale: Piaget described stages of cognition, not psychosocial crises.
          - text: Sigmund Freud
            rationale: Freud's latency stage covers those years but not this crisis.
        explanation: |
          Erik Erikson named the school-age crisis industry versus inferiority, in which children
          develop competence through mastering skills valued by their culture.
        ---
        id: runs-002
        stem: Which theorist described the stage of concrete operations?
        options:
          - text: Jean Piaget
            correct: true
            rationale: Concrete operations is the third stage of Piaget's cognitive theory.
          - text: Erik Erikson
            rationale: Erikson described psychosocial crises rather than cognitive stages.
          - text: Lev Vygotsky
            rationale: Vygotsky wrote about social learning, not a sequence of stages.
        explanation: |
          Jean Piaget described concrete operations, the stage in which school-age children
          reason logically about concrete objects and events but not yet abstractly.
        ---
        id: runs-003
        stem: Which theorist introduced the zone of proximal development?
        options:
          - text: Lev Vygotsky
            correct: true
            rationale: The zone of proximal development is the core of Vygotsky's theory.
          - text: Jean Piaget
            rationale: Piaget emphasized individual discovery rather than guided learning.
          - text: Albert Bandura
            rationale: Bandura studied observational learning and self-efficacy, not this zone.
        explanation: |
          Lev Vygotsky described the zone of proximal development, the gap between what a
          learner can do alone and what the learner can do with guidance.
        ---
        id: runs-004
        stem: Which theorist described the preconventional level of moral reasoning?
        options:
          - text: Lawrence Kohlberg
            correct: true
            rationale: Preconventional morality is the first level of Kohlberg's theory.
          - text: Carol Gilligan
            rationale: Gilligan critiqued Kohlberg and proposed an ethic of care instead.
          - text: Jean Piaget
            rationale: Piaget studied moral judgment in children but not these three levels.
        explanation: |
          Lawrence Kohlberg described preconventional reasoning, in which right and wrong are
          judged by punishment and reward, as the first of three levels.
        ---
        id: runs-005
        stem: Which theorist described an ethic of care in moral development?
        options:
          - text: Carol Gilligan
            correct: true
            rationale: Gilligan proposed the ethic of care in response to Kohlberg's model.
          - text: Lawrence Kohlberg
            rationale: Kohlberg's stages center on justice and rules rather than on care.
          - text: Erik Erikson
            rationale: Erikson described psychosocial crises rather than moral orientations.
        explanation: |
          Carol Gilligan argued that moral development also follows an ethic of care and
          responsibility in relationships, alongside Kohlberg's ethic of justice.
        ```
    Passes:
        ```yaml
        id: runs-001
        stem: Which theorist described the stage of industry versus inferiority?
        options:
          - text: Erik Erikson
            correct: true
            rationale: Industry versus inferiority is the fourth of Erikson's stages.
          - text: Jean Piaget
            rationale: Piaget described stages of cognition, not psychosocial crises.
          - text: Sigmund Freud
            rationale: Freud's latency stage covers those years but not this crisis.
        explanation: |
          Erik Erikson named the school-age crisis industry versus inferiority, in which children
          develop competence through mastering skills valued by their culture.
        ---
        id: runs-002
        stem: Which theorist described the stage of concrete operations?
        options:
          - text: Erik Erikson
            rationale: Erikson described psychosocial crises rather than cognitive stages.
          - text: Jean Piaget
            correct: true
            rationale: Concrete operations is the third stage of Piaget's cognitive theory.
          - text: Lev Vygotsky
            rationale: Vygotsky wrote about social learning, not a sequence of stages.
        explanation: |
          Jean Piaget described concrete operations, the stage in which school-age children
          reason logically about concrete objects and events but not yet abstractly.
        ---
        id: runs-003
        stem: Which theorist introduced the zone of proximal development?
        options:
          - text: Albert Bandura
            rationale: Bandura studied observational learning and self-efficacy, not this zone.
          - text: Jean Piaget
            rationale: Piaget emphasized individual discovery rather than guided learning.
          - text: Lev Vygotsky
            correct: true
            rationale: The zone of proximal development is the core of Vygotsky's theory.
        explanation: |
          Lev Vygotsky described the zone of proximal development, the gap between what a
          learner can do alone and what the learner can do with guidance.
        ```
    Fix:
        Move keys so each position is used about equally and no position repeats many times
        in a row (or let the exporter shuffle options).
    """

    code = "QB901"
    name = "key-position-skew"
    severity = Severity.WARNING

    def summarize(self, ctx: ItemContext) -> Any:
        return [ctx.question.key_index, len(ctx.question.options)]

    def check_bank(self, items: list[BankItem], options: RuleOptions) -> Iterator[Diagnostic]:
        valid = [it for it in items if isinstance(it.summary, list) and len(it.summary) == 2]
        if not valid:
            return
        by_k: dict[int, list[int]] = {}
        for it in valid:
            key, k = it.summary
            by_k.setdefault(k, []).append(key)
        for k in sorted(by_k):
            keys = by_k[k]
            n = len(keys)
            if k < 2 or k - 1 not in CHI2_CRITICAL_01 or n < 5 * k:
                continue
            counts = [0] * k
            for key in keys:
                if 0 <= key < k:
                    counts[key] += 1
            expected = n / k
            chi2 = sum((c - expected) ** 2 / expected for c in counts)
            critical = CHI2_CRITICAL_01[k - 1]
            if chi2 > critical:
                spread = ", ".join(f"{LETTERS[i]} {c}" for i, c in enumerate(counts))
                yield _bank_diag(self, valid[0],
                                 f"key positions across the {n} {k}-option questions are uneven ({spread}; "
                                 f"chi-square {chi2:.1f} > {critical:.2f} at alpha .01); move keys so each "
                                 f"position is used about {expected:.0f} times")
        run_start = 0
        for i in range(1, len(valid) + 1):
            if i < len(valid) and valid[i].summary[0] == valid[run_start].summary[0]:
                if i - run_start + 1 == RUN_LENGTH:
                    first = valid[run_start]
                    letter = LETTERS[first.summary[0]] if 0 <= first.summary[0] < 26 else "?"
                    yield _bank_diag(self, valid[i],
                                     f"this is the {RUN_LENGTH}th question in a row keyed {letter} "
                                     f"(from {first.path}); move some keys to other positions",
                                     related=(_where(first),))
                continue
            run_start = i


# --- near-duplicate stems --------------------------------------------------------------------

SHINGLE = 3
MAX_SHINGLES = 512


def stem_signature(stem: str) -> dict | None:
    """Exact-duplicate hash and the sorted shingle hashes of a stem (compact, JSON-safe)."""
    from .text import word_key  # here, not at the top: a warm run's bank rules never need it

    tokens = word_key(stem).split()
    if not tokens:
        return None
    exact = blake2b(" ".join(tokens).encode(), digest_size=8).hexdigest()
    if len(tokens) < SHINGLE:
        grams = [" ".join(tokens)]
    else:
        grams = [" ".join(tokens[i:i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)]
    hashes = sorted({zlib.crc32(g.encode()) for g in grams})[:MAX_SHINGLES]
    return {"h": exact, "s": base64.b64encode(struct.pack(f"<{len(hashes)}I", *hashes)).decode()}


class DuplicateStem(BankRule):
    """Two questions with the same or nearly the same stem.

    What it flags:
        Stems identical after normalisation (case, punctuation, Markdown and whitespace
        ignored): an error. Stems whose 3-word shingles overlap by 70% or more (Jaccard): a
        warning. Reported at the later file (in path order), naming the most similar earlier
        one. Scales to 100,000 questions: each stem's sketch (its smallest shingle hashes,
        leaving out boilerplate phrases: those in more than 0.5% of the stems, at least 20
        and at most 64) goes into an inverted index, and only stems whose sketches share two
        hashes are compared. The index is kept in the lint cache, so after an edit only the
        edited stems are compared again, with exactly the result of a run from scratch.
        Because the phrases a family of near-identical stems shares count as boilerplate
        once the family is that large, a templated family of more than 64 stems (or 0.5%
        of the bank) is not reported as near-duplicates.
    Why:
        Duplicates inflate a bank, let one item cue another, and drift apart when only one
        copy is corrected (Haladyna et al. 2002, H#4).
    Fails:
        ```yaml
        id: ethics-gifts-001
        stem: |
          A client brings a hand-knitted scarf to the last session as a thank-you gift. What
          should the social worker do FIRST?
        options:
          - text: Consider the gift's meaning and value before responding
            correct: true
            rationale: A small, personal gift at termination can often be accepted after reflection.
          - text: Refuse the gift to avoid creating a dual relationship
            rationale: A blanket refusal can hurt the client and ignores context and value.
          - text: Accept the gift and report it to the licensing board
            rationale: Small gifts are not a licensing matter and need no report.
        explanation: |
          Gifts are weighed by their meaning, monetary value and timing; a modest handmade gift
          at termination is usually acceptable after the worker considers what it means.
        ---
        id: ethics-gifts-002
        stem: |
          A client brings a hand-knitted scarf to the final session as a thank-you gift. What
          should the social worker do FIRST?
        options:
          - text: Reflect on what the gift means before responding
            correct: true
            rationale: Exploring the meaning comes before deciding whether to accept it.
          - text: Return the gift with a note about agency policy
            rationale: Returning a handmade gift unexamined can feel like a rejection.
          - text: Accept the gift and say nothing more about it
            rationale: Accepting without reflection skips the clinical meaning of the gift.
        explanation: |
          Before accepting or declining, the worker considers the gift's meaning and value,
          because a thoughtful response to a termination gift supports the ending.
        ```
    Passes:
        ```yaml
        id: ethics-gifts-001
        stem: |
          A client brings a hand-knitted scarf to the last session as a thank-you gift. What
          should the social worker do FIRST?
        options:
          - text: Consider the gift's meaning and value before responding
            correct: true
            rationale: A small, personal gift at termination can often be accepted after reflection.
          - text: Refuse the gift to avoid creating a dual relationship
            rationale: A blanket refusal can hurt the client and ignores context and value.
          - text: Accept the gift and report it to the licensing board
            rationale: Small gifts are not a licensing matter and need no report.
        explanation: |
          Gifts are weighed by their meaning, monetary value and timing; a modest handmade gift
          at termination is usually acceptable after the worker considers what it means.
        ---
        id: ethics-gifts-003
        stem: |
          A wealthy client offers the social worker tickets to a sold-out concert after a
          breakthrough session. How should the worker respond?
        options:
          - text: Decline warmly and explore what the gesture means
            correct: true
            rationale: A valuable gift mid-treatment risks obligation and should be explored.
          - text: Accept, since refusing would damage the relationship
            rationale: The value and timing make acceptance a boundary problem here.
          - text: Accept only if the agency director approves the gift
            rationale: Approval does not remove the clinical problem of a valuable gift.
        explanation: |
          An expensive gift in the middle of treatment can create obligation; the worker
          declines kindly and explores its meaning with the client.
        ```
    Fix:
        Merge the two questions or make them ask about different things.
    """

    code = "QB902"
    name = "duplicate-stem"
    severity = Severity.WARNING

    def summarize(self, ctx: ItemContext) -> Any:
        return stem_signature(ctx.question.stem)

    stateful = True
    state_parts = ("shingles", "index")  # in this order: the index names its shingles file

    def check_bank(self, items: list[BankItem], options: RuleOptions) -> Iterator[Diagnostic]:
        bank = BankInput([it.path for it in items], [it.line for it in items], [it.column for it in items],
                         ["-"] * len(items), lambda i: items[i].summary, lambda: [it.summary for it in items])
        yield from self.check_incremental(bank, options, None)[0]

    def check_incremental(self, bank: BankInput, options: RuleOptions, state: dict[str, Any] | None
                          ) -> tuple[list[Diagnostic], dict[str, list[bytes] | None] | None]:
        index = None
        if state is not None:
            try:
                index = StemIndex.from_bytes(state).update(bank.paths, bank.digests, bank.summary)
            except (ValueError, TypeError, KeyError, IndexError, OverflowError):
                index = None  # a damaged index: start again
        if index is None:
            index = StemIndex.build(bank.paths, bank.digests, bank.summary)
        return self._report(bank, index), index.to_bytes()

    def _report(self, bank: BankInput, index: StemIndex) -> list[Diagnostic]:
        """Identical stems at every later copy; near-duplicates at the later stem of each pair,
        naming its most similar earlier partner."""
        def item(i: int) -> BankItem:
            return BankItem(bank.paths[i], bank.lines[i], bank.columns[i], None)

        found: list[Diagnostic] = []
        repeated = {h for h, n in Counter(index.exact).items() if n > 1 and h is not None}
        first_of: dict[str, int] = {}
        for i, exact in enumerate(index.exact) if repeated else ():  # the index's rows are the bank's
            if exact not in repeated:
                continue
            if exact not in first_of:
                first_of[exact] = i
                continue
            first = item(first_of[exact])
            found.append(_bank_diag(self, item(i),
                                    f"this stem is identical to the stem in {first.path} (line {first.line}); "
                                    "remove one question or make them ask different things",
                                    Severity.ERROR, (_where(first),)))
        row = dict(zip(bank.paths, range(len(bank.paths)))) if index.pairs else {}
        partners: dict[int, list[tuple[float, int]]] = {}
        for (a, b), sim in index.pairs.items():
            earlier, later = sorted((row[a], row[b]))
            partners.setdefault(later, []).append((sim, earlier))
        for later in sorted(partners):
            matches = sorted(partners[later], key=lambda t: (-t[0], t[1]))
            sim, best = matches[0]
            first = item(best)
            more = f" and {len(matches) - 1} other question{'s' if len(matches) > 2 else ''}" if len(matches) > 1 else ""
            found.append(_bank_diag(self, item(later),
                                    f"this stem is {sim:.0%} similar to the stem in {first.path} (line {first.line})"
                                    f"{more}; merge them or make them ask different things",
                                    related=tuple(_where(item(x)) for _, x in matches[:10])))
        return found


# --- key length ------------------------------------------------------------------------------

KEY_LONGEST_MIN_ITEMS = 5
KEY_LONGEST_Z = 2.33
KEY_LONGEST_MARGIN = 0.10


class KeyLongestRate(BankRule):
    """The key is the longest option far more often than chance.

    What it flags:
        Across the bank (5 questions or more), the share of questions whose key is strictly
        the longest option exceeds chance (1/k per question) by more than 10 points with
        z > 2.33 (one-sided, alpha .01). Reported once, at the first question file.
    Why:
        A bank-wide habit of writing the longest option as the key teaches candidates to
        pick the longest option (Haladyna et al. 2002, H#24).
    Fails:
        ```yaml
        id: longest-001
        stem: What is the primary purpose of a genogram?
        options:
          - text: To map family relationships and patterns across at least three generations
            correct: true
            rationale: A genogram charts family structure and recurring patterns over generations.
          - text: To list community resources
            rationale: Listing community resources is what an ecomap or resource directory does.
          - text: To record diagnoses
            rationale: Diagnoses may appear on it, but recording them is not its purpose.
        explanation: |
          A genogram maps family structure, relationships and recurring patterns such as
          illness, conflict or migration across at least three generations.
        ---
        id: longest-002
        stem: What does an ecomap show?
        options:
          - text: A timeline of major life events
            rationale: A timeline or life history grid records events in order, not connections.
          - text: A family's connections to people, groups and services in its environment
            correct: true
            rationale: An ecomap draws the family's ties to its social environment and their strength.
          - text: Family members' diagnoses
            rationale: Diagnoses are not what the ecomap is designed to show.
        explanation: |
          An ecomap shows a family's connections to people, groups and services in its
          environment, with lines marking strong, weak or stressful ties.
        ---
        id: longest-003
        stem: What is the purpose of a safety plan?
        options:
          - text: To list warning signs, coping steps and people to contact during a suicidal crisis
            correct: true
            rationale: A safety plan lists warning signs, coping strategies and contacts for a crisis.
          - text: To promise not to attempt suicide
            rationale: No-suicide contracts are not supported by evidence and are not safety plans.
          - text: To arrange a hospital admission
            rationale: Admission may be needed, but a safety plan is meant to guide the client at home.
        explanation: |
          A safety plan is a written, collaborative list of warning signs, coping steps, people
          and services to contact, and ways to make the environment safer during a crisis.
        ---
        id: longest-004
        stem: What does informed consent require?
        options:
          - text: A signature on an intake form
            rationale: A signature without understanding does not make consent informed.
          - text: Approval from a supervisor
            rationale: A supervisor's approval cannot replace the client's own informed agreement.
          - text: That the client understands the risks, benefits and alternatives of the service before agreeing
            correct: true
            rationale: Consent is informed only when the client understands what is being agreed to.
        explanation: |
          Informed consent requires that the client understands the purpose, risks, benefits and
          alternatives of the service, in clear language, and agrees voluntarily.
        ---
        id: longest-005
        stem: What is the main goal of motivational interviewing?
        options:
          - text: To strengthen the client's own motivation for change by exploring and resolving ambivalence
            correct: true
            rationale: Motivational interviewing works with ambivalence to strengthen the client's own reasons.
          - text: To confront denial
            rationale: Confrontation increases resistance and is inconsistent with the approach.
          - text: To teach coping skills
            rationale: Skills training can follow, but it is not the goal of the method itself.
        explanation: |
          Motivational interviewing is a collaborative conversation style that strengthens a
          person's own motivation for change by exploring and resolving ambivalence.
        ```
    Passes:
        ```yaml
        id: longest-001
        stem: What is the primary purpose of a genogram?
        options:
          - text: To map family patterns across generations
            correct: true
            rationale: A genogram charts family structure and recurring patterns over generations.
          - text: To list the community resources available
            rationale: Listing community resources is what an ecomap or resource directory does.
          - text: To record each family member's diagnoses
            rationale: Diagnoses may appear on it, but recording them is not its purpose.
        explanation: |
          A genogram maps family structure, relationships and recurring patterns such as
          illness, conflict or migration across at least three generations.
        ```
    Fix:
        Shorten keys or add detail to distractors; QB304 points at the individual items.
    """

    code = "QB903"
    name = "key-longest-rate"
    severity = Severity.WARNING

    def summarize(self, ctx: ItemContext) -> Any:
        from .text import facts

        lengths = facts(ctx).option_lengths
        k = ctx.question.key_index
        others = [n for i, n in enumerate(lengths) if i != k]
        return [1 if others and lengths[k] > max(others) else 0, len(lengths)]

    def check_bank(self, items: list[BankItem], options: RuleOptions) -> Iterator[Diagnostic]:
        valid = [it for it in items if isinstance(it.summary, list) and len(it.summary) == 2
                 and isinstance(it.summary[1], int) and it.summary[1] >= 2]
        n = len(valid)
        if n < KEY_LONGEST_MIN_ITEMS:
            return
        x = sum(1 for it in valid if it.summary[0])
        expected = sum(1 / it.summary[1] for it in valid)
        variance = sum((1 / it.summary[1]) * (1 - 1 / it.summary[1]) for it in valid)
        if variance <= 0:
            return
        z = (x - expected) / math.sqrt(variance)
        rate, chance = x / n, expected / n
        if rate > chance + KEY_LONGEST_MARGIN and z > KEY_LONGEST_Z:
            yield _bank_diag(self, valid[0],
                             f"the key is the longest option in {x} of {n} questions ({rate:.0%}; chance is "
                             f"{chance:.0%}, z = {z:.1f}); shorten keys or lengthen distractors (see QB304 "
                             "on each question)")


# --- shared options --------------------------------------------------------------------------

SHARED_SET_MIN = 3
SHARED_DISTRACTOR_SHARE = 0.05
SHARED_DISTRACTOR_MIN_ITEMS = 20
SHARED_DISTRACTOR_MIN_COUNT = 3


def _h(text: str, size: int = 8) -> str:
    return blake2b(text.encode(), digest_size=size).hexdigest()


class SharedOptionSet(BankRule):
    """The same option set reused across questions, or one distractor used everywhere.

    What it flags:
        The same set of options (in any order) in 3 or more questions, reported at the third;
        or, in banks of 20 or more questions, one distractor text used in more than 5% of the
        questions (and at least 3), reported at the first question using it.
    Why:
        Recycled options let candidates learn the option set instead of the content and
        make distractors implausible (Haladyna et al. 2002, H#29).
    Fails:
        ```yaml
        id: defenses-001
        stem: A man who is angry at his boss comes home and yells at his dog. Which defense is this?
        options:
          - text: Displacement
            correct: true
            rationale: Anger at a threatening target is redirected to a safer one, the dog.
          - text: Projection
            rationale: He is not attributing his own anger to someone else.
          - text: Sublimation
            rationale: Yelling is not a socially valued outlet for the impulse.
          - text: Denial
            rationale: He acts on the anger rather than refusing to acknowledge it.
        explanation: |
          Displacement moves feelings from a threatening target, the boss, to a safer one, the
          dog, which is why the anger comes out at home.
        ---
        id: defenses-002
        stem: A woman who dislikes her coworker insists that the coworker hates her. Which defense is this?
        options:
          - text: Displacement
            rationale: Her feeling stays aimed at the coworker rather than at a safer target.
          - text: Projection
            correct: true
            rationale: She attributes her own unacceptable dislike to the coworker.
          - text: Sublimation
            rationale: Nothing turns the feeling into a socially valued activity.
          - text: Denial
            rationale: She acknowledges hostility, but places it in the other person.
        explanation: |
          Projection attributes one's own unacceptable feelings to someone else: her own dislike
          of the coworker is experienced as the coworker's hatred of her instead.
        ---
        id: defenses-003
        stem: A man with aggressive urges becomes a successful boxer. Which defense is this?
        options:
          - text: Displacement
            rationale: The urge is not moved to a safer target but transformed.
          - text: Projection
            rationale: He does not attribute the urges to anyone else.
          - text: Sublimation
            correct: true
            rationale: Aggression is channeled into a socially accepted, valued activity.
          - text: Denial
            rationale: He does not refuse to acknowledge the urges; he channels them.
        explanation: |
          Sublimation channels unacceptable impulses into socially valued activity, here
          turning aggressive urges into a successful and admired boxing career in the ring.
        ```
    Passes:
        ```yaml
        id: defenses-001
        stem: A man who is angry at his boss comes home and yells at his dog. Which defense is this?
        options:
          - text: Displacement
            correct: true
            rationale: Anger at a threatening target is redirected to a safer one, the dog.
          - text: Projection
            rationale: He is not attributing his own anger to someone else.
          - text: Sublimation
            rationale: Yelling is not a socially valued outlet for the impulse.
          - text: Denial
            rationale: He acts on the anger rather than refusing to acknowledge it.
        explanation: |
          Displacement moves feelings from a threatening target, the boss, to a safer one, the
          dog, which is why the anger comes out at home.
        ---
        id: defenses-002
        stem: A woman who dislikes her coworker insists that the coworker hates her. Which defense is this?
        options:
          - text: Reaction formation
            rationale: She does not act in a way opposite to her feeling toward the coworker.
          - text: Projection
            correct: true
            rationale: She attributes her own unacceptable dislike to the coworker.
          - text: Rationalization
            rationale: She offers no plausible excuse for a feeling; she relocates it.
          - text: Identification
            rationale: She does not take on the coworker's traits as her own.
        explanation: |
          Projection attributes one's own unacceptable feelings to someone else: her own dislike
          of the coworker is experienced as the coworker's hatred of her instead.
        ```
    Fix:
        Write options specific to each question; vary the distractors.
    """

    code = "QB904"
    name = "shared-option-set"
    severity = Severity.INFO

    def summarize(self, ctx: ItemContext) -> Any:
        from .text import facts

        norms = facts(ctx).option_norm
        q = ctx.question
        distractors = []
        seen = set()
        for i, o in enumerate(q.options):
            if o.correct or not norms[i] or norms[i] in seen:
                continue
            seen.add(norms[i])
            distractors.append((_h(norms[i], 6), " ".join(o.text.split())[:60]))
        # Three strings, not nested lists: a rerun reads 10,000 of these from the cache.
        return [_h("\x1f".join(sorted(norms))), " ".join(h for h, _ in distractors),
                "\t".join(label for _, label in distractors)]

    def check_bank(self, items: list[BankItem], options: RuleOptions) -> Iterator[Diagnostic]:
        valid = [it for it in items if type(it.summary) is list and len(it.summary) == 3
                 and all(type(part) is str for part in it.summary)]
        # Count first (in C), then look at the few hashes over a threshold: a warm run that
        # reruns this rule after an option edit goes through 10,000 summaries.
        set_counts = Counter(it.summary[0] for it in valid)
        big = {o for o, count in set_counts.items() if count >= SHARED_SET_MIN}
        sets: dict[str, list[int]] = {}
        for i, it in enumerate(valid) if big else ():
            if it.summary[0] in big:
                sets.setdefault(it.summary[0], []).append(i)
        reported_groups: list[set[int]] = []
        for group in sets.values():
            reported_groups.append(set(group))
            at = valid[group[SHARED_SET_MIN - 1]]
            others = [valid[i] for i in group if valid[i] is not at]
            names = ", ".join(o.path for o in others[:3]) + (" and more" if len(others) > 3 else "")
            yield _bank_diag(self, at,
                             f"this option set is used by {len(group)} questions (also {names}); write "
                             "options specific to each question",
                             related=tuple(_where(o) for o in others[:10]))
        n = len(valid)
        if n < SHARED_DISTRACTOR_MIN_ITEMS:
            return
        counts = Counter(h for it in valid for h in it.summary[1].split())
        hot = {h for h, count in counts.items()
               if count >= SHARED_DISTRACTOR_MIN_COUNT and count > SHARED_DISTRACTOR_SHARE * n}
        uses: dict[str, list[int]] = {}
        for i, it in enumerate(valid) if hot else ():
            for h in it.summary[1].split():
                if h in hot:
                    uses.setdefault(h, []).append(i)
        for h, idx in uses.items():
            count = len(idx)
            if any(set(idx) <= g for g in reported_groups):
                continue
            from .text import quote

            at = valid[idx[0]]
            hashes, labels = at.summary[1].split(), at.summary[2].split("\t")
            label = labels[hashes.index(h)] if len(labels) == len(hashes) else h
            yield _bank_diag(self, at,
                             f"the distractor {quote(label)} appears in {count} of {n} questions "
                             f"({count / n:.0%}); write distractors specific to each question",
                             related=tuple(_where(valid[i]) for i in idx[1:11]))
