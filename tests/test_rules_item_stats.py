"""Bank rules from imported item statistics (QB920-QB924), run by `qbank lint` over a bank
whose qbank-stats.json holds the figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lintkit import lint_bank
from qbank import api
from qbank.analysis.store import STORE_NAME
from qbank.rules.base import RuleOptions
from qbank.rules.examples import BASE_ITEM

STATS = ("QB920", "QB921", "QB922", "QB923", "QB924")


def entry(p, rpb, rates, rpbs, n=200, upper_lower=0.3):
    return {"n": n, "p": p, "rpb": rpb, "upper_lower": upper_lower, "source": "results.csv",
            "imported": "2026-12-03", "options": [{"rate": r, "rpb": b} for r, b in zip(rates, rpbs)]}


GOOD = entry(0.6, 0.35, [0.6, 0.2, 0.12, 0.08], [0.35, -0.2, -0.15, -0.1])


def bank(tmp_path: Path, items: dict) -> Path:
    (tmp_path / "qbank.toml").write_text('name = "t"\n')
    (tmp_path / "q.yaml").write_text(BASE_ITEM)
    (tmp_path / STORE_NAME).write_text(json.dumps({"version": 1, "items": items, "forms": {}}))
    return tmp_path


def found(root: Path, **kw) -> list:
    return [d for d in api.lint([root], select=list(STATS), **kw).diagnostics if d.code in STATS]


def test_a_suspected_miskey_is_reported_at_the_distractor_that_draws_strong_candidates(tmp_path):
    root = bank(tmp_path, {"practice-sleep-001": entry(0.4, 0.1, [0.4, 0.35, 0.15, 0.1], [0.1, 0.32, -0.2, -0.3])})
    (d,) = [d for d in found(root) if d.code == "QB923"]
    option_b = BASE_ITEM.splitlines().index("  - text: Family history of psychiatric hospitalization") + 1
    assert (d.line, d.column) == (option_b, 5)
    assert "option B" in d.message and "0.32" in d.message and "0.10" in d.message


def test_a_distractor_chosen_by_under_5_percent_is_reported_at_its_option(tmp_path):
    root = bank(tmp_path, {"practice-sleep-001": entry(0.6, 0.35, [0.6, 0.3, 0.07, 0.03], [0.35, -0.2, -0.1, -0.1])})
    (d,) = found(root)
    last = BASE_ITEM.splitlines().index("  - text: Eligibility for a medication referral") + 1
    assert (d.code, d.line) == ("QB924", last) and "3.0%" in d.message


def test_too_easy_too_hard_and_negative_discrimination_are_reported_at_the_id(tmp_path):
    root = bank(tmp_path, {"practice-sleep-001": entry(0.2, -0.05, [0.2, 0.3, 0.3, 0.2], [-0.05, -0.1, -0.1, -0.1])})
    got = {d.code: d for d in found(root)}
    assert set(got) == {"QB921", "QB922"}
    assert got["QB921"].line == 1 and "20%" in got["QB921"].message
    assert "negatively" in got["QB922"].message


def test_below_the_minimum_sample_the_rules_stay_silent(tmp_path):
    bad = entry(0.2, -0.3, [0.2, 0.78, 0.01, 0.01], [-0.3, 0.4, 0.0, 0.0], n=29)
    root = bank(tmp_path, {"practice-sleep-001": bad})
    assert found(root) == []
    (tmp_path / "qbank.toml").write_text('name = "t"\n[lint.options]\nstats-min-n = 20\n')
    assert {d.code for d in found(root)} == {"QB921", "QB922", "QB923", "QB924"}


def test_thresholds_are_rule_options():
    text = [BASE_ITEM]
    stats = {"version": 1, "items": {"practice-sleep-001": GOOD}, "forms": {}}
    assert lint_bank(text, STATS, stats=stats) == []
    strict = RuleOptions(too_hard_p=0.7, min_rpb=0.4, nonfunctioning_rate=0.1)
    assert [d.code for d in lint_bank(text, STATS, strict, stats=stats)] == ["QB921", "QB922", "QB924"]


def test_a_new_import_reruns_the_rules_on_a_warm_cache(tmp_path):
    root = bank(tmp_path, {"practice-sleep-001": GOOD})
    assert found(root) == []
    too_hard = entry(0.1, 0.3, [0.1, 0.5, 0.2, 0.2], [0.3, -0.1, -0.1, -0.1])
    (tmp_path / STORE_NAME).write_text(json.dumps({"version": 1, "items": {"practice-sleep-001": too_hard}}))
    assert [d.code for d in found(root)] == ["QB921"]
    (tmp_path / STORE_NAME).unlink()
    assert found(root) == []


@pytest.mark.parametrize("store", ['{"version": 1, "items": {"practice-sleep-001": {"n": "many"}}}', "not json",
                                   '{"version": 2}', '[]'])
def test_a_store_qbank_cannot_read_gives_no_finding_and_no_crash(tmp_path, store):
    root = bank(tmp_path, {})
    (tmp_path / STORE_NAME).write_text(store)
    assert [d.code for d in api.lint([root]).diagnostics if d.code in STATS or d.code == "QB000"] == []


def test_an_item_edited_to_other_options_is_not_judged_option_by_option(tmp_path):
    three = entry(0.6, 0.1, [0.6, 0.39, 0.01], [0.1, 0.3, 0.0])
    root = bank(tmp_path, {"practice-sleep-001": three})
    assert [d.code for d in found(root)] == ["QB922"]


def test_items_without_statistics_are_not_judged(tmp_path):
    root = bank(tmp_path, {"another-item": entry(0.1, -0.5, [0.1, 0.9], [-0.5, 0.5])})
    assert found(root) == []


def test_an_item_can_keep_a_finding_as_intended_with_a_suppression(tmp_path):
    easy = entry(0.98, 0.2, [0.98, 0.01, 0.005, 0.005], [0.2, -0.1, -0.1, -0.1])
    root = bank(tmp_path, {"practice-sleep-001": easy})
    assert [d.code for d in found(root)] == ["QB920"]
    (tmp_path / "q.yaml").write_text(BASE_ITEM + 'lint:\n  ignore: {QB920: "a check of essential knowledge"}\n')
    assert found(root) == []
    assert not [d for d in api.lint([root]).diagnostics if d.code == "QB007"]  # the suppression is used
