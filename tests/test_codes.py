"""One registry of codes (codes.py): every name, severity and always-on flag comes from it."""

from __future__ import annotations

import importlib.util
import inspect

import pytest

from test_rule_docs import CATALOG

from qbank import codes
from qbank.codes import CODES
from qbank.diagnostics import FILE_RULES, Severity, error, internal_error, refused
from qbank.rules import all_rules, bank_rules
from qbank.rules.base import BankRule, Rule

FILE_CHECKS = {"QB001": "yaml-syntax", "QB002": "encoding", "QB003": "schema", "QB004": "duplicate-key",
               "QB005": "duplicate-id", "QB006": "missing-media", "QB101": "key-count",
               "QB105": "missing-rationale"}  # lint-rules.md, "Schema and file errors"


def test_the_registry_holds_the_catalog_and_qbanks_own_reports():
    lint = {c.code: c.name for c in codes.lint_rules()}
    assert {code: lint.get(code) for code in CATALOG} == CATALOG
    assert FILE_RULES == FILE_CHECKS
    own = {c.code: c.name for c in CODES.values() if c.kind == "qbank"}
    assert own == {"QB000": "internal-error", "QB007": "suppression", "QB008": "config", "QB009": "rewrite-refused",
                   "QB010": "package-invalid", "QB011": "export-lossy",
                   "QB012": "import-unsupported", "QB013": "import-malformed", "QB014": "import-conflict",
                   "QB015": "import-refused",
                   "QB020": "area-overlap", "QB021": "form-infeasible", "QB022": "form-invalid",
                   "QB025": "stats-import-malformed", "QB026": "stats-matched-by-text", "QB027": "stats-unknown-item",
                   "QB028": "stats-unknown-answer", "QB029": "stats-store-invalid",
                   "QB030": "site-stats-stale", "QB031": "math-unrendered"}
    assert list(CODES) == sorted(CODES)


def test_file_checks_and_qbanks_own_reports_are_always_on():
    assert {c.code for c in CODES.values() if c.always_on} == FILE_CHECKS.keys() | {"QB000", "QB007", "QB008", "QB009", "QB010",
                                                                                   "QB011", "QB012", "QB013", "QB014", "QB015",
                                                                                   "QB020", "QB021", "QB022",
                                                                                   "QB025", "QB026", "QB027", "QB028", "QB029",
                                                                                   "QB030", "QB031"}
    assert codes.always_on("QB101") and not codes.always_on("QB102") and not codes.always_on("QB999")


@pytest.mark.parametrize("entry", codes.lint_rules(), ids=lambda c: c.code)
def test_every_lint_entry_is_a_rule_class_that_agrees_with_it(entry):
    rule = all_rules()[entry.code]
    assert f"{type(rule).__module__}:{type(rule).__qualname__}" == entry.where
    assert (rule.code, rule.name, rule.severity.value, rule.scope) == (entry.code, entry.name, entry.severity, entry.kind)
    assert inspect.cleandoc(rule.__doc__).split("\n", 1)[0] == entry.summary


def test_bank_rules_are_the_bank_entries():
    assert [r.code for r in bank_rules()] == [c.code for c in codes.lint_rules("bank")]
    assert all(isinstance(r, BankRule) for r in bank_rules())


@pytest.mark.parametrize("entry", [c for c in CODES.values() if c.kind not in ("item", "bank")], ids=lambda c: c.code)
def test_every_check_names_a_module_that_exists(entry):
    assert importlib.util.find_spec(entry.where) is not None


def test_a_rule_class_takes_its_name_and_severity_from_the_registry():
    class Terse(Rule):
        code = "QB305"

    assert (Terse.name, Terse.severity) == ("option-length-spread", Severity.INFO)


@pytest.mark.parametrize("attrs", [{"name": "length-spread"}, {"severity": Severity.ERROR}, {"scope": "bank"}])
def test_a_rule_class_that_disagrees_with_the_registry_is_refused(attrs):
    with pytest.raises(TypeError, match="QB305"):
        type("Wrong", (Rule,), {"code": "QB305", **attrs})


def test_a_rule_outside_the_registry_must_name_itself():
    with pytest.raises(TypeError, match="QB998"):
        type("Anonymous", (Rule,), {"code": "QB998"})
    named = type("Named", (Rule,), {"code": "QB998", "name": "named", "severity": Severity.INFO})
    assert named.name == "named"


def test_diagnostics_for_a_code_carry_its_registered_name():
    assert error("q.yaml", 3, 5, "QB101", "two keys").name == "key-count"
    crash = internal_error("q.yaml", "boom")
    assert (crash.code, crash.name, crash.severity, crash.line, crash.column) == ("QB000", "internal-error", Severity.ERROR, 1, 1)
    kept = refused("q.yaml", "anchors", line=4, column=2)
    assert (kept.code, kept.name, kept.line, kept.column) == ("QB009", "rewrite-refused", 4, 2)


def test_near_codes_are_one_slip_away_and_names_point_to_their_code():
    assert [c.code for c in codes.near("QB340")] == ["QB304", "QB310"]
    assert [c.code for c in codes.near("qb1o2")] == ["QB102"]
    assert codes.near("QB777") == []
    assert [c.code for c in codes.near("option-count")] == ["QB102"]
    assert [c.code for c in codes.near("longest-option")] == ["QB304"]


def test_a_bank_rule_shares_only_a_summary_made_the_same_way():
    rules = {r.code: r for r in bank_rules()}
    for code, owner in codes.SHARED_SUMMARIES.items():
        assert codes.summary_code(owner) == owner  # one step: the owner summarizes itself
        assert type(rules[code]).summarize is type(rules[owner]).summarize
        assert rules[code].needs == rules[owner].needs
