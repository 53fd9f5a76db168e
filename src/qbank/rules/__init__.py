"""The rule registry: every item and bank rule, by code."""

from __future__ import annotations

import importlib
from functools import lru_cache

from .base import BankRule, Rule

# The modules that define rules (a test checks that no rule module is missing here).
# Named rather than discovered: listing the package costs start-up time on every run.
RULE_MODULES = ("bank", "cues", "feedback", "options", "stem", "text", "typography")


@lru_cache(maxsize=1)
def all_rules() -> dict[str, Rule]:
    """One instance of every rule class defined in the rule modules, by code."""
    found: dict[str, Rule] = {}
    for name in RULE_MODULES:
        found.update(_rules_in(name))
    return dict(sorted(found.items()))


def _rules_in(name: str) -> dict[str, Rule]:
    module = importlib.import_module(f"{__name__}.{name}")
    return {obj.code: obj() for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, Rule) and obj not in (Rule, BankRule)
            and getattr(obj, "code", None) and obj.__module__ == module.__name__}


def item_rules() -> list[Rule]:
    return [r for r in all_rules().values() if r.scope == "item"]


@lru_cache(maxsize=1)
def bank_rules() -> list[BankRule]:
    """The bank rules, importing only their module: a warm run that reruns one needs no
    item rule (every bank rule lives in rules/bank.py; a test keeps it so)."""
    return [r for _, r in sorted(_rules_in("bank").items()) if isinstance(r, BankRule)]
