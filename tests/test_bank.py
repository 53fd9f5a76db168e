"""The bundled LCSW bank: big enough, balanced, and clean under every rule."""

from __future__ import annotations

import json
from collections import Counter

from conftest import REPO

from qbank.engine import load_bank

# The bank is one practice form for the ASWB Clinical outline effective August 2026 (issue #15):
# one folder per domain, holding that domain's share of the 122 items.
DOMAINS = {"values-ethics": 43, "assessment-planning": 40, "intervention-practice": 39}


def _domain_banks():
    """Each domain folder already in the bank, loaded on its own (folders arrive one writer at a time)."""
    folders = [d for d in DOMAINS if (REPO / "bank" / d).is_dir()]
    assert folders, "no domain folder in bank/"
    return [(d, load_bank([REPO / "bank" / d], use_cache=False)) for d in folders]


def test_bank_has_thirty_plus_questions_and_loads_cleanly():
    bank = load_bank([REPO / "bank"], use_cache=False)
    assert not bank.diagnostics, bank.diagnostics
    assert len(bank.questions) >= 30


def test_each_domain_folder_holds_its_share_of_the_form_mostly_beyond_recall():
    for domain, bank in _domain_banks():
        assert not bank.diagnostics, bank.diagnostics
        assert len(bank.questions) == DOMAINS[domain], domain
        assert {q.fields.get("domain") for q in bank.questions} == {domain}
        levels = Counter(q.fields.get("cognitive-level") for q in bank.questions)
        assert set(levels) <= {"recall", "application", "reasoning"}, levels
        assert levels["recall"] <= 0.3 * len(bank.questions), (domain, levels)


def test_every_domain_question_has_an_explanation_and_rationales_and_three_options():
    for _, bank in _domain_banks():
        for q in bank.questions:
            assert len(q.options) == 3, q.id
            assert len(q.explanation.split()) >= 20, q.id
            assert all(o.rationale and o.rationale.strip() for _, o in q.distractors), q.id
            assert q.references and q.difficulty and q.status == "approved", q.id


def test_keys_are_spread_evenly_over_a_to_c_in_each_domain():
    for domain, bank in _domain_banks():
        positions = Counter(q.key_letter for q in bank.questions)
        assert set(positions) == set("ABC"), domain
        assert max(positions.values()) - min(positions.values()) <= 1, (domain, positions)


def test_the_court_ordered_therapy_item():
    bank = load_bank([REPO / "bank"], use_cache=False)
    court = [q for q in bank.questions if "court" in q.stem.lower() and "FIRST" in q.stem]
    assert court, "the court-ordered-therapy item is missing"
    key = court[0].key.text.lower()
    assert "contact" in key or "discuss" in key or "reach out" in key
    distractors = " ".join(o.text.lower() for _, o in court[0].distractors)
    # Three options since issue #15: reporting to the court stays; one of the two "do something
    # else first" distractors (document, reschedule) was dropped as the weaker.
    assert "court" in distractors and ("document" in distractors or "reschedul" in distractors)


def test_bank_lints_clean_at_warning_level(cli):
    result = cli("lint", REPO / "bank", "--strict", "--no-cache", "--format", "json")
    findings = json.loads(result.output)
    assert [f for f in findings if f["severity"] != "info"] == [], findings
    assert result.exit_code == 0


def test_well_written_items_from_other_subjects_lint_clean(cli):
    folder = REPO / "tests" / "fixtures" / "wellwritten"
    assert len(list(folder.rglob("*.yaml"))) >= 20
    result = cli("lint", folder, "--strict", "--no-cache", "--format", "json")
    findings = json.loads(result.output)
    assert [f for f in findings if f["severity"] != "info"] == [], findings


def test_bank_is_in_canonical_layout(cli):
    result = cli("fmt", "--check", REPO / "bank")
    assert result.exit_code == 0, result.output
