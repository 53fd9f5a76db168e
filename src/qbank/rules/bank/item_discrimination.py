"""Items that do not separate strong from weak candidates (QB922)."""

from __future__ import annotations

from typing import Iterator

from ...diagnostics import Diagnostic
from ..base import BankItem, Option, RuleOptions
from .findings import bank_diagnostic
from .item_difficulty import StatsRule


class LowDiscrimination(StatsRule):
    """The item barely or negatively separates strong from weak candidates (from imported statistics).

    What it flags:
        An item whose corrected point-biserial (the correlation of the item score with the
        total score without the item) is below 0.15 (`min-rpb`), over at least `stats-min-n`
        candidates; a negative one is said to be negative. Where the source gives no
        point-biserial, the upper-lower 27% index is judged against the same threshold.
        In the examples, the JSON block is the bank's qbank-stats.json.
    Why:
        Item analysis: an item that strong candidates miss as often as weak ones adds noise to
        the score; a negative one counts against the candidates who know the material.
    Fails:
        ```yaml
        id: practice-sleep-001
        ```
        ```json
        {"version": 1, "items": {"practice-sleep-001": {"n": 200, "p": 0.6, "rpb": -0.08, "upper_lower": -0.1,
          "options": [{"rate": 0.6, "rpb": -0.08}, {"rate": 0.2, "rpb": -0.1},
                      {"rate": 0.12, "rpb": -0.11}, {"rate": 0.08, "rpb": -0.09}]}}}
        ```
    Passes:
        ```yaml
        id: practice-sleep-001
        ```
        ```json
        {"version": 1, "items": {"practice-sleep-001": {"n": 200, "p": 0.6, "rpb": 0.31, "upper_lower": 0.4,
          "options": [{"rate": 0.6, "rpb": 0.31}, {"rate": 0.2, "rpb": -0.15},
                      {"rate": 0.12, "rpb": -0.14}, {"rate": 0.08, "rpb": -0.12}]}}}
        ```
    Fix:
        Look for a flaw that trips up candidates who know the content (an ambiguous stem, a
        defensible distractor, a cue); rewrite or retire the item.
    """

    code = "QB922"
    options = (Option("min-rpb", float, 0.15, "The corrected point-biserial below which an item discriminates "
                      "too little.", min=-1.0, max=1.0),)

    def judge(self, item: BankItem, key: int, entry: dict, options: RuleOptions) -> Iterator[Diagnostic]:
        value, what = entry["rpb"], "corrected point-biserial"
        if value is None:
            value, what = entry["upper_lower"], "upper-lower 27% index"
        if value is None or value >= options.min_rpb:
            return
        how = "negatively: strong candidates miss it more often than weak ones" if value < 0 else "too little"
        yield bank_diagnostic(self, item, f"the item discriminates {how} ({what} {value:.2f} < {options.min_rpb:.2f}, "
                              f"n = {entry['n']}, from {entry.get('source', 'the store')})")
