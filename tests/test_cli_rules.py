"""`qbank rules`: every catalog rule is there with its code and name, each with a doc page."""

from __future__ import annotations

import json

CATALOG = {
    "QB001": "yaml-syntax", "QB002": "encoding", "QB003": "schema", "QB004": "duplicate-key",
    "QB005": "duplicate-id", "QB006": "missing-media", "QB101": "key-count", "QB105": "missing-rationale",
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
