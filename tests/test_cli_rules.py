"""`qbank rules`: every catalog rule is there with its code and name, each with a doc page."""

from __future__ import annotations

import json

from test_rule_docs import CATALOG as LINT_RULES

from qbank.diagnostics import FILE_RULES

CATALOG = {**FILE_RULES, **LINT_RULES}  # every code and name in the catalog (lint-rules.md)


def test_every_catalog_rule_is_listed_with_its_name(cli):
    listed = {r["code"]: r["name"] for r in json.loads(cli("rules", "--format", "json").output)}
    for code, name in CATALOG.items():
        assert listed.get(code) == name, code


def test_one_rule_page(cli):
    out = cli("rules", "qb304").output
    assert out.startswith("QB304 longest-option-is-key (default severity: warning)")
    for section in ("What it flags:", "Why:", "Fails:", "Passes:", "Fix:"):
        assert section in out


def test_unknown_rule_is_a_usage_error(cli):
    assert cli("rules", "QB999").exit_code == 2


def test_rule_pages_in_docs_are_up_to_date(tmp_path):
    """docs/rules/ is generated from the docstrings; regenerate it when a rule changes."""
    from conftest import REPO

    from qbank.rules.docs import write_pages

    for page in write_pages(tmp_path):
        committed = REPO / "docs" / "rules" / page.name
        assert committed.read_text("utf-8") == page.read_text("utf-8"), (
            f"{committed} is stale: run `python -m qbank.rules.docs docs/rules`")
