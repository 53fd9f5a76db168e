"""QB901-QB904: rules over the whole bank, including QB902 at 100,000 questions."""

from __future__ import annotations

import json
import random

from lintkit import lint_bank, make
from qbank.rules import all_rules
from qbank.rules.bank.duplicate_stem import stem_signature
from qbank.rules.base import BankItem, RuleOptions

THEORISTS = ["Erik Erikson", "Jean Piaget", "Lev Vygotsky", "Albert Bandura", "Carl Rogers", "Mary Ainsworth"]


def theory_item(i: int, key: int, n: int = 4, extra: str = "shuffle: false\n") -> str:
    opts = [THEORISTS[(i + j) % len(THEORISTS)] for j in range(n)]
    return make(f"Which theorist is associated with concept number {i} in the course reader, topic {i * 7}?",
                opts, key=key, id=f"t-{i:03d}", extra=extra)


def items_with_keys(keys: list[int], k: int = 4) -> list[BankItem]:
    return [BankItem(f"bank/q{i:03d}.yaml", 1, 1, [key, k]) for i, key in enumerate(keys)]


def check(code: str, items: list[BankItem]):
    return list(all_rules()[code].check_bank(items, RuleOptions()))


# --- QB901 -------------------------------------------------------------------------------

def test_uneven_key_positions_are_reported_once_at_the_first_file():
    (d,) = check("QB901", items_with_keys([1, 2] * 20))
    assert (d.path, d.line) == ("bank/q000.yaml", 1)
    assert "A 0, B 20, C 20, D 0" in d.message and "chi-square 40.0 > 11.34" in d.message


def test_balanced_keys_and_small_banks_pass():
    assert check("QB901", items_with_keys([0, 1, 2, 3] * 10)) == []
    assert check("QB901", items_with_keys([1, 2] * 9 + [1])) == []  # 19 < 5k = 20: too few to test


def test_each_option_count_is_tested_separately():
    mixed = items_with_keys([0, 1, 2] * 5, k=3) + items_with_keys([1, 2] * 10, k=4)
    (d,) = check("QB901", mixed)
    assert "20 4-option questions" in d.message


def test_a_run_of_five_equal_keys_is_reported_at_the_fifth():
    keys = [0, 1, 2, 3, 2, 2, 2, 2, 2, 2, 2, 0]
    (d,) = check("QB901", items_with_keys(keys))
    assert d.path == "bank/q008.yaml" and "keyed C" in d.message and "bank/q004.yaml" in d.message
    assert d.related == (("bank/q004.yaml", 1, 1),)
    assert check("QB901", items_with_keys([0, 1, 1, 1, 1, 2, 3, 3, 3, 3])) == []


def test_runs_through_real_questions_point_at_the_id_line():
    texts = [theory_item(i, key=0) for i in range(5)]
    (d,) = lint_bank(texts, ["QB901"])
    assert d.path == "bank/q00004.yaml" and d.line == 1 and d.column == 1


def test_runs_of_questions_whose_options_are_shuffled_on_export_are_not_reported():
    assert lint_bank([theory_item(i, key=0, extra="") for i in range(8)], ["QB901"]) == []


def test_only_questions_kept_in_order_count_towards_a_run():
    texts = [theory_item(i, key=0, extra="" if i % 2 else "shuffle: false\n") for i in range(10)]
    (d,) = lint_bank(texts, ["QB901"])
    assert d.path == "bank/q00008.yaml"  # the 5th of the items kept in order


# --- QB902 -------------------------------------------------------------------------------

GIFT = ("A client brings a hand-knitted scarf to the last session as a thank-you gift. "
        "What should the social worker do FIRST?")


def test_identical_stems_after_normalisation_are_an_error_at_the_later_file():
    texts = [make(GIFT, ["Consider its meaning", "Refuse it", "Report it"], id="a"),
             make(GIFT.upper().replace(".", " ").replace("hand-knitted", "*hand-knitted*"),
                  ["Consider its meaning", "Refuse it", "Report it"], id="b")]
    (d,) = lint_bank(texts, ["QB902"])
    assert d.severity.value == "error" and d.path == "bank/q00001.yaml"
    assert "identical to the stem in bank/q00000.yaml" in d.message
    assert d.related == (("bank/q00000.yaml", 1, 1),)


def test_near_duplicate_stems_are_info_and_name_the_most_similar_earlier_file():
    near = GIFT.replace("last session", "final session")
    texts = [make(GIFT, ["A", "B", "C"], id="a"), make("A client offers concert tickets. What now?", ["A", "B", "C"], id="b"),
             make(near, ["A", "B", "C"], id="c")]
    (d,) = lint_bank(texts, ["QB902"])
    assert d.severity.value == "info" and d.path == "bank/q00002.yaml"
    assert "% similar to the stem in bank/q00000.yaml" in d.message


def test_different_stems_on_the_same_topic_pass():
    other = ("A wealthy client offers the social worker tickets to a sold-out concert after a breakthrough "
             "session. How should the worker respond?")
    assert lint_bank([make(GIFT, ["A", "B", "C"], id="a"), make(other, ["A", "B", "C"], id="b")], ["QB902"]) == []


CODE_STEM = "What does this code print?\n\n```python\nprint({})\n```\n"


def test_stems_that_differ_only_in_their_code_are_different_questions():
    texts = [make(CODE_STEM.format("'a' * 3"), ["aaa", "a3", "An error"], id="a"),
             make(CODE_STEM.format("'A' * 3"), ["AAA", "A3", "An error"], id="b")]
    assert lint_bank(texts, ["QB902"]) == []


