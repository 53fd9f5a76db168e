"""The rule registry: every item and bank rule, by code."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from .base import BankRule, Rule


@lru_cache(maxsize=1)
def all_rules() -> dict[str, Rule]:
    """One instance of every rule class defined in the modules of this package, by code."""
    found: dict[str, Rule] = {}
    for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if mod.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{mod.name}")
        for obj in vars(module).values():
            if (isinstance(obj, type) and issubclass(obj, Rule) and obj not in (Rule, BankRule)
                    and getattr(obj, "code", None) and obj.__module__ == module.__name__):
                found[obj.code] = obj()
    return dict(sorted(found.items()))


def item_rules() -> list[Rule]:
    return [r for r in all_rules().values() if r.scope == "item"]


def bank_rules() -> list[BankRule]:
    return [r for r in all_rules().values() if isinstance(r, BankRule)]
