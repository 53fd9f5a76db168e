"""The corpus converter turns each source format into qbank question files, one bad item at a time.

The fixtures in benchmarks/corpus/testdata/ are written by the team (no third-party text).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "corpus"))

import convert  # noqa: E402

DATA = HERE / "corpus" / "testdata"
SCHEMA = json.loads((HERE.parent / "schema" / "question.schema.json").read_text(encoding="utf-8"))


def load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def run(kind: str, name: str, out: Path) -> dict:
    return convert.convert(kind, [DATA / name], out).as_dict()


def schema_complaints(doc: dict) -> set[str]:
    """What the schema says about a converted item, as (validator, missing key) names."""
    validator = jsonschema.Draft202012Validator(SCHEMA)
    found = set()
    for error in validator.iter_errors(doc):
        for leaf in (error.context or [error]):
            found.add(f"{leaf.validator}:{leaf.message.split(' ')[0]}")
    return found


def test_cnxml_lettered_list_becomes_options_and_solution_letter_the_key(tmp_path):
    summary = run("cnxml", "book-module.cnxml", tmp_path)
    assert summary["written"] == 2
    assert summary["skipped"] == {"key outside the options": 1, "no key": 1,
                                  "not multiple choice": 1}
    first = load(tmp_path / "os-book-module-ex-1.yaml")
    assert first["stem"].endswith("is *closest* to its star?")
    assert [o["text"] for o in first["options"]] == ["Alfa", "Bravo", "Charlie"]
    assert [o.get("correct", False) for o in first["options"]] == [False, True, False]
    assert first["topic"] == "Team Fixture Module"
    assert "explanation" not in first  # the solution is a bare letter: nothing to explain


def test_cnxml_options_inside_the_stem_paragraph_and_text_after_the_letter(tmp_path):
    run("cnxml", "book-module.cnxml", tmp_path)
    second = load(tmp_path / "os-book-module-ex-2.yaml")
    assert second["stem"] == "Which of the following is *not* a colour of the team flag?"
    assert second["options"][2] == {"text": "blue", "correct": True}
    assert second["explanation"] == "The flag is red and green only."


def test_missing_feedback_stays_missing_and_is_all_the_schema_reports(tmp_path):
    run("cnxml", "book-module.cnxml", tmp_path)
    doc = load(tmp_path / "os-book-module-ex-1.yaml")
    assert all("rationale" not in o for o in doc["options"])
    complaints = schema_complaints(doc)
    assert complaints and all(c.startswith("required:") for c in complaints)


def test_unreadable_file_is_counted_not_fatal(tmp_path):
    assert run("cnxml", "broken.cnxml", tmp_path) == {
        "files": 1, "written": 0, "skipped": {"unreadable file (ParseError)": 1}}
    assert run("jupyterquiz", "broken.json", tmp_path)["skipped"] == {
        "unreadable file (JSONDecodeError)": 1}


def test_skill_markdown_options_explanation_and_references(tmp_path):
    summary = run("skill-md", "skill-quiz.md", tmp_path)
    assert summary["written"] == 4
    assert summary["skipped"] == {"not multiple choice": 1, "several keys (multiple answers)": 1}
    q1 = load(tmp_path / "sk-skill-q1.yaml")
    assert [o["text"] for o in q1["options"]] == ["`say hi`", "`echo hi`", "`print hi`"]
    assert q1["options"][1]["correct"] is True
    assert q1["explanation"] == "The shell builtin `echo` writes its arguments to standard output."
    assert q1["references"] == ["https://example.org/echo"]
    assert q1["topic"] == "Team Fixture Quiz"


def test_skill_markdown_code_in_stem_and_fenced_blocks_under_options(tmp_path):
    run("skill-md", "skill-quiz.md", tmp_path)
    q2 = load(tmp_path / "sk-skill-q2.yaml")
    assert q2["stem"] == "What does this snippet print?\n\n```sh\necho $((1 + 2))\n```\n"
    q3 = load(tmp_path / "sk-skill-q3.yaml")
    assert q3["options"][0]["text"] == "A\n\n```sh\nif true then echo yes fi\n```\n"
    assert q3["options"][1]["text"].startswith("B\n\n```sh\nif true; then")
    assert q3["options"][1]["correct"] is True
    assert "explanation" not in q3


def test_skill_markdown_local_image_copied_into_media(tmp_path):
    run("skill-md", "skill-quiz.md", tmp_path)
    q5 = load(tmp_path / "sk-skill-q5.yaml")
    assert "![logo](media/skill-logo.png)" in q5["stem"]  # `?raw=true` dropped
    assert (tmp_path / "media" / "skill-logo.png").read_bytes() == \
        (DATA / "images" / "logo.png").read_bytes()


def test_skill_markdown_missing_image_keeps_reference_and_is_counted(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    shutil.copy(DATA / "skill-quiz.md", source / "skill-quiz.md")  # without images/
    summary = convert.convert("skill-md", [source], tmp_path / "out").as_dict()
    assert summary["skipped"]["media file absent (reference kept)"] == 1
    assert "media/skill-logo.png" in load(tmp_path / "out" / "sk-skill-q5.yaml")["stem"]


def test_jupyterquiz_feedback_becomes_rationale_and_key_feedback_the_explanation(tmp_path):
    summary = run("jupyterquiz", "jupyter-quiz.json", tmp_path)
    assert summary["written"] == 2
    assert summary["skipped"] == {"no key": 1, "not multiple choice": 1,
                                  "several keys (multiple answers)": 1,
                                  "unreadable item (not a mapping)": 1}
    q1 = load(tmp_path / "jq-jupyter-quiz-1.yaml")
    assert q1["stem"] == "Which number does the team pick as its **favourite**?"
    assert q1["options"] == [
        {"text": "3", "correct": True},
        {"text": "4", "rationale": "Incorrect. Four is one too many."},
        {"text": "5"},
    ]
    assert q1["explanation"] == "Correct. Three is the team's number."


def test_jupyterquiz_code_answers_become_inline_code(tmp_path):
    run("jupyterquiz", "jupyter-quiz.json", tmp_path)
    q2 = load(tmp_path / "jq-jupyter-quiz-2.yaml")
    assert q2["stem"] == "Which line assigns ten to `n`?"
    assert [o["text"] for o in q2["options"]] == ["`n <- 10`", "`n = 10`"]
    assert "explanation" not in q2  # the key has no feedback


def test_ids_are_valid_and_a_rerun_writes_the_same_bytes(tmp_path):
    for kind, name in [("cnxml", "book-module.cnxml"), ("skill-md", "skill-quiz.md"),
                       ("jupyterquiz", "jupyter-quiz.json")]:
        first, second = tmp_path / f"{kind}-1", tmp_path / f"{kind}-2"
        run(kind, name, first)
        run(kind, name, second)
        files = sorted(p.name for p in first.glob("*.yaml"))
        assert files == sorted(p.name for p in second.glob("*.yaml"))
        for file in files:
            assert (first / file).read_bytes() == (second / file).read_bytes()
            doc = load(first / file)
            assert doc["id"] == file[:-5]
            assert "pattern" not in {c.split(":")[0] for c in schema_complaints(doc)}


def test_cli_prints_the_summary_and_refuses_an_empty_input(tmp_path, capsys):
    assert convert.main(["jupyterquiz", str(DATA / "jupyter-quiz.json"), str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["written"] == 2
    with pytest.raises(SystemExit) as exc:
        convert.main(["cnxml", str(tmp_path / "nothing-here"), str(tmp_path / "out")])
    assert exc.value.code == 2