def test_stems_with_the_same_code_are_identical():
    texts = [make(CODE_STEM.format("'a' * 3"), ["aaa", "a3", "An error"], id="a"),
             make(CODE_STEM.format("'a' * 3").replace("print?", "print"), ["aaa", "a3", "An error"], id="b")]
    (d,) = lint_bank(texts, ["QB902"])
    assert d.severity.value == "error" and "bank/q00000.yaml" in d.message


def test_a_short_generic_stem_with_other_options_is_another_question():
    texts = [make("Which statement is true?", ["Veins carry blood to the heart", "Arteries are valveless"], id="a"),
             make("Which statement is true?", ["The liver makes bile", "The spleen makes insulin"], id="b")]
    assert lint_bank(texts, ["QB902"]) == []


def test_a_short_stem_with_the_same_options_in_another_order_is_a_duplicate():
    texts = [make("Synovial joints ____.", ["have a joint cavity", "lack cartilage"], id="a"),
             make("Synovial joints ____.", ["lack cartilage", "have a joint cavity"], key=1, id="b")]
    (d,) = lint_bank(texts, ["QB902"])
    assert d.severity.value == "error"


def test_signatures_are_deterministic_and_json_safe():
    a, b = stem_signature(GIFT), stem_signature(GIFT)
    assert a == b and json.loads(json.dumps(a)) == a
    assert stem_signature("**") is None


def test_near_duplicates_are_found_among_100000_questions():
    rnd = random.Random(20260101)
    vocab = [f"w{i}" for i in range(5000)]
    stems = [" ".join(rnd.choice(vocab) for _ in range(rnd.randint(25, 60))) + "?" for _ in range(100_000)]
    planted_near, planted_exact = [], []
    sources, targets = rnd.sample(range(50_000), 60), rnd.sample(range(50_000, 100_000), 60)
    for src, dst in zip(sources[:40], targets[:40]):  # a later question changing one word of an earlier one
        words = stems[src].split()
        words[len(words) // 2] = "changed"
        stems[dst] = " ".join(words)
        planted_near.append((src, dst))
    for src, dst in zip(sources[40:], targets[40:]):  # same words, different case and punctuation
        stems[dst] = stems[src].upper().replace(" ", ", ", 3)
        planted_exact.append((src, dst))
    items = [BankItem(f"bank/q{i:06d}.yaml", 1, 1, json.loads(json.dumps(stem_signature(s))))
             for i, s in enumerate(stems)]
    found = check("QB902", items)
    errors = {(int(d.related[0][0][6:12]), int(d.path[6:12])) for d in found if d.severity.value == "error"}
    warnings = {(int(d.related[0][0][6:12]), int(d.path[6:12])) for d in found if d.severity.value == "info"}
    assert errors == set(planted_exact)
    assert warnings == set(planted_near)


# --- QB903 -------------------------------------------------------------------------------

def longest_items(longest: list[int], k: int = 4) -> list[BankItem]:
    return [BankItem(f"bank/q{i:03d}.yaml", 1, 1, [flag, k]) for i, flag in enumerate(longest)]


def test_key_longest_far_above_chance_warns_once_at_the_first_file():
    (d,) = check("QB903", longest_items([1, 1, 0, 1] * 10))
    assert d.path == "bank/q000.yaml"
    assert "30 of 40 questions (75%; chance is 25%, z = 7.3)" in d.message


def test_key_longest_near_chance_or_tiny_banks_pass():
    assert check("QB903", longest_items([1, 0, 0, 0] * 10)) == []
    assert check("QB903", longest_items([1] * 12 + [0] * 28)) == []  # 30%: not 10 points over 25%
    assert check("QB903", longest_items([1] * 14 + [0] * 186)) == []  # under chance
    assert check("QB903", longest_items([1, 1, 1, 1])) == []  # too few questions to tell


def test_key_longest_summary_comes_from_option_lengths():
    texts = [make("What is the purpose of a genogram?",
                  ["To map family patterns across at least three generations", "To list resources", "To record diagnoses"],
                  id=f"g{i}") for i in range(5)]
    (d,) = lint_bank(texts, ["QB903"])
    assert "5 of 5 questions" in d.message


# --- QB904 -------------------------------------------------------------------------------

DEFENSES = ["Displacement", "Projection", "Sublimation", "Denial"]


def test_same_option_set_in_three_questions_is_reported_at_the_third():
    texts = [make(f"Scenario {i}: a man acts out his feelings. Which defense is this?",
                  DEFENSES[i:] + DEFENSES[:i], key=0, id=f"d{i}") for i in range(3)]
    (d,) = lint_bank(texts, ["QB904"])
    assert d.path == "bank/q00002.yaml" and d.severity.value == "info" and "used by 3 questions" in d.message
    assert len(d.related) == 2
    assert lint_bank(texts[:2], ["QB904"]) == []


def test_a_distractor_in_more_than_five_percent_of_a_large_bank_is_reported():
    texts = []
    for i in range(40):
        opts = [f"Answer {i} for the main case", f"Alternative {i} with detail", f"Another idea {i}"]
        if i in (3, 17, 29):
            opts[2] = "Refer the client to a psychiatrist"
        texts.append(make(f"Question {i}: what should the worker do in case {i * 13}?", opts, id=f"x{i}"))
    (d,) = lint_bank(texts, ["QB904"])
    assert d.path == "bank/q00003.yaml" and "3 of 40 questions (8%)" in d.message
    assert lint_bank(texts[:19], ["QB904"]) == []  # under 20 questions: not meaningful
