"""Every rule threshold a bank may need to tune is an option in qbank.toml: each one, set in a
bank's qbank.toml, changes what `qbank lint` reports (and nothing is left hard-coded)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qbank import api
from qbank.rules import all_rules, declared_options
from qbank.rules.examples import BASE_ITEM, example_item, example_items
from qbank.rules.docs import section


def findings(bank: Path, code: str, toml: str | None = None, cache: bool = False) -> list[str]:
    """The messages of ``code`` in a lint of ``bank``, with ``toml`` as its [lint.options]."""
    config = bank / "qbank.toml"
    if toml is None:
        config.unlink(missing_ok=True)
    else:
        config.write_text(f"[lint.options]\n{toml}\n", encoding="utf-8")
    result = api.lint([str(bank)], select=code, jobs=1, cache=cache)
    assert not [d for d in result.diagnostics if d.code == "QB008"], result.diagnostics
    return [d.message for d in result.diagnostics if d.code == code]


def write_bank(bank: Path, texts: list[str]) -> Path:
    for i, text in enumerate(texts):
        (bank / f"q{i:03d}.yaml").write_text(text, encoding="utf-8")
    return bank


def rule_example(code: str, which: str) -> list[str]:
    """The questions of a rule's documented Fails or Passes example."""
    doc = all_rules()[code].__doc__
    block = doc.split(f"{which}:", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]
    return [t.replace("id: practice-sleep-001  # the base item", "id: practice-sleep-001") for t in
            example_items(block)]


def varied(n: int, fragment: str = "") -> list[str]:
    """``n`` questions over the base item whose stems differ (different clients and jobs)."""
    out = []
    for i in range(n):
        stem = (f"A client aged {20 + i} reports trouble sleeping since starting job number {i} in town {i * 7}.\n"
                "  What should the social worker explore FIRST?")
        out.append(example_item(f"id: q-{i:03d}\nstem: |\n  {stem}\n{fragment}"))
    return out


OPTIONS_WITH_A_SHARED_WORD = """\
options:
  - text: Recent changes in the client's daily routine
    correct: true
    rationale: Routine changes are a common, modifiable cause of new sleep problems.
  - text: Family history of psychiatric hospitalization
    rationale: Useful later, but it does not address the recent onset tied to the job.
  - text: Early childhood attachment patterns
    rationale: Too distant from a problem that began with a recent life change.
  - text: Recent conflicts at home
    rationale: Home life did not change with the job, so it is the wrong place to look.
"""

KEY_A_THIRD_LONGER = """\
options:
  - text: Recent changes in the client's daily routine and sleep habits
    correct: true
    rationale: Routine changes are a common, modifiable cause of new sleep problems.
  - text: Family history of psychiatric hospitalization
    rationale: Useful later, but it does not address the recent onset tied to the job.
  - text: Early childhood attachment patterns
    rationale: Too distant from a problem that began with a recent life change.
"""


def test_explanation_min_words(bank):
    write_bank(bank, [BASE_ITEM])  # an explanation of 28 words, 16 besides the key's and filler
    assert findings(bank, "QB401") == []
    assert findings(bank, "QB401", "explanation-min-words = 30") == [
        'the explanation ("The problem began with the new job, so…") has 16 words besides verdicts, links and '
        "the key's own words; say why the key is right in at least 30 such words"]


def test_rationale_min_words(bank):
    write_bank(bank, [BASE_ITEM])
    assert findings(bank, "QB402") == []
    found = findings(bank, "QB402", "rationale-min-words = 13")
    assert found[0] == ('the rationale of option 1 ("Routine changes are a common, modifiabl…") has 6 words '
                        "besides verdicts, links and the option's own words; say why this option is right in "
                        "at least 13 such words")
    assert len(found) == 4  # every rationale of the base item


def test_option_similarity(bank):
    write_bank(bank, [example_item(OPTIONS_WITH_A_SHARED_WORD)])
    assert findings(bank, "QB104") == []
    (found,) = findings(bank, "QB104", "option-similarity = 0.1")
    assert found.startswith("option 4 and option 1 share 17% of their content words")


