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


def _found(cli, bank) -> list[tuple[str, int, str]]:
    out = json.loads(cli("lint", bank, "--format", "json", "--no-cache").output)
    return [(d["code"], d["line"], d["message"]) for d in out]


def test_disable_file_of_a_schema_check_in_a_file_with_that_error_says_it_cannot_be_suppressed(cli, bank):
    write(bank, "q.yaml", "# qbank: disable-file=QB003 legacy layout\n" + GOOD.format(id="q1") + "extra: 1\n")
    found = _found(cli, bank)
    assert ("QB007", 1, "QB003 is a file or schema error and cannot be suppressed; fix it instead") in found
    assert "QB003" in [code for code, _, _ in found]  # and the error still stands
    assert not any("unknown rule code" in m for _, _, m in found)


def test_disabling_a_missing_rationale_is_reported_where_the_rationale_is_missing(cli, bank):
    text = GOOD.format(id="q1").replace(
        "  - text: Early childhood attachment patterns\n    rationale: Too distant from a problem that began with a recent life change.\n",
        "  # qbank: disable=QB105 the answer is obviously wrong\n  - text: Early childhood attachment patterns\n")
    write(bank, "q.yaml", text)
    found = _found(cli, bank)
    assert [c for c, _, _ in found] == ["QB007", "QB105"]
    assert found[0][2] == "QB105 is a file or schema error and cannot be suppressed; fix it instead"


def test_a_lint_suppression_in_a_file_with_errors_is_not_called_unused(cli, bank):
    # the rules do not run on a file with errors, so nothing can be said about what it silences
    write(bank, "q.yaml", "# qbank: disable-file=QB304 the key is long\n" + GOOD.format(id="q1") + "extra: 1\n")
    assert [c for c, _, _ in _found(cli, bank)] == ["QB003"]


def test_an_unused_suppression_says_where_the_finding_is(cli, bank):
    text = GOOD.format(id="q1").replace("explore FIRST?", "explore first?")  # QB204 on the lead-in line
    lines = text.splitlines(keepends=True)
    lead = next(i for i, line in enumerate(lines) if "explore first?" in line) + 1
    text = text.replace("options:\n", "options:  # qbank: disable=QB204 as published\n")
    write(bank, "q.yaml", text)
    (qb007,) = [(line, m) for c, line, m in _found(cli, bank) if c == "QB007"]
    options_line = lead + 1
    assert qb007 == (options_line, f"suppression of QB204 silences nothing on line {options_line}: QB204 is "
                                   f"reported at line {lead}; move the comment to the end of that line or alone "
                                   "on the line above it")


def test_an_unused_suppression_says_when_the_file_has_no_such_finding(cli, bank):
    write(bank, "q.yaml", GOOD.format(id="q1") + "lint:\n  ignore:\n    QB304: the key is long on purpose\n")
    (qb007,) = [m for c, _, m in _found(cli, bank) if c == "QB007"]
    assert qb007 == "suppression of QB304 silences nothing: this file has no QB304 finding; remove it"
