"""Every rule documents itself, and its documented examples behave as documented."""

from __future__ import annotations

import pytest

from lintkit import SECTIONS, doc_sections, example, lint, lint_bank, split_documents
from qbank.diagnostics import Severity
from qbank.rules import all_rules
from qbank.rules.base import BankRule, Rule

RULES = list(all_rules().values())
CATALOG = {  # code -> name, from /work/shared/lint-rules.md (the public contract)
    "QB102": "option-count", "QB103": "duplicate-option", "QB104": "overlapping-options",
    "QB201": "stem-not-closed-question", "QB202": "unfocused-lead-in", "QB203": "negative-lead-in",
    "QB204": "qualifier-not-capitalized", "QB301": "all-of-the-above", "QB302": "none-of-the-above",
    "QB303": "combination-option", "QB304": "longest-option-is-key", "QB305": "option-length-spread",
    "QB306": "absolute-term-cue", "QB307": "vague-term-cue", "QB308": "stem-key-word-repeat",
    "QB309": "convergence-key", "QB310": "article-agreement-cue", "QB311": "numeric-options-unordered",
    "QB312": "nonparallel-options", "QB401": "weak-explanation", "QB402": "rationale-too-short",
    "QB403": "letter-reference", "QB501": "typography", "QB901": "key-position-skew",
    "QB902": "duplicate-stem", "QB903": "key-longest-rate", "QB904": "shared-option-set",
}
SEVERITY = {"QB103": "error", "QB301": "error", "QB303": "error", "QB305": "info", "QB307": "info",
            "QB309": "info", "QB312": "info", "QB501": "info", "QB904": "info"}


def test_every_catalog_rule_exists_with_its_public_name():
    assert {code: r.name for code, r in all_rules().items()} == CATALOG


def test_bank_rules_are_all_in_the_bank_package():
    from qbank.rules import bank_rules

    assert [r.code for r in bank_rules()] == [c for c, r in all_rules().items() if isinstance(r, BankRule)]
    assert all(type(r).__module__.startswith("qbank.rules.bank.") for r in bank_rules())


def test_bank_rules_load_without_item_rules_or_text_analysis():
    """A warm run that reruns a bank rule from cached summaries imports only the bank rules."""
    import subprocess
    import sys

    script = ("import sys; from qbank.rules import bank_rules; bank_rules(); "
              "print(sorted(m for m in sys.modules if m.startswith(('qbank.rules.', 'qbank.textkit'))))")
    loaded = eval(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout)
    assert all(m.startswith("qbank.rules.bank") or m == "qbank.rules.base" for m in loaded), loaded


def test_every_rule_class_is_the_one_the_code_registry_names():
    """codes.py says where each rule lives; no rule class in the package is missing from it."""
    import importlib
    import pkgutil

    import qbank.rules as package
    from qbank.codes import CODES

    for mod in pkgutil.walk_packages(package.__path__, "qbank.rules."):
        module = importlib.import_module(mod.name)
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Rule) and obj.__module__ == module.__name__ \
                    and "code" in obj.__dict__:
                assert CODES[obj.code].where == f"{obj.__module__}:{obj.__qualname__}", obj


def test_rule_modules_stay_small():
    """One module per rule or tight family: a reader finds a rule by its module."""
    from pathlib import Path

    import qbank.rules as package

    for path in Path(package.__path__[0]).rglob("*.py"):
        if path.name not in ("docs.py",):
            assert len(path.read_text("utf-8").splitlines()) <= 300, path


@pytest.mark.parametrize("code", sorted(CATALOG))
def test_default_severity_matches_the_catalog(code):
    assert all_rules()[code].severity.value == SEVERITY.get(code, "warning")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_docstring_has_every_section_in_order(rule):
    doc = doc_sections(rule)
    assert doc["summary"] and doc["summary"].endswith(".")
    for section in SECTIONS:
        assert doc.get(section[:-1]), f"{rule.code} lacks a non-empty '{section}' section"
    text = rule.__doc__
    positions = [text.index(f"\n    {s}\n") for s in SECTIONS]
    assert positions == sorted(positions)
    assert "H#" in doc["Why"] or "NBME" in doc["Why"] or "house rule" in doc["Why"] \
        or "shuffl" in doc["Why"] or "exam style" in doc["Why"]


def _run(rule, text: str):
    if isinstance(rule, BankRule):
        return lint_bank(text)
    return lint(text)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_fails_example_triggers_the_rule(rule):
    found = [d for d in _run(rule, example(rule, "Fails")) if d.code == rule.code]
    assert found, f"{rule.code}: the Fails example does not trigger the rule"
    for d in found:
        assert d.line >= 1 and d.column >= 1 and d.message and d.name == rule.name


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_passes_example_does_not_trigger_the_rule(rule):
    assert not [d for d in _run(rule, example(rule, "Passes")) if d.code == rule.code]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_passes_example_is_clean_at_warning_level(rule):
    """The good example is a well-written item: no rule at all warns about it."""
    text = example(rule, "Passes")
    docs = split_documents(text)
    diags = [d for t in docs for d in lint(t)] + lint_bank(docs)
    assert [(d.code, d.message) for d in diags if d.severity.rank >= Severity.WARNING.rank] == []


@pytest.mark.parametrize("rule", [r for r in RULES if r.code not in ("QB903",)], ids=lambda r: r.code)
def test_fails_example_shows_only_this_flaw(rule):
    """The bad example differs from a clean item by the one flaw it documents
    (QB903 is excluded: a bank whose keys are longest has QB304 on every item)."""
    text = example(rule, "Fails")
    docs = split_documents(text)
    diags = [d for t in docs for d in lint(t)] + lint_bank(docs)
    others = {d.code for d in diags if d.severity.rank >= Severity.WARNING.rank and d.code != rule.code}
    assert others == set() or rule.code == "QB310" and others <= {"QB201"}, others