def test_longest_option_ratio_and_min_chars(bank):
    write_bank(bank, [example_item(KEY_A_THIRD_LONGER)])  # 1.4 times and 16 characters longer
    assert findings(bank, "QB304") == []
    assert findings(bank, "QB304", "longest-option-ratio = 1.3\nlongest-option-min-chars = 10") == [
        "the key is 1.4x longer than any distractor (61 vs 45 characters); shorten it or lengthen the distractors"]
    assert findings(bank, "QB304", "longest-option-ratio = 1.3") == []  # 16 < 20 characters


def test_length_spread_ratio_and_min_words(bank):
    write_bank(bank, rule_example("QB305", "Fails"))  # 13 words against 4
    assert len(findings(bank, "QB305")) == 1
    assert findings(bank, "QB305", "length-spread-ratio = 4.0") == []
    assert findings(bank, "QB305", "length-spread-min-words = 10") == []


def test_convergence_min_shared(bank):
    write_bank(bank, rule_example("QB309", "Fails"))
    assert len(findings(bank, "QB309")) == 1
    assert findings(bank, "QB309", "convergence-min-shared = 20") == []


def test_key_run_length(bank):
    write_bank(bank, varied(3, "shuffle: false"))  # every key is option A, kept in that place
    assert findings(bank, "QB901") == []
    assert findings(bank, "QB901", "key-run-length = 3") == [
        f"this is the 3rd question in a row keyed A (from {bank / 'q000.yaml'}); move some keys to other positions"]
    assert len(findings(bank, "QB901", "key-run-length = 2")) == 1  # one run, reported once (at its 2nd)


@pytest.mark.parametrize("setting", ["key-longest-min-items = 6", "key-longest-margin = 0.9", "key-longest-z = 5.0"])
def test_key_longest_thresholds(bank, setting):
    write_bank(bank, rule_example("QB903", "Fails"))  # 5 questions, 4 keyed longest
    assert len(findings(bank, "QB903")) == 1
    assert findings(bank, "QB903", setting) == []


def test_shared_set_min(bank):
    write_bank(bank, rule_example("QB904", "Fails"))  # one option set in 3 questions
    assert len(findings(bank, "QB904")) == 1
    assert findings(bank, "QB904", "shared-set-min = 4") == []


def test_shared_distractor_thresholds(bank):
    keys = ["Changes in the client's work schedule", "Recent changes in the client's daily routine",
            "The hours of the client's new job"]
    texts = varied(3)
    for i, key in enumerate(keys):  # three option sets, one set of distractors
        texts[i] = texts[i].replace("Recent changes in the client's daily routine", key)
    write_bank(bank, texts)
    assert findings(bank, "QB904") == []  # 3 questions: under the 20 a bank needs
    few = "shared-distractor-min-items = 3"
    assert len(findings(bank, "QB904", few)) == 3  # each distractor is in all 3
    assert findings(bank, "QB904", f"{few}\nshared-distractor-min-count = 4") == []
    assert findings(bank, "QB904", f"{few}\nshared-distractor-share = 1.0") == []


NEAR = ("A client brings a hand-knitted scarf to the {n} session as a thank-you gift for the work they "
        "did together on her grief. What should the social worker do FIRST?")


def test_stem_similarity(bank):
    write_bank(bank, [example_item(f"id: gift-{i}\nstem: {NEAR.format(n=n)}") for i, n in
                      enumerate(["last", "final"])])
    (found,) = findings(bank, "QB902")
    assert found.startswith("this stem is 82% similar")
    assert findings(bank, "QB902", "stem-similarity = 0.9") == []


def test_stem_alone_words(bank):
    write_bank(bank, [example_item("id: a\nstem: Which statement is true?"),
                      example_item("id: b\nstem: Which statement is true?").replace(
                          "Early childhood attachment patterns", "Sleep hygiene handouts")])
    assert findings(bank, "QB902") == []  # a short stem is compared with its options
    (found,) = findings(bank, "QB902", "stem-alone-words = 0")
    assert found.startswith("this stem is identical")


def family(n: int) -> list[str]:
    """``n`` stems that differ in one word: a templated family."""
    return [example_item(f"id: gift-{i:03d}\nstem: {NEAR.format(n=f'number-{i}')}") for i in range(n)]


def test_boilerplate_max(bank):
    write_bank(bank, family(6))
    assert len(findings(bank, "QB902")) == 5  # each later stem, at its earlier twin
    assert findings(bank, "QB902", "boilerplate-max = 3") == []  # a family over 3: its phrases are boilerplate


