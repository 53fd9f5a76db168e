"""The lint rules: every item and bank rule, by code, found through the code registry
(codes.py names each rule's "module:Class"), so nothing here lists modules by hand and only
the modules a run needs are imported."""

from __future__ import annotations

import importlib
from functools import lru_cache

from .. import codes
from . import base
from .base import BankRule, Option, Rule


@lru_cache(maxsize=1)
def all_rules() -> dict[str, Rule]:
    """One instance of every lint rule in the registry, by code (in code order)."""
    return {entry.code: _rule_class(entry)() for entry in codes.lint_rules()}


@lru_cache(maxsize=1)  # asked once per checked file
def item_rules() -> list[Rule]:
    return [r for r in all_rules().values() if r.scope == "item"]


@lru_cache(maxsize=1)
def bank_rules() -> list[BankRule]:
    """The bank rules, importing only their modules: a warm run that reruns one needs no
    item rule."""
    return [_rule_class(entry)() for entry in codes.lint_rules("bank")]


@lru_cache(maxsize=1)  # asked once per checked file
def summarizers() -> list[BankRule]:
    """The bank rules that summarize each file: those that share another's summary do not."""
    return [r for r in bank_rules() if codes.summary_code(r.code) == r.code]


def declared_options() -> dict[str, tuple[str, Option]]:
    """Every option of every rule, by its qbank.toml name: (rule code, Option)."""
    all_rules()  # importing each rule module declares its options
    return base.loaded_options()


def _rule_class(entry: codes.Code) -> type[Rule]:
    module, _, name = entry.where.partition(":")
    cls = getattr(importlib.import_module(module), name, None)
    if not (isinstance(cls, type) and issubclass(cls, Rule) and cls.__dict__.get("code") == entry.code):
        raise LookupError(f"codes.py places {entry.code} at {entry.where}, which is not a rule class with that code")
    return cls
