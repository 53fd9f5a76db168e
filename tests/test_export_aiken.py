"""Aiken export, read back line by line as Moodle's Aiken reader reads it (moodle-facts.md):
a question line, `A) ` / `A. ` option lines, an `ANSWER:` line; lines under two characters skipped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import GOOD, write
from qbank.export import run_export
from test_export_common import BANKS, TRICKY, export_one, load

OPTION = re.compile(r"^[A-Z][).][ \t]?")


def read_aiken(source: str) -> tuple[list[tuple[str, list[str], str]], list[str]]:
    """(questions as (stem, options, key letter), problems) the way Moodle reads the file."""
    done, problems, current = [], [], None
    for number, raw in enumerate(source.replace("\r", "\n").split("\n"), 1):
        line = raw.strip()
        if len(line) < 2:
            continue
        if OPTION.match(line):
            if current is None:
                problems.append(f"{number}: option outside a question")
                continue
            current[1].append(line[2:].strip())
        elif line.startswith("ANSWER:"):
            if current is None or len(current[1]) < 2:
                problems.append(f"{number}: answer without a question of two options")
                current = None
                continue
            done.append((current[0], current[1], line.split(":", 1)[1].strip()[:1]))
            current = None
        else:
            if current is not None:
                problems.append(f"{number}: unfinished question")
            current = (line, [], "")
    if current is not None:  # Moodle drops it without a message: an exporter must never leave one
        problems.append("unfinished last question")
    return done, problems


def aiken(path: Path) -> list[tuple[str, list[str], str]]:
    found, problems = read_aiken(path.read_text("utf-8"))
    assert problems == []
    return found


@BANKS
def test_aiken_reads_back_as_the_bank_and_every_question_is_finished(bank_dir, tmp_path):
    bank = load(bank_dir)
    findings: list = []
    (path,) = run_export(bank, ["aiken"], tmp_path, findings=findings)
    got = aiken(path)   # no unfinished question, the last one included
    left_out = {Path(d.path).resolve() for d in findings if "left out" in d.message}
    kept = [q for q in bank.questions if Path(q.path).resolve() not in left_out]
    assert len(got) == len(kept)
    for q, (stem, options, key) in zip(kept, got):
        assert len(options) == len(q.options) and key == q.key_letter
        assert stem.endswith(("?", ":")) or q.stem.strip()[-1] not in "?:"


def test_aiken_holds_no_feedback(tmp_path):
    raw = export_one(load(TRICKY), "aiken", tmp_path).read_text("utf-8")
    bank = load(TRICKY)
    for q in bank.questions:
        for o in q.options:
            assert not o.rationale or o.rationale.strip() not in raw
        assert q.explanation.strip().splitlines()[0] not in raw


def test_markdown_becomes_plain_text_on_one_line(tmp_path):
    write(tmp_path / "bank", "md.yaml", GOOD.format(id="md").replace(
        "since starting a new job.", "since starting a **new** job.\n\n  It is `urgent` & <b>real</b>.").replace(
        "Early childhood attachment patterns", "Early *childhood* attachment patterns"))
    ((stem, options, key),) = aiken(export_one(load(tmp_path / "bank"), "aiken", tmp_path / "out"))
    assert stem == ("A 34-year-old client reports trouble sleeping since starting a new job. It is urgent & "
                    "<b>real</b>. What should the social worker explore FIRST?")
    assert options[2] == "Early childhood attachment patterns" and key == "A"


CANNOT = {
    "image": ("  What should the social worker explore FIRST?\n",
              "  ![chart](https://example.org/c.png)\n  What should the social worker explore FIRST?\n", "images"),
    "two-line-option": ("  - text: Early childhood attachment patterns\n",
                        "  - text: \"Early childhood\\n\\nattachment patterns\"\n", "more than one line"),
    "hard-break": ("  - text: Early childhood attachment patterns\n",
                   "  - text: \"Early childhood\\\\\\nattachment patterns\"\n", "more than one line"),
    "list-in-stem": ("  What should the social worker explore FIRST?\n",
                     "\n  - one\n  - two\n\n  What should the social worker explore FIRST?\n", "list"),
    "stem-like-an-option": ("  A 34-year-old client", "  A. 34-year-old client", "read it as one"),
    "stem-like-an-answer": ("  A 34-year-old client", "  ANSWER: a 34-year-old client", "read it as one"),
}


@pytest.mark.parametrize("case", CANNOT)
def test_a_question_aiken_cannot_express_is_left_out_with_a_located_warning(case, tmp_path):
    old, new, said = CANNOT[case]
    bad = GOOD.format(id="bad")
    assert old in bad
    write(tmp_path / "bank", "bad.yaml", bad.replace(old, new, 1))
    write(tmp_path / "bank", "good.yaml", GOOD.format(id="good"))
    findings: list = []
    (path,) = run_export(load(tmp_path / "bank"), ["aiken"], tmp_path / "out", findings=findings)
    assert len(aiken(path)) == 1
    (d,) = findings
    assert d.code == "QB011" and d.path.endswith("bad.yaml") and said in d.message
    line = Path(d.path).read_text().splitlines()[d.line - 1]
    assert line.startswith("  - text:" if case in ("two-line-option", "hard-break") else "stem:")


@BANKS
def test_two_aiken_exports_are_byte_identical(bank_dir, tmp_path):
    bank = load(bank_dir)
    assert export_one(bank, "aiken", tmp_path / "a").read_bytes() == export_one(bank, "aiken", tmp_path / "b").read_bytes()
