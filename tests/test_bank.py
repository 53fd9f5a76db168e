"""The bundled LCSW bank: big enough, balanced, and clean under every rule."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from conftest import REPO

from qbank.engine import load_bank

# One complete practice form for the 2026 ASWB Clinical outline (issue #15): 122 items in the
# outline's proportions (35/33/32 %), one folder per domain, named like the item's `domain` field.
DOMAINS = {"values-ethics": 43, "assessment-planning": 40, "intervention-practice": 39}


def _by_domain_folder():
    """The questions of each domain folder present in bank/ (each writer's folder arrives on its own)."""
    bank = load_bank([REPO / "bank"], use_cache=False)
    assert not bank.diagnostics, bank.diagnostics
    folders = {}
    for q in bank.questions:
        folder = Path(q.path).resolve().relative_to((REPO / "bank").resolve()).parts[0]
        if folder in DOMAINS:
            folders.setdefault(folder, []).append(q)
    assert "values-ethics" in folders
    return folders


def test_each_domain_folder_holds_its_share_of_a_122_item_form():
    assert sum(DOMAINS.values()) == 122
    for folder, questions in _by_domain_folder().items():
        assert len(questions) == DOMAINS[folder], folder
        assert {q.fields.get("domain") for q in questions} == {folder}
        assert all(q.fields.get("cognitive-level") for q in questions), folder
        assert all(q.status == "approved" for q in questions), folder


def test_domain_items_have_three_options_rationales_and_an_explanation():
    for questions in _by_domain_folder().values():
        for q in questions:
            assert len(q.options) == 3, q.id
            assert len(q.explanation.split()) >= 20, q.id
            assert all(o.rationale and o.rationale.strip() for _, o in q.distractors), q.id
            assert q.references and q.topic and q.difficulty, q.id


def test_domain_items_ask_mostly_for_application_not_recall():
    for folder, questions in _by_domain_folder().items():
        levels = Counter(q.fields["cognitive-level"] for q in questions)
        assert levels["recall"] <= 0.3 * len(questions), (folder, levels)


def test_keys_are_spread_evenly_over_a_to_c_in_each_domain():
    for folder, questions in _by_domain_folder().items():
        positions = Counter(q.key_letter for q in questions)
        assert set(positions) == set("ABC"), folder
        assert max(positions.values()) - min(positions.values()) <= 1, (folder, positions)


def test_the_court_ordered_therapy_item():
    bank = load_bank([REPO / "bank"], use_cache=False)
    court = [q for q in bank.questions if "court" in q.stem.lower() and "FIRST" in q.stem]
    assert court, "the court-ordered-therapy item is missing"
    key = court[0].key.text.lower()
    assert "contact" in key or "discuss" in key or "reach out" in key
    distractors = " ".join(o.text.lower() for _, o in court[0].distractors)
    assert "document" in distractors and "court" in distractors and "reschedul" in distractors


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
