"""Mutated question files through the real console script: lint, fmt, `lint --fix` and export
never crash, never lose data or a comment, and --fix and fmt are idempotent.

The suite runs a few thousand cases of benchmarks/fuzz.py (one bank folder per batch, so a few
qbank processes in all); `python benchmarks/fuzz.py --cases N --seed S` is the long version.
The first tests check the checker itself: each property it claims to test does fail on a
rewrite that breaks it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import fuzz  # noqa: E402

CASES, BATCH, SEED = 2000, 1000, 1

QUESTION = b"""\
# top comment
id: q1
stem: |  # header comment
  Which value is FIRST? Run `print('a' ,  "b")` to see.
options:
  - text: Yes  # the key
    correct: true
  - text: "a \\u200d b"
    rationale: See [the docs](http://example.com/a) for more.
explanation: It is.
"""


def kinds(before: bytes, after: bytes, command: str) -> list[str]:
    case = fuzz.Case(0, fuzz.Seed("test", "docs", before.decode()), ["none"], before)
    return [f.kind for f in fuzz.check_rewrite(command, case, before, after)]


def test_comments_are_found_outside_values_and_after_a_block_header():
    assert fuzz.comments(QUESTION) == {"# top comment": 1, "# header comment": 1, "# the key": 1}
    assert fuzz.comments(b"a: 'x # no'\nb: |\n  # text, not a comment\n") == {}


def test_a_rewrite_that_keeps_data_and_comments_passes():
    reordered = QUESTION.replace(b"explanation: It is.\n", b"").replace(b"options:", b"explanation: It is.\noptions:")
    assert kinds(QUESTION, reordered, "fmt") == []
    assert kinds(QUESTION, QUESTION.replace(b"  # header comment", b"  # header comment\n"), "fix") == []


def test_lost_comments_changed_values_and_yaml11_booleans_are_caught():
    assert kinds(QUESTION, QUESTION.replace(b"  # the key", b""), "fmt") == ["fmt-comment"]
    assert kinds(QUESTION, QUESTION.replace(b"It is.", b"It is!"), "fmt") == ["fmt-data"]
    assert kinds(b"a: 'Yes'\n", b"a: Yes\n", "fmt") == ["fmt-yaml11"]
    assert kinds(b"a: [\n", b"a: []\n", "fmt") == ["rewrote-unreadable"]


def test_fix_may_change_typography_and_case_but_nothing_else():
    assert kinds(QUESTION, QUESTION.replace(b"It is.", b"IT  is .."), "fix") == []
    assert kinds(b"a: \"It's 'x'\"\n", "a: It\u2019s \u201cx\u201d\n".encode(), "fix") == []
    assert kinds(QUESTION, QUESTION.replace(b"\\u200d", b""), "fix") == ["fix-data"]
    assert kinds(QUESTION, QUESTION.replace(b"' ,  \"b\"", b"', \"b\""), "fix") == ["fix-markdown"]
    assert kinds(QUESTION, QUESTION.replace(b"[the docs]", b"[The Docs]"), "fix") == ["fix-markdown"]
    assert kinds(QUESTION, QUESTION.replace(b"com/a)", b"com/A)"), "fix") == ["fix-markdown"]  # a URL keeps its case


def test_sorted_numeric_options_are_the_same_options():
    before = b"options:\n  - text: 20 mg\n    correct: true\n  - text: 10 mg\n    rationale: low\n"
    after = b"options:\n  - text: 10 mg\n    rationale: low\n  - text: 20 mg\n    correct: true\n"
    assert kinds(before, after, "fix") == []
    assert kinds(before, after.replace(b"low", b"high"), "fix") == ["fix-data"]


def test_cases_are_reproducible_one_at_a_time():
    seeds = fuzz.load_seeds()
    assert {s.name.split("/")[0] for s in seeds} == {"bank", "tests", "docs"}
    assert [fuzz.make_case(7, i, seeds).data for i in (5, 9)] == [fuzz.make_case(7, i, seeds).data for i in (5, 9)]
    assert fuzz.make_case(7, 5, seeds).data != fuzz.make_case(8, 5, seeds).data


def test_a_crash_in_a_batch_is_traced_to_the_file_causing_it(tmp_path, monkeypatch):
    seeds = fuzz.load_seeds()
    cases = [fuzz.make_case(1, i, seeds) for i in range(8)]
    bad = cases[5]

    def fake_lint(batch, work, timeout):  # stands in for a qbank that crashes on one file
        crashed = fuzz.Run(1, "", "Traceback (most recent call last):\nKeyError: 'x'")
        return (crashed, []) if bad in batch else (None, [])

    monkeypatch.setitem(fuzz.STEPS, "lint", fake_lint)
    found = fuzz.run_step("lint", cases, tmp_path, 10)
    assert [(f.kind, f.case.index) for f in found] == [("traceback", bad.index)]


def test_a_package_missing_a_question_is_caught(tmp_path):
    out = tmp_path / "out"
    subprocess.run([fuzz.QBANK, "export", "--all", "--out", str(out), "bank"], cwd=fuzz.REPO, check=True,
                   capture_output=True)
    questions = [fuzz.read_fast(p.read_bytes()) for p in sorted((fuzz.REPO / "bank").rglob("*.yaml"))]
    assert fuzz.package_problem(out, questions) is None
    assert f"items for {len(questions) + 1} questions" in fuzz.package_problem(out, questions + questions[:1])
    csv_file = next(out.glob("*.csv"))
    rows = csv_file.read_text("utf-8-sig")
    csv_file.write_text(rows.replace("Persistent depressive disorder", "Persistent disorder"), "utf-8-sig")
    assert "lacks 'Persistent depressive disorder'" in fuzz.package_problem(out, questions)
    csv_file.write_text("\n".join(rows.split("\n")[:-3]), "utf-8")
    assert "csv" in fuzz.package_problem(out, questions)


@pytest.mark.skipif(shutil.which(fuzz.QBANK) is None, reason="the qbank console script is not installed")
def test_mutated_files_never_crash_lose_data_or_comments(tmp_path):
    seeds = fuzz.load_seeds()
    failures: list[fuzz.Failure] = []
    for start in range(0, CASES, BATCH):
        batch = [fuzz.make_case(SEED, i, seeds) for i in range(start, start + BATCH)]
        failures += fuzz.run_batch(batch, tmp_path, steps=fuzz.SUITE_STEPS)
    assert not failures, f"{len(failures)} failures; reproduce one with " \
        f"`python benchmarks/fuzz.py --huge 0 --seed {SEED} " \
        "--case N`:\n" + "\n".join(f.line() for f in failures[:25])
