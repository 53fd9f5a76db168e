"""The key is the longest option far more often than chance, bank-wide (QB903)."""

from __future__ import annotations

import math
from typing import Any, Iterator

from ...diagnostics import Diagnostic, Severity
from ..base import BankItem, BankRule, ItemContext, Option, RuleOptions, item_facts
from .findings import bank_diagnostic


class KeyLongestRate(BankRule):
    """The key is the longest option far more often than chance.

    What it flags:
        Across the bank (5 questions or more: `key-longest-min-items`), the share of
        questions whose key is strictly the longest option exceeds chance (1/k per question)
        by more than 10 points (`key-longest-margin`) with z > 2.33 (one-sided, alpha .01:
        `key-longest-z`). Reported once, at the first question file.
    Why:
        A bank-wide habit of writing the longest option as the key teaches candidates to
        pick the longest option (Haladyna et al. 2002, H#24).
    Fails:
        ```yaml
        id: longest-001
        stem: What is the primary purpose of a genogram?
        options:
          - text: To map family patterns across three generations
            correct: true
            rationale: A genogram charts family structure and recurring patterns over generations.
          - text: To list the community resources available
            rationale: Listing community resources is what an ecomap or resource directory does.
          - text: To record each family member's diagnoses
            rationale: Diagnoses may appear on it, but recording them is not its purpose.
        explanation: |
          A genogram maps family structure, relationships and recurring patterns such as
          illness, conflict or migration across at least three generations.
        ---
        id: longest-002
        stem: What does an ecomap show?
        options:
          - text: A timeline of the family's major life events
            rationale: A timeline or life history grid records events in order, not connections.
          - text: A family's ties to people, groups and services
            correct: true
            rationale: An ecomap draws the family's ties to its social environment and their strength.
          - text: The diagnoses of each family member
            rationale: Diagnoses are not what the ecomap is designed to show.
        explanation: |
          An ecomap shows a family's ties to people, groups and services in its environment,
          with lines marking strong, weak or stressful connections.
        ---
        id: longest-003
        stem: What is the purpose of a safety plan?
        options:
          - text: To list warning signs, coping steps and contacts
            correct: true
            rationale: A safety plan lists warning signs, coping strategies and contacts for a crisis.
          - text: To get a written promise not to attempt suicide
            rationale: No-suicide contracts are not supported by evidence and are not safety plans.
          - text: To arrange an admission to a hospital
            rationale: Admission may be needed, but a safety plan is meant to guide the client at home.
        explanation: |
          A safety plan is a written, collaborative list of warning signs, coping steps, people
          and services to contact, and ways to make the environment safer during a crisis.
        ---
        id: longest-004
        stem: What does informed consent require?
        options:
          - text: A signature on the agency's intake consent form
            rationale: A signature without understanding does not make consent informed.
          - text: Approval of the plan by the worker's supervisor
            rationale: A supervisor's approval cannot replace the client's own informed agreement.
          - text: That the client understands the risks and options
            correct: true
            rationale: Consent is informed only when the client understands what is being agreed to.
        explanation: |
          Informed consent requires that the client understands the purpose, risks, benefits and
          options of the service, in clear language, and agrees voluntarily.
        ---
        id: longest-005
        stem: What is the main goal of motivational interviewing?
        options:
          - text: To strengthen the client's own motivation to change
            correct: true
            rationale: Motivational interviewing works with ambivalence to strengthen the client's own reasons.
          - text: To confront the client's denial of the problem
            rationale: Confrontation increases resistance and is inconsistent with the approach.
          - text: To teach the client new coping skills
            rationale: Skills training can follow, but it is not the goal of the method itself.
        explanation: |
          Motivational interviewing is a collaborative conversation style that strengthens a
          person's own motivation to change by exploring and resolving ambivalence.
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
    options = (Option("key-longest-min-items", int, 5, "The fewest questions a bank needs for the test to run.",
                      min=2, max=1000000),
               Option("key-longest-margin", float, 0.1,
                      "How far above chance (a share: 0.1 is 10 points) the rate must be to be flagged.",
                      min=0.0, max=1.0),
               Option("key-longest-z", float, 2.33,
                      "The z score the rate must exceed (2.33: one-sided alpha .01).", min=0.0, max=10.0))

    def summarize(self, ctx: ItemContext) -> Any:
        lengths = item_facts(ctx).option_lengths
        k = ctx.question.key_index
        others = [n for i, n in enumerate(lengths) if i != k]
        return [1 if others and lengths[k] > max(others) else 0, len(lengths)]

    def check_bank(self, items: list[BankItem], options: RuleOptions) -> Iterator[Diagnostic]:
        valid = [it for it in items if isinstance(it.summary, list) and len(it.summary) == 2
                 and isinstance(it.summary[1], int) and it.summary[1] >= 2]
        n = len(valid)
        if n < options.key_longest_min_items:
            return
        x = sum(1 for it in valid if it.summary[0])
        expected = sum(1 / it.summary[1] for it in valid)
        variance = sum((1 / it.summary[1]) * (1 - 1 / it.summary[1]) for it in valid)
        if variance <= 0:
            return
        z = (x - expected) / math.sqrt(variance)
        rate, chance = x / n, expected / n
        if rate > chance + options.key_longest_margin and z > options.key_longest_z:
            yield bank_diagnostic(self, valid[0],
                                  f"the key is the longest option in {x} of {n} questions ({rate:.0%}; chance is "
                                  f"{chance:.0%}, z = {z:.1f}); shorten keys or lengthen distractors (see QB304 "
                                  "on each question)")
