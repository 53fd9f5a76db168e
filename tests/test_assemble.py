"""`qbank assemble`: forms in a blueprint's proportions, reproducible, parallel and balanced."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from formkit import item, write_bank
from qbank.assemble import AssembleError, Request, assemble
from qbank.config import load_config
from qbank.engine import load_bank
from qbank.forms import read


def build(root: Path, request: Request):
    config = load_config([root])
    bank = load_bank([root], use_cache=False)
    return assemble(bank.questions, config.blueprints["outline"], request, config.options, str(config.path)), bank


@pytest.fixture
def big(tmp_path):
    return write_bank(tmp_path / "b", {"ethics": 40, "assessment": 24, "practice": 16})


def areas(form) -> Counter:
    return Counter(i.area for i in form.items)


def test_each_area_gets_its_share_by_largest_remainder(big):
    (form,), _ = build(big, Request(items=15))
    assert len(form.items) == 15 and len({i.id for i in form.items}) == 15
    assert areas(form) == {"Ethics": 8, "Assessment": 4, "Practice": 3}   # 7.5, 4.5, 3 -> the earlier tie wins
    assert all(i.id.startswith({"Ethics": "eth", "Assessment": "ass", "Practice": "pra"}[i.area]) for i in form.items)


def test_only_approved_items_unless_other_statuses_are_included(tmp_path):
    root = write_bank(tmp_path / "b", {"ethics": 5, "assessment": 3, "practice": 2}, status="review")
    with pytest.raises(AssembleError) as exc:
        build(root, Request(items=10))
    assert exc.value.diagnostics[0].message.startswith("area 'Ethics' has 0 usable items")
    (form,), _ = build(root, Request(items=10, statuses=frozenset({"approved", "review"})))
    assert len(form.items) == 10


@pytest.mark.parametrize("overlap, shared", [(0, 0), (50, 10), (100, 20), (25, 5)])
def test_forms_share_the_overlap_asked_for(big, overlap, shared):
    (a, b), _ = build(big, Request(items=20, forms=("A", "B"), overlap=overlap, seed=3))
    assert len({i.id for i in a.items} & {i.id for i in b.items}) == shared
    assert areas(a) == areas(b) == {"Ethics": 10, "Assessment": 6, "Practice": 4}


def test_the_same_seed_gives_the_same_form_files_and_another_seed_others(big, tmp_path, cli):
    def run(seed, out):
        result = cli("assemble", big, "--items", "20", "--forms", "A,B", "--overlap", "30", "--seed", seed,
                     "--out", out)
        assert result.exit_code == 0, result.output
        return [(out / f).read_bytes() for f in ("A.yaml", "B.yaml")]

    assert run(7, tmp_path / "one") == run(7, tmp_path / "two")
    assert run(8, tmp_path / "three") != run(7, tmp_path / "one")


def test_a_form_file_reads_back_as_written(big, tmp_path, cli):
    cli("assemble", big, "--items", "10", "--forms", "A", "--seed", "2", "--out", tmp_path / "f")
    form = read(tmp_path / "f" / "A.yaml")
    (again,), _ = build(big, Request(items=10, seed=2))
    assert (form.name, form.blueprint, form.seed) == ("A", "outline", 2)
    assert [(i.id, i.area, i.order) for i in form.items] == [(i.id, i.area, i.order) for i in again.items]


def test_near_duplicate_stems_never_share_a_form(tmp_path):
    root = write_bank(tmp_path / "b", {"ethics": 0, "assessment": 3, "practice": 2})
    for n in range(8):   # four pairs of stems that differ in one word
        stem = item("x", 100 + n // 2).split("\n")[1][len("stem: "):]
        if n % 2:
            stem = stem.replace("explore FIRST", "ask about FIRST")
        (root / "ethics" / f"eth-{n:03d}.yaml").write_text(item(f"eth-{n:03d}", 100 + n, "ethics", stem=stem))
    for seed in range(12):
        (form,), _ = build(root, Request(items=8, seed=seed))
        ethics = sorted(i.id for i in form.items if i.area == "Ethics")
        assert len(ethics) == 4 and len({int(i[-3:]) // 2 for i in ethics}) == 4, ethics   # one of each pair


def test_an_area_that_near_duplicates_leave_short_is_infeasible(tmp_path):
    root = write_bank(tmp_path / "b", {"ethics": 0, "assessment": 3, "practice": 2})
    stem = "A client who was recently laid off says she cannot sleep. What should the social worker explore FIRST?"
    for n in range(5):
        (root / "ethics" / f"eth-{n:03d}.yaml").write_text(item(f"eth-{n:03d}", 100 + n, "ethics", stem=stem))
    with pytest.raises(AssembleError) as exc:
        build(root, Request(items=10))
    (d,) = exc.value.diagnostics
    assert (d.code, d.line) == ("QB021", 12)
    assert d.message == ("area 'Ethics' has 5 usable items; a 10-item form needs 5 from it (its share: 5 in all) "
                         "(after keeping near-duplicate stems apart): it lacks 1")


def test_difficulty_follows_the_areas_mix_and_parallel_forms_get_the_same_mix(tmp_path):
    root = write_bank(tmp_path / "b", {"ethics": 40, "assessment": 24, "practice": 16})
    for path in sorted(root.glob("*/*.yaml")):   # a skewed mix: 60% medium, 30% easy, 10% hard
        n = int(path.stem[-3:])
        level = "hard" if n % 10 == 0 else "easy" if n % 10 in (1, 4, 7) else "medium"
        path.write_text(re.sub(r"difficulty: \w+", f"difficulty: {level}", path.read_text()))
    for seed in range(4):
        (a, b), bank = build(root, Request(items=20, forms=("A", "B"), overlap=20, seed=seed))
        level = {q.id: q.difficulty for q in bank.questions}
        mixes = [Counter(level[i.id] for i in form.items if i.area == "Ethics") for form in (a, b)]
        assert mixes[0] == mixes[1] == {"medium": 6, "easy": 3, "hard": 1}   # 10 items: 60/30/10


def test_key_positions_are_balanced_after_shuffling(big):
    for seed in range(5):
        (form,), bank = build(big, Request(items=40, seed=seed))
        by_id = {q.id: q for q in bank.questions}
        positions = Counter(i.order.index(by_id[i.id].key_index) for i in form.items)
        assert sorted(positions) == [0, 1, 2, 3] and max(positions.values()) - min(positions.values()) <= 1
        assert all(sorted(i.order) == [0, 1, 2, 3] for i in form.items)


def test_an_item_that_keeps_its_order_keeps_it(tmp_path):
    root = write_bank(tmp_path / "b", {"ethics": 5, "assessment": 3, "practice": 2}, shuffle=False)
    (form,), _ = build(root, Request(items=10))
    assert {i.order for i in form.items} == {(0, 1, 2, 3)}


def test_infeasible_requests_name_the_area_and_write_nothing(big, tmp_path, cli):
    result = cli("assemble", big, "--items", "60", "--forms", "A,B", "--overlap", "50", "--out", tmp_path / "f")
    assert result.exit_code == 1
    assert ("qbank.toml:12:1: QB021 form-infeasible: area 'Ethics' has 40 usable items; a 60-item form needs 30 "
            "from it (15 common + 15 for each of 2 forms: 45 in all): it lacks 5") in result.output
    assert "area 'Assessment' has 24 usable items; a 60-item form needs 18 from it (9 common + 9 for each of 2 " \
           "forms: 27 in all): it lacks 3" in result.output
    assert "area 'Practice' has 16 usable items" in result.output
    assert not (tmp_path / "f").exists()


def test_a_question_in_two_areas_stops_the_assembly(big, tmp_path, cli):
    toml = big / "qbank.toml"
    toml.write_text(toml.read_text().replace('value = "practice"', 'value = "ethics"'))
    result = cli("assemble", big, "--items", "10", "--out", tmp_path / "f")
    assert result.exit_code == 1 and "QB020 area-overlap" in result.output


@pytest.mark.parametrize("forms", ["../A", "A,A", "a/b", ","])
def test_form_names_are_file_names_inside_out(big, tmp_path, cli, forms):
    result = cli("assemble", big, "--items", "10", "--forms", forms, "--out", tmp_path / "f")
    assert result.exit_code == 2 and not (tmp_path / "f").exists() and not (tmp_path / "A.yaml").exists()


def test_without_items_or_form_size_is_a_usage_error(big, tmp_path, cli):
    assert cli("assemble", big, "--out", tmp_path / "f").exit_code == 2
    toml = big / "qbank.toml"
    toml.write_text(toml.read_text().replace('source = "written for the tests"',
                                             'source = "written for the tests"\nform-size = 10'))
    result = cli("assemble", big, "--out", tmp_path / "f")
    assert result.exit_code == 0 and len(read(tmp_path / "f" / "A.yaml").items) == 10


def test_status_chooses_which_questions_are_taken(tmp_path, cli):
    root = write_bank(tmp_path / "b", {"ethics": 5, "assessment": 3, "practice": 2}, status="review")
    assert cli("assemble", root, "--items", "10", "--out", tmp_path / "f").exit_code == 1
    assert cli("assemble", root, "--items", "10", "--status", "review", "--out", tmp_path / "f").exit_code == 0
    assert cli("assemble", root, "--items", "10", "--include-status", "review", "--out", tmp_path / "g").exit_code == 0
    assert (tmp_path / "f" / "A.yaml").read_bytes() == (tmp_path / "g" / "A.yaml").read_bytes()


def test_a_blueprint_with_a_mistake_is_reported_not_called_missing(big, tmp_path, cli):
    toml = big / "qbank.toml"
    toml.write_text(toml.read_text().replace("weight = 20", "weight = 25"))
    result = cli("assemble", big, "--items", "10", "--blueprint", "outline", "--out", tmp_path / "f")
    assert result.exit_code == 1 and "QB008 config: the weights of blueprint `outline` add up to 105%" in result.output
    result = cli("stats", big, "--blueprint", "outline")
    assert result.exit_code == 2 and "add up to 105%" in result.output
