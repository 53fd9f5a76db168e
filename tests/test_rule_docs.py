"""Every rule documents itself, and its documented examples behave as documented."""

from __future__ import annotations

import pytest

from lintkit import SECTIONS, doc_sections, example, example_questions, example_stats, lint, lint_bank
from qbank.diagnostics import Severity
from qbank.rules import all_rules
from qbank.rules.base import BankRule, Rule
from qbank.rules.examples import BASE_ITEM, example_items, top_level_blocks

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
SEVERITY = {"QB103": "error", "QB204": "info", "QB301": "error", "QB303": "error", "QB305": "info",
            "QB307": "info", "QB309": "info", "QB312": "info", "QB501": "info", "QB902": "info", "QB904": "info"}


def test_every_catalog_rule_exists_with_its_public_name():
    # The catalog is the public contract: each of its rules exists under its name (a bank may
    # have more rules than the catalog: CONTRIBUTING.md's recipe adds one).
    rules = all_rules()
    assert {code: rules[code].name for code in CATALOG if code in rules} == CATALOG


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


def test_rule_modules_and_text_analysis_stay_small():
    """One module per rule or tight family, and one per kind of text analysis: a reader
    finds a rule by its module and reads it whole."""
    import importlib
    from pathlib import Path

    import qbank.textkit
    from qbank.codes import lint_rules

    rule_modules = {entry.where.partition(":")[0] for entry in lint_rules()}
    files = [Path(importlib.import_module(name).__file__) for name in rule_modules]
    files += Path(qbank.textkit.__file__).parent.glob("*.py")
    sizes = {path.name: len(path.read_text("utf-8").splitlines()) for path in files}
    assert {name: n for name, n in sizes.items() if n > 300} == {}


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
        or "shuffl" in doc["Why"] or "exam style" in doc["Why"] or "Item analysis" in doc["Why"]


def _run(questions: list[str], options=None, stats: dict | None = None):
    """Every finding of every rule on the questions of an example (a bank of them), with the
    options the rule's examples need (``example_options``: a blueprint for QB910), else the defaults,
    and the statistics store the example gives (rules from item statistics)."""
    return [d for t in questions for d in lint(t, options=options)] + lint_bank(questions, options=options, stats=stats)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_fails_example_shows_exactly_this_flaw(rule):
    """The bad example triggers the rule, and no other rule at all: it differs from a clean
    item by the one flaw it documents."""
    found = _run(example_questions(rule, "Fails"), getattr(rule, "example_options", None), example_stats(rule, "Fails"))
    mine = [d for d in found if d.code == rule.code]
    assert mine, f"{rule.code}: the Fails example does not trigger the rule"
    for d in mine:
        assert d.line >= 1 and d.column >= 1 and d.message and d.name == rule.name
    assert [(d.code, d.message) for d in found if d.code != rule.code] == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_passes_example_does_not_trigger_the_rule_and_is_clean(rule):
    """The good example is a well-written item: this rule is silent and no rule warns."""
    found = _run(example_questions(rule, "Passes"), getattr(rule, "example_options", None),
                 example_stats(rule, "Passes"))
    assert [d.message for d in found if d.code == rule.code] == []
    assert [(d.code, d.message) for d in found if d.severity.rank >= Severity.WARNING.rank] == []


def test_the_base_item_is_clean():
    assert _run([BASE_ITEM]) == []


def test_an_example_replaces_whole_top_level_keys_of_the_base_item():
    from qbank.loader import load

    fragment = """\
    options:
      - text: Keep a sleep diary for two weeks
        correct: true
      - text: Start a sleep medication
        rationale: Too early.
    topic: Sleep
    """
    (item,) = example_items(fragment)
    got = load("q.yaml", item.encode())[0].data
    base = load("q.yaml", BASE_ITEM.encode())[0].data
    assert got["options"] == [{"text": "Keep a sleep diary for two weeks", "correct": True},
                              {"text": "Start a sleep medication", "rationale": "Too early."}]
    assert {k: got[k] for k in base if k != "options"} == {k: v for k, v in base.items() if k != "options"}
    assert list(got) == [*base, "topic"] and got["topic"] == "Sleep"


def test_a_bank_example_is_one_fragment_per_question():
    first, second = example_items("id: practice-sleep-001\n---\nid: practice-sleep-002\n")
    assert first == BASE_ITEM and second == BASE_ITEM.replace("practice-sleep-001", "practice-sleep-002")


@pytest.mark.parametrize("rule", [r for r in RULES if not isinstance(r, BankRule)], ids=lambda r: r.code)
def test_item_examples_give_only_what_they_change(rule):
    """An item rule's Fails example changes each key it gives, and its Passes example gives
    only keys the Fails example changed: the docs show the flaw and its fix, nothing else."""
    base = top_level_blocks(BASE_ITEM)
    fails, passes = (top_level_blocks(example(rule, s)) for s in ("Fails", "Passes"))
    assert [k for k, v in fails.items() if base.get(k) == v] == []
    assert set(passes) <= set(fails)
