"""Numeric options listed out of order (QB311), with the fix that sorts them."""

from __future__ import annotations

from typing import Any, Iterator, MutableMapping

from ..diagnostics import Diagnostic, Severity
from ..textkit.facts import facts
from ..textkit.messages import ordinal_list
from ..textkit.quantity import Quantity, quantity
from .base import ItemContext, Rule, RuleOptions


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
        # The rewrite has taken the comments off and puts them back by owner, so an option
        # moves with its own comments and `correct`/`rationale` (see qbank.fix).
        moved = list(opts)
        for j, i in enumerate(order):
            opts[j] = moved[i]
        return True


def _sorted_order(qs: list[Quantity | None]) -> list[int] | None:
    """Indexes of the options in ascending order, or None when they are not all numeric
    in one unit (or there are fewer than 3)."""
    if len(qs) < 3 or any(q is None for q in qs):
        return None
    if len({q.unit for q in qs}) != 1:
        return None
    return sorted(range(len(qs)), key=lambda i: (qs[i].sort_key(), i))
