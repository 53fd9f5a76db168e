"""Key positions unevenly spread across the bank, or in long runs (QB901)."""

from __future__ import annotations

from typing import Any, Iterator

from ...diagnostics import Diagnostic, Severity, plural
from ..base import BankItem, BankRule, ItemContext, Option, RuleOptions, item_facts
from .findings import bank_diagnostic, where

# Upper 1% points of chi-square by degrees of freedom (k options -> k - 1 df), to two
# decimals as the catalog states them (k=3: 9.21, k=4: 11.34, k=5: 13.28).
CHI2_CRITICAL_01 = {1: 6.63, 2: 9.21, 3: 11.34, 4: 13.28, 5: 15.09, 6: 16.81, 7: 18.48, 8: 20.09,
                    9: 21.67, 10: 23.21, 11: 24.72, 12: 26.22, 13: 27.69, 14: 29.14, 15: 30.58,
                    16: 32.00, 17: 33.41, 18: 34.81, 19: 36.19, 20: 37.57, 21: 38.93, 22: 40.29,
                    23: 41.64, 24: 42.98, 25: 44.31}
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class KeyPositionSkew(BankRule):
    """Key positions are unevenly spread across the bank, or repeat in long runs.

    What it flags:
        Only questions whose options keep their written order on export (`shuffle: false`,
        or options an export keeps in place: see src/qbank/order.py) count: everywhere else
        the LMS or the card shuffles, so the position in the file is not what candidates see
        (on 2,513 real items, all shuffled, 16 of the 17 findings of the older rule were
        chance runs in file order).
        For each option count k with at least 5k items: a chi-square test of the key
        positions against a uniform spread, at alpha .01 (critical values 9.21 for k=3,
        11.34 for k=4, 13.28 for k=5), reported once at the first question file. Also any
        run of 5 or more consecutive questions (in path order; `key-run-length`) keyed at the
        same position, reported at the question that completes the run.
    Why:
        Writers hide keys in the middle positions and avoid A; testwise candidates exploit
        the bias (Haladyna et al. 2002, H#20; Attali & Bar-Hillel 2003).
    Fails:
        ```yaml
        id: runs-001
        shuffle: false
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
        shuffle: false
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
        shuffle: false
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
        shuffle: false
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
        shuffle: false
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
        in a row. The exports let the LMS or the Anki card shuffle the options, which hides the
        skew where that shuffle is on, but not on paper or in an unshuffled delivery.
    """

    code = "QB901"
    name = "key-position-skew"
    severity = Severity.WARNING
    options = (Option("key-run-length", int, 5,
                      "How many questions in a row keyed at the same position make a run worth reporting.",
                      min=2, max=10000),)

    def summarize(self, ctx: ItemContext) -> Any:
        from ...order import option_order

        if option_order(ctx.question, item_facts(ctx)).shuffle:
            return None  # delivered shuffled: its key's place in the file is not what candidates see
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
                yield bank_diagnostic(self, valid[0],
                                      f"key positions across the {n} {k}-option questions are uneven ({spread}; "
                                      f"chi-square {chi2:.1f} > {critical:.2f} at alpha .01); move keys so each "
                                      f"position is used about {plural(round(expected), 'time')}")
        run_length = options.key_run_length
        run_start = 0
        for i in range(1, len(valid) + 1):
            if i < len(valid) and valid[i].summary[0] == valid[run_start].summary[0]:
                if i - run_start + 1 == run_length:
                    first = valid[run_start]
                    letter = LETTERS[first.summary[0]] if 0 <= first.summary[0] < 26 else "?"
                    yield bank_diagnostic(self, valid[i],
                                          f"this is the {ordinal(run_length)} question in a row keyed {letter} "
                                          f"(from {first.path}); move some keys to other positions",
                                          related=(where(first),))
                continue
            run_start = i


def ordinal(n: int) -> str:
    """2 -> "2nd", 11 -> "11th", 23 -> "23rd"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
