"""Distractors that look like the key or that nobody picks (QB923, QB924)."""

from __future__ import annotations

from typing import Iterator

from ...diagnostics import Diagnostic
from ..base import BankItem, Option, RuleOptions
from .item_difficulty import StatsRule, at_option

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _same_options(item: BankItem, entry: dict) -> bool:
    """The stored figures are for this item's options as written now."""
    return len(entry["options"]) == len(item.summary[2])


class SuspectedMiskey(StatsRule):
    """A distractor discriminates better than the key: the key may be wrong (from imported statistics).

    What it flags:
        A distractor whose point-biserial with the rest score is positive and higher than the
        key's by more than 0 (`miskey-margin`), over at least `stats-min-n` candidates.
        Reported at that option's `text:` line.
        In the examples, the JSON block is the bank's qbank-stats.json.
    Why:
        Item analysis: the strong candidates choose the key. When they choose a distractor
        instead, the key is often wrong, or the distractor is also defensible.
    Fails:
        ```yaml
        id: practice-sleep-001
        ```
        ```json
        {"version": 1, "items": {"practice-sleep-001": {"n": 200, "p": 0.4, "rpb": 0.16, "upper_lower": 0.18,
          "options": [{"rate": 0.4, "rpb": 0.16}, {"rate": 0.35, "rpb": 0.3},
                      {"rate": 0.15, "rpb": -0.2}, {"rate": 0.1, "rpb": -0.25}]}}}
        ```
    Passes:
        ```yaml
        id: practice-sleep-001
        ```
        ```json
        {"version": 1, "items": {"practice-sleep-001": {"n": 200, "p": 0.4, "rpb": 0.3, "upper_lower": 0.35,
          "options": [{"rate": 0.4, "rpb": 0.3}, {"rate": 0.35, "rpb": 0.16},
                      {"rate": 0.15, "rpb": -0.2}, {"rate": 0.1, "rpb": -0.25}]}}}
        ```
    Fix:
        Check the key against the source; if the distractor is also right, rewrite it so that
        it is clearly wrong.
    """

    code = "QB923"
    options = (Option("miskey-margin", float, 0.0, "How much higher than the key's a distractor's point-biserial "
                      "must be to suspect a miskey.", min=0.0, max=2.0),)

    def judge(self, item: BankItem, key: int, entry: dict, options: RuleOptions) -> Iterator[Diagnostic]:
        if not _same_options(item, entry):
            return
        key_r = entry["options"][key]["rpb"] if entry["options"][key]["rpb"] is not None else entry["rpb"]
        if key_r is None:
            return
        for i, opt in enumerate(entry["options"]):
            r = opt["rpb"]
            if i != key and r is not None and r > 0 and r > key_r + options.miskey_margin:
                yield at_option(self, item, i, f"option {LETTERS[i % 26]} draws the stronger candidates: its "
                                f"point-biserial {r:.3f} is higher than the key's ({key_r:.3f}; n = {entry['n']}, "
                                f"from {entry.get('source', 'the store')}); check the key")


class NonfunctioningDistractor(StatsRule):
    """A distractor almost no candidate chooses (from imported statistics).

    What it flags:
        A distractor chosen by fewer than 5% (`nonfunctioning-rate`) of the candidates who
        answered, over at least `stats-min-n` candidates; reported at its `text:` line. Not on
        an item QB920 finds too easy, where every distractor is rare and QB920 says so once.
        A source without choice rates (Canvas's Item Analysis report) gives nothing to judge.
        In the examples, the JSON block is the bank's qbank-stats.json.
    Why:
        Item analysis: a distractor nobody picks is not plausible, so the item has one option
        fewer than it seems and is easier to guess (Haladyna & Downing's functioning
        distractors, chosen by at least 5%).
    Fails:
        ```yaml
        id: practice-sleep-001
        ```
        ```json
        {"version": 1, "items": {"practice-sleep-001": {"n": 200, "p": 0.6, "rpb": 0.35, "upper_lower": 0.4,
          "options": [{"rate": 0.6, "rpb": 0.35}, {"rate": 0.22, "rpb": -0.2},
                      {"rate": 0.16, "rpb": -0.18}, {"rate": 0.02, "rpb": -0.05}]}}}
        ```
    Passes:
        ```yaml
        id: practice-sleep-001
        ```
        ```json
        {"version": 1, "items": {"practice-sleep-001": {"n": 200, "p": 0.6, "rpb": 0.35, "upper_lower": 0.4,
          "options": [{"rate": 0.6, "rpb": 0.35}, {"rate": 0.18, "rpb": -0.2},
                      {"rate": 0.12, "rpb": -0.18}, {"rate": 0.1, "rpb": -0.15}]}}}
        ```
    Fix:
        Replace the distractor with an error candidates really make, or drop it if the item
        keeps at least three options.
    """

    code = "QB924"
    options = (Option("nonfunctioning-rate", float, 0.05, "The choice rate below which a distractor does not "
                      "function.", min=0.0, max=1.0),)

    def judge(self, item: BankItem, key: int, entry: dict, options: RuleOptions) -> Iterator[Diagnostic]:
        if not _same_options(item, entry) or (entry["p"] is not None and entry["p"] > options.too_easy_p):
            return
        for i, opt in enumerate(entry["options"]):
            rate = opt["rate"]
            if i != key and rate is not None and rate < options.nonfunctioning_rate:
                yield at_option(self, item, i, f"option {LETTERS[i % 26]} was chosen by {rate:.1%} of "
                                f"{entry['n']} candidates (under {options.nonfunctioning_rate:.0%}, from "
                                f"{entry.get('source', 'the store')}); write a distractor candidates find plausible")
