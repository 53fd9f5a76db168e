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
        reorder_sequence(opts, order)
        return True


def _sorted_order(qs: list[Quantity | None]) -> list[int] | None:
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