def test_boilerplate_share(bank):
    write_bank(bank, family(24))
    assert len(findings(bank, "QB902")) == 2  # more than 20 stems (the least cap): mostly boilerplate
    assert len(findings(bank, "QB902", "boilerplate-share = 1.0")) == 23


def test_a_cached_run_follows_a_changed_option(bank):
    write_bank(bank, [example_item(f"id: gift-{i}\nstem: {NEAR.format(n=n)}") for i, n in
                      enumerate(["last", "final"])])
    assert len(findings(bank, "QB902", cache=True)) == 1
    assert findings(bank, "QB902", "stem-similarity = 0.9", cache=True) == []
    assert len(findings(bank, "QB902", cache=True)) == 1


def test_every_option_is_tested_here_and_named_in_its_rule_doc():
    source = Path(__file__).read_text(encoding="utf-8")
    for name, (code, _) in declared_options().items():
        if name in ("min-options", "max-options", "stem-stoplist"):
            continue  # tests/test_config.py and the rule tests
        assert f"{name} =" in source, name
        assert f"`{name}`" in section(all_rules()[code].__doc__.replace("\n    ", "\n"), "What it flags"), name


def test_two_option_items(bank):
    two = example_item(OPTIONS_WITH_A_SHARED_WORD.split("  - text: Early childhood")[0])
    write_bank(bank, [two])
    assert findings(bank, "QB102") == []
    assert findings(bank, "QB102", "two-option-items = false") == [
        "the item has 2 options (2 options is a true/false item); add plausible distractors to reach at least 3"]


def test_spelling_words_and_spelling_min_letters(bank):
    write_bank(bank, [BASE_ITEM.replace("What should the social worker explore FIRST?",
                                        "What should the Beahvior Lab worker explore FIRST?")])
    assert findings(bank, "QB503") == [
        '"Beahvior" is a common misspelling of "behavior"; correct it, or add it to `spelling-words` in '
        "qbank.toml if it is right here"]
    assert findings(bank, "QB503", 'spelling-words = ["beahvior"]') == []
    assert findings(bank, "QB503", "spelling-min-letters = 9") == []


def test_literal_html_tags_are_reported_no_more(bank):
    stem = "stem: |\n  Which element is <div>a</div> or <span>b</span> in the layout the client built?\n"
    write_bank(bank, [example_item(stem + "  What should the social worker explore FIRST?")])
    assert [m.split(" ", 1)[0] for m in findings(bank, "QB502")] == ["<div>", "<span>"]
    assert [m.split(" ", 1)[0] for m in findings(bank, "QB502", 'literal-html-tags = ["DIV"]')] == ["<span>"]


def test_item_statistics_thresholds(bank):
    """QB920-QB924 judge imported statistics (qbank-stats.json); each threshold moves a finding."""
    import json

    (bank / "q000.yaml").write_text(BASE_ITEM, encoding="utf-8")

    def store(p, rpb, rates, rpbs, n=200):
        (bank / "qbank-stats.json").write_text(json.dumps({"version": 1, "forms": {}, "items": {
            "practice-sleep-001": {"n": n, "p": p, "rpb": rpb, "upper_lower": 0.3, "source": "r.csv",
                                   "imported": "2026-12-03",
                                   "options": [{"rate": r, "rpb": b} for r, b in zip(rates, rpbs)]}}}))

    store(0.9, 0.3, [0.9, 0.04, 0.03, 0.03], [0.3, -0.1, -0.1, -0.12], n=40)
    assert findings(bank, "QB920") == [] and len(findings(bank, "QB920", "too-easy-p = 0.85")) == 1
    assert len(findings(bank, "QB924")) == 3 and findings(bank, "QB924", "nonfunctioning-rate = 0.02") == []
    assert findings(bank, "QB924", "stats-min-n = 50") == []
    store(0.4, 0.2, [0.4, 0.3, 0.2, 0.1], [0.2, 0.25, -0.2, -0.3])
    assert findings(bank, "QB921") == [] and len(findings(bank, "QB921", "too-hard-p = 0.5")) == 1
    assert findings(bank, "QB922") == [] and len(findings(bank, "QB922", "min-rpb = 0.25")) == 1
    assert len(findings(bank, "QB923")) == 1 and findings(bank, "QB923", "miskey-margin = 0.1") == []
