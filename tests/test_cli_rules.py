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


def test_a_rule_page_lists_its_options_and_fix_safety(cli):
    out = cli("rules", "QB102").output
    assert "Options:\n    Set in `qbank.toml` under `[lint.options]` (or `[lint.options.QB102]`):\n" in out
    assert "    - `min-options` (integer, default 3, from 2 to 26): The fewest options an item may have.\n" in out
    assert "Fix safety:\n    None: fix it by hand (see Fix).\n" in out
    assert "Fix safety:\n    Safe: `qbank lint --fix` applies it." in cli("rules", "QB311").output
    markdown = cli("rules", "QB308", "--format", "markdown").output
    assert "## Options\n" in markdown and "- `stem-stoplist` (list of strings, default []): " in markdown


def test_always_on_checks_say_so(cli):
    assert "Always on:\n    It cannot be suppressed or given another severity." in cli("rules", "QB101").output
    assert "Always on:" not in cli("rules", "QB102").output


def test_json_carries_options_fix_safety_and_the_registry_facts(cli):
    rows = {r["code"]: r for r in json.loads(cli("rules", "--format", "json").output)}
    assert rows["QB102"]["options"][:2] == [
        {"name": "min-options", "type": "integer", "default": 3, "min": 2, "max": 26, "choices": [],
         "help": "The fewest options an item may have."},
        {"name": "max-options", "type": "integer", "default": 5, "min": 2, "max": 26, "choices": [],
         "help": "The most options an item may have."}]
    assert rows["QB311"]["fix_safety"] == "safe" and rows["QB102"]["fix_safety"] is None
    assert (rows["QB101"]["always_on"], rows["QB101"]["kind"], rows["QB902"]["kind"]) == (True, "file", "bank")
    assert rows["QB304"]["url"].endswith("/docs/rules/QB304.md")
    one = json.loads(cli("rules", "QB308", "--format", "json").output)
    assert one["options"][0]["name"] == "stem-stoplist" and one["doc"].startswith("A stem word repeated")


def test_rule_pages_say_their_examples_change_the_base_item_and_how_to_see_it(cli):
    from qbank.rules.examples import BASE_ITEM

    out = cli("rules", "QB304").output
    assert ("Fails:\n    The examples give only the keys they change in the base item practice-sleep-001\n"
            "    (`qbank rules --base-item` prints it); `options` replaces the whole list.\n    ```yaml\n") in out
    assert "Each question of a bank example" in " ".join(cli("rules", "QB902").output.split())
    markdown = cli("rules", "QB304", "--format", "markdown").output
    assert "## Fails\n\nThe examples give only the keys they change in the [base item](README.md#the-base-item)" in markdown
    assert "base item" not in cli("rules", "QB003").output  # its example is not a lint rule's
    assert cli("rules", "--base-item").output == BASE_ITEM
    assert json.loads(cli("rules", "--base-item", "--format", "json").output) == {
        "id": "practice-sleep-001", "yaml": BASE_ITEM}
    assert cli("rules", "QB304", "--base-item").exit_code == 2


def test_the_rules_index_prints_the_base_item_once():
    from conftest import REPO

    from qbank.rules.examples import BASE_ITEM

    index = (REPO / "docs" / "rules" / "README.md").read_text("utf-8")
    assert index.count(BASE_ITEM) == 1 and "\n## The base item\n" in index
