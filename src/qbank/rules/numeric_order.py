"""Numeric options listed out of order (QB311), with the fix that sorts them."""

from __future__ import annotations

from typing import Any, Iterator, MutableMapping

from ..diagnostics import Diagnostic, Severity
from ..textkit.facts import facts
from ..textkit.messages import ordinal_list
from ..textkit.quantity import Quantity, quantity
from .base import ItemContext, Rule, RuleOptions


class NumericOptionsUnordered(Rule):
    """Numeric options in no order.

    What it flags:
        Every option is a number, percentage, amount or range in the same unit ("10 mg",
        "18-25 years", "less than 5%"), but the options are listed neither from smallest to
        largest nor from largest to smallest.
    Why:
        Ordered numeric options are easier to scan and avoid giving the key's position away
        (Haladyna et al. 2002, H#21; Tarrant et al. 2006).
    Fails:
        ```yaml
        stem: |
          A 34-year-old client reports trouble sleeping three nights a week. For how long must
          this continue to meet the duration criterion for insomnia disorder in DSM-5-TR?
        options:
          - text: 6 months
            rationale: Six months is longer than the criterion requires for insomnia disorder.
          - text: 3 months
            correct: true
            rationale: The criterion is at least three nights a week for at least 3 months.
          - text: 1 month
            rationale: One month of symptoms is too short to meet the duration criterion.
          - text: 12 months
            rationale: A year is far longer than the criterion requires for the diagnosis.
        explanation: |
          Insomnia disorder requires sleep difficulty at least three nights a week for at least
          3 months; shorter episodes are episodic insomnia or an adjustment reaction.
        ```
    Passes:
        ```yaml
        stem: |
          A 34-year-old client reports trouble sleeping three nights a week. For how long must
          this continue to meet the duration criterion for insomnia disorder in DSM-5-TR?
        options:
          - text: 1 month
            rationale: One month of symptoms is too short to meet the duration criterion.
          - text: 3 months
            correct: true
            rationale: The criterion is at least three nights a week for at least 3 months.
          - text: 6 months
            rationale: Six months is longer than the criterion requires for insomnia disorder.
          - text: 12 months
            rationale: A year is far longer than the criterion requires for the diagnosis.
        explanation: |
          Insomnia disorder requires sleep difficulty at least three nights a week for at least
          3 months; shorter episodes are episodic insomnia or an adjustment reaction.
        ```
    Fix:
        List the options from smallest to largest. `qbank lint --fix` sorts them, moving each
        option whole (its `correct`, `rationale` and comments stay with it). The exports never
        shuffle numeric options, so candidates see them in this order.
    """

    code = "QB311"
    name = "numeric-options-unordered"
    severity = Severity.WARNING
    fix_safety = "safe"

    def check(self, ctx: ItemContext) -> Iterator[Diagnostic]:
        qs = facts(ctx).quantities
        order = sorted_order(qs)
        if order is not None and not _ordered(qs, order):
            yield self.diagnostic(ctx, ("options",),
                                  f"the numeric options are not in ascending order; list them as options "
                                  f"{ordinal_list(order)} (smallest first)")

    def fix(self, data: MutableMapping[str, Any], options: RuleOptions) -> bool:
        opts = data.get("options")
        if not isinstance(opts, list) or not all(isinstance(o, dict) and isinstance(o.get("text"), str)
                                                 for o in opts):
            return False
        qs = [quantity(o["text"]) for o in opts]
        order = sorted_order(qs)
        if order is None or _ordered(qs, order):
            return False
        # The rewrite has taken the comments off and puts them back by owner, so an option
        # moves with its own comments and `correct`/`rationale` (see qbank.fix).
        moved = list(opts)
        for j, i in enumerate(order):
            opts[j] = moved[i]
        return True


def _ordered(qs: list[Quantity], order: list[int]) -> bool:
    """Ascending, or strictly descending (largest first is an order too: on the development
    corpus both findings on descending options were wrong)."""
    n = len(qs)
    if order == list(range(n)):
        return True
    keys = [q.sort_key() for q in qs]
    return all(keys[i] > keys[i + 1] for i in range(n - 1))


def sorted_order(qs: list[Quantity | None]) -> list[int] | None:
    """Indexes of the options in ascending order, or None when they are not all numeric
    in one unit (or there are fewer than 3)."""
    if len(qs) < 3 or any(q is None for q in qs):
        return None
    if len({q.unit for q in qs}) != 1:
        return None
    return sorted(range(len(qs)), key=lambda i: (qs[i].sort_key(), i))
