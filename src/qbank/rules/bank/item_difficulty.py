"""Items too easy or too hard for the candidates who took them (QB920, QB921), and what every
rule from item statistics (QB920-QB929) shares: the store it reads and the smallest sample
it judges."""

from __future__ import annotations

from typing import Any, Iterator

from ...diagnostics import Diagnostic
from ..base import BankInput, BankItem, BankRule, ItemContext, Option, RuleOptions
from .findings import bank_diagnostic


class StatsRule(BankRule):
    """A rule over the statistics `qbank stats import` stored in the bank (qbank-stats.json).
    Each file's summary is where its item and options are; the figures come from the store,
    which the engine counts among the rule's inputs. An item with fewer candidates than
    `stats-min-n`, or whose option count is not the stored one (edited since), is not judged."""

    def summarize(self, ctx: ItemContext) -> Any:
        q = ctx.question
        return [q.id, q.key_index, [list(ctx.doc.pos(("options", i, "text"))) for i in range(len(q.options))]]

    def check_incremental(self, bank: BankInput, options: RuleOptions, state: dict[str, Any] | None
                          ) -> tuple[list[Diagnostic], None]:
        from ...analysis.store import load, valid_item

        stored = load(bank.root)[0]["items"] if bank.root else {}
        if not stored:  # most banks have no statistics: no summary needs reading
            return [], None
        rows = [i for i, digest in enumerate(bank.digests) if digest is not None]
        found: list[Diagnostic] = []
        for i, summary in zip(rows, bank.summaries()):
            if not (isinstance(summary, list) and len(summary) == 3 and isinstance(summary[0], str)):
                continue
            entry = stored.get(summary[0])
            if not valid_item(entry) or entry["n"] < options.stats_min_n:
                continue
            item = BankItem(bank.paths[i], bank.lines[i], bank.columns[i], summary)
            found.extend(self.judge(item, summary[1], entry, options))
        return found, None

    def check_bank(self, items: list[BankItem], options: RuleOptions) -> Iterator[Diagnostic]:
        return iter(())  # without the bank's store there is nothing to judge

    def judge(self, item: BankItem, key: int, entry: dict, options: RuleOptions) -> Iterator[Diagnostic]:
        raise NotImplementedError


def at_option(rule: BankRule, item: BankItem, index: int, message: str) -> Diagnostic:
    """A finding at option ``index``'s `text:` line."""
    line, column = item.summary[2][index]
    return Diagnostic(item.path, line, column, rule.code, rule.name, rule.severity, message)


class ItemTooEasy(StatsRule):
    """Nearly every candidate answers the item correctly (from imported statistics).

    What it flags:
        An item whose difficulty index p (the share of candidates who chose the key) is above
        0.95 (`too-easy-p`) in the statistics `qbank stats import` stored, over at least 30
        candidates (`stats-min-n`, which every rule from statistics, QB920-QB924, uses).
        In the examples, the JSON block is the bank's qbank-stats.json.
    Why:
        Item analysis: an item nearly everyone answers adds almost nothing to the score's
        variance, so it measures little; on a mastery exam that can be intended.
    Fails:
        ```yaml
        id: practice-sleep-001
        ```
        ```json
        {"version": 1, "items": {"practice-sleep-001": {"n": 200, "p": 0.97, "rpb": 0.21, "upper_lower": 0.06,
          "options": [{"rate": 0.97, "rpb": 0.21}, {"rate": 0.01, "rpb": -0.12},
                      {"rate": 0.01, "rpb": -0.1}, {"rate": 0.01, "rpb": -0.09}]}}}
        ```
    Passes:
        ```yaml
        id: practice-sleep-001
        ```
        ```json
        {"version": 1, "items": {"practice-sleep-001": {"n": 200, "p": 0.72, "rpb": 0.38, "upper_lower": 0.45,
          "options": [{"rate": 0.72, "rpb": 0.38}, {"rate": 0.12, "rpb": -0.2},
                      {"rate": 0.09, "rpb": -0.17}, {"rate": 0.07, "rpb": -0.15}]}}}
        ```
    Fix:
        Make the distractors more plausible (the errors candidates really make), or keep the
        item as a deliberate check of essential knowledge and suppress the finding.
    """

    code = "QB920"
    options = (Option("stats-min-n", int, 30, "The fewest candidates an item's statistics must rest on to be "
                      "judged (QB920-QB924).", min=1, max=10_000_000),
               Option("too-easy-p", float, 0.95, "The difficulty index (p) above which an item is too easy.",
                      min=0.0, max=1.0))

    def judge(self, item: BankItem, key: int, entry: dict, options: RuleOptions) -> Iterator[Diagnostic]:
        p = entry["p"]
        if p is not None and p > options.too_easy_p:
            yield bank_diagnostic(self, item, f"{p:.0%} of {entry['n']} candidates answered correctly "
                                  f"(p = {p:.2f} > {options.too_easy_p:.2f}, from {entry.get('source', 'the store')}); "
                                  "the item separates almost no one")


class ItemTooHard(StatsRule):
    """Few candidates answer the item correctly (from imported statistics).

    What it flags:
        An item whose difficulty index p is below 0.3 (`too-hard-p`) over at least
        `stats-min-n` candidates: near or under what guessing among four options gives.
        In the examples, the JSON block is the bank's qbank-stats.json.
    Why:
        Item analysis: an item most well-prepared candidates miss is often ambiguous, keyed
        wrong or about something the course did not teach (check QB923 on the same item).
    Fails:
        ```yaml
        id: practice-sleep-001
        ```
        ```json
        {"version": 1, "items": {"practice-sleep-001": {"n": 200, "p": 0.18, "rpb": 0.22, "upper_lower": 0.2,
          "options": [{"rate": 0.18, "rpb": 0.22}, {"rate": 0.3, "rpb": -0.05},
                      {"rate": 0.27, "rpb": -0.08}, {"rate": 0.25, "rpb": -0.06}]}}}
        ```
    Passes:
        ```yaml
        id: practice-sleep-001
        ```
        ```json
        {"version": 1, "items": {"practice-sleep-001": {"n": 200, "p": 0.55, "rpb": 0.35, "upper_lower": 0.42,
          "options": [{"rate": 0.55, "rpb": 0.35}, {"rate": 0.2, "rpb": -0.15},
                      {"rate": 0.15, "rpb": -0.14}, {"rate": 0.1, "rpb": -0.12}]}}}
        ```
    Fix:
        Read the stem and key again for ambiguity, check the key, and check that the content
        was taught; rewrite or retire the item.
    """

    code = "QB921"
    options = (Option("too-hard-p", float, 0.3, "The difficulty index (p) below which an item is too hard.",
                      min=0.0, max=1.0),)

    def judge(self, item: BankItem, key: int, entry: dict, options: RuleOptions) -> Iterator[Diagnostic]:
        p = entry["p"]
        if p is not None and p < options.too_hard_p:
            yield bank_diagnostic(self, item, f"only {p:.0%} of {entry['n']} candidates answered correctly "
                                  f"(p = {p:.2f} < {options.too_hard_p:.2f}, from {entry.get('source', 'the store')}); "
                                  "check the key and the wording")
