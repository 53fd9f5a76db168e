"""Suppressions cannot silence an always-on check (codes.py decides which those are)."""

from __future__ import annotations

import json

from conftest import GOOD, write

from qbank import suppress
from qbank.diagnostics import Diagnostic, Severity, error


def test_an_always_on_check_is_never_silenced():
    found = error("q.yaml", 12, 5, "QB101", "two keys")
    sups = suppress.from_comments("options:  # qbank: disable=QB101 the second key is on purpose\n")
    kept = suppress.apply("q.yaml", [found], sups)
    assert kept[0] == found
    assert [(d.code, d.message) for d in kept[1:]] == [
        ("QB007", "QB101 is a file or schema error and cannot be suppressed; fix it instead")]


def test_a_lint_finding_is_silenced_and_an_unknown_code_reported():
    finding = Diagnostic("q.yaml", 1, 1, "QB304", "longest-option-is-key", Severity.WARNING, "long key")
    sups = suppress.from_comments("stem: x  # qbank: disable=QB304,QB399 the key must be long\n")
    kept = suppress.apply("q.yaml", [finding], sups)
    assert [(d.code, d.message) for d in kept] == [
        ("QB007", "comment names unknown rule code QB399; see `qbank rules`")]


def test_suppressing_a_schema_check_is_reported_through_lint(cli, bank):
    text = GOOD.format(id="q1") + "lint:\n  ignore:\n    QB105: kept as published\n"
    write(bank, "q.yaml", text)
    out = json.loads(cli("lint", bank, "--format", "json", "--no-cache").output)
    assert [(d["code"], d["message"]) for d in out] == [
        ("QB007", "QB105 is a file or schema error and cannot be suppressed; fix it instead")]
