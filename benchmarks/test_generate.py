"""Behaviour of the benchmark bank generator (run: pytest benchmarks/test_generate.py)."""

from __future__ import annotations

import collections
import json
import re
import statistics
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pytest
import yaml
from ruamel.yaml import YAML

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "schema" / "question.schema.json"
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")
COUNT = 600


def _files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.yaml"))


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("bank")
    manifest = generate.generate(root, COUNT, defects=0.1, seed=3)
    return root, manifest


@pytest.fixture(scope="module")
def docs(bank: tuple[Path, dict]) -> dict[str, dict]:
    root, _ = bank
    return {_rel(root, p): yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            for p in _files(root)}


def test_same_arguments_give_byte_identical_banks_and_another_seed_does_not(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate.generate(a, 250, defects=0.2, seed=11)
    generate.generate(b, 250, defects=0.2, seed=11)
    generate.generate(c, 250, defects=0.2, seed=12)
    files_a = [_rel(a, p) for p in _files(a)]
    assert files_a == [_rel(b, p) for p in _files(b)]
    assert len(files_a) == 250
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    assert (a / generate.MANIFEST).read_bytes() == (b / generate.MANIFEST).read_bytes()
    assert any((a / rel).read_bytes() != (c / rel).read_bytes() for rel in files_a if (c / rel).exists())


def test_regenerating_into_the_same_folder_leaves_no_stale_files(tmp_path: Path) -> None:
    generate.generate(tmp_path / "bank", 150, seed=1)
    generate.generate(tmp_path / "bank", 40, seed=1)
    assert len(_files(tmp_path / "bank")) == 40
    assert generate.read_manifest(tmp_path / "bank")["args"] == {"count": 40, "defects": 0.05, "seed": 1}


def test_every_file_reads_the_same_under_yaml_1_1_and_yaml_1_2(bank: tuple[Path, dict], docs: dict) -> None:
    # PyYAML resolves plain scalars by YAML 1.1, ruamel.yaml by 1.2; the writer must
    # quote whatever the two would read differently.
    root, _ = bank
    ruamel = YAML(typ="safe")
    for rel, data in docs.items():
        assert ruamel.load((root / rel).read_text(encoding="utf-8")) == data, rel


def test_check_jsonschema_fails_exactly_the_files_with_a_schema_defect(bank: tuple[Path, dict]) -> None:
    root, manifest = bank
    files = [_rel(root, p) for p in _files(root)]
    run = subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile", str(SCHEMA), "-o", "json", *files],
                         cwd=root, capture_output=True, text=True, timeout=300)
    report = json.loads(run.stdout)
    failing = {e["filename"] for e in report["errors"]}
    expected = {rel for rel, kind in manifest["defects"].items() if kind in generate.SCHEMA_DEFECTS}
    assert report["parse_errors"] == []
    assert expected, "the sample should contain schema defects"
    assert failing == expected
    assert run.returncode == 1


def test_schema_defects_are_the_ones_the_brief_names(bank: tuple[Path, dict], docs: dict) -> None:
    _, manifest = bank
    seen = collections.Counter(manifest["defects"].values())
    assert set(seen) == set(generate.DEFECT_KINDS)
    for rel, kind in manifest["defects"].items():
        options = docs[rel]["options"]
        keys = [o for o in options if o.get("correct") is True]
        if kind == "two-keys":
            assert len(keys) == 2
        elif kind == "correct-string":
            assert any(o.get("correct") == "yes" for o in options) and not keys
        elif kind == "missing-rationale":
            assert any("rationale" not in o and o.get("correct") is not True for o in options)
        elif kind == "unknown-key":
            known = {"id", "stem", "options", "explanation", "topic", "tags", "difficulty", "references", "lint"}
            assert set(docs[rel]) - known or any(set(o) - {"text", "correct", "rationale"} for o in options)


def test_duplicate_defects_repeat_an_id_or_stem_from_another_file(bank: tuple[Path, dict], docs: dict) -> None:
    _, manifest = bank
    ids = collections.Counter(d["id"] for d in docs.values())
    stems = collections.Counter(d["stem"] for d in docs.values())
    dup_ids = {rel for rel, kind in manifest["defects"].items() if kind == "duplicate-id"}
    dup_stems = {rel for rel, kind in manifest["defects"].items() if kind == "duplicate-stem"}
    assert dup_ids and dup_stems
    assert all(ids[docs[rel]["id"]] >= 2 for rel in dup_ids)
    assert all(stems[docs[rel]["stem"]] >= 2 for rel in dup_stems)
    # no duplicates beyond the planted ones
    assert sum(n - 1 for n in ids.values()) == len(dup_ids)
    assert sum(n - 1 for n in stems.values()) == len(dup_stems)


def test_files_look_like_a_real_bank(bank: tuple[Path, dict]) -> None:
    root, _ = bank
    paths = _files(root)
    sizes = [p.stat().st_size for p in paths]
    assert 1900 <= statistics.mean(sizes) <= 2600
    per_folder = collections.Counter(_rel(root, p.parent) for p in paths)
    assert all(rel.count("/") == 1 for rel in per_folder)  # area/subtopic/
    assert max(per_folder.values()) <= generate.FILES_PER_FOLDER
    assert len({rel.split("/")[0] for rel in per_folder}) == len(generate.AREAS)
    texts = [p.read_text(encoding="utf-8") for p in paths]

    def share(pattern: str) -> float:
        return sum(1 for t in texts if re.search(pattern, t, re.M)) / len(texts)

    assert 0.1 < share(r"^# yaml-language-server: \$schema=") < 0.35
    assert 0.15 < share(r"^#(?! yaml-language-server)|  # ") < 0.6  # other comments
    assert share("[À-ɏḀ-ỿ]") > 0.3 and share("—") > 0.1 and share("[“”’]") > 0.1
    assert 0 < share("[\U0001F300-\U0001FAFF]") < 0.1  # the occasional emoji
    assert share(r"^\s+- ") > 0.1 and share(r"\*[^*\s][^*]*\*") > 0.1 and share("`[^`]+`") > 0.03
    assert share("^    rationale: >-") > 0.1  # folded blocks as well as plain scalars


def test_option_counts_and_key_positions_are_spread(docs: dict, bank: tuple[Path, dict]) -> None:
    _, manifest = bank
    counts = collections.Counter()
    positions = collections.Counter()
    for rel, d in docs.items():
        if rel in manifest["defects"]:
            continue
        opts = d["options"]
        counts[len(opts)] += 1
        positions[(len(opts), next(i for i, o in enumerate(opts) if o.get("correct") is True))] += 1
    assert set(counts) == {3, 4, 5} and counts[4] > counts[3] + counts[5]
    four = [positions[(4, i)] for i in range(4)]
    assert max(four) - min(four) <= 0.1 * sum(four)


def test_clean_items_avoid_the_flaws_planted_in_defective_ones(docs: dict, bank: tuple[Path, dict]) -> None:
    _, manifest = bank
    for rel, d in docs.items():
        if rel in manifest["defects"]:
            continue
        opts = d["options"]
        texts = [o["text"] for o in opts]
        key = next(o for o in opts if o.get("correct") is True)
        lead_in = d["stem"].rstrip().rsplit("\n", 1)[-1]
        assert lead_in.endswith("?"), rel
        assert not re.search(r"\b(first|next|best|most|not|except)\b", lead_in), rel
        assert not any(re.search(r"\b(all|none) of the above\b", t, re.I) for t in texts), rel
        longest_distractor = max(len(o["text"]) for o in opts if o is not key)
        assert len(key["text"]) < 1.2 * longest_distractor, rel
        rationales = [o["rationale"] for o in opts if o is not key]
        assert all(len(r.split()) >= 8 for r in rationales) and len(set(rationales)) == len(rationales), rel
        assert not re.search(r"\b[A-E] is correct\b", d["explanation"]), rel
        assert len(d["explanation"].split()) >= 20, rel


def test_stems_are_not_near_duplicates_of_each_other(docs: dict, bank: tuple[Path, dict]) -> None:
    _, manifest = bank

    def shingles(text: str) -> set[tuple[str, ...]]:
        w = re.findall(r"\w+", text.casefold())
        return {tuple(w[i:i + 3]) for i in range(len(w) - 2)}

    sets = [shingles(d["stem"]) for rel, d in docs.items() if manifest["defects"].get(rel) != "duplicate-stem"]
    worst = max(len(a & b) / len(a | b) for a, b in combinations(sets, 2))
    assert worst < 0.7


def test_command_line_writes_the_bank_and_rejects_bad_arguments(tmp_path: Path) -> None:
    script = Path(generate.__file__)
    ok = subprocess.run([sys.executable, str(script), str(tmp_path / "b"), "--count", "25", "--seed", "4"],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert len(_files(tmp_path / "b")) == 25
    assert "25 questions" in ok.stdout
    bad = subprocess.run([sys.executable, str(script), str(tmp_path / "c"), "--count", "0"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "count must be at least 1" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_question_data_gives_approved_items_with_a_domain_for_blueprints() -> None:
    from qbank.model import question_from_data

    data = generate.question_data(601, seed=3)   # 100 items a folder, folders cycle over the areas
    assert data == generate.question_data(601, seed=3)
    assert len({d["id"] for d in data}) == len({d["stem"] for d in data}) == 601
    questions = [question_from_data(d) for d in data]
    assert {q.status for q in questions} == {"approved"}
    assert {q.fields["domain"] for q in questions} == {area for area, _, _, _ in generate.AREAS}
    assert all(sum(o.correct for o in q.options) == 1 for q in questions)
